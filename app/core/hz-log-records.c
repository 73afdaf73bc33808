/* hz-log-records.c: copying and freeing the log's plain records. */
#include "config.h"

#include "hz-log-chain.h"
#include "hz-log-records.h"

G_DEFINE_BOXED_TYPE (HzLogEvent, hz_log_event, hz_log_event_copy, hz_log_event_free)
G_DEFINE_BOXED_TYPE (HzLogConsult, hz_log_consult, hz_log_consult_copy, hz_log_consult_free)
G_DEFINE_BOXED_TYPE (HzLogOpinion, hz_log_opinion, hz_log_opinion_copy, hz_log_opinion_free)
G_DEFINE_BOXED_TYPE (HzLogOutboxItem, hz_log_outbox_item, hz_log_outbox_item_copy, hz_log_outbox_item_free)

HzLogEvent *
hz_log_event_copy (const HzLogEvent *event)
{
  HzLogEvent *copy = g_new0 (HzLogEvent, 1);

  copy->seq = event->seq;
  copy->time_us = event->time_us;
  copy->consult_id = g_strdup (event->consult_id);
  copy->actor = g_strdup (event->actor);
  copy->kind = g_strdup (event->kind);
  copy->payload = g_strdup (event->payload);
  copy->prev_hash = g_strdup (event->prev_hash);
  copy->hash = g_strdup (event->hash);
  return copy;
}

/* Frees the strings of an event that lives on the stack. */
void
hz_log_event_clear (HzLogEvent *event)
{
  g_clear_pointer (&event->consult_id, g_free);
  g_clear_pointer (&event->actor, g_free);
  g_clear_pointer (&event->kind, g_free);
  g_clear_pointer (&event->payload, g_free);
  g_clear_pointer (&event->prev_hash, g_free);
  g_clear_pointer (&event->hash, g_free);
}

void
hz_log_event_free (HzLogEvent *event)
{
  if (event == NULL)
    return;
  hz_log_event_clear (event);
  g_free (event);
}

/* The canonical form that was hashed, plus the hash itself: an auditor
 * can drop "hash", hash the rest and compare. */
char *
hz_log_event_to_json_line (const HzLogEvent *event)
{
  g_autoptr(GString) out = g_string_new (NULL);

  hz_log_chain_write_event (out, event->seq, event->time_us, event->consult_id,
                            event->actor, event->kind, event->payload,
                            event->prev_hash, event->hash);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

HzLogConsult *
hz_log_consult_copy (const HzLogConsult *consult)
{
  HzLogConsult *copy = g_new0 (HzLogConsult, 1);

  copy->id = g_strdup (consult->id);
  copy->patient_ref = g_strdup (consult->patient_ref);
  copy->requester = g_strdup (consult->requester);
  copy->responder = g_strdup (consult->responder);
  copy->state = consult->state;
  copy->created_us = consult->created_us;
  copy->updated_us = consult->updated_us;
  return copy;
}

void
hz_log_consult_free (HzLogConsult *consult)
{
  if (consult == NULL)
    return;
  g_free (consult->id);
  g_free (consult->patient_ref);
  g_free (consult->requester);
  g_free (consult->responder);
  g_free (consult);
}

HzLogOpinion *
hz_log_opinion_copy (const HzLogOpinion *opinion)
{
  HzLogOpinion *copy = g_new0 (HzLogOpinion, 1);

  copy->id = g_strdup (opinion->id);
  copy->consult_id = g_strdup (opinion->consult_id);
  copy->parent_id = g_strdup (opinion->parent_id);
  copy->author = g_strdup (opinion->author);
  copy->signed_us = opinion->signed_us;
  copy->body = g_strdup (opinion->body);
  copy->body_hash = g_strdup (opinion->body_hash);
  copy->signature = opinion->signature ? g_bytes_ref (opinion->signature) : NULL;
  copy->event_seq = opinion->event_seq;
  return copy;
}

void
hz_log_opinion_free (HzLogOpinion *opinion)
{
  if (opinion == NULL)
    return;
  g_free (opinion->id);
  g_free (opinion->consult_id);
  g_free (opinion->parent_id);
  g_free (opinion->author);
  g_free (opinion->body);
  g_free (opinion->body_hash);
  g_clear_pointer (&opinion->signature, g_bytes_unref);
  g_free (opinion);
}

HzLogOutboxItem *
hz_log_outbox_item_copy (const HzLogOutboxItem *item)
{
  HzLogOutboxItem *copy = g_new0 (HzLogOutboxItem, 1);

  copy->id = item->id;
  copy->idempotency_key = g_strdup (item->idempotency_key);
  copy->consult_id = g_strdup (item->consult_id);
  copy->action = g_strdup (item->action);
  copy->body = g_strdup (item->body);
  copy->created_us = item->created_us;
  copy->attempts = item->attempts;
  copy->last_error = g_strdup (item->last_error);
  return copy;
}

void
hz_log_outbox_item_free (HzLogOutboxItem *item)
{
  if (item == NULL)
    return;
  g_free (item->idempotency_key);
  g_free (item->consult_id);
  g_free (item->action);
  g_free (item->body);
  g_free (item->last_error);
  g_free (item);
}
