/* hz-consult-log-records.c: reading events, and the consults and
 * opinions kept beside the chain. Every change to either is also an
 * event in the chain, written in the same transaction. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "hz-canonical-json.h"
#include "hz-consult-log-private.h"
#include "hz-event-kind.h"

#define EVENT_COLUMNS "seq, time_us, consult_id, actor, kind, payload, prev_hash, hash"

static char *
column_dup (sqlite3_stmt *stmt,
            int           col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

static void
read_event_row (sqlite3_stmt *stmt,
                HzLogEvent   *event)
{
  event->seq = sqlite3_column_int64 (stmt, 0);
  event->time_us = sqlite3_column_int64 (stmt, 1);
  event->consult_id = column_dup (stmt, 2);
  event->actor = column_dup (stmt, 3);
  event->kind = column_dup (stmt, 4);
  event->payload = column_dup (stmt, 5);
  event->prev_hash = column_dup (stmt, 6);
  event->hash = column_dup (stmt, 7);
}

static gboolean
finish_query (HzConsultLog *self,
              sqlite3_stmt *stmt,
              int           rc,
              GError      **error)
{
  sqlite3_finalize (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  hz_consult_log_set_sqlite_error (error, self->db, rc, _("Could not read the consultation log"));
  return FALSE;
}

gint64
hz_consult_log_count_events (HzConsultLog *self,
                             GError      **error)
{
  sqlite3_stmt *stmt;
  gint64 count = 0;
  int rc;

  g_return_val_if_fail (HZ_IS_CONSULT_LOG (self), -1);

  stmt = _hz_consult_log_prepare (self, "SELECT count(*) FROM events", error);
  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      count = sqlite3_column_int64 (stmt, 0);
      rc = sqlite3_step (stmt);
    }
  return finish_query (self, stmt, rc, error) ? count : -1;
}

HzLogEvent *
hz_consult_log_get_event (HzConsultLog *self,
                          gint64        seq,
                          GError      **error)
{
  g_autoptr(HzLogEvent) event = g_new0 (HzLogEvent, 1);
  sqlite3_stmt *stmt;
  gboolean found = FALSE;
  int rc;

  g_return_val_if_fail (HZ_IS_CONSULT_LOG (self), NULL);

  stmt = _hz_consult_log_prepare (self, "SELECT " EVENT_COLUMNS " FROM events WHERE seq = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, seq);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      read_event_row (stmt, event);
      found = TRUE;
      rc = sqlite3_step (stmt);
    }
  if (!finish_query (self, stmt, rc, error))
    return NULL;
  if (!found)
    {
      g_set_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_NOT_FOUND,
                   _("There is no event %lld in the log"), (long long) seq);
      return NULL;
    }
  return g_steal_pointer (&event);
}

/**
 * hz_consult_log_foreach_event:
 * @consult_id: (nullable): only this consult's events, or all
 * @func: called in seq order; return FALSE to stop
 */
gboolean
hz_consult_log_foreach_event (HzConsultLog  *self,
                              const char    *consult_id,
                              HzLogEventFunc func,
                              gpointer       user_data,
                              GError       **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (HZ_IS_CONSULT_LOG (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (consult_id)
    stmt = _hz_consult_log_prepare (self, "SELECT " EVENT_COLUMNS " FROM events"
                                          " WHERE consult_id = ? ORDER BY seq", error);
  else
    stmt = _hz_consult_log_prepare (self, "SELECT " EVENT_COLUMNS " FROM events ORDER BY seq", error);
  if (stmt == NULL)
    return FALSE;
  if (consult_id)
    sqlite3_bind_text (stmt, 1, consult_id, -1, SQLITE_STATIC);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HzLogEvent event = { 0 };
      gboolean go_on;

      read_event_row (stmt, &event);
      go_on = func (&event, user_data);
      hz_log_event_clear (&event);
      if (!go_on)
        {
          rc = SQLITE_DONE;
          break;
        }
    }
  return finish_query (self, stmt, rc, error);
}

static char *
consult_payload (const HzLogConsult *consult)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "patient");
  json_builder_add_string_value (builder, consult->patient_ref);
  json_builder_set_member_name (builder, "requester");
  json_builder_add_string_value (builder, consult->requester);
  if (consult->responder)
    {
      json_builder_set_member_name (builder, "responder");
      json_builder_add_string_value (builder, consult->responder);
    }
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, hz_consult_state_to_string (consult->state));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return hz_canonical_json_from_node (root, NULL);
}

static gboolean
valid_consult (const HzLogConsult *consult,
               GError            **error)
{
  if (consult->id && *consult->id && consult->patient_ref && *consult->patient_ref &&
      consult->requester && *consult->requester && consult->state < HZ_N_CONSULT_STATES &&
      g_utf8_validate (consult->id, -1, NULL) && g_utf8_validate (consult->patient_ref, -1, NULL) &&
      g_utf8_validate (consult->requester, -1, NULL) &&
      (consult->responder == NULL || g_utf8_validate (consult->responder, -1, NULL)))
    return TRUE;
  g_set_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_INVALID_ARGUMENT,
               _("A consult needs an ID, a patient, a requester and a known state"));
  return FALSE;
}

/**
 * hz_consult_log_add_consult:
 *
 * Records a consult this side takes part in, with a consult.created
 * event. Fails with HZ_CONSULT_LOG_ERROR_EXISTS when it is known already.
 */
gboolean
hz_consult_log_add_consult (HzConsultLog       *self,
                            const HzLogConsult *consult,
                            const char         *actor,
                            GError            **error)
{
  g_autofree char *payload = NULL;
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time ();
  int rc;

  g_return_val_if_fail (HZ_IS_CONSULT_LOG (self), FALSE);

  if (!valid_consult (consult, error))
    return FALSE;
  payload = consult_payload (consult);
  stmt = _hz_consult_log_prepare (self, "INSERT INTO consults (id, patient_ref, requester, responder,"
                                        " state, created_us, updated_us) VALUES (?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, consult->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, consult->patient_ref, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, consult->requester, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, consult->responder, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, hz_consult_state_to_string (consult->state), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, consult->created_us ? consult->created_us : now);
  sqlite3_bind_int64 (stmt, 7, consult->updated_us ? consult->updated_us : now);

  if (!_hz_consult_log_begin (self, error))
    {
      sqlite3_finalize (stmt);
      return FALSE;
    }
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _hz_consult_log_rollback (self);
      if ((rc & 0xff) == SQLITE_CONSTRAINT)
        g_set_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_EXISTS,
                     _("The consult %s is already in the log"), consult->id);
      else
        hz_consult_log_set_sqlite_error (error, self->db, rc, _("Could not save the consult"));
      return FALSE;
    }
  if (_hz_consult_log_append_in_txn (self, consult->id, actor,
                                     hz_event_kind_to_string (HZ_EVENT_KIND_CONSULT_CREATED),
                                     payload, error) == 0 ||
      !_hz_consult_log_commit (self, error))
    {
      _hz_consult_log_rollback (self);
      return FALSE;
    }
  return TRUE;
}

static char *
state_payload (const char *from,
               HzConsultState to,
               const char *responder,
               const char *reason)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "from");
  json_builder_add_string_value (builder, from);
  json_builder_set_member_name (builder, "to");
  json_builder_add_string_value (builder, hz_consult_state_to_string (to));
  if (responder)
    {
      json_builder_set_member_name (builder, "responder");
      json_builder_add_string_value (builder, responder);
    }
  if (reason)
    {
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, reason);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return hz_canonical_json_from_node (root, NULL);
}

/**
 * hz_consult_log_set_consult_state:
 * @responder: (nullable): set the responder too (on accept)
 * @reason: (nullable): why, for declines and cancellations
 *
 * Mirrors a state the hub reported (the hub decides what is legal) and
 * records it as a consult.state_changed event.
 */
gboolean
hz_consult_log_set_consult_state (HzConsultLog  *self,
                                  const char    *consult_id,
                                  HzConsultState state,
                                  const char    *responder,
                                  const char    *actor,
                                  const char    *reason,
                                  GError       **error)
{
  g_autoptr(HzLogConsult) consult = NULL;
  g_autofree char *payload = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (HZ_IS_CONSULT_LOG (self), FALSE);
  g_return_val_if_fail (state < HZ_N_CONSULT_STATES, FALSE);

  if ((reason && !g_utf8_validate (reason, -1, NULL)) ||
      (responder && !g_utf8_validate (responder, -1, NULL)))
    {
      g_set_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_INVALID_ARGUMENT,
                   _("The reason and the responder must be UTF-8 text"));
      return FALSE;
    }
  if (!_hz_consult_log_begin (self, error))
    return FALSE;
  consult = hz_consult_log_get_consult (self, consult_id, error);
  if (consult == NULL)
    {
      _hz_consult_log_rollback (self);
      return FALSE;
    }
  payload = state_payload (hz_consult_state_to_string (consult->state), state, responder, reason);
  stmt = _hz_consult_log_prepare (self, "UPDATE consults SET state = ?, updated_us = ?,"
                                        " responder = coalesce (?, responder) WHERE id = ?", error);
  if (stmt == NULL)
    {
      _hz_consult_log_rollback (self);
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, hz_consult_state_to_string (state), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
  sqlite3_bind_text (stmt, 3, responder, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, consult_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      hz_consult_log_set_sqlite_error (error, self->db, rc, _("Could not save the consult"));
      _hz_consult_log_rollback (self);
      return FALSE;
    }
  if (_hz_consult_log_append_in_txn (self, consult_id, actor,
                                     hz_event_kind_to_string (HZ_EVENT_KIND_CONSULT_STATE_CHANGED),
                                     payload, error) == 0 ||
      !_hz_consult_log_commit (self, error))
    {
      _hz_consult_log_rollback (self);
      return FALSE;
    }
  return TRUE;
}

#define CONSULT_COLUMNS "id, patient_ref, requester, responder, state, created_us, updated_us"

static HzLogConsult *
read_consult_row (sqlite3_stmt *stmt)
{
  HzLogConsult *consult = g_new0 (HzLogConsult, 1);

  consult->id = column_dup (stmt, 0);
  consult->patient_ref = column_dup (stmt, 1);
  consult->requester = column_dup (stmt, 2);
  consult->responder = column_dup (stmt, 3);
  if (!hz_consult_state_from_string ((const char *) sqlite3_column_text (stmt, 4), &consult->state))
    consult->state = HZ_CONSULT_STATE_REQUESTED;
  consult->created_us = sqlite3_column_int64 (stmt, 5);
  consult->updated_us = sqlite3_column_int64 (stmt, 6);
  return consult;
}

HzLogConsult *
hz_consult_log_get_consult (HzConsultLog *self,
                            const char   *consult_id,
                            GError      **error)
{
  g_autoptr(HzLogConsult) consult = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (HZ_IS_CONSULT_LOG (self), NULL);
  g_return_val_if_fail (consult_id != NULL, NULL);

  stmt = _hz_consult_log_prepare (self, "SELECT " CONSULT_COLUMNS " FROM consults WHERE id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, consult_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      consult = read_consult_row (stmt);
      rc = sqlite3_step (stmt);
    }
  if (!finish_query (self, stmt, rc, error))
    return NULL;
  if (consult == NULL)
    g_set_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_NOT_FOUND,
                 _("The consult %s is not in this log"), consult_id);
  return g_steal_pointer (&consult);
}

/* Newest activity first, as a person scanning their consults expects. */
GPtrArray *
hz_consult_log_list_consults (HzConsultLog *self,
                              GError      **error)
{
  g_autoptr(GPtrArray) consults = g_ptr_array_new_with_free_func ((GDestroyNotify) hz_log_consult_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (HZ_IS_CONSULT_LOG (self), NULL);

  stmt = _hz_consult_log_prepare (self, "SELECT " CONSULT_COLUMNS " FROM consults"
                                        " ORDER BY updated_us DESC, id", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (consults, read_consult_row (stmt));
  if (!finish_query (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&consults);
}

static char *
opinion_event_payload (const char *opinion_id,
                       const char *parent_id,
                       const char *body_hash,
                       gboolean    signed_)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "opinion");
  json_builder_add_string_value (builder, opinion_id);
  json_builder_set_member_name (builder, "body_hash");
  json_builder_add_string_value (builder, body_hash);
  if (parent_id)
    {
      json_builder_set_member_name (builder, "parent");
      json_builder_add_string_value (builder, parent_id);
    }
  json_builder_set_member_name (builder, "signed");
  json_builder_add_boolean_value (builder, signed_);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return hz_canonical_json_from_node (root, NULL);
}

static gboolean
insert_opinion_row (HzConsultLog *self,
                    const char   *consult_id,
                    const char   *opinion_id,
                    const char   *parent_id,
                    const char   *author,
                    const char   *body,
                    const char   *body_hash,
                    GBytes       *signature,
                    gint64        event_seq,
                    GError      **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = _hz_consult_log_prepare (self, "INSERT INTO opinions (id, consult_id, parent_id, author,"
                                        " signed_us, body, body_hash, signature, event_seq)"
                                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, opinion_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, consult_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, parent_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, author, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time ());
  sqlite3_bind_text (stmt, 6, body, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, body_hash, -1, SQLITE_STATIC);
  if (signature)
    sqlite3_bind_blob (stmt, 8, g_bytes_get_data (signature, NULL),
                       (int) g_bytes_get_size (signature), SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, event_seq);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
    g_set_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_NOT_FOUND,
                 _("The opinion %s that this addendum corrects is not in the log"), parent_id);
  else if ((rc & 0xff) == SQLITE_CONSTRAINT)
    g_set_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_EXISTS,
                 _("The opinion %s is already in the log, and a stored opinion is locked; "
                   "write an addendum instead"), opinion_id);
  else
    hz_consult_log_set_sqlite_error (error, self->db, rc, _("Could not save the opinion"));
  return FALSE;
}

/**
 * hz_consult_log_add_opinion:
 * @parent_id: (nullable): the opinion this one is an addendum to
 * @body: JSON object text of the structured opinion
 * @signature: (nullable): the specialist's signature over the body
 *
 * Stores an opinion, locked from then on, with an opinion.signed (or
 * opinion.addendum) event carrying its hash. Returns the event's seq.
 */
gint64
hz_consult_log_add_opinion (HzConsultLog *self,
                            const char   *consult_id,
                            const char   *opinion_id,
                            const char   *parent_id,
                            const char   *author,
                            const char   *body,
                            GBytes       *signature,
                            GError      **error)
{
  g_autoptr(GError) json_error = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *payload = NULL;
  char body_hash[HZ_LOG_HASH_HEX_LEN + 1];
  HzEventKind kind = parent_id ? HZ_EVENT_KIND_OPINION_ADDENDUM : HZ_EVENT_KIND_OPINION_SIGNED;
  gint64 seq;

  g_return_val_if_fail (HZ_IS_CONSULT_LOG (self), 0);

  if (opinion_id == NULL || *opinion_id == '\0' || !g_utf8_validate (opinion_id, -1, NULL) ||
      (parent_id && !g_utf8_validate (parent_id, -1, NULL)))
    {
      g_set_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_INVALID_ARGUMENT,
                   _("An opinion needs an ID"));
      return 0;
    }
  canonical = hz_canonical_json_from_string (body ? body : "", -1, TRUE, &json_error);
  if (canonical == NULL)
    {
      g_set_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_INVALID_PAYLOAD,
                   _("The opinion is not valid: %s"), json_error->message);
      return 0;
    }
  hz_log_chain_sha256_hex (canonical, strlen (canonical), body_hash);
  payload = opinion_event_payload (opinion_id, parent_id, body_hash, signature != NULL);

  if (!_hz_consult_log_begin (self, error))
    return 0;
  seq = _hz_consult_log_append_in_txn (self, consult_id, author, hz_event_kind_to_string (kind),
                                       payload, error);
  if (seq == 0 ||
      !insert_opinion_row (self, consult_id, opinion_id, parent_id, author, canonical,
                           body_hash, signature, seq, error) ||
      !_hz_consult_log_commit (self, error))
    {
      _hz_consult_log_rollback (self);
      return 0;
    }
  return seq;
}

GPtrArray *
hz_consult_log_list_opinions (HzConsultLog *self,
                              const char   *consult_id,
                              GError      **error)
{
  g_autoptr(GPtrArray) opinions = g_ptr_array_new_with_free_func ((GDestroyNotify) hz_log_opinion_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (HZ_IS_CONSULT_LOG (self), NULL);

  stmt = _hz_consult_log_prepare (self, "SELECT id, consult_id, parent_id, author, signed_us, body,"
                                        " body_hash, signature, event_seq FROM opinions"
                                        " WHERE consult_id = ? ORDER BY event_seq", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, consult_id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HzLogOpinion *opinion = g_new0 (HzLogOpinion, 1);
      const void *sig = sqlite3_column_blob (stmt, 7);

      opinion->id = column_dup (stmt, 0);
      opinion->consult_id = column_dup (stmt, 1);
      opinion->parent_id = column_dup (stmt, 2);
      opinion->author = column_dup (stmt, 3);
      opinion->signed_us = sqlite3_column_int64 (stmt, 4);
      opinion->body = column_dup (stmt, 5);
      opinion->body_hash = column_dup (stmt, 6);
      if (sig)
        opinion->signature = g_bytes_new (sig, sqlite3_column_bytes (stmt, 7));
      opinion->event_seq = sqlite3_column_int64 (stmt, 8);
      g_ptr_array_add (opinions, opinion);
    }
  if (!finish_query (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&opinions);
}
