/* hz-hub-store-consults.c: consults, their append-only history (whose
 * seq is the clients' resume cursor), idempotency keys and attachments. */
#include "config.h"

#include <unistd.h>

#include "hz-canonical-json.h"
#include "hz-hub-store-private.h"

static gint64
insert_event (HzHubStore *self,
              const char *consult_id,
              const char *actor,
              const char *kind,
              const char *payload,
              GError    **error)
{
  g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time ());

  if (!_hz_hub_store_run (self, _hz_hub_store_prepare (self, "INSERT INTO events (consult_id, actor, kind, payload, time_us)"
                                 " VALUES (?, ?, ?, ?, CAST (? AS INTEGER))", error,
                           consult_id, actor, kind, payload ? payload : "{}", now), error))
    return 0;
  return sqlite3_last_insert_rowid (self->db);
}

gint64
hz_hub_store_append_event (HzHubStore *self,
                           const char *consult_id,
                           const char *actor,
                           const char *kind,
                           const char *payload,
                           GError    **error)
{
  return insert_event (self, consult_id, actor, kind, payload, error);
}

/* Inside the caller's transaction: a key already used makes the whole
 * action fail rather than happen twice. */
static gboolean
insert_idempotent (HzHubStore            *self,
                   const HzHubIdempotent *idem,
                   GError               **error)
{
  g_autofree char *status = NULL;
  g_autofree char *now = NULL;

  if (idem == NULL)
    return TRUE;
  status = g_strdup_printf ("%u", idem->status);
  now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time ());
  return _hz_hub_store_run (self, _hz_hub_store_prepare (self, "INSERT INTO idempotency VALUES (?, ?, CAST (? AS INTEGER), ?, CAST (? AS INTEGER))",
                             error, idem->user_id, idem->key, status, idem->body, now), error);
}

static gboolean
commit (HzHubStore            *self,
        const HzHubIdempotent *idem,
        GError               **error)
{
  if (!_hz_hub_store_exec (self, "COMMIT", error))
    return FALSE;
  if (idem && self->crash_after_commit)
    _exit (99);
  return TRUE;
}

static char *
doc_text (JsonObject *doc)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, doc);
  return hz_canonical_json_from_node (node, NULL);
}

static char *
int_text (gint64 value)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

/* Inserts the consult with its "consult.created" event in one
 * transaction; returns the event's seq. */
gint64
hz_hub_store_create_consult (HzHubStore         *self,
                             const HzHubConsult *c,
                             const char         *bundle,
                             const HzHubIdempotent *idem,
                             GError            **error)
{
  g_autofree char *doc = doc_text (c->doc);
  g_autofree char *created = int_text (c->created_us);
  g_autofree char *updated = int_text (c->updated_us);
  g_autofree char *expires = int_text (c->expires_us);
  gint64 seq;

  if (!_hz_hub_store_exec (self, "BEGIN IMMEDIATE", error))
    return 0;
  if (!_hz_hub_store_run (self, _hz_hub_store_prepare (self, "INSERT INTO consults VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
                                 " CAST (? AS INTEGER), CAST (? AS INTEGER), CAST (? AS INTEGER), ?, ?, ?)", error,
                           c->id, hz_consult_state_to_string (c->state), hz_urgency_to_string (c->urgency),
                           c->requester_id, c->requester_institution, c->target_department,
                           c->target_institution, c->target_specialist, c->responder_id,
                           created, updated, expires, doc, bundle, c->bundle_etag), error) ||
      (seq = insert_event (self, c->id, c->requester_id, "consult.created", "{\"state\":\"requested\"}", error)) == 0 ||
      !insert_idempotent (self, idem, error) ||
      !commit (self, idem, error))
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return 0;
    }
  return seq;
}

#define CONSULT_COLUMNS "id, state, urgency, requester_id, requester_institution, target_department," \
                        " target_institution, target_specialist, responder_id, created_us, updated_us," \
                        " expires_us, doc, bundle_etag"

static HzHubConsult *
read_consult (sqlite3_stmt *stmt)
{
  HzHubConsult *c = g_new0 (HzHubConsult, 1);
  g_autoptr(JsonParser) parser = json_parser_new ();

  c->id = _hz_hub_store_col (stmt, 0);
  hz_consult_state_from_string ((const char *) sqlite3_column_text (stmt, 1), &c->state);
  hz_urgency_from_string ((const char *) sqlite3_column_text (stmt, 2), &c->urgency);
  c->requester_id = _hz_hub_store_col (stmt, 3);
  c->requester_institution = _hz_hub_store_col (stmt, 4);
  c->target_department = _hz_hub_store_col (stmt, 5);
  c->target_institution = _hz_hub_store_col (stmt, 6);
  c->target_specialist = _hz_hub_store_col (stmt, 7);
  c->responder_id = _hz_hub_store_col (stmt, 8);
  c->created_us = sqlite3_column_int64 (stmt, 9);
  c->updated_us = sqlite3_column_int64 (stmt, 10);
  c->expires_us = sqlite3_column_int64 (stmt, 11);
  if (json_parser_load_from_data (parser, (const char *) sqlite3_column_text (stmt, 12), -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    c->doc = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  else
    c->doc = json_object_new ();
  c->bundle_etag = _hz_hub_store_col (stmt, 13);
  return c;
}

HzHubConsult *
hz_hub_store_get_consult (HzHubStore *self,
                          const char *consult_id,
                          GError    **error)
{
  sqlite3_stmt *stmt = _hz_hub_store_prepare (self, "SELECT " CONSULT_COLUMNS " FROM consults WHERE id = ?", error, consult_id);
  HzHubConsult *c = NULL;

  if (stmt == NULL)
    return NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    c = read_consult (stmt);
  else
    g_set_error (error, HZ_HUB_STORE_ERROR, HZ_HUB_STORE_ERROR_NOT_FOUND, "no such consult");
  _hz_hub_store_release (stmt);
  return c;
}

/**
 * hz_hub_store_update_consult:
 * @expected_state: the state the change was decided from
 *
 * Writes the consult and its event in one transaction, only if nobody
 * moved it meanwhile (HZ_HUB_STORE_ERROR_CONFLICT otherwise). Returns
 * the event's seq.
 */
gint64
hz_hub_store_update_consult (HzHubStore         *self,
                             const HzHubConsult *c,
                             HzConsultState      expected_state,
                             const char         *actor,
                             const char         *kind,
                             const char         *payload,
                             const HzHubIdempotent *idem,
                             GError            **error)
{
  g_autofree char *doc = doc_text (c->doc);
  g_autofree char *updated = int_text (c->updated_us);
  gint64 seq;

  if (!_hz_hub_store_exec (self, "BEGIN IMMEDIATE", error))
    return 0;
  if (!_hz_hub_store_run (self, _hz_hub_store_prepare (self, "UPDATE consults SET state = ?, target_department = ?, target_institution = ?,"
                                 " target_specialist = ?, responder_id = ?, updated_us = CAST (? AS INTEGER), doc = ?"
                                 " WHERE id = ? AND state = ?", error,
                           hz_consult_state_to_string (c->state), c->target_department, c->target_institution,
                           c->target_specialist, c->responder_id, updated, doc, c->id,
                           hz_consult_state_to_string (expected_state)), error))
    goto fail;
  if (sqlite3_changes (self->db) != 1)
    {
      g_set_error (error, HZ_HUB_STORE_ERROR, HZ_HUB_STORE_ERROR_CONFLICT,
                   "the consult was changed by someone else meanwhile");
      goto fail;
    }
  seq = insert_event (self, c->id, actor, kind, payload, error);
  if (seq == 0 || !insert_idempotent (self, idem, error) || !commit (self, idem, error))
    goto fail;
  return seq;

fail:
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return 0;
}

/* What a user may list: their own requests; what is addressed to them or
 * (while open) to their department; as coordinator, their institution's. */
GPtrArray *
hz_hub_store_list_consults (HzHubStore      *self,
                            const HzHubUser *user,
                            HzHubBox         box,
                            gint             state,
                            GError         **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) hz_hub_consult_free);
  const char *state_name = state >= 0 ? hz_consult_state_to_string (state) : NULL;
  const char *role = hz_role_to_string (user->role);
  const char *box_name = box == HZ_HUB_BOX_INCOMING ? "in" : box == HZ_HUB_BOX_OUTGOING ? "out" : "all";
  sqlite3_stmt *stmt;
  int rc;

  stmt = _hz_hub_store_prepare (self,
    "SELECT " CONSULT_COLUMNS " FROM consults WHERE (?1 IS NULL OR state = ?1) AND ("
    "  (?5 != 'in' AND requester_id = ?2)"
    "  OR (?5 != 'out' AND (responder_id = ?2 OR target_specialist = ?2"
    "      OR (?3 = 'specialist' AND target_specialist IS NULL AND target_department = ?4"
    "          AND state IN ('requested', 'info_requested'))))"
    "  OR (?3 = 'coordinator' AND ((?5 != 'out' AND target_institution = ?6)"
    "      OR (?5 != 'in' AND requester_institution = ?6))))"
    " ORDER BY CASE urgency WHEN 'emergency' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END, created_us",
    error, state_name, user->id, role, user->department_id, box_name, user->institution_id);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (result, read_consult (stmt));
  _hz_hub_store_release (stmt);
  if (rc != SQLITE_DONE)
    {
      _hz_hub_store_set_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&result);
}

GPtrArray *
hz_hub_store_consults_in_state (HzHubStore     *self,
                                HzConsultState  state)
{
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) hz_hub_consult_free);
  sqlite3_stmt *stmt = _hz_hub_store_prepare (self, "SELECT " CONSULT_COLUMNS " FROM consults WHERE state = ?",
                                NULL, hz_consult_state_to_string (state));

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (result, read_consult (stmt));
  _hz_hub_store_release (stmt);
  return result;
}

GPtrArray *
hz_hub_store_due_for_expiry (HzHubStore *self,
                             gint64      now_us)
{
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) hz_hub_consult_free);
  g_autofree char *now = int_text (now_us);
  sqlite3_stmt *stmt = _hz_hub_store_prepare (self, "SELECT " CONSULT_COLUMNS " FROM consults WHERE"
                                      " state IN ('requested', 'info_requested') AND expires_us <= CAST (? AS INTEGER)",
                                NULL, now);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (result, read_consult (stmt));
  _hz_hub_store_release (stmt);
  return result;
}

char *
hz_hub_store_get_bundle (HzHubStore *self,
                         const char *consult_id)
{
  sqlite3_stmt *stmt = _hz_hub_store_prepare (self, "SELECT bundle FROM consults WHERE id = ?", NULL, consult_id);
  char *bundle = NULL;

  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    bundle = _hz_hub_store_col (stmt, 0);
  _hz_hub_store_release (stmt);
  return bundle;
}

gint64
hz_hub_store_last_seq (HzHubStore *self)
{
  sqlite3_stmt *stmt = _hz_hub_store_prepare (self, "SELECT coalesce (max (seq), 0) FROM events", NULL);
  gint64 seq = 0;

  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    seq = sqlite3_column_int64 (stmt, 0);
  _hz_hub_store_release (stmt);
  return seq;
}

/**
 * hz_hub_store_events:
 * @consult_id: (nullable): one consult's history, or all
 * @limit: at most this many (0: no limit)
 */
GPtrArray *
hz_hub_store_events (HzHubStore *self,
                     const char *consult_id,
                     gint64      after_seq,
                     guint       limit)
{
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) hz_hub_event_free);
  g_autofree char *after = int_text (after_seq);
  g_autofree char *max = int_text (limit ? (gint64) limit : -1);
  sqlite3_stmt *stmt = _hz_hub_store_prepare (self, "SELECT seq, consult_id, actor, kind, payload, time_us FROM events"
                                      " WHERE (?1 IS NULL OR consult_id = ?1) AND seq > CAST (?2 AS INTEGER)"
                                      " ORDER BY seq LIMIT CAST (?3 AS INTEGER)",
                                NULL, consult_id, after, max);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      HzHubEvent *e = g_new0 (HzHubEvent, 1);
      e->seq = sqlite3_column_int64 (stmt, 0);
      e->consult_id = _hz_hub_store_col (stmt, 1);
      e->actor = _hz_hub_store_col (stmt, 2);
      e->kind = _hz_hub_store_col (stmt, 3);
      e->payload = _hz_hub_store_col (stmt, 4);
      e->time_us = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (result, e);
    }
  _hz_hub_store_release (stmt);
  return result;
}

gboolean
hz_hub_store_add_attachment (HzHubStore *self,
                             const char *consult_id,
                             const char *sha256,
                             const char *content_type,
                             const char *filename,
                             GBytes     *data,
                             const char *actor,
                             const HzHubIdempotent *idem,
                             GError    **error)
{
  g_autofree char *payload = NULL;
  sqlite3_stmt *stmt;
  gsize size;
  const void *bytes = g_bytes_get_data (data, &size);

  if (!_hz_hub_store_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  /* 5 (size), 6 (data) and 8 (time) are bound again below, as numbers and a blob */
  stmt = _hz_hub_store_prepare (self, "INSERT OR IGNORE INTO attachments VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error,
                  consult_id, sha256, content_type, filename, NULL, NULL, actor, NULL);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 5, (sqlite3_int64) size);
  sqlite3_bind_blob64 (stmt, 6, bytes, size, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, g_get_real_time ());
  if (!_hz_hub_store_run (self, stmt, error))
    goto fail;
  payload = g_strdup_printf ("{\"sha256\":\"%s\",\"size\":%" G_GSIZE_FORMAT "}", sha256, size);
  if (insert_event (self, consult_id, actor, "attachment.added", payload, error) == 0 ||
      !insert_idempotent (self, idem, error) ||
      !commit (self, idem, error))
    goto fail;
  return TRUE;

fail:
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

GBytes *
hz_hub_store_get_attachment (HzHubStore *self,
                             const char *consult_id,
                             const char *sha256,
                             char      **content_type)
{
  sqlite3_stmt *stmt = _hz_hub_store_prepare (self, "SELECT data, content_type FROM attachments WHERE consult_id = ? AND sha256 = ?",
                                NULL, consult_id, sha256);
  GBytes *data = NULL;

  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      data = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
      *content_type = _hz_hub_store_col (stmt, 1);
    }
  _hz_hub_store_release (stmt);
  return data;
}

/* What a consult carries, without the bytes: [{sha256, filename,
 * content_type, size, added_by, added}], oldest first. */
JsonNode *
hz_hub_store_list_attachments (HzHubStore *self,
                               const char *consult_id)
{
  sqlite3_stmt *stmt = _hz_hub_store_prepare (self, "SELECT sha256, filename, content_type, size, added_by, created_us"
                                      " FROM attachments WHERE consult_id = ? ORDER BY created_us, sha256",
                                NULL, consult_id);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(GDateTime) added = g_date_time_new_from_unix_utc (sqlite3_column_int64 (stmt, 5) / G_USEC_PER_SEC);
      g_autofree char *added_text = added ? g_date_time_format_iso8601 (added) : NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "sha256");
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (stmt, 0));
      json_builder_set_member_name (b, "filename");
      if (sqlite3_column_type (stmt, 1) == SQLITE_NULL)
        json_builder_add_null_value (b);
      else
        json_builder_add_string_value (b, (const char *) sqlite3_column_text (stmt, 1));
      json_builder_set_member_name (b, "content_type");
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (stmt, 2));
      json_builder_set_member_name (b, "size");
      json_builder_add_int_value (b, sqlite3_column_int64 (stmt, 3));
      json_builder_set_member_name (b, "added_by");
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (stmt, 4));
      json_builder_set_member_name (b, "added");
      json_builder_add_string_value (b, added_text ? added_text : "");
      json_builder_end_object (b);
    }
  _hz_hub_store_release (stmt);
  json_builder_end_array (b);
  return json_builder_get_root (b);
}

gboolean
hz_hub_store_idempotent_get (HzHubStore *self,
                             const char *user_id,
                             const char *key,
                             guint      *status,
                             char      **body)
{
  sqlite3_stmt *stmt = _hz_hub_store_prepare (self, "SELECT status, body FROM idempotency WHERE user_id = ? AND key = ?",
                                NULL, user_id, key);
  gboolean found = FALSE;

  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      *status = (guint) sqlite3_column_int (stmt, 0);
      *body = _hz_hub_store_col (stmt, 1);
      found = TRUE;
    }
  _hz_hub_store_release (stmt);
  return found;
}
