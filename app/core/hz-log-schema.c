/* hz-log-schema.c: migrations driven by PRAGMA user_version.
 *
 * Each step runs in its own IMMEDIATE transaction together with the
 * user_version bump, so a crash or an error leaves the database at the
 * previous version, never half-way. Steps are only ever appended. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hz-consult-log-private.h"
#include "hz-log-schema.h"

static const HzLogMigration migrations[] = {
  { 1,
    "PRAGMA application_id = 1213877319;"  /* HZ_LOG_APPLICATION_ID */
    "CREATE TABLE meta ("
    "  key   TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL"
    ") STRICT;"
    /* The hash chain. seq runs 1, 2, 3… without gaps. */
    "CREATE TABLE events ("
    "  seq        INTEGER PRIMARY KEY,"
    "  time_us    INTEGER NOT NULL,"
    "  consult_id TEXT,"
    "  actor      TEXT NOT NULL,"
    "  kind       TEXT NOT NULL,"
    "  payload    TEXT NOT NULL,"
    "  prev_hash  TEXT NOT NULL,"
    "  hash       TEXT NOT NULL UNIQUE"
    ") STRICT;"
    "CREATE INDEX events_by_consult ON events (consult_id, seq);"
    /* Stops our own bugs, not an attacker: verify is what catches edits. */
    "CREATE TRIGGER events_append_only_u BEFORE UPDATE ON events"
    "  BEGIN SELECT RAISE (ABORT, 'the event log is append-only'); END;"
    "CREATE TRIGGER events_append_only_d BEFORE DELETE ON events"
    "  BEGIN SELECT RAISE (ABORT, 'the event log is append-only'); END;"
    "CREATE TABLE consults ("
    "  id          TEXT PRIMARY KEY,"
    "  patient_ref TEXT NOT NULL,"
    "  requester   TEXT NOT NULL,"
    "  responder   TEXT,"
    "  state       TEXT NOT NULL,"
    "  created_us  INTEGER NOT NULL,"
    "  updated_us  INTEGER NOT NULL"
    ") STRICT;"
    "CREATE TABLE opinions ("
    "  id         TEXT PRIMARY KEY,"
    "  consult_id TEXT NOT NULL,"
    "  parent_id  TEXT REFERENCES opinions (id),"
    "  author     TEXT NOT NULL,"
    "  signed_us  INTEGER NOT NULL,"
    "  body       TEXT NOT NULL,"
    "  body_hash  TEXT NOT NULL,"
    "  signature  BLOB,"
    "  event_seq  INTEGER NOT NULL REFERENCES events (seq)"
    ") STRICT;"
    "CREATE INDEX opinions_by_consult ON opinions (consult_id, signed_us);"
    "CREATE TRIGGER opinions_locked_u BEFORE UPDATE ON opinions"
    "  BEGIN SELECT RAISE (ABORT, 'a signed opinion is locked'); END;"
    "CREATE TRIGGER opinions_locked_d BEFORE DELETE ON opinions"
    "  BEGIN SELECT RAISE (ABORT, 'a signed opinion is locked'); END;"
    "CREATE TABLE outbox ("
    "  id              INTEGER PRIMARY KEY,"
    "  idempotency_key TEXT NOT NULL UNIQUE,"
    "  consult_id      TEXT,"
    "  action          TEXT NOT NULL,"
    "  body            TEXT NOT NULL,"
    "  created_us      INTEGER NOT NULL,"
    "  attempts        INTEGER NOT NULL DEFAULT 0,"
    "  last_error      TEXT,"
    "  delivered_us    INTEGER"
    ") STRICT;"
    "CREATE INDEX outbox_pending ON outbox (id) WHERE delivered_us IS NULL;"
  },
};

guint
hz_log_schema_latest_version (void)
{
  return migrations[G_N_ELEMENTS (migrations) - 1].version;
}

static gboolean
query_int (sqlite3    *db,
           const char *sql,
           gint64     *value,
           GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *value = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
      return TRUE;
    }
  hz_consult_log_set_sqlite_error (error, db, rc, _("Could not read the log’s header"));
  sqlite3_finalize (stmt);
  return FALSE;
}

/* Refuses, without writing a byte, any file that is not one of our logs
 * or was written by a newer build. */
gboolean
hz_log_schema_check (sqlite3 *db,
                     guint    latest,
                     guint   *current,
                     GError **error)
{
  gint64 app_id, version, n_tables;

  if (!query_int (db, "PRAGMA application_id", &app_id, error) ||
      !query_int (db, "PRAGMA user_version", &version, error) ||
      !query_int (db, "SELECT count(*) FROM sqlite_schema", &n_tables, error))
    return FALSE;

  if (app_id != HZ_LOG_APPLICATION_ID && (app_id != 0 || n_tables != 0))
    {
      g_set_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_NOT_A_LOG,
                   _("The file is an SQLite database, but not a Huizhen consultation log"));
      return FALSE;
    }
  if (version > latest)
    {
      g_set_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_TOO_NEW,
                   _("The consultation log was written by a newer version of Huizhen "
                     "(format %u; this version reads up to format %u). "
                     "Update Huizhen to open it; the file was left unchanged."),
                   (guint) version, latest);
      return FALSE;
    }
  *current = (guint) version;
  return TRUE;
}

/* The version is read again inside the write transaction: another
 * process may have run this very step while we waited for the lock. */
static gboolean
run_step (sqlite3              *db,
          const HzLogMigration *step,
          GError              **error)
{
  g_autofree char *sql = NULL;
  char *errmsg = NULL;
  gint64 version = 0;
  int rc;

  rc = sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      hz_consult_log_set_sqlite_error (error, db, rc, _("Could not upgrade the consultation log"));
      return FALSE;
    }
  if (!query_int (db, "PRAGMA user_version", &version, error))
    {
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  if (version >= step->version)
    return sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;

  sql = g_strdup_printf ("%s;PRAGMA user_version = %u;COMMIT;", step->sql, step->version);
  rc = sqlite3_exec (db, sql, NULL, NULL, &errmsg);
  if (rc == SQLITE_OK)
    return TRUE;

  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  g_set_error (error, HZ_CONSULT_LOG_ERROR,
               hz_consult_log_error_from_sqlite (rc),
               _("Could not upgrade the consultation log to format %u: %s"),
               step->version, errmsg ? errmsg : sqlite3_errstr (rc));
  sqlite3_free (errmsg);
  return FALSE;
}

gboolean
hz_log_schema_migrate_with (sqlite3              *db,
                            const HzLogMigration *steps,
                            guint                 n_steps,
                            GError              **error)
{
  guint current, i;

  if (!hz_log_schema_check (db, steps[n_steps - 1].version, &current, error))
    return FALSE;

  for (i = 0; i < n_steps; i++)
    {
      if (steps[i].version <= current)
        continue;
      if (!run_step (db, &steps[i], error))
        return FALSE;
    }
  return TRUE;
}

gboolean
hz_log_schema_migrate (sqlite3 *db,
                       GError **error)
{
  return hz_log_schema_migrate_with (db, migrations, G_N_ELEMENTS (migrations), error);
}
