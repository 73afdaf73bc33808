/* test-consult-log.c: the local consultation log — chain, records,
 * outbox, migrations, bad input and tampering. */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hz-consult-log.h"
#include "hz-log-chain.h"
#include "hz-log-schema.h"
#include "hz-test-utils.h"

typedef struct {
  char         *dir;
  char         *path;
  HzConsultLog *log;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = hz_test_tmpdir ();
  f->path = g_build_filename (f->dir, "sub", "consult-log.db", NULL);
  f->log = hz_consult_log_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->log);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  if (f->log)
    g_assert_finalize_object (f->log);
  hz_test_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static void
close_log (Fixture *f)
{
  g_assert_finalize_object (f->log);
  f->log = NULL;
}

static void
reopen_log (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  if (f->log)
    close_log (f);
  f->log = hz_consult_log_open (f->path, &error);
  g_assert_no_error (error);
}

static gint64
append_ok (Fixture    *f,
           const char *consult,
           const char *kind,
           const char *payload)
{
  g_autoptr(GError) error = NULL;
  gint64 seq = hz_consult_log_append (f->log, consult, "dr.zhou", kind, payload, &error);

  g_assert_no_error (error);
  g_assert_cmpint (seq, >, 0);
  return seq;
}

static HzLogChainProblem
verify (Fixture *f,
        gint64  *position)
{
  g_autoptr(GError) error = NULL;
  HzLogVerifyReport report;
  HzLogChainProblem problem;

  g_assert_true (hz_consult_log_verify (f->log, &report, &error));
  g_assert_no_error (error);
  problem = report.problem;
  if (position)
    *position = report.position;
  if (problem != HZ_LOG_CHAIN_INTACT)
    g_assert_nonnull (report.detail);
  g_test_message ("verify: %s", report.detail ? report.detail : "intact");
  hz_log_verify_report_clear (&report);
  return problem;
}

static void
test_append_and_chain (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzLogEvent) first = NULL;
  g_autoptr(HzLogEvent) second = NULL;
  g_autoptr(GString) scratch = g_string_new (NULL);
  char expected[HZ_LOG_HASH_HEX_LEN + 1];

  g_assert_cmpint (append_ok (f, "C-1", "consult.created", "{\"patient\":\"QS-000731\"}"), ==, 1);
  g_assert_cmpint (append_ok (f, "C-1", "chat.message", "{ \"text\" : \"患者 王建国 胸痛\" }"), ==, 2);
  g_assert_cmpint (append_ok (f, NULL, "session.signed_in", NULL), ==, 3);

  first = hz_consult_log_get_event (f->log, 1, &error);
  g_assert_no_error (error);
  second = hz_consult_log_get_event (f->log, 2, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (first->prev_hash, ==, HZ_LOG_GENESIS_HASH);
  g_assert_cmpstr (second->prev_hash, ==, first->hash);
  g_assert_cmpstr (second->payload, ==, "{\"text\":\"患者 王建国 胸痛\"}");
  hz_log_chain_hash_event (scratch, 2, second->time_us, "C-1", "dr.zhou", "chat.message",
                           second->payload, first->hash, expected);
  g_assert_cmpstr (second->hash, ==, expected);
  g_assert_cmpint (verify (f, NULL), ==, HZ_LOG_CHAIN_INTACT);

  /* survives closing and opening again */
  reopen_log (f);
  g_assert_cmpint (hz_consult_log_count_events (f->log, NULL), ==, 3);
  g_assert_cmpint (verify (f, NULL), ==, HZ_LOG_CHAIN_INTACT);
  g_assert_null (hz_consult_log_get_event (f->log, 99, &error));
  g_assert_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_NOT_FOUND);
}

/* The hash is fixed by the event's content: a known vector guards the
 * format that auditors' own tools rely on. */
static void
test_hash_vector (void)
{
  g_autoptr(GString) scratch = g_string_new (NULL);
  g_autoptr(GString) form = g_string_new (NULL);
  char hash[HZ_LOG_HASH_HEX_LEN + 1];
  char check[HZ_LOG_HASH_HEX_LEN + 1];

  hz_log_chain_write_event (form, 1, G_GINT64_CONSTANT (1795341600123456), "C-1", "dr.zhou",
                            "chat.message", "{\"text\":\"胸痛\"}", HZ_LOG_GENESIS_HASH, NULL);
  g_assert_cmpstr (form->str, ==,
                   "{\"actor\":\"dr.zhou\",\"consult\":\"C-1\",\"kind\":\"chat.message\","
                   "\"payload\":{\"text\":\"胸痛\"},\"prev\":\"" HZ_LOG_GENESIS_HASH "\","
                   "\"seq\":1,\"time\":\"2026-11-22T10:00:00.123456Z\"}");
  hz_log_chain_hash_event (scratch, 1, G_GINT64_CONSTANT (1795341600123456), "C-1", "dr.zhou",
                           "chat.message", "{\"text\":\"胸痛\"}", HZ_LOG_GENESIS_HASH, hash);
  hz_log_chain_sha256_hex (form->str, form->len, check);
  g_assert_cmpstr (hash, ==, check);
}

static void
test_batch (Fixture      *f,
            gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  HzLogDraft drafts[50];
  gint64 first = 0;
  guint i;

  append_ok (f, "C-1", "consult.created", NULL);
  for (i = 0; i < G_N_ELEMENTS (drafts); i++)
    drafts[i] = (HzLogDraft) { "C-1", "dr.chen", "annotation.added", "{\"x\":1,\"y\":2}" };
  g_assert_true (hz_consult_log_append_batch (f->log, drafts, G_N_ELEMENTS (drafts), &first, &error));
  g_assert_no_error (error);
  g_assert_cmpint (first, ==, 2);
  g_assert_cmpint (hz_consult_log_count_events (f->log, NULL), ==, 51);

  /* one bad draft anywhere: none of the batch goes in */
  drafts[37].payload = "{\"x\":";
  g_assert_false (hz_consult_log_append_batch (f->log, drafts, G_N_ELEMENTS (drafts), NULL, &error));
  g_assert_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_INVALID_PAYLOAD);
  g_assert_cmpint (hz_consult_log_count_events (f->log, NULL), ==, 51);
  g_assert_cmpint (verify (f, NULL), ==, HZ_LOG_CHAIN_INTACT);
}

static void
assert_append_refused (Fixture    *f,
                       const char *consult,
                       const char *actor,
                       const char *kind,
                       const char *payload,
                       int         code)
{
  g_autoptr(GError) error = NULL;
  gint64 before = hz_consult_log_count_events (f->log, NULL);

  g_assert_cmpint (hz_consult_log_append (f->log, consult, actor, kind, payload, &error), ==, 0);
  g_assert_error (error, HZ_CONSULT_LOG_ERROR, code);
  g_assert_cmpstr (error->message, !=, "");
  g_assert_cmpint (hz_consult_log_count_events (f->log, NULL), ==, before);
}

static void
test_bad_input (Fixture      *f,
                gconstpointer data)
{
  append_ok (f, "C-1", "consult.created", NULL);
  assert_append_refused (f, "C-1", "dr.zhou", "consult.created", "{\"a\":", HZ_CONSULT_LOG_ERROR_INVALID_PAYLOAD);
  assert_append_refused (f, "C-1", "dr.zhou", "consult.created", "[1,2]", HZ_CONSULT_LOG_ERROR_INVALID_PAYLOAD);
  assert_append_refused (f, "C-1", "dr.zhou", "consult.created", "{\"a\":\"\xc3\x28\"}", HZ_CONSULT_LOG_ERROR_INVALID_PAYLOAD);
  assert_append_refused (f, "C-1", "dr.zhou", "consult.exploded", "{}", HZ_CONSULT_LOG_ERROR_UNKNOWN_KIND);
  assert_append_refused (f, "C-1", "dr.zhou", NULL, "{}", HZ_CONSULT_LOG_ERROR_UNKNOWN_KIND);
  assert_append_refused (f, "C-1", "", "chat.message", "{}", HZ_CONSULT_LOG_ERROR_INVALID_ARGUMENT);
  assert_append_refused (f, "C-1", NULL, "chat.message", "{}", HZ_CONSULT_LOG_ERROR_INVALID_ARGUMENT);
  assert_append_refused (f, "C-1", "dr.\xff", "chat.message", "{}", HZ_CONSULT_LOG_ERROR_INVALID_ARGUMENT);
  assert_append_refused (f, "", "dr.zhou", "chat.message", "{}", HZ_CONSULT_LOG_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (verify (f, NULL), ==, HZ_LOG_CHAIN_INTACT);
}

static void
test_consults (Fixture      *f,
               gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzLogConsult) got = NULL;
  g_autoptr(GPtrArray) all = NULL;
  HzLogConsult consult = { (char *) "C-7", (char *) "QS-000731", (char *) "dr.zhou", NULL,
                           HZ_CONSULT_STATE_REQUESTED, 0, 0 };

  g_assert_true (hz_consult_log_add_consult (f->log, &consult, "dr.zhou", &error));
  g_assert_no_error (error);
  g_assert_false (hz_consult_log_add_consult (f->log, &consult, "dr.zhou", &error));
  g_assert_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_cmpint (hz_consult_log_count_events (f->log, NULL), ==, 1);

  g_assert_true (hz_consult_log_set_consult_state (f->log, "C-7", HZ_CONSULT_STATE_ACCEPTED, "dr.chen",
                                                   "dr.chen", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (hz_consult_log_set_consult_state (f->log, "C-7", HZ_CONSULT_STATE_DECLINED, NULL,
                                                   "dr.chen", "不是本科室的病例", &error));
  g_assert_no_error (error);
  g_assert_false (hz_consult_log_set_consult_state (f->log, "C-404", HZ_CONSULT_STATE_ACCEPTED, NULL,
                                                    "dr.chen", NULL, &error));
  g_assert_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_NOT_FOUND);
  g_clear_error (&error);

  got = hz_consult_log_get_consult (f->log, "C-7", &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->state, ==, HZ_CONSULT_STATE_DECLINED);
  g_assert_cmpstr (got->responder, ==, "dr.chen");
  g_assert_cmpstr (got->patient_ref, ==, "QS-000731");

  all = hz_consult_log_list_consults (f->log, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 1);
  g_assert_cmpint (hz_consult_log_count_events (f->log, NULL), ==, 3);
  g_assert_cmpint (verify (f, NULL), ==, HZ_LOG_CHAIN_INTACT);
}

static void
test_opinions (Fixture      *f,
               gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) opinions = NULL;
  g_autoptr(GBytes) sig = g_bytes_new_static ("\x01\x02\x03", 3);
  g_autoptr(HzLogEvent) event = NULL;
  HzLogOpinion *op;
  gint64 seq;

  seq = hz_consult_log_add_opinion (f->log, "C-1", "OP-1", NULL, "dr.chen",
                                    "{\"diagnosis\":[{\"code\":\"I20.0\",\"label\":\"不稳定型心绞痛\"}]}",
                                    sig, &error);
  g_assert_no_error (error);
  g_assert_cmpint (seq, ==, 1);

  /* locked: the same opinion cannot be stored again, nor changed */
  g_assert_cmpint (hz_consult_log_add_opinion (f->log, "C-1", "OP-1", NULL, "dr.chen", "{}", NULL, &error), ==, 0);
  g_assert_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_cmpint (hz_consult_log_add_opinion (f->log, "C-1", "OP-2", "OP-404", "dr.chen", "{}", NULL, &error), ==, 0);
  g_assert_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (hz_consult_log_add_opinion (f->log, "C-1", "OP-2", NULL, "dr.chen", "nope", NULL, &error), ==, 0);
  g_assert_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_INVALID_PAYLOAD);
  g_clear_error (&error);
  g_assert_cmpint (hz_consult_log_count_events (f->log, NULL), ==, 1);

  seq = hz_consult_log_add_opinion (f->log, "C-1", "OP-1-A1", "OP-1", "dr.chen",
                                    "{\"correction\":\"剂量改为 100 mg\"}", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (seq, ==, 2);

  opinions = hz_consult_log_list_opinions (f->log, "C-1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (opinions->len, ==, 2);
  op = g_ptr_array_index (opinions, 0);
  g_assert_true (g_bytes_equal (op->signature, sig));
  event = hz_consult_log_get_event (f->log, op->event_seq, NULL);
  g_assert_cmpstr (event->kind, ==, "opinion.signed");
  g_assert_nonnull (strstr (event->payload, op->body_hash));
  op = g_ptr_array_index (opinions, 1);
  g_assert_cmpstr (op->parent_id, ==, "OP-1");
  g_assert_cmpint (verify (f, NULL), ==, HZ_LOG_CHAIN_INTACT);
}

static void
test_outbox (Fixture      *f,
             gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autofree char *k1 = NULL;
  g_autofree char *k2 = NULL;
  HzLogOutboxItem *item;

  k1 = hz_consult_log_outbox_enqueue (f->log, "C-1", "consult.accept", "{\"note\":\"马上来\"}", "dr.chen", &error);
  g_assert_no_error (error);
  k2 = hz_consult_log_outbox_enqueue (f->log, "C-2", "consult.decline", "{\"reason\":\"busy\"}", "dr.chen", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (k1, !=, k2);
  g_assert_true (g_uuid_string_is_valid (k1));

  g_assert_null (hz_consult_log_outbox_enqueue (f->log, "C-1", "bad action!", "{}", "dr.chen", &error));
  g_assert_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (hz_consult_log_outbox_enqueue (f->log, "C-1", "consult.accept", "{", "dr.chen", &error));
  g_assert_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_INVALID_PAYLOAD);
  g_clear_error (&error);

  /* kept across a restart, oldest first */
  reopen_log (f);
  pending = hz_consult_log_outbox_pending (f->log, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, 2);
  item = g_ptr_array_index (pending, 0);
  g_assert_cmpstr (item->idempotency_key, ==, k1);
  g_assert_cmpstr (item->body, ==, "{\"note\":\"马上来\"}");
  g_clear_pointer (&pending, g_ptr_array_unref);

  g_assert_true (hz_consult_log_outbox_mark_failed (f->log, k1, "hub unreachable", &error));
  g_assert_no_error (error);
  g_assert_true (hz_consult_log_outbox_mark_delivered (f->log, k1, "dr.chen", &error));
  g_assert_no_error (error);
  g_assert_true (hz_consult_log_outbox_mark_delivered (f->log, k1, "dr.chen", &error));
  g_assert_no_error (error);
  g_assert_false (hz_consult_log_outbox_mark_delivered (f->log, "no-such-key", "dr.chen", &error));
  g_assert_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_NOT_FOUND);
  g_clear_error (&error);

  pending = hz_consult_log_outbox_pending (f->log, 10, &error);
  g_assert_cmpuint (pending->len, ==, 1);
  item = g_ptr_array_index (pending, 0);
  g_assert_cmpstr (item->idempotency_key, ==, k2);
  g_assert_cmpint (item->attempts, ==, 0);

  /* queued ×2 and delivered ×1: the second delivery recorded nothing */
  g_assert_cmpint (hz_consult_log_count_events (f->log, NULL), ==, 3);
  g_assert_cmpint (verify (f, NULL), ==, HZ_LOG_CHAIN_INTACT);
}

static void
test_private_files (Fixture      *f,
                    gconstpointer data)
{
  g_autofree char *dir = g_path_get_dirname (f->path);
  GStatBuf st;

  append_ok (f, "C-1", "consult.created", NULL);
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
}

static void
assert_open_refused (const char *path,
                     int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = hz_test_read_file (path);
  g_autoptr(GBytes) after = NULL;
  g_autoptr(HzConsultLog) log = hz_consult_log_open (path, &error);

  g_assert_null (log);
  g_assert_error (error, HZ_CONSULT_LOG_ERROR, code);
  g_test_message ("refused: %s", error->message);
  after = hz_test_read_file (path);
  g_assert_true (g_bytes_equal (before, after));
}

static void
test_not_a_log (void)
{
  g_autofree char *dir = hz_test_tmpdir ();
  g_autofree char *junk = g_build_filename (dir, "junk.db", NULL);
  g_autofree char *other = g_build_filename (dir, "other.db", NULL);
  char data[8192];
  guint i;

  for (i = 0; i < sizeof data; i++)
    data[i] = (char) (i * 7 + 3);
  g_assert_true (g_file_set_contents (junk, data, sizeof data, NULL));
  assert_open_refused (junk, HZ_CONSULT_LOG_ERROR_NOT_A_LOG);

  g_free (hz_test_sqlite3 (other, "CREATE TABLE patients (name TEXT); INSERT INTO patients VALUES ('x');"));
  assert_open_refused (other, HZ_CONSULT_LOG_ERROR_NOT_A_LOG);
  hz_test_rmdir (dir);
}

static void
test_too_new (Fixture      *f,
              gconstpointer data)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %u;", hz_log_schema_latest_version () + 1);

  append_ok (f, "C-1", "consult.created", NULL);
  close_log (f);
  g_free (hz_test_sqlite3 (f->path, sql));
  assert_open_refused (f->path, HZ_CONSULT_LOG_ERROR_TOO_NEW);
}

static void
test_migrations (void)
{
  g_autofree char *dir = hz_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "m.db", NULL);
  g_autoptr(GError) error = NULL;
  const HzLogMigration good[] = {
    { 1, "PRAGMA application_id = 1213877319; CREATE TABLE a (x INTEGER) STRICT" },
    { 2, "ALTER TABLE a ADD COLUMN y TEXT" },
    { 3, "CREATE TABLE b (z TEXT) STRICT; INSERT INTO b VALUES ('三')" },
  };
  const HzLogMigration broken[] = {
    good[0], good[1], good[2],
    { 4, "CREATE TABLE c (w TEXT); INSERT INTO nowhere VALUES (1)" },
  };
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  /* v0 → v2, then v2 → v3 on the next open */
  g_assert_true (hz_log_schema_migrate_with (db, good, 2, &error));
  g_assert_no_error (error);
  g_assert_true (hz_log_schema_migrate_with (db, good, 3, &error));
  g_assert_no_error (error);
  g_assert_true (hz_log_schema_migrate_with (db, good, 3, &error));  /* idempotent */

  /* a failing step leaves the database at the version before it */
  g_assert_false (hz_log_schema_migrate_with (db, broken, 4, &error));
  g_assert_nonnull (error);
  g_test_message ("failed step: %s", error->message);
  g_clear_error (&error);
  sqlite3_prepare_v2 (db, "SELECT (SELECT user_version FROM pragma_user_version),"
                          " (SELECT count(*) FROM sqlite_schema WHERE name = 'c')", -1, &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 3);
  g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 0);
  sqlite3_finalize (stmt);

  /* an older build's list must not touch a newer database */
  g_assert_false (hz_log_schema_migrate_with (db, good, 2, &error));
  g_assert_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_TOO_NEW);
  sqlite3_close (db);
  hz_test_rmdir (dir);
}

/* Another process holds the write lock for longer than we wait. */
static void
test_busy (Fixture      *f,
           gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *other = NULL;

  append_ok (f, "C-1", "consult.created", NULL);
  g_assert_cmpint (sqlite3_open (f->path, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);

  hz_consult_log_set_busy_timeout (f->log, 50);
  g_assert_cmpint (hz_consult_log_append (f->log, "C-1", "dr.zhou", "chat.message", "{}", &error), ==, 0);
  g_assert_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_BUSY);
  g_test_message ("busy: %s", error->message);
  g_clear_error (&error);

  sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (other);
  append_ok (f, "C-1", "chat.message", "{}");
  g_assert_cmpint (hz_consult_log_count_events (f->log, NULL), ==, 2);
  g_assert_cmpint (verify (f, NULL), ==, HZ_LOG_CHAIN_INTACT);
}

#define WRITERS 3
#define PER_WRITER 300

/* Several processes appending at once still make one unbroken chain. */
static void
test_concurrent_writers (Fixture      *f,
                         gconstpointer data)
{
  pid_t pids[WRITERS];
  guint i;

  close_log (f);
  for (i = 0; i < WRITERS; i++)
    {
      pids[i] = fork ();
      g_assert_cmpint (pids[i], >=, 0);
      if (pids[i] == 0)
        {
          g_autoptr(HzConsultLog) log = hz_consult_log_open (f->path, NULL);
          guint n;

          if (log == NULL)
            _exit (3);
          for (n = 0; n < PER_WRITER; n++)
            {
              g_autofree char *payload = g_strdup_printf ("{\"writer\":%u,\"n\":%u}", i, n);
              if (hz_consult_log_append (log, "C-1", "writer", "annotation.added", payload, NULL) == 0)
                _exit (4);
            }
          _exit (0);
        }
    }
  for (i = 0; i < WRITERS; i++)
    {
      int status = 0;
      g_assert_cmpint (waitpid (pids[i], &status, 0), ==, pids[i]);
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 0);
    }
  reopen_log (f);
  g_assert_cmpint (hz_consult_log_count_events (f->log, NULL), ==, WRITERS * PER_WRITER);
  g_assert_cmpint (verify (f, NULL), ==, HZ_LOG_CHAIN_INTACT);
}

static void
fill_for_tamper (Fixture *f)
{
  guint i;

  for (i = 1; i <= 10; i++)
    {
      g_autofree char *payload = g_strdup_printf ("{\"n\":%u,\"text\":\"第%u条\"}", i, i);
      append_ok (f, "C-1", "chat.message", payload);
    }
  g_assert_cmpint (hz_consult_log_add_opinion (f->log, "C-1", "OP-1", NULL, "dr.chen",
                                               "{\"advice\":\"阿司匹林 100 mg\"}", NULL, NULL), ==, 11);
  append_ok (f, "C-1", "chat.message", "{\"n\":12}");
  g_assert_cmpint (verify (f, NULL), ==, HZ_LOG_CHAIN_INTACT);
  close_log (f);
}

/* What someone with the sqlite3 shell would do: drop the guards first. */
static void
tamper (Fixture    *f,
        const char *sql)
{
  g_autofree char *full = g_strdup_printf ("DROP TRIGGER events_append_only_u;"
                                           "DROP TRIGGER events_append_only_d;"
                                           "DROP TRIGGER opinions_locked_u;%s", sql);
  g_free (hz_test_sqlite3 (f->path, full));
  reopen_log (f);
}

static void
test_tamper_edit (Fixture      *f,
                  gconstpointer data)
{
  gint64 position = 0;

  fill_for_tamper (f);
  tamper (f, "UPDATE events SET payload = '{\"n\":4,\"text\":\"第5条\"}' WHERE seq = 4;");
  g_assert_cmpint (verify (f, &position), ==, HZ_LOG_CHAIN_CONTENT_ALTERED);
  g_assert_cmpint (position, ==, 4);
}

static void
test_tamper_edit_actor_time (Fixture      *f,
                             gconstpointer data)
{
  gint64 position = 0;

  fill_for_tamper (f);
  tamper (f, "UPDATE events SET time_us = time_us + 1 WHERE seq = 7;");
  g_assert_cmpint (verify (f, &position), ==, HZ_LOG_CHAIN_CONTENT_ALTERED);
  g_assert_cmpint (position, ==, 7);
}

static void
test_tamper_delete (Fixture      *f,
                    gconstpointer data)
{
  gint64 position = 0;

  fill_for_tamper (f);
  tamper (f, "DELETE FROM events WHERE seq = 6;");
  g_assert_cmpint (verify (f, &position), ==, HZ_LOG_CHAIN_EVENT_MISSING);
  g_assert_cmpint (position, ==, 6);
}

static void
test_tamper_delete_and_renumber (Fixture      *f,
                                 gconstpointer data)
{
  gint64 position = 0;

  fill_for_tamper (f);
  tamper (f, "DELETE FROM events WHERE seq = 3; UPDATE events SET seq = seq - 1 WHERE seq > 3;");
  g_assert_cmpint (verify (f, &position), ==, HZ_LOG_CHAIN_LINK_BROKEN);
  g_assert_cmpint (position, ==, 3);
}

static void
test_tamper_truncate (Fixture      *f,
                      gconstpointer data)
{
  gint64 position = 0;

  fill_for_tamper (f);
  tamper (f, "DELETE FROM events WHERE seq = 12;");
  g_assert_cmpint (verify (f, &position), ==, HZ_LOG_CHAIN_TRUNCATED);
  g_assert_cmpint (position, ==, 12);
}

static void
test_tamper_swap (Fixture      *f,
                  gconstpointer data)
{
  gint64 position = 0;

  fill_for_tamper (f);
  /* swap events 3 and 8, every column but their place */
  tamper (f, "UPDATE events SET seq = -3 WHERE seq = 3;"
             "UPDATE events SET seq = 3 WHERE seq = 8;"
             "UPDATE events SET seq = 8 WHERE seq = -3;");
  g_assert_cmpint (verify (f, &position), ==, HZ_LOG_CHAIN_LINK_BROKEN);
  g_assert_cmpint (position, ==, 3);
}

static void
test_tamper_insert (Fixture      *f,
                    gconstpointer data)
{
  gint64 position = 0;

  fill_for_tamper (f);
  /* make room after event 5 and slip in a copy of event 2 */
  tamper (f, "UPDATE events SET seq = seq + 1000 WHERE seq > 5;"
             "UPDATE events SET seq = seq - 999 WHERE seq > 1000;"
             "INSERT INTO events SELECT 6, time_us, consult_id, actor, kind,"
             "  '{\"n\":99}', prev_hash, hash || 'x' FROM events WHERE seq = 2;");
  g_assert_cmpint (verify (f, &position), ==, HZ_LOG_CHAIN_LINK_BROKEN);
  g_assert_cmpint (position, ==, 6);
}

static void
test_tamper_opinion (Fixture      *f,
                     gconstpointer data)
{
  gint64 position = 0;

  fill_for_tamper (f);
  tamper (f, "UPDATE opinions SET body = '{\"advice\":\"阿司匹林 300 mg\"}' WHERE id = 'OP-1';");
  g_assert_cmpint (verify (f, &position), ==, HZ_LOG_CHAIN_OPINION_ALTERED);
  g_assert_cmpint (position, ==, 11);
}

/* The guards in the schema stop our own code from rewriting history. */
static void
test_append_only_guard (Fixture      *f,
                        gconstpointer data)
{
  sqlite3 *db = NULL;
  char *msg = NULL;

  fill_for_tamper (f);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE events SET actor = 'x' WHERE seq = 1", NULL, NULL, &msg), !=, SQLITE_OK);
  g_assert_nonnull (strstr (msg, "append-only"));
  sqlite3_free (msg);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM opinions", NULL, NULL, &msg), !=, SQLITE_OK);
  g_assert_nonnull (strstr (msg, "locked"));
  sqlite3_free (msg);
  sqlite3_close (db);
  reopen_log (f);
  g_assert_cmpint (verify (f, NULL), ==, HZ_LOG_CHAIN_INTACT);
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/core/consult-log/append-and-chain", test_append_and_chain);
  g_test_add_func ("/core/consult-log/hash-vector", test_hash_vector);
  ADD ("/core/consult-log/batch", test_batch);
  ADD ("/core/consult-log/bad-input", test_bad_input);
  ADD ("/core/consult-log/consults", test_consults);
  ADD ("/core/consult-log/opinions", test_opinions);
  ADD ("/core/consult-log/outbox", test_outbox);
  ADD ("/core/consult-log/private-files", test_private_files);
  g_test_add_func ("/core/consult-log/not-a-log", test_not_a_log);
  ADD ("/core/consult-log/too-new", test_too_new);
  g_test_add_func ("/core/consult-log/migrations", test_migrations);
  ADD ("/core/consult-log/busy", test_busy);
  ADD ("/core/consult-log/concurrent-writers", test_concurrent_writers);
  ADD ("/core/consult-log/tamper/edit", test_tamper_edit);
  ADD ("/core/consult-log/tamper/edit-time", test_tamper_edit_actor_time);
  ADD ("/core/consult-log/tamper/delete", test_tamper_delete);
  ADD ("/core/consult-log/tamper/delete-renumber", test_tamper_delete_and_renumber);
  ADD ("/core/consult-log/tamper/truncate", test_tamper_truncate);
  ADD ("/core/consult-log/tamper/swap", test_tamper_swap);
  ADD ("/core/consult-log/tamper/insert", test_tamper_insert);
  ADD ("/core/consult-log/tamper/opinion", test_tamper_opinion);
  ADD ("/core/consult-log/append-only-guard", test_append_only_guard);

  return g_test_run ();
}
