/* hz-consult-log-outbox.c: actions waiting for the hub.
 *
 * The app keeps working while the hub is away: an action goes into the
 * outbox with a fresh idempotency key, and is sent (with that key) until
 * the hub accepts it. The hub answers a repeated key with the first
 * result, so a retry after a lost answer does not act twice; once
 * delivered, the item never comes back from _pending(). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "hz-canonical-json.h"
#include "hz-consult-log-private.h"
#include "hz-event-kind.h"

#define MAX_ACTION_BYTES 64

static char *
key_payload (const char *key,
             const char *action)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "key");
  json_builder_add_string_value (builder, key);
  if (action)
    {
      json_builder_set_member_name (builder, "action");
      json_builder_add_string_value (builder, action);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return hz_canonical_json_from_node (root, NULL);
}

static gboolean
valid_action (const char *action,
              GError    **error)
{
  const char *p;

  if (action && *action && strlen (action) <= MAX_ACTION_BYTES)
    {
      for (p = action; *p; p++)
        if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-')
          break;
      if (*p == '\0')
        return TRUE;
    }
  g_set_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_INVALID_ARGUMENT,
               _("An outbox action must be a short name such as “consult.accept”"));
  return FALSE;
}

/**
 * hz_consult_log_outbox_enqueue:
 * @body: JSON object text to send
 *
 * Returns: (transfer full): the idempotency key, or NULL with @error set
 * and nothing stored.
 */
char *
hz_consult_log_outbox_enqueue (HzConsultLog *self,
                               const char   *consult_id,
                               const char   *action,
                               const char   *body,
                               const char   *actor,
                               GError      **error)
{
  g_autoptr(GError) json_error = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *payload = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (HZ_IS_CONSULT_LOG (self), NULL);

  if (!valid_action (action, error))
    return NULL;
  canonical = hz_canonical_json_from_string (body ? body : "{}", -1, TRUE, &json_error);
  if (canonical == NULL)
    {
      g_set_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_INVALID_PAYLOAD,
                   _("The action’s body is not valid: %s"), json_error->message);
      return NULL;
    }
  payload = key_payload (key, action);

  stmt = _hz_consult_log_prepare (self, "INSERT INTO outbox (idempotency_key, consult_id, action,"
                                        " body, created_us) VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, consult_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, action, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, canonical, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time ());

  if (!_hz_consult_log_begin (self, error))
    {
      sqlite3_finalize (stmt);
      return NULL;
    }
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      hz_consult_log_set_sqlite_error (error, self->db, rc, _("Could not queue the action"));
      _hz_consult_log_rollback (self);
      return NULL;
    }
  if (_hz_consult_log_append_in_txn (self, consult_id, actor,
                                     hz_event_kind_to_string (HZ_EVENT_KIND_OUTBOX_QUEUED),
                                     payload, error) == 0 ||
      !_hz_consult_log_commit (self, error))
    {
      _hz_consult_log_rollback (self);
      return NULL;
    }
  return g_steal_pointer (&key);
}

/**
 * hz_consult_log_outbox_pending:
 * @max_items: at most this many, 0 for all
 *
 * Returns: (transfer full) (element-type HzLogOutboxItem): undelivered
 * items, oldest first (the order they must reach the hub in).
 */
GPtrArray *
hz_consult_log_outbox_pending (HzConsultLog *self,
                               guint         max_items,
                               GError      **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) hz_log_outbox_item_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (HZ_IS_CONSULT_LOG (self), NULL);

  stmt = _hz_consult_log_prepare (self, "SELECT id, idempotency_key, consult_id, action, body,"
                                        " created_us, attempts, last_error FROM outbox"
                                        " WHERE delivered_us IS NULL ORDER BY id LIMIT ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, max_items ? (gint64) max_items : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HzLogOutboxItem *item = g_new0 (HzLogOutboxItem, 1);

      item->id = sqlite3_column_int64 (stmt, 0);
      item->idempotency_key = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      item->consult_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      item->action = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      item->body = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      item->created_us = sqlite3_column_int64 (stmt, 5);
      item->attempts = sqlite3_column_int (stmt, 6);
      item->last_error = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
      g_ptr_array_add (items, item);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      hz_consult_log_set_sqlite_error (error, self->db, rc, _("Could not read the outbox"));
      return NULL;
    }
  return g_steal_pointer (&items);
}

/* Runs an UPDATE on one item by key; *changed says whether a row moved. */
static gboolean
update_item (HzConsultLog *self,
             const char   *sql,
             const char   *key,
             const char   *text,
             gboolean     *changed,
             GError      **error)
{
  sqlite3_stmt *stmt = _hz_consult_log_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, g_get_real_time ());
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      hz_consult_log_set_sqlite_error (error, self->db, rc, _("Could not update the outbox"));
      return FALSE;
    }
  *changed = sqlite3_changes (self->db) > 0;
  return TRUE;
}

static gboolean
key_exists (HzConsultLog *self,
            const char   *key,
            char        **consult_id,
            GError      **error)
{
  sqlite3_stmt *stmt = _hz_consult_log_prepare (self, "SELECT consult_id FROM outbox"
                                                      " WHERE idempotency_key = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *consult_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc == SQLITE_DONE)
    g_set_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_NOT_FOUND,
                 _("No queued action has the key %s"), key);
  else
    hz_consult_log_set_sqlite_error (error, self->db, rc, _("Could not read the outbox"));
  return FALSE;
}

/**
 * hz_consult_log_outbox_mark_delivered:
 *
 * Marks an item as accepted by the hub, with an outbox.delivered event.
 * Marking it again is harmless and records nothing new.
 */
gboolean
hz_consult_log_outbox_mark_delivered (HzConsultLog *self,
                                      const char   *idempotency_key,
                                      const char   *actor,
                                      GError      **error)
{
  g_autofree char *consult_id = NULL;
  g_autofree char *payload = NULL;
  gboolean changed = FALSE;

  g_return_val_if_fail (HZ_IS_CONSULT_LOG (self), FALSE);
  g_return_val_if_fail (idempotency_key != NULL, FALSE);

  if (!_hz_consult_log_begin (self, error))
    return FALSE;
  if (!key_exists (self, idempotency_key, &consult_id, error) ||
      !update_item (self, "UPDATE outbox SET delivered_us = ?1, last_error = ?2"
                          " WHERE idempotency_key = ?3 AND delivered_us IS NULL",
                    idempotency_key, NULL, &changed, error))
    {
      _hz_consult_log_rollback (self);
      return FALSE;
    }
  payload = key_payload (idempotency_key, NULL);
  if (changed &&
      _hz_consult_log_append_in_txn (self, consult_id, actor,
                                     hz_event_kind_to_string (HZ_EVENT_KIND_OUTBOX_DELIVERED),
                                     payload, error) == 0)
    {
      _hz_consult_log_rollback (self);
      return FALSE;
    }
  return _hz_consult_log_commit (self, error);
}

/* A failed attempt is not an event: retries over a bad link would
 * otherwise flood the chain. It is counted on the item instead. */
gboolean
hz_consult_log_outbox_mark_failed (HzConsultLog *self,
                                   const char   *idempotency_key,
                                   const char   *message,
                                   GError      **error)
{
  g_autofree char *consult_id = NULL;
  gboolean changed = FALSE;

  g_return_val_if_fail (HZ_IS_CONSULT_LOG (self), FALSE);
  g_return_val_if_fail (idempotency_key != NULL, FALSE);

  if (!_hz_consult_log_begin (self, error))
    return FALSE;
  if (!key_exists (self, idempotency_key, &consult_id, error) ||
      !update_item (self, "UPDATE outbox SET attempts = attempts + 1, last_error = ?2"
                          " WHERE idempotency_key = ?3 AND delivered_us IS NULL AND ?1 IS NOT NULL",
                    idempotency_key, message, &changed, error))
    {
      _hz_consult_log_rollback (self);
      return FALSE;
    }
  return _hz_consult_log_commit (self, error);
}
