/* hz-hub-store.c: the hub's SQLite store — opening it, the statement
 * helpers, accounts, the directory and tokens; consults, their history
 * and attachments are in hz-hub-store-consults.c.
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

#include "hz-hub-auth.h"
#include "hz-hub-store-private.h"

/* Our tokens are 43 characters; anything far longer is refused before it
 * is hashed. */
#define MAX_TOKEN_CHARS 128

#define SCHEMA_VERSION 1

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

gboolean
_hz_hub_store_set_error (HzHubStore *self,
           int         rc,
           GError    **error)
{
  int code = HZ_HUB_STORE_ERROR_FAILED;

  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    code = HZ_HUB_STORE_ERROR_EXISTS;
  g_set_error (error, HZ_HUB_STORE_ERROR, code, "store: %s", sqlite3_errmsg (self->db));
  return FALSE;
}

gboolean
_hz_hub_store_exec (HzHubStore *self,
      const char *sql,
      GError    **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  return rc == SQLITE_OK ? TRUE : _hz_hub_store_set_error (self, rc, error);
}

/* Back to the cache, ready for the next use. */
void
_hz_hub_store_release (sqlite3_stmt *stmt)
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
sqlite3_stmt *
_hz_hub_store_prepare (HzHubStore  *self,
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
          _hz_hub_store_set_error (self, rc, error);
          return NULL;
        }
      g_hash_table_insert (self->statements, g_strdup (sql), stmt);
    }
  else
    _hz_hub_store_release (stmt);  /* in case a caller left it half-stepped */
  n = sqlite3_bind_parameter_count (stmt);
  va_start (args, error);
  for (i = 1; i <= n; i++)
    sqlite3_bind_text (stmt, i, va_arg (args, const char *), -1, SQLITE_TRANSIENT);
  va_end (args);
  return stmt;
}

gboolean
_hz_hub_store_run (HzHubStore   *self,
     sqlite3_stmt *stmt,
     GError      **error)
{
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    _hz_hub_store_set_error (self, rc, error);
  _hz_hub_store_release (stmt);
  return rc == SQLITE_DONE;
}

char *
_hz_hub_store_col (sqlite3_stmt *stmt,
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
  if (!_hz_hub_store_exec (self, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;", error))
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
      if (!_hz_hub_store_exec (self, sql, error))
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
  return _hz_hub_store_run (self, _hz_hub_store_prepare (self, "INSERT INTO institutions VALUES (?, ?, ?, ?)", error,
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
  return _hz_hub_store_run (self, _hz_hub_store_prepare (self, "INSERT INTO departments VALUES (?, ?, ?, ?)", error,
                             id, institution_id, name, name_en), error);
}

gboolean
hz_hub_store_add_user (HzHubStore      *self,
                       const HzHubUser *user,
                       const char      *password_hash,
                       GError         **error)
{
  return _hz_hub_store_run (self, _hz_hub_store_prepare (self, "INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error,
                             user->id, user->display_name, hz_role_to_string (user->role),
                             user->institution_id, user->department_id, user->licence, user->title,
                             user->on_duty ? "1" : "0", password_hash), error);
}

static HzHubUser *
read_user (sqlite3_stmt *stmt)
{
  HzHubUser *user = g_new0 (HzHubUser, 1);

  user->id = _hz_hub_store_col (stmt, 0);
  user->display_name = _hz_hub_store_col (stmt, 1);
  hz_role_from_string ((const char *) sqlite3_column_text (stmt, 2), &user->role);
  user->institution_id = _hz_hub_store_col (stmt, 3);
  user->department_id = _hz_hub_store_col (stmt, 4);
  user->licence = _hz_hub_store_col (stmt, 5);
  user->title = _hz_hub_store_col (stmt, 6);
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
  sqlite3_stmt *stmt = _hz_hub_store_prepare (self, "SELECT " USER_COLUMNS ", u.password_hash FROM users u WHERE u.id = ?",
                                error, user_id);
  HzHubUser *user = NULL;

  if (stmt == NULL)
    return NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      user = read_user (stmt);
      if (password_hash)
        *password_hash = _hz_hub_store_col (stmt, 8);
    }
  else
    g_set_error (error, HZ_HUB_STORE_ERROR, HZ_HUB_STORE_ERROR_NOT_FOUND, "no such user");
  _hz_hub_store_release (stmt);
  return user;
}

char *
hz_hub_store_department_institution (HzHubStore *self,
                                     const char *department_id)
{
  sqlite3_stmt *stmt = _hz_hub_store_prepare (self, "SELECT institution_id FROM departments WHERE id = ?", NULL, department_id);
  char *result = NULL;

  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    result = _hz_hub_store_col (stmt, 0);
  _hz_hub_store_release (stmt);
  return result;
}

gboolean
hz_hub_store_is_empty (HzHubStore *self)
{
  sqlite3_stmt *stmt = _hz_hub_store_prepare (self, "SELECT count(*) FROM institutions", NULL);
  gboolean empty = TRUE;

  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    empty = sqlite3_column_int (stmt, 0) == 0;
  _hz_hub_store_release (stmt);
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
  stmt = _hz_hub_store_prepare (self, "SELECT id, name, name_en, level FROM institutions ORDER BY id", error);
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
  _hz_hub_store_release (stmt);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "departments");
  json_builder_begin_array (b);
  stmt = _hz_hub_store_prepare (self, "SELECT id, institution_id, name, name_en FROM departments ORDER BY id", error);
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
  _hz_hub_store_release (stmt);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "users");
  json_builder_begin_array (b);
  stmt = _hz_hub_store_prepare (self, "SELECT " USER_COLUMNS " FROM users u WHERE u.role != 'admin' ORDER BY u.id", error);
  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(HzHubUser) user = read_user (stmt);
      json_builder_add_value (b, hz_hub_user_to_json (user));
    }
  _hz_hub_store_release (stmt);
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
  _hz_hub_store_run (self, _hz_hub_store_prepare (self, "DELETE FROM tokens WHERE user_id = ? AND expires_us < CAST (? AS INTEGER)", NULL,
                      user_id, now), NULL);
  return _hz_hub_store_run (self, _hz_hub_store_prepare (self, "INSERT INTO tokens VALUES (?, ?, CAST (? AS INTEGER))", error,
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
  stmt = _hz_hub_store_prepare (self, "SELECT " USER_COLUMNS " FROM tokens t JOIN users u ON u.id = t.user_id"
                                      " WHERE t.token_hash = ? AND t.expires_us > CAST (? AS INTEGER)",
                                NULL, token_hash, now);

  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    user = read_user (stmt);
  _hz_hub_store_release (stmt);
  return user;
}

void
hz_hub_store_delete_token (HzHubStore *self,
                           const char *token)
{
  g_autofree char *token_hash = hz_hub_auth_token_hash (token);

  _hz_hub_store_run (self, _hz_hub_store_prepare (self, "DELETE FROM tokens WHERE token_hash = ?", NULL, token_hash), NULL);
}
