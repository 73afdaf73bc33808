/* hz-consult-log.c: opening the log and appending to its hash chain.
 *
 * Durability: WAL with synchronous=FULL. In WAL mode, NORMAL already
 * survives a killed process, but a power cut may lose the last commits;
 * FULL syncs the WAL on every commit, so an append that returned TRUE is
 * on disk. The cost is one fdatasync per commit (about 0.2 ms here; see
 * the README's figures), and batches share one. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "hz-canonical-json.h"
#include "hz-consult-log-private.h"
#include "hz-event-kind.h"
#include "hz-log-schema.h"

#define DEFAULT_BUSY_TIMEOUT_MS 5000
#define MAX_ID_BYTES 128
#define MAX_ACTOR_BYTES 256

G_DEFINE_QUARK (hz-consult-log-error-quark, hz_consult_log_error)
G_DEFINE_FINAL_TYPE (HzConsultLog, hz_consult_log, G_TYPE_OBJECT)

static const char * const stmt_sql[N_STMTS] = {
  [STMT_BEGIN] = "BEGIN IMMEDIATE",
  [STMT_COMMIT] = "COMMIT",
  [STMT_ROLLBACK] = "ROLLBACK",
  [STMT_HEAD] = "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
  [STMT_INSERT_EVENT] = "INSERT INTO events (seq, time_us, consult_id, actor, kind, payload, prev_hash, hash)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  [STMT_SET_HEAD] = "INSERT INTO meta (key, value) VALUES ('head', ?)"
                    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
};

HzConsultLogError
hz_consult_log_error_from_sqlite (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return HZ_CONSULT_LOG_ERROR_BUSY;
    case SQLITE_FULL:
      return HZ_CONSULT_LOG_ERROR_DISK_FULL;
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return HZ_CONSULT_LOG_ERROR_READ_ONLY;
    case SQLITE_NOTADB:
      return HZ_CONSULT_LOG_ERROR_NOT_A_LOG;
    case SQLITE_CORRUPT:
      return HZ_CONSULT_LOG_ERROR_CORRUPT;
    case SQLITE_IOERR:
      return HZ_CONSULT_LOG_ERROR_IO;
    case SQLITE_CANTOPEN:
      return HZ_CONSULT_LOG_ERROR_CANT_OPEN;
    case SQLITE_CONSTRAINT:
      return HZ_CONSULT_LOG_ERROR_EXISTS;
    default:
      return HZ_CONSULT_LOG_ERROR_FAILED;
    }
}

/* Says in plain words what went wrong, then SQLite's own words. */
void
hz_consult_log_set_sqlite_error (GError    **error,
                                 sqlite3    *db,
                                 int         rc,
                                 const char *context)
{
  HzConsultLogError code = hz_consult_log_error_from_sqlite (rc);
  const char *why;

  switch (code)
    {
    case HZ_CONSULT_LOG_ERROR_BUSY:
      why = _("another program is writing to the log; try again");
      break;
    case HZ_CONSULT_LOG_ERROR_DISK_FULL:
      why = _("the disk is full");
      break;
    case HZ_CONSULT_LOG_ERROR_READ_ONLY:
      why = _("the log cannot be written (read-only file or disk)");
      break;
    case HZ_CONSULT_LOG_ERROR_NOT_A_LOG:
      why = _("the file is not a consultation log");
      break;
    case HZ_CONSULT_LOG_ERROR_CORRUPT:
      why = _("the database file is damaged");
      break;
    case HZ_CONSULT_LOG_ERROR_IO:
      why = _("the disk reported an error (it may be full or failing)");
      break;
    case HZ_CONSULT_LOG_ERROR_CANT_OPEN:
      why = _("the file cannot be opened");
      break;
    default:
      why = _("the database refused the change");
      break;
    }
  g_set_error (error, HZ_CONSULT_LOG_ERROR, code, "%s: %s (%s)", context, why,
               db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
}

static void
hz_consult_log_finalize (GObject *object)
{
  HzConsultLog *self = HZ_CONSULT_LOG (object);
  guint i;

  for (i = 0; i < N_STMTS; i++)
    sqlite3_finalize (self->stmts[i]);
  if (self->db)
    sqlite3_close_v2 (self->db);
  g_string_free (self->scratch, TRUE);
  g_free (self->path);

  G_OBJECT_CLASS (hz_consult_log_parent_class)->finalize (object);
}

static void
hz_consult_log_class_init (HzConsultLogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hz_consult_log_finalize;
}

static void
hz_consult_log_init (HzConsultLog *self)
{
  self->scratch = g_string_sized_new (512);
}

/* Created 0600 in a 0700 folder before SQLite sees it: SQLite gives its
 * -wal and -shm files the database file's mode, so all three stay
 * readable by their user only. */
static gboolean
create_private_file (const char *path,
                     GError    **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_CANT_OPEN,
                   _("Could not create the folder %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  fd = open (path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0 && errno != EEXIST)
    {
      int saved = errno;
      g_set_error (error, HZ_CONSULT_LOG_ERROR,
                   saved == EROFS || saved == EACCES ? HZ_CONSULT_LOG_ERROR_READ_ONLY
                                                     : HZ_CONSULT_LOG_ERROR_CANT_OPEN,
                   _("Could not create the consultation log %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  if (fd >= 0)
    close (fd);
  return TRUE;
}

static gboolean
exec_pragma (HzConsultLog *self,
             const char   *sql,
             GError      **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc == SQLITE_OK)
    return TRUE;
  hz_consult_log_set_sqlite_error (error, self->db, rc, _("Could not open the consultation log"));
  return FALSE;
}

static gboolean
prepare_statements (HzConsultLog *self,
                    GError      **error)
{
  guint i;

  for (i = 0; i < N_STMTS; i++)
    {
      int rc = sqlite3_prepare_v3 (self->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                   &self->stmts[i], NULL);
      if (rc != SQLITE_OK)
        {
          hz_consult_log_set_sqlite_error (error, self->db, rc, _("Could not open the consultation log"));
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * hz_consult_log_open:
 * @path: the database file; created (with its folder) when missing
 *
 * Opens the log, upgrading its format when an older build wrote it.
 * Refuses, without changing the file, anything that is not a Huizhen
 * log and logs written by a newer build.
 */
HzConsultLog *
hz_consult_log_open (const char *path,
                     GError    **error)
{
  g_autoptr(HzConsultLog) self = NULL;
  guint current;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS) && !create_private_file (path, error))
    return NULL;

  self = g_object_new (HZ_TYPE_CONSULT_LOG, NULL);
  self->path = g_strdup (path);
  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      hz_consult_log_set_sqlite_error (error, self->db, rc, _("Could not open the consultation log"));
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, DEFAULT_BUSY_TIMEOUT_MS);

  /* Check before anything writes: WAL mode alone rewrites the header. */
  if (!hz_log_schema_check (self->db, hz_log_schema_latest_version (), &current, error))
    return NULL;

  if (!exec_pragma (self, "PRAGMA journal_mode = WAL", error) ||
      !exec_pragma (self, "PRAGMA synchronous = FULL", error) ||
      !exec_pragma (self, "PRAGMA foreign_keys = ON", error) ||
      !hz_log_schema_migrate (self->db, error) ||
      !prepare_statements (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
hz_consult_log_get_path (HzConsultLog *self)
{
  g_return_val_if_fail (HZ_IS_CONSULT_LOG (self), NULL);
  return self->path;
}

/* How long a write waits for another process holding the lock before it
 * fails with HZ_CONSULT_LOG_ERROR_BUSY. */
void
hz_consult_log_set_busy_timeout (HzConsultLog *self,
                                 guint         msec)
{
  g_return_if_fail (HZ_IS_CONSULT_LOG (self));
  sqlite3_busy_timeout (self->db, (int) msec);
}

sqlite3_stmt *
_hz_consult_log_prepare (HzConsultLog *self,
                         const char   *sql,
                         GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    return stmt;
  hz_consult_log_set_sqlite_error (error, self->db, rc, _("Could not read the consultation log"));
  return NULL;
}

static gboolean
step_done (HzConsultLog *self,
           sqlite3_stmt *stmt,
           const char   *context,
           GError      **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  hz_consult_log_set_sqlite_error (error, self->db, rc, context);
  return FALSE;
}

/* IMMEDIATE takes the write lock up front, so the head read next is
 * still the head when we insert, even with another process appending. */
gboolean
_hz_consult_log_begin (HzConsultLog *self,
                       GError      **error)
{
  return step_done (self, self->stmts[STMT_BEGIN], _("Could not write to the consultation log"), error);
}

gboolean
_hz_consult_log_commit (HzConsultLog *self,
                        GError      **error)
{
  if (step_done (self, self->stmts[STMT_COMMIT], _("Could not save to the consultation log"), error))
    return TRUE;
  _hz_consult_log_rollback (self);
  return FALSE;
}

void
_hz_consult_log_rollback (HzConsultLog *self)
{
  /* SQLite may already have rolled back by itself (disk full, I/O). */
  if (!sqlite3_get_autocommit (self->db))
    step_done (self, self->stmts[STMT_ROLLBACK], "rollback", NULL);
}

static gboolean
valid_text (const char *value,
            gsize       max_bytes,
            gboolean    nullable)
{
  if (value == NULL)
    return nullable;
  return *value != '\0' && strlen (value) <= max_bytes && g_utf8_validate (value, -1, NULL);
}

gboolean
_hz_consult_log_validate (const HzLogDraft *draft,
                          HzLogPending     *pending,
                          GError          **error)
{
  g_autoptr(GError) json_error = NULL;

  pending->payload = NULL;
  if (!hz_event_kind_from_string (draft->kind, NULL))
    {
      g_set_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_UNKNOWN_KIND,
                   _("Unknown event kind “%s”"), draft->kind ? draft->kind : "(null)");
      return FALSE;
    }
  if (!valid_text (draft->actor, MAX_ACTOR_BYTES, FALSE))
    {
      g_set_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_INVALID_ARGUMENT,
                   _("The actor must be UTF-8 text of 1 to %u bytes"), MAX_ACTOR_BYTES);
      return FALSE;
    }
  if (!valid_text (draft->consult_id, MAX_ID_BYTES, TRUE))
    {
      g_set_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_INVALID_ARGUMENT,
                   _("The consult ID must be UTF-8 text of 1 to %u bytes"), MAX_ID_BYTES);
      return FALSE;
    }

  pending->payload = hz_canonical_json_from_string (draft->payload ? draft->payload : "{}",
                                                    -1, TRUE, &json_error);
  if (pending->payload == NULL)
    {
      g_set_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_INVALID_PAYLOAD,
                   _("The event’s payload is not valid: %s"), json_error->message);
      return FALSE;
    }
  pending->consult_id = draft->consult_id;
  pending->actor = draft->actor;
  pending->kind = draft->kind;
  return TRUE;
}

gboolean
_hz_consult_log_read_head (HzConsultLog *self,
                           HzLogHead    *head,
                           GError      **error)
{
  sqlite3_stmt *stmt = self->stmts[STMT_HEAD];
  int rc = sqlite3_step (stmt);

  head->seq = 0;
  memcpy (head->hash, HZ_LOG_GENESIS_HASH, sizeof head->hash);
  if (rc == SQLITE_ROW)
    {
      const char *hash = (const char *) sqlite3_column_text (stmt, 1);
      head->seq = sqlite3_column_int64 (stmt, 0);
      g_strlcpy (head->hash, hash ? hash : "", sizeof head->hash);
      rc = sqlite3_step (stmt);
    }
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  hz_consult_log_set_sqlite_error (error, self->db, rc, _("Could not read the consultation log"));
  return FALSE;
}

gboolean
_hz_consult_log_insert (HzConsultLog       *self,
                        HzLogHead          *head,
                        const HzLogPending *pending,
                        gint64              time_us,
                        GError            **error)
{
  sqlite3_stmt *stmt = self->stmts[STMT_INSERT_EVENT];
  char hash[HZ_LOG_HASH_HEX_LEN + 1];
  gint64 seq = head->seq + 1;

  hz_log_chain_hash_event (self->scratch, seq, time_us, pending->consult_id, pending->actor,
                           pending->kind, pending->payload, head->hash, hash);

  sqlite3_bind_int64 (stmt, 1, seq);
  sqlite3_bind_int64 (stmt, 2, time_us);
  sqlite3_bind_text (stmt, 3, pending->consult_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, pending->actor, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, pending->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, pending->payload, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, head->hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, hash, -1, SQLITE_STATIC);
  if (!step_done (self, stmt, _("Could not write to the consultation log"), error))
    return FALSE;

  head->seq = seq;
  memcpy (head->hash, hash, sizeof hash);
  return TRUE;
}

/* The head kept beside the chain lets verify notice events cut off the
 * end, which the chain alone cannot show. */
gboolean
_hz_consult_log_write_head (HzConsultLog    *self,
                            const HzLogHead *head,
                            GError         **error)
{
  sqlite3_stmt *stmt = self->stmts[STMT_SET_HEAD];
  char value[96];

  g_snprintf (value, sizeof value, "%" G_GINT64_FORMAT ":%s", head->seq, head->hash);
  sqlite3_bind_text (stmt, 1, value, -1, SQLITE_TRANSIENT);
  return step_done (self, stmt, _("Could not write to the consultation log"), error);
}

/* Appends one event inside a transaction the caller opened. */
gint64
_hz_consult_log_append_in_txn (HzConsultLog *self,
                               const char   *consult_id,
                               const char   *actor,
                               const char   *kind,
                               const char   *payload,
                               GError      **error)
{
  HzLogDraft draft = { consult_id, actor, kind, payload };
  HzLogPending pending;
  HzLogHead head;
  gboolean ok;

  if (!_hz_consult_log_validate (&draft, &pending, error))
    return 0;
  ok = _hz_consult_log_read_head (self, &head, error) &&
       _hz_consult_log_insert (self, &head, &pending, g_get_real_time (), error) &&
       _hz_consult_log_write_head (self, &head, error);
  g_free (pending.payload);
  return ok ? head.seq : 0;
}

/**
 * hz_consult_log_append:
 *
 * Appends one event and returns its seq once it is durable, or 0 with
 * @error set and nothing changed.
 */
gint64
hz_consult_log_append (HzConsultLog *self,
                       const char   *consult_id,
                       const char   *actor,
                       const char   *kind,
                       const char   *payload,
                       GError      **error)
{
  HzLogDraft draft = { consult_id, actor, kind, payload };
  gint64 seq = 0;

  g_return_val_if_fail (HZ_IS_CONSULT_LOG (self), 0);

  if (!hz_consult_log_append_batch (self, &draft, 1, &seq, error))
    return 0;
  return seq;
}

/**
 * hz_consult_log_append_batch:
 * @first_seq: (out) (optional): seq of the first appended event
 *
 * Appends all @drafts in one transaction (one sync to disk): all of them
 * or, when any is invalid or the disk refuses, none.
 */
gboolean
hz_consult_log_append_batch (HzConsultLog     *self,
                             const HzLogDraft *drafts,
                             guint             n_drafts,
                             gint64           *first_seq,
                             GError          **error)
{
  g_autofree HzLogPending *pending = NULL;
  gboolean ok = TRUE;
  HzLogHead head;
  gint64 now;
  guint i, n_valid = 0;

  g_return_val_if_fail (HZ_IS_CONSULT_LOG (self), FALSE);
  g_return_val_if_fail (drafts != NULL || n_drafts == 0, FALSE);

  pending = g_new0 (HzLogPending, MAX (n_drafts, 1));
  for (i = 0; i < n_drafts && ok; i++, n_valid++)
    ok = _hz_consult_log_validate (&drafts[i], &pending[i], error);

  if (ok && n_drafts > 0)
    {
      ok = _hz_consult_log_begin (self, error) &&
           _hz_consult_log_read_head (self, &head, error);
      if (ok && first_seq)
        *first_seq = head.seq + 1;
      now = g_get_real_time ();
      for (i = 0; ok && i < n_drafts; i++)
        ok = _hz_consult_log_insert (self, &head, &pending[i], now, error);
      ok = ok && _hz_consult_log_write_head (self, &head, error) &&
           _hz_consult_log_commit (self, error);
      if (!ok)
        _hz_consult_log_rollback (self);
    }

  for (i = 0; i < n_valid; i++)
    g_free (pending[i].payload);
  return ok;
}
