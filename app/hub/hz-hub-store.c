/* hz-hub-store.c: accounts, consults, history and attachments in SQLite.
 *
 * WAL, synchronised in groups: each transaction commits at once
 * (synchronous=NORMAL: it survives kill -9), and the server calls
 * hz_hub_store_sync() — one fsync of the WAL for every commit since the
 * last — before it answers any request that wrote, so an answered request
 * survives power loss too, as with synchronous=FULL, without one fsync
 * per request. The event history is
 * append-only (triggers refuse UPDATE and DELETE) and its seq is the
 * cursor that reconnecting clients resume from. */
#include "config.h"

#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "hz-canonical-json.h"
#include "hz-hub-auth.h"
#include "hz-hub-store.h"

/* Our tokens are 43 characters; anything far longer is refused before it
 * is hashed. */
#define MAX_TOKEN_CHARS 128

#define SCHEMA_VERSION 1

struct _HzHubStore {
  GObject  parent_instance;
  sqlite3 *db;
  /* Tests only (HUIZHEN_HUB_TEST_CRASH_AFTER_COMMIT=1): die right after
   * committing an action that carries an idempotency key, before any
   * answer is sent, as a power cut there would. */
  gboolean crash_after_commit;
  GHashTable *statements;  /* SQL text → prepared statement, kept */
  guint64  commits;        /* transactions committed so far */
  guint64  synced;         /* … of which the WAL holds durably */
};

G_DEFINE_QUARK (hz-hub-store-error-quark, hz_hub_store_error)
G_DEFINE_FINAL_TYPE (HzHubStore, hz_hub_store, G_TYPE_OBJECT)

static const char schema_v1[] =
  "CREATE TABLE institutions (id TEXT PRIMARY KEY, name TEXT NOT NULL, name_en TEXT,"
  "  level TEXT NOT NULL) STRICT;"
  "CREATE TABLE departments (id TEXT PRIMARY KEY, institution_id TEXT NOT NULL REFERENCES institutions (id),"
  "  name TEXT NOT NULL, name_en TEXT) STRICT;"
  "CREATE TABLE users (id TEXT PRIMARY KEY, display_name TEXT NOT NULL, role TEXT NOT NULL,"
  "  institution_id TEXT NOT NULL REFERENCES institutions (id), department_id TEXT REFERENCES departments (id),"
  "  licence TEXT, title TEXT, on_duty INTEGER NOT NULL DEFAULT 0, password_hash TEXT NOT NULL) STRICT;"
  "CREATE TABLE tokens (token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users (id),"
  "  expires_us INTEGER NOT NULL) STRICT;"
  "CREATE TABLE consults (id TEXT PRIMARY KEY, state TEXT NOT NULL, urgency TEXT NOT NULL,"
  "  requester_id TEXT NOT NULL, requester_institution TEXT NOT NULL, target_department TEXT,"
  "  target_institution TEXT, target_specialist TEXT, responder_id TEXT,"
  "  created_us INTEGER NOT NULL, updated_us INTEGER NOT NULL, expires_us INTEGER NOT NULL,"
  "  doc TEXT NOT NULL, bundle TEXT, bundle_etag TEXT) STRICT;"
  "CREATE INDEX consults_by_department ON consults (target_department, state);"
  "CREATE INDEX consults_by_requester ON consults (requester_id);"
  "CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, consult_id TEXT, actor TEXT NOT NULL,"
  "  kind TEXT NOT NULL, payload TEXT NOT NULL, time_us INTEGER NOT NULL) STRICT;"
  "CREATE INDEX events_by_consult ON events (consult_id, seq);"
  "CREATE TRIGGER events_append_only_u BEFORE UPDATE ON events"
  "  BEGIN SELECT RAISE (ABORT, 'hub history is append-only'); END;"
  "CREATE TRIGGER events_append_only_d BEFORE DELETE ON events"
  "  BEGIN SELECT RAISE (ABORT, 'hub history is append-only'); END;"
  "CREATE TABLE attachments (consult_id TEXT NOT NULL, sha256 TEXT NOT NULL, content_type TEXT NOT NULL,"
  "  filename TEXT, size INTEGER NOT NULL, data BLOB NOT NULL, added_by TEXT NOT NULL,"
  "  created_us INTEGER NOT NULL, PRIMARY KEY (consult_id, sha256)) STRICT;"
  "CREATE TABLE idempotency (user_id TEXT NOT NULL, key TEXT NOT NULL, status INTEGER NOT NULL,"
  "  body TEXT NOT NULL, created_us INTEGER NOT NULL, PRIMARY KEY (user_id, key)) STRICT;";

static void
hz_hub_store_finalize (GObject *object)
{
  HzHubStore *self = HZ_HUB_STORE (object);

  g_clear_pointer (&self->statements, g_hash_table_unref);  /* finalizes them */
  sqlite3_close_v2 (self->db);
  G_OBJECT_CLASS (hz_hub_store_parent_class)->finalize (object);
}

static void
hz_hub_store_class_init (HzHubStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hz_hub_store_finalize;
}

static void
hz_hub_store_init (HzHubStore *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) sqlite3_finalize);
}

static gboolean
set_error (HzHubStore *self,
           int         rc,
           GError    **error)
{
  int code = HZ_HUB_STORE_ERROR_FAILED;

  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    code = HZ_HUB_STORE_ERROR_EXISTS;
  g_set_error (error, HZ_HUB_STORE_ERROR, code, "store: %s", sqlite3_errmsg (self->db));
  return FALSE;
}

static gboolean
exec (HzHubStore *self,
      const char *sql,
      GError    **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  return rc == SQLITE_OK ? TRUE : set_error (self, rc, error);
}

/* Back to the cache, ready for the next use. */
static void
release (sqlite3_stmt *stmt)
{
  if (stmt == NULL)
    return;
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

/* Prepares (once per SQL text: parsing was a fifth of a consult
 * creation) and binds text arguments in order; NULL binds NULL. Give the
 * statement back with release(). A statement is never in use twice at a
 * time: no caller runs the same SQL while stepping through it. */
static sqlite3_stmt *
prepare (HzHubStore  *self,
         const char  *sql,
         GError     **error,
         ...)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int n, i;
  va_list args;

  if (stmt == NULL)
    {
      int rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
      if (rc != SQLITE_OK)
        {
          set_error (self, rc, error);
          return NULL;
        }
      g_hash_table_insert (self->statements, g_strdup (sql), stmt);
    }
  else
    release (stmt);  /* in case a caller left it half-stepped */
  n = sqlite3_bind_parameter_count (stmt);
  va_start (args, error);
  for (i = 1; i <= n; i++)
    sqlite3_bind_text (stmt, i, va_arg (args, const char *), -1, SQLITE_TRANSIENT);
  va_end (args);
  return stmt;
}

static gboolean
run (HzHubStore   *self,
     sqlite3_stmt *stmt,
     GError      **error)
{
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    set_error (self, rc, error);
  release (stmt);
  return rc == SQLITE_DONE;
}

static char *
col (sqlite3_stmt *stmt,
     int           i)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, i));
}

/* Every transaction, explicit or not, so that nothing written escapes
 * hz_hub_store_sync(). */
static int
count_commit (void *user_data)
{
  HzHubStore *self = user_data;

  self->commits++;
  return 0;
}

/**
 * hz_hub_store_commits:
 *
 * Returns: how many transactions were committed so far; the server
 * compares it before and after a request to know whether it wrote.
 */
guint64
hz_hub_store_commits (HzHubStore *self)
{
  return self->commits;
}

/* Commits that hz_hub_store_sync() has not made durable yet. */
gboolean
hz_hub_store_unsynced (HzHubStore *self)
{
  return self->synced != self->commits;
}

/**
 * hz_hub_store_sync:
 *
 * Makes every commit so far durable with one fsync of the WAL (what
 * synchronous=FULL does after each commit).
 */
gboolean
hz_hub_store_sync (HzHubStore *self,
                   GError    **error)
{
  sqlite3_file *wal = NULL;
  int rc;

  if (self->synced == self->commits)
    return TRUE;
  rc = sqlite3_file_control (self->db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal);
  if (rc == SQLITE_OK && wal && wal->pMethods)
    rc = wal->pMethods->xSync (wal, SQLITE_SYNC_NORMAL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, HZ_HUB_STORE_ERROR, HZ_HUB_STORE_ERROR_FAILED, "store: cannot sync: %s", sqlite3_errstr (rc));
      return FALSE;
    }
  self->synced = self->commits;
  return TRUE;
}

HzHubStore *
hz_hub_store_open (const char *path,
                   GError    **error)
{
  g_autoptr(HzHubStore) self = g_object_new (HZ_TYPE_HUB_STORE, NULL);
  sqlite3_stmt *stmt = NULL;
  int version = 0;
  int rc;

  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, HZ_HUB_STORE_ERROR, HZ_HUB_STORE_ERROR_FAILED, "cannot open %s: %s",
                   path, sqlite3_errstr (rc));
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);
  sqlite3_commit_hook (self->db, count_commit, self);
  self->crash_after_commit = g_strcmp0 (g_getenv ("HUIZHEN_HUB_TEST_CRASH_AFTER_COMMIT"), "1") == 0;
  if (!exec (self, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;", error))
    return NULL;
  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, HZ_HUB_STORE_ERROR, HZ_HUB_STORE_ERROR_TOO_NEW,
                   "%s was written by a newer huizhen-hub (format %d)", path, version);
      return NULL;
    }
  if (version < 1)
    {
      g_autofree char *sql = g_strdup_printf ("BEGIN IMMEDIATE; %s PRAGMA user_version = 1; COMMIT;", schema_v1);
      if (!exec (self, sql, error))
        {
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          return NULL;
        }
    }
  return g_steal_pointer (&self);
}

gboolean
hz_hub_store_add_institution (HzHubStore *self,
                              const char *id,
                              const char *name,
                              const char *name_en,
                              const char *level,
                              GError    **error)
{
  return run (self, prepare (self, "INSERT INTO institutions VALUES (?, ?, ?, ?)", error,
                             id, name, name_en, level), error);
}

gboolean
hz_hub_store_add_department (HzHubStore *self,
                             const char *id,
                             const char *institution_id,
                             const char *name,
                             const char *name_en,
                             GError    **error)
{
  return run (self, prepare (self, "INSERT INTO departments VALUES (?, ?, ?, ?)", error,
                             id, institution_id, name, name_en), error);
}

gboolean
hz_hub_store_add_user (HzHubStore      *self,
                       const HzHubUser *user,
                       const char      *password_hash,
                       GError         **error)
{
  return run (self, prepare (self, "INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error,
                             user->id, user->display_name, hz_role_to_string (user->role),
                             user->institution_id, user->department_id, user->licence, user->title,
                             user->on_duty ? "1" : "0", password_hash), error);
}

static HzHubUser *
read_user (sqlite3_stmt *stmt)
{
  HzHubUser *user = g_new0 (HzHubUser, 1);

  user->id = col (stmt, 0);
  user->display_name = col (stmt, 1);
  hz_role_from_string ((const char *) sqlite3_column_text (stmt, 2), &user->role);
  user->institution_id = col (stmt, 3);
  user->department_id = col (stmt, 4);
  user->licence = col (stmt, 5);
  user->title = col (stmt, 6);
  user->on_duty = sqlite3_column_int (stmt, 7) != 0;
  return user;
}

#define USER_COLUMNS "u.id, u.display_name, u.role, u.institution_id, u.department_id, u.licence, u.title, u.on_duty"

HzHubUser *
hz_hub_store_get_user (HzHubStore *self,
                       const char *user_id,
                       char      **password_hash,
                       GError    **error)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT " USER_COLUMNS ", u.password_hash FROM users u WHERE u.id = ?",
                                error, user_id);
  HzHubUser *user = NULL;

  if (stmt == NULL)
    return NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      user = read_user (stmt);
      if (password_hash)
        *password_hash = col (stmt, 8);
    }
  else
    g_set_error (error, HZ_HUB_STORE_ERROR, HZ_HUB_STORE_ERROR_NOT_FOUND, "no such user");
  release (stmt);
  return user;
}

char *
hz_hub_store_department_institution (HzHubStore *self,
                                     const char *department_id)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT institution_id FROM departments WHERE id = ?", NULL, department_id);
  char *result = NULL;

  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    result = col (stmt, 0);
  release (stmt);
  return result;
}

gboolean
hz_hub_store_is_empty (HzHubStore *self)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT count(*) FROM institutions", NULL);
  gboolean empty = TRUE;

  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    empty = sqlite3_column_int (stmt, 0) == 0;
  release (stmt);
  return empty;
}

/* Institutions with their departments, and every clinician (never the
 * password hashes). Patient data is not in the directory. */
JsonNode *
hz_hub_store_directory (HzHubStore *self,
                        GError    **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  sqlite3_stmt *stmt;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "institutions");
  json_builder_begin_array (b);
  stmt = prepare (self, "SELECT id, name, name_en, level FROM institutions ORDER BY id", error);
  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (stmt, 0));
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (stmt, 1));
      json_builder_set_member_name (b, "name_en");
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (stmt, 2));
      json_builder_set_member_name (b, "level");
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (stmt, 3));
      json_builder_end_object (b);
    }
  release (stmt);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "departments");
  json_builder_begin_array (b);
  stmt = prepare (self, "SELECT id, institution_id, name, name_en FROM departments ORDER BY id", error);
  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (stmt, 0));
      json_builder_set_member_name (b, "institution");
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (stmt, 1));
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (stmt, 2));
      json_builder_set_member_name (b, "name_en");
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (stmt, 3));
      json_builder_end_object (b);
    }
  release (stmt);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "users");
  json_builder_begin_array (b);
  stmt = prepare (self, "SELECT " USER_COLUMNS " FROM users u WHERE u.role != 'admin' ORDER BY u.id", error);
  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(HzHubUser) user = read_user (stmt);
      json_builder_add_value (b, hz_hub_user_to_json (user));
    }
  release (stmt);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Tokens are kept only as their SHA-256: a stolen database gives no
 * usable sessions. */
gboolean
hz_hub_store_add_token (HzHubStore *self,
                        const char *token,
                        const char *user_id,
                        gint64      expires_us,
                        GError    **error)
{
  g_autofree char *token_hash = hz_hub_auth_token_hash (token);
  g_autofree char *expires = g_strdup_printf ("%" G_GINT64_FORMAT, expires_us);

  /* drop this user's expired tokens while we are here */
  g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time ());
  run (self, prepare (self, "DELETE FROM tokens WHERE user_id = ? AND expires_us < CAST (? AS INTEGER)", NULL,
                      user_id, now), NULL);
  return run (self, prepare (self, "INSERT INTO tokens VALUES (?, ?, CAST (? AS INTEGER))", error,
                             token_hash, user_id, expires), error);
}

HzHubUser *
hz_hub_store_user_for_token (HzHubStore *self,
                             const char *token,
                             gint64      now_us)
{
  g_autofree char *token_hash = NULL;
  g_autofree char *now = NULL;
  sqlite3_stmt *stmt;
  HzHubUser *user = NULL;

  if (token == NULL || strlen (token) > MAX_TOKEN_CHARS)
    return NULL;
  token_hash = hz_hub_auth_token_hash (token);
  now = g_strdup_printf ("%" G_GINT64_FORMAT, now_us);
  stmt = prepare (self, "SELECT " USER_COLUMNS " FROM tokens t JOIN users u ON u.id = t.user_id"
                                      " WHERE t.token_hash = ? AND t.expires_us > CAST (? AS INTEGER)",
                                NULL, token_hash, now);

  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    user = read_user (stmt);
  release (stmt);
  return user;
}

void
hz_hub_store_delete_token (HzHubStore *self,
                           const char *token)
{
  g_autofree char *token_hash = hz_hub_auth_token_hash (token);

  run (self, prepare (self, "DELETE FROM tokens WHERE token_hash = ?", NULL, token_hash), NULL);
}

static gint64
insert_event (HzHubStore *self,
              const char *consult_id,
              const char *actor,
              const char *kind,
              const char *payload,
              GError    **error)
{
  g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time ());

  if (!run (self, prepare (self, "INSERT INTO events (consult_id, actor, kind, payload, time_us)"
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
  return run (self, prepare (self, "INSERT INTO idempotency VALUES (?, ?, CAST (? AS INTEGER), ?, CAST (? AS INTEGER))",
                             error, idem->user_id, idem->key, status, idem->body, now), error);
}

static gboolean
commit (HzHubStore            *self,
        const HzHubIdempotent *idem,
        GError               **error)
{
  if (!exec (self, "COMMIT", error))
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

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return 0;
  if (!run (self, prepare (self, "INSERT INTO consults VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
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

  c->id = col (stmt, 0);
  hz_consult_state_from_string ((const char *) sqlite3_column_text (stmt, 1), &c->state);
  hz_urgency_from_string ((const char *) sqlite3_column_text (stmt, 2), &c->urgency);
  c->requester_id = col (stmt, 3);
  c->requester_institution = col (stmt, 4);
  c->target_department = col (stmt, 5);
  c->target_institution = col (stmt, 6);
  c->target_specialist = col (stmt, 7);
  c->responder_id = col (stmt, 8);
  c->created_us = sqlite3_column_int64 (stmt, 9);
  c->updated_us = sqlite3_column_int64 (stmt, 10);
  c->expires_us = sqlite3_column_int64 (stmt, 11);
  if (json_parser_load_from_data (parser, (const char *) sqlite3_column_text (stmt, 12), -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    c->doc = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  else
    c->doc = json_object_new ();
  c->bundle_etag = col (stmt, 13);
  return c;
}

HzHubConsult *
hz_hub_store_get_consult (HzHubStore *self,
                          const char *consult_id,
                          GError    **error)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT " CONSULT_COLUMNS " FROM consults WHERE id = ?", error, consult_id);
  HzHubConsult *c = NULL;

  if (stmt == NULL)
    return NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    c = read_consult (stmt);
  else
    g_set_error (error, HZ_HUB_STORE_ERROR, HZ_HUB_STORE_ERROR_NOT_FOUND, "no such consult");
  release (stmt);
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

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return 0;
  if (!run (self, prepare (self, "UPDATE consults SET state = ?, target_department = ?, target_institution = ?,"
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

  stmt = prepare (self,
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
  release (stmt);
  if (rc != SQLITE_DONE)
    {
      set_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&result);
}

GPtrArray *
hz_hub_store_consults_in_state (HzHubStore     *self,
                                HzConsultState  state)
{
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) hz_hub_consult_free);
  sqlite3_stmt *stmt = prepare (self, "SELECT " CONSULT_COLUMNS " FROM consults WHERE state = ?",
                                NULL, hz_consult_state_to_string (state));

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (result, read_consult (stmt));
  release (stmt);
  return result;
}

GPtrArray *
hz_hub_store_due_for_expiry (HzHubStore *self,
                             gint64      now_us)
{
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) hz_hub_consult_free);
  g_autofree char *now = int_text (now_us);
  sqlite3_stmt *stmt = prepare (self, "SELECT " CONSULT_COLUMNS " FROM consults WHERE"
                                      " state IN ('requested', 'info_requested') AND expires_us <= CAST (? AS INTEGER)",
                                NULL, now);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (result, read_consult (stmt));
  release (stmt);
  return result;
}

char *
hz_hub_store_get_bundle (HzHubStore *self,
                         const char *consult_id)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT bundle FROM consults WHERE id = ?", NULL, consult_id);
  char *bundle = NULL;

  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    bundle = col (stmt, 0);
  release (stmt);
  return bundle;
}

gint64
hz_hub_store_last_seq (HzHubStore *self)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT coalesce (max (seq), 0) FROM events", NULL);
  gint64 seq = 0;

  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    seq = sqlite3_column_int64 (stmt, 0);
  release (stmt);
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
  sqlite3_stmt *stmt = prepare (self, "SELECT seq, consult_id, actor, kind, payload, time_us FROM events"
                                      " WHERE (?1 IS NULL OR consult_id = ?1) AND seq > CAST (?2 AS INTEGER)"
                                      " ORDER BY seq LIMIT CAST (?3 AS INTEGER)",
                                NULL, consult_id, after, max);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      HzHubEvent *e = g_new0 (HzHubEvent, 1);
      e->seq = sqlite3_column_int64 (stmt, 0);
      e->consult_id = col (stmt, 1);
      e->actor = col (stmt, 2);
      e->kind = col (stmt, 3);
      e->payload = col (stmt, 4);
      e->time_us = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (result, e);
    }
  release (stmt);
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

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  /* 5 (size), 6 (data) and 8 (time) are bound again below, as numbers and a blob */
  stmt = prepare (self, "INSERT OR IGNORE INTO attachments VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error,
                  consult_id, sha256, content_type, filename, NULL, NULL, actor, NULL);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 5, (sqlite3_int64) size);
  sqlite3_bind_blob64 (stmt, 6, bytes, size, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, g_get_real_time ());
  if (!run (self, stmt, error))
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
  sqlite3_stmt *stmt = prepare (self, "SELECT data, content_type FROM attachments WHERE consult_id = ? AND sha256 = ?",
                                NULL, consult_id, sha256);
  GBytes *data = NULL;

  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      data = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
      *content_type = col (stmt, 1);
    }
  release (stmt);
  return data;
}

/* What a consult carries, without the bytes: [{sha256, filename,
 * content_type, size, added_by, added}], oldest first. */
JsonNode *
hz_hub_store_list_attachments (HzHubStore *self,
                               const char *consult_id)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT sha256, filename, content_type, size, added_by, created_us"
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
  release (stmt);
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
  sqlite3_stmt *stmt = prepare (self, "SELECT status, body FROM idempotency WHERE user_id = ? AND key = ?",
                                NULL, user_id, key);
  gboolean found = FALSE;

  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      *status = (guint) sqlite3_column_int (stmt, 0);
      *body = col (stmt, 1);
      found = TRUE;
    }
  release (stmt);
  return found;
}
