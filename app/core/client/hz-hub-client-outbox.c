/* hz-hub-client-outbox.c: creating and acting on consults through the
 * consult log's outbox, and recording what the user sees in the log.
 *
 * Every action is queued first, with the idempotency key the outbox
 * gives it, and then sent in queue order. That way an action whose answer
 * was lost, or that was taken while the hub was away, is sent again with
 * the same key and the hub acts on it exactly once. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hz-hub-client-private.h"

static const char *
member_string (JsonObject *object,
               const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

static gint64
iso_to_us (const char *text)
{
  g_autoptr(GDateTime) time = text ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  return time ? g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time) : 0;
}

/* Keeps the local log in step with what the hub told us: a new consult is
 * added, a changed state recorded. Only the patient's id goes into the
 * log's consult row; the case stays on the hub. */
void
_hz_hub_client_record_consult (HzHubClient *self,
                               JsonObject  *consult)
{
  g_autoptr(HzLogConsult) known = NULL;
  g_autoptr(GError) error = NULL;
  const char *id = member_string (consult, "id");
  const char *actor = hz_hub_client_get_user_id (self);
  HzConsultState state;
  JsonNode *patient;

  if (self->log == NULL || id == NULL ||
      !hz_consult_state_from_string (member_string (consult, "state"), &state))
    return;
  if (actor == NULL)
    actor = "local";
  known = hz_consult_log_get_consult (self->log, id, &error);
  if (known == NULL && g_error_matches (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_NOT_FOUND))
    {
      HzLogConsult record = { 0 };

      g_clear_error (&error);
      patient = json_object_get_member (consult, "patient");
      record.id = (char *) id;
      record.patient_ref = (char *) (patient && JSON_NODE_HOLDS_OBJECT (patient)
                                     ? member_string (json_node_get_object (patient), "id") : NULL);
      if (record.patient_ref == NULL)
        record.patient_ref = (char *) "unknown";
      record.requester = (char *) member_string (consult, "requester");
      record.responder = (char *) member_string (consult, "responder");
      record.state = state;
      record.created_us = iso_to_us (member_string (consult, "created"));
      record.updated_us = iso_to_us (member_string (consult, "updated"));
      if (!hz_consult_log_add_consult (self->log, &record, actor, &error))
        g_debug ("consult %s not recorded: %s", id, error->message);
    }
  else if (known && known->state != state)
    {
      if (!hz_consult_log_set_consult_state (self->log, id, state, member_string (consult, "responder"),
                                             actor, NULL, &error))
        g_debug ("consult %s state not recorded: %s", id, error->message);
    }
  else if (error)
    g_debug ("consult log: %s", error->message);
}

static char *
action_path (const char *action,
             const char *consult_id)
{
  const char *name = g_str_has_prefix (action, "consult.") ? action + strlen ("consult.") : action;

  if (g_strcmp0 (name, "create") == 0)
    return g_strdup ("consults");
  if (!_hz_hub_valid_id (consult_id) || !_hz_hub_valid_id (name))
    return NULL;
  return g_strdup_printf ("consults/%s/actions/%s", consult_id, name);
}

static gboolean
item_refused (const HzLogOutboxItem *item)
{
  return item->last_error && g_str_has_prefix (item->last_error, "refused:");
}

static GTask *
take_waiting (HzHubClient *self,
              const char  *key)
{
  gpointer stolen_key = NULL;
  gpointer task = NULL;

  if (!g_hash_table_steal_extended (self->waiting, key, &stolen_key, &task))
    return NULL;
  g_free (stolen_key);
  return task;
}

static void
return_queued_to_all (HzHubClient *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->waiting);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_task_return_new_error (G_TASK (value), HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_QUEUED,
                             _("The hub cannot be reached now. This is saved and will be sent "
                               "when the hub is back."));
  g_hash_table_remove_all (self->waiting);
}

typedef struct {
  char *key;
  char *action;
  char *consult_id;
} Sending;

static void
sending_free (Sending *sending)
{
  g_free (sending->key);
  g_free (sending->action);
  g_free (sending->consult_id);
  g_free (sending);
}

static void flush_next (HzHubClient *self);

static void
flush_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  HzHubClient *self = HZ_HUB_CLIENT (source);
  Sending *sending = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HzHubReply) reply = _hz_hub_client_send_finish (self, result, &error);
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GTask) task = NULL;

  if (reply == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      self->flushing = FALSE;
      sending_free (sending);
      return;
    }
  task = take_waiting (self, sending->key);

  if (reply == NULL || reply->status >= 500 || reply->status == 401)
    {
      /* Transient, or the session ended: keep the item for later. */
      if (reply && !_hz_hub_reply_check (reply, &error))
        g_debug ("outbox: hub answered %u, keeping the item", reply->status);
      if (self->log)
        hz_consult_log_outbox_mark_failed (self->log, sending->key, error ? error->message : "failed", NULL);
      if (task)
        g_task_return_new_error (task, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_QUEUED,
                                 _("The hub cannot be reached now. This is saved and will be sent "
                                   "when the hub is back."));
      return_queued_to_all (self);
      self->flushing = FALSE;
      _hz_hub_client_notify_outbox (self);
      if (reply && reply->status == 401)
        g_signal_emit (self, _hz_hub_client_signals[HZ_HUB_CLIENT_SIGNAL_SESSION_EXPIRED], 0);
      sending_free (sending);
      return;
    }

  object = _hz_hub_reply_to_object (reply, &error);
  if (object)
    {
      g_autoptr(GError) log_error = NULL;
      const char *actor = hz_hub_client_get_user_id (self);

      if (self->log &&
          !hz_consult_log_outbox_mark_delivered (self->log, sending->key, actor ? actor : "local", &log_error))
        g_warning ("Could not mark an outbox item delivered: %s", log_error->message);
      _hz_hub_client_record_consult (self, object);
      if (task)
        g_task_return_pointer (task, json_object_ref (object), (GDestroyNotify) json_object_unref);
    }
  else
    {
      /* The hub judged it and said no: never send it again. */
      g_autofree char *why = g_strdup_printf ("refused: %s", error->message);

      if (self->log)
        hz_consult_log_outbox_mark_failed (self->log, sending->key, why, NULL);
      if (task)
        g_task_return_error (task, g_steal_pointer (&error));
    }
  _hz_hub_client_notify_outbox (self);
  g_signal_emit (self, _hz_hub_client_signals[HZ_HUB_CLIENT_SIGNAL_OUTBOX_DELIVERED], 0,
                 sending->key, sending->action, sending->consult_id, object);
  sending_free (sending);
  flush_next (self);
}

static void
flush_next (HzHubClient *self)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  HzLogOutboxItem *item = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GBytes) body = NULL;
  Sending *sending;

  items = hz_consult_log_outbox_pending (self->log, 0, &error);
  if (items == NULL)
    g_warning ("Could not read the outbox: %s", error->message);
  for (guint i = 0; items && i < items->len && item == NULL; i++)
    {
      HzLogOutboxItem *candidate = g_ptr_array_index (items, i);

      if (item_refused (candidate))
        continue;
      path = action_path (candidate->action, candidate->consult_id);
      if (path == NULL)
        {
          hz_consult_log_outbox_mark_failed (self->log, candidate->idempotency_key,
                                             "refused: not a hub action", NULL);
          continue;
        }
      item = candidate;
    }
  if (item == NULL)
    {
      self->flushing = FALSE;
      _hz_hub_client_notify_outbox (self);
      return;
    }
  self->flushing = TRUE;
  sending = g_new0 (Sending, 1);
  sending->key = g_strdup (item->idempotency_key);
  sending->action = g_strdup (item->action);
  sending->consult_id = g_strdup (item->consult_id);
  body = g_bytes_new (item->body, strlen (item->body));
  _hz_hub_client_send (self, "POST", path, "application/json", body, item->idempotency_key, NULL,
                       self->cancellable, flush_cb, sending);
}

void
hz_hub_client_flush_outbox (HzHubClient *self)
{
  g_return_if_fail (HZ_IS_HUB_CLIENT (self));

  if (self->log == NULL || self->flushing || self->token == NULL)
    return;
  flush_next (self);
}

static void
direct_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  HzHubClient *self = HZ_HUB_CLIENT (source);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HzHubReply) reply = _hz_hub_client_send_finish (self, result, &error);
  JsonObject *object = NULL;

  if (reply)
    object = _hz_hub_reply_to_object (reply, &error);
  if (object == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, object, (GDestroyNotify) json_object_unref);
}

void
_hz_hub_client_submit (HzHubClient *self,
                       const char  *consult_id,
                       const char  *action,
                       JsonObject  *body,
                       GTask       *task)
{
  g_autofree char *outbox_action = g_strconcat ("consult.", action, NULL);
  g_autofree char *text = _hz_hub_json_to_string (body);
  g_autofree char *key = NULL;
  g_autoptr(GError) error = NULL;
  const char *actor = hz_hub_client_get_user_id (self);

  if (self->log == NULL)
    {
      /* No outbox: still a key, so a retry by the caller cannot act twice. */
      g_autofree char *path = action_path (outbox_action, consult_id);
      g_autofree char *random_key = g_uuid_string_random ();
      gsize len = strlen (text);
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&text), len);

      _hz_hub_client_send (self, "POST", path, "application/json", bytes, random_key, NULL,
                           g_task_get_cancellable (task), direct_cb, task);
      return;
    }
  key = hz_consult_log_outbox_enqueue (self->log, consult_id, outbox_action, text,
                                       actor ? actor : "local", &error);
  if (key == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  g_hash_table_insert (self->waiting, g_steal_pointer (&key), task);
  _hz_hub_client_notify_outbox (self);
  if (self->token == NULL)
    return_queued_to_all (self);
  else
    hz_hub_client_flush_outbox (self);
}

void
_hz_hub_client_outbox_dispose (HzHubClient *self)
{
  GHashTableIter iter;
  gpointer value;

  if (self->waiting == NULL)
    return;
  g_hash_table_iter_init (&iter, self->waiting);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_task_return_new_error (G_TASK (value), G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             "The hub client went away");
  g_hash_table_remove_all (self->waiting);
}
