/* hz-hub-keys.c: specialists' public signing keys on the hub, and the
 * signature checks on reported opinions and their addenda.
 *
 * Keys live in their own small SQLite file beside the store: they are
 * append-only (a new key retires the old one, which stays listed so old
 * opinions still verify), and keeping them apart leaves the store's
 * schema to its own migrations.
 *
 * The hub never signs and never trusts a client's word about who signed:
 * the consult id and author inside the checked payload are the hub's own
 * (the consult's id and the signed-in responder), so a signature cannot be
 * carried to another consult or claimed by another doctor. A refused
 * opinion is stored nowhere but leaves an "opinion.refused" event in the
 * consult's audit trail, so tampering is seen, not only bounced. */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "hz-canonical-json.h"
#include "hz-hub-access.h"
#include "hz-hub-keys.h"
#include "hz-hub-store.h"
#include "hz-signed-opinion.h"

#define MAX_ADDENDA 50

struct _HzHubKeys {
  GObject  parent_instance;
  sqlite3 *db;
};

G_DEFINE_FINAL_TYPE (HzHubKeys, hz_hub_keys, G_TYPE_OBJECT)

static void
hz_hub_keys_finalize (GObject *object)
{
  HzHubKeys *self = HZ_HUB_KEYS (object);

  g_clear_pointer (&self->db, sqlite3_close);
  G_OBJECT_CLASS (hz_hub_keys_parent_class)->finalize (object);
}

static void
hz_hub_keys_class_init (HzHubKeysClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hz_hub_keys_finalize;
}

static void
hz_hub_keys_init (HzHubKeys *self)
{
}

void
hz_hub_key_free (HzHubKey *key)
{
  if (key == NULL)
    return;
  g_free (key->user_id);
  g_free (key->public_key);
  g_free (key->fingerprint);
  g_free (key);
}

HzHubKeys *
hz_hub_keys_open (const char  *path,
                  GError     **error)
{
  g_autoptr(HzHubKeys) self = g_object_new (HZ_TYPE_HUB_KEYS, NULL);
  char *message = NULL;

  if (sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
      sqlite3_exec (self->db,
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                    "CREATE TABLE IF NOT EXISTS signing_keys (user_id TEXT NOT NULL, public_key TEXT NOT NULL,"
                    " fingerprint TEXT NOT NULL, registered_us INTEGER NOT NULL, retired_us INTEGER NOT NULL DEFAULT 0,"
                    " PRIMARY KEY (user_id, fingerprint));",
                    NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "signing keys %s: %s", path,
                   message ? message : sqlite3_errmsg (self->db));
      sqlite3_free (message);
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);
  g_chmod (path, 0600);
  return g_steal_pointer (&self);
}

static HzHubKey *
row_to_key (sqlite3_stmt *stmt)
{
  HzHubKey *key = g_new0 (HzHubKey, 1);

  key->user_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  key->public_key = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  key->fingerprint = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  key->registered_us = sqlite3_column_int64 (stmt, 3);
  key->retired_us = sqlite3_column_int64 (stmt, 4);
  return key;
}

GPtrArray *
hz_hub_keys_list (HzHubKeys  *self,
                  const char *user_id)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func ((GDestroyNotify) hz_hub_key_free);
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db,
                          "SELECT user_id, public_key, fingerprint, registered_us, retired_us FROM signing_keys"
                          " WHERE user_id = ? ORDER BY registered_us DESC, rowid DESC", -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_TRANSIENT);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_ptr_array_add (keys, row_to_key (stmt));
    }
  sqlite3_finalize (stmt);
  return keys;
}

HzHubKey *
hz_hub_keys_current (HzHubKeys  *self,
                     const char *user_id)
{
  g_autoptr(GPtrArray) keys = hz_hub_keys_list (self, user_id);

  if (keys->len == 0 || ((HzHubKey *) keys->pdata[0])->retired_us != 0)
    return NULL;
  return g_ptr_array_steal_index (keys, 0);
}

/* Registering the current key again changes nothing; a new one retires
 * the old. A retired key cannot come back: that would let a key the user
 * replaced (lost laptop, say) sign again. */
gboolean
hz_hub_keys_register (HzHubKeys   *self,
                      const char  *user_id,
                      const char  *public_key,
                      GError     **error)
{
  g_autoptr(GBytes) raw = hz_public_key_from_base64 (public_key, error);
  g_autofree char *fingerprint = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  gint64 now = g_get_real_time ();
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;
  guint i;

  if (raw == NULL)
    return FALSE;
  fingerprint = hz_public_key_fingerprint (raw);
  keys = hz_hub_keys_list (self, user_id);
  for (i = 0; i < keys->len; i++)
    {
      HzHubKey *k = keys->pdata[i];
      if (strcmp (k->fingerprint, fingerprint) != 0)
        continue;
      if (k->retired_us == 0)
        return TRUE;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "this key was retired and cannot be registered again");
      return FALSE;
    }
  if (sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    goto out;
  if (sqlite3_prepare_v2 (self->db, "UPDATE signing_keys SET retired_us = ? WHERE user_id = ? AND retired_us = 0",
                          -1, &stmt, NULL) != SQLITE_OK)
    goto out;
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_text (stmt, 2, user_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    goto out;
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (sqlite3_prepare_v2 (self->db, "INSERT INTO signing_keys (user_id, public_key, fingerprint, registered_us)"
                          " VALUES (?, ?, ?, ?)", -1, &stmt, NULL) != SQLITE_OK)
    goto out;
  sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, public_key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, fingerprint, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, now);
  ok = sqlite3_step (stmt) == SQLITE_DONE && sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
out:
  if (!ok)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "could not store the key: %s", sqlite3_errmsg (self->db));
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
    }
  sqlite3_finalize (stmt);
  return ok;
}

/* Request handlers ------------------------------------------------------- */

static HzHubKeys *
keys_for (HzHubRequest *req)
{
  HzHubServer *server = req->server;

  if (server->keys == NULL)
    {
      g_autofree char *path = g_build_filename (server->config->data_dir, "signing-keys.db", NULL);
      g_autoptr(GError) error = NULL;
      server->keys = hz_hub_keys_open (path, &error);
      if (server->keys == NULL)
        g_warning ("%s", error->message);
    }
  if (server->keys == NULL)
    hz_hub_reply_error (req->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server_error", "the key store is not available");
  return server->keys;
}

static char *
iso_time (gint64 us)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);
  return g_date_time_format (t, "%Y-%m-%dT%H:%M:%SZ");
}

static JsonNode *
key_to_node (const HzHubKey *key)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new ();
  g_autofree char *registered = iso_time (key->registered_us);

  json_object_set_string_member (o, "user", key->user_id);
  json_object_set_string_member (o, "alg", "ed25519");
  json_object_set_string_member (o, "public_key", key->public_key);
  json_object_set_string_member (o, "fingerprint", key->fingerprint);
  json_object_set_string_member (o, "registered", registered);
  if (key->retired_us)
    {
      g_autofree char *retired = iso_time (key->retired_us);
      json_object_set_string_member (o, "retired", retired);
    }
  else
    json_object_set_null_member (o, "retired");
  json_node_take_object (node, o);
  return node;
}

static void
put_my_key (HzHubRequest *req,
            HzHubKeys    *keys)
{
  static const char * const allowed[] = { "public_key", NULL };
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HzHubKey) current = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *payload = NULL;
  const char *public_key;

  if (req->user->role != HZ_ROLE_SPECIALIST)
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_FORBIDDEN, "forbidden", "only specialists sign opinions");
      return;
    }
  body = hz_hub_read_object (req, 4096, allowed);
  if (body == NULL || !hz_hub_get_string (req, body, "public_key", TRUE, 64, &public_key))
    return;
  if (!hz_hub_keys_register (keys, req->user->id, public_key, &error))
    {
      gboolean retired = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
      gboolean failed = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_FAILED);
      hz_hub_reply_error (req->msg, failed ? SOUP_STATUS_INTERNAL_SERVER_ERROR
                                           : retired ? SOUP_STATUS_CONFLICT : SOUP_STATUS_UNPROCESSABLE_ENTITY,
                          failed ? "server_error" : retired ? "key_retired" : "invalid", "%s", error->message);
      return;
    }
  current = hz_hub_keys_current (keys, req->user->id);
  payload = g_strdup_printf ("{\"fingerprint\":\"%s\"}", current->fingerprint);
  hz_hub_store_append_event (req->server->store, NULL, req->user->id, "key.registered", payload, NULL);
  node = key_to_node (current);
  hz_hub_reply_json (req->msg, SOUP_STATUS_OK, node);
}

static void
list_keys (HzHubRequest *req,
           HzHubKeys    *keys,
           const char   *user_id)
{
  g_autoptr(HzHubUser) user = hz_hub_store_get_user (req->server->store, user_id, NULL, NULL);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new ();
  JsonArray *array = json_array_new ();
  guint i;

  json_node_take_object (root, o);
  if (user == NULL)
    {
      json_array_unref (array);
      hz_hub_reply_error (req->msg, SOUP_STATUS_NOT_FOUND, "not_found", "no such user");
      return;
    }
  list = hz_hub_keys_list (keys, user->id);
  for (i = 0; i < list->len; i++)
    json_array_add_element (array, key_to_node (list->pdata[i]));
  json_object_set_string_member (o, "user", user->id);
  json_object_set_array_member (o, "keys", array);
  hz_hub_reply_json (req->msg, SOUP_STATUS_OK, root);
}

/* me/key (PUT, GET) and keys/USER (GET: every key, current first). */
void
hz_hub_api_keys (HzHubRequest *req)
{
  HzHubKeys *keys;
  gboolean me = req->n_parts == 2 && g_str_equal (req->parts[0], "me") && g_str_equal (req->parts[1], "key");
  gboolean other = req->n_parts == 2 && g_str_equal (req->parts[0], "keys");

  if (!me && !other)
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_NOT_FOUND, "not_found", "no such endpoint");
      return;
    }
  if (!(g_str_equal (req->method, "GET") || (me && g_str_equal (req->method, "PUT"))))
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed", "method not allowed here");
      return;
    }
  if ((keys = keys_for (req)) == NULL)
    return;
  if (me && g_str_equal (req->method, "PUT"))
    put_my_key (req, keys);
  else if (me)
    {
      g_autoptr(HzHubKey) current = hz_hub_keys_current (keys, req->user->id);
      g_autoptr(JsonNode) node = NULL;
      if (current == NULL)
        {
          hz_hub_reply_error (req->msg, SOUP_STATUS_NOT_FOUND, "no_key", "you have not registered a signing key");
          return;
        }
      node = key_to_node (current);
      hz_hub_reply_json (req->msg, SOUP_STATUS_OK, node);
    }
  else
    list_keys (req, keys, req->parts[1]);
}

/* Checking signatures ---------------------------------------------------- */

/* Leaves a trace of a refused signature, then replies. */
static void
refuse (HzHubRequest    *req,
        const char      *consult_id,
        HzSignedOpinion *offered,
        const char      *code,
        const char      *message)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new ();
  g_autofree char *payload = NULL;

  json_object_set_string_member (o, "code", code);
  if (offered)
    {
      json_object_set_string_member (o, "kind", hz_signed_opinion_get_kind (offered) == HZ_SIGNED_KIND_OPINION
                                                  ? "opinion" : "addendum");
      json_object_set_string_member (o, "offered_hash", hz_signed_opinion_get_hash (offered));
      json_object_set_string_member (o, "key", hz_signed_opinion_get_key_fingerprint (offered));
    }
  json_node_take_object (node, o);
  payload = hz_canonical_json_from_node (node, NULL);
  hz_hub_store_append_event (req->server->store, consult_id, req->user->id, "opinion.refused", payload, NULL);
  hz_hub_reply_error (req->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, code, "%s", message);
}

/* The signed item from the request, checked against the author's current
 * key; NULL after replying. */
static HzSignedOpinion *
check_signed (HzHubRequest *req,
              HzSignedKind  kind,
              const char   *consult_id,
              JsonObject   *content,
              const char   *parent,
              JsonObject   *body,
              HzHubKey    **key_out)
{
  g_autoptr(HzSignedOpinion) offered = NULL;
  g_autoptr(HzHubKey) key = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GError) error = NULL;
  HzHubKeys *keys;
  JsonNode *sig = json_object_get_member (body, "signature");

  if (sig == NULL || JSON_NODE_HOLDS_NULL (sig))
    {
      refuse (req, consult_id, NULL, "signature_required",
              "an opinion must be signed: “signature” {alg, key, signed_at, value} is required");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (sig))
    {
      refuse (req, consult_id, NULL, "invalid", "“signature” must be an object {alg, key, signed_at, value}");
      return NULL;
    }
  offered = hz_signed_opinion_new_from_wire (kind, consult_id, req->user->id, content, parent,
                                             json_node_get_object (sig), &error);
  if (offered == NULL)
    {
      refuse (req, consult_id, NULL, "invalid", error->message);
      return NULL;
    }
  if ((keys = keys_for (req)) == NULL)
    return NULL;
  key = hz_hub_keys_current (keys, req->user->id);
  if (key == NULL)
    {
      refuse (req, consult_id, offered, "no_key", "register your public key (PUT /api/v1/me/key) before signing");
      return NULL;
    }
  if (strcmp (key->fingerprint, hz_signed_opinion_get_key_fingerprint (offered)) != 0)
    {
      refuse (req, consult_id, offered, "wrong_key", "the signature names a key that is not your current registered key");
      return NULL;
    }
  raw = hz_public_key_from_base64 (key->public_key, NULL);
  if (!hz_signed_opinion_verify (offered, raw, &error))
    {
      refuse (req, consult_id, offered, "bad_signature",
              "the signature does not verify: the text was changed after signing, or it was signed with another key");
      return NULL;
    }
  *key_out = g_steal_pointer (&key);
  return g_steal_pointer (&offered);
}

static JsonObject *
author_key_object (const HzHubKey *key)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "alg", "ed25519");
  json_object_set_string_member (o, "public_key", key->public_key);
  json_object_set_string_member (o, "fingerprint", key->fingerprint);
  return o;
}

gboolean
hz_hub_keys_accept_report (HzHubRequest *req,
                           HzHubConsult *c,
                           JsonObject   *body,
                           JsonObject   *extra)
{
  static const char * const opinion_fields[] = { "findings", "diagnosis", "advice", "referral", "text", NULL };
  JsonObject *opinion = hz_hub_get_object (req, body, "opinion", TRUE, opinion_fields);
  g_autoptr(HzSignedOpinion) signed_op = NULL;
  g_autoptr(HzHubKey) key = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HzOpinion) parsed = NULL;

  if (opinion == NULL)
    return FALSE;
  parsed = hz_opinion_new_from_object (opinion, TRUE, &error);
  if (parsed == NULL || !hz_opinion_validate (parsed, &error))
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid", "%s", error->message);
      return FALSE;
    }
  signed_op = check_signed (req, HZ_SIGNED_KIND_OPINION, c->id, opinion, NULL, body, &key);
  if (signed_op == NULL)
    return FALSE;

  json_object_set_member (c->doc, "opinion", hz_signed_opinion_content_to_node (signed_op));
  json_object_set_member (c->doc, "signature", hz_signed_opinion_signature_to_node (signed_op));
  json_object_set_string_member (c->doc, "opinion_author", req->user->id);
  json_object_set_string_member (c->doc, "opinion_hash", hz_signed_opinion_get_hash (signed_op));
  json_object_set_object_member (c->doc, "author_key", author_key_object (key));
  json_object_set_string_member (extra, "opinion_hash", hz_signed_opinion_get_hash (signed_op));
  json_object_set_string_member (extra, "key", key->fingerprint);
  return TRUE;
}

/* POST consults/ID/addenda {"addendum": {"text"}, "parent", "signature"}:
 * the opinion's author corrects a reported opinion. parent must be the
 * hash of the last signed item (the opinion, or the latest addendum). */
void
hz_hub_api_addenda (HzHubRequest *req,
                    const char   *consult_id)
{
  static const char * const allowed[] = { "addendum", "parent", "signature", NULL };
  static const char * const addendum_fields[] = { "text", NULL };
  HzHubServer *server = req->server;
  g_autoptr(HzHubConsult) c = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(HzSignedOpinion) signed_add = NULL;
  g_autoptr(HzHubKey) key = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) entry_node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *reply_text = NULL;
  HzHubIdempotent idem;
  g_autofree char *payload = NULL;
  JsonObject *addendum, *entry;
  JsonArray *addenda;
  const char *parent, *last;
  gint64 seq;

  if (!g_str_equal (req->method, "POST"))
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed", "method not allowed here");
      return;
    }
  c = hz_hub_store_get_consult (server->store, consult_id, NULL);
  if (c == NULL || !hz_hub_access_may_see (req->user, c))
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_NOT_FOUND, "not_found", "no such consult");
      return;
    }
  if (g_strcmp0 (json_object_get_string_member_with_default (c->doc, "opinion_author", NULL), req->user->id) != 0)
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_FORBIDDEN, "forbidden", "only the opinion's author adds addenda");
      return;
    }
  if (c->state != HZ_CONSULT_STATE_REPORTED && c->state != HZ_CONSULT_STATE_CLOSED)
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_CONFLICT, "illegal_transition", "no signed opinion to correct");
      return;
    }
  body = hz_hub_read_object (req, server->config->max_json_bytes, allowed);
  if (body == NULL || (addendum = hz_hub_get_object (req, body, "addendum", TRUE, addendum_fields)) == NULL ||
      !hz_hub_get_string (req, body, "parent", TRUE, 64, &parent))
    return;

  if (!json_object_has_member (c->doc, "addenda"))
    json_object_set_array_member (c->doc, "addenda", json_array_new ());
  addenda = json_object_get_array_member (c->doc, "addenda");
  if (json_array_get_length (addenda) >= MAX_ADDENDA)
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_CONFLICT, "too_many", "at most %d addenda", MAX_ADDENDA);
      return;
    }
  last = json_array_get_length (addenda) == 0
           ? json_object_get_string_member_with_default (c->doc, "opinion_hash", "")
           : json_object_get_string_member_with_default (
               json_array_get_object_element (addenda, json_array_get_length (addenda) - 1), "hash", "");
  signed_add = check_signed (req, HZ_SIGNED_KIND_ADDENDUM, c->id, addendum, parent, body, &key);
  if (signed_add == NULL)
    return;
  if (strcmp (parent, last) != 0)
    {
      refuse (req, c->id, signed_add, "broken_chain",
              "“parent” is not the hash of the opinion's latest signed text");
      return;
    }

  entry = json_object_new ();
  json_node_take_object (entry_node, entry);
  json_object_set_string_member (entry, "author", req->user->id);
  json_object_set_member (entry, "addendum", hz_signed_opinion_content_to_node (signed_add));
  json_object_set_string_member (entry, "parent", parent);
  json_object_set_member (entry, "signature", hz_signed_opinion_signature_to_node (signed_add));
  json_object_set_string_member (entry, "hash", hz_signed_opinion_get_hash (signed_add));
  json_object_set_object_member (entry, "author_key", author_key_object (key));
  json_array_add_element (addenda, json_node_ref (entry_node));
  c->updated_us = g_get_real_time ();

  payload = g_strdup_printf ("{\"addendum_hash\":\"%s\",\"key\":\"%s\",\"parent\":\"%s\"}",
                             hz_signed_opinion_get_hash (signed_add), key->fingerprint, parent);
  /* The reply is stored with the event, so a retry with the same
   * Idempotency-Key gets it back instead of a second addendum. */
  reply = hz_hub_consult_to_json (c, TRUE);
  reply_text = hz_hub_json_text (reply);
  seq = hz_hub_store_update_consult (server->store, c, c->state, req->user->id, "consult.addendum", payload,
                                     hz_hub_request_idempotent (req, SOUP_STATUS_CREATED, reply_text, &idem),
                                     &error);
  if (seq == 0)
    {
      gboolean conflict = g_error_matches (error, HZ_HUB_STORE_ERROR, HZ_HUB_STORE_ERROR_CONFLICT);
      hz_hub_reply_error (req->msg, conflict ? SOUP_STATUS_CONFLICT : SOUP_STATUS_INTERNAL_SERVER_ERROR,
                          conflict ? "conflict" : "server_error", "%s", error->message);
      return;
    }
  hz_hub_server_publish_consult (server, c, seq);
  hz_hub_reply_text (req->msg, SOUP_STATUS_CREATED, reply_text);
}
