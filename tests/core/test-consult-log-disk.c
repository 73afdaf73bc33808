/* test-consult-log-disk.c: a full disk and a read-only disk give a clear
 * error and lose nothing already saved.
 *
 * The file-size limit (RLIMIT_FSIZE) works for any user. The real small
 * tmpfs and its read-only remount need a private mount namespace, which
 * needs root; without it those cases skip and say why. Each case runs in
 * a subprocess so the limits and mounts stay there. */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hz-consult-log.h"
#include "hz-test-utils.h"

/* Appends ~2 KiB events until the disk refuses; returns how many went in. */
static guint
append_until_refused (HzConsultLog *log,
                      GError      **error)
{
  g_autofree char *filler = g_strnfill (2000, 'x');
  guint n;

  for (n = 0; n < 20000; n++)
    {
      g_autofree char *payload = g_strdup_printf ("{\"n\":%u,\"note\":\"影像 %s\"}", n, filler);
      if (hz_consult_log_append (log, "C-disk", "dr.zhou", "chat.message", payload, error) == 0)
        return n;
    }
  g_error ("the disk never filled up");
}

static void
assert_intact_with (const char *path,
                    gint64      expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzConsultLog) log = hz_consult_log_open (path, &error);
  HzLogVerifyReport report;

  g_assert_no_error (error);
  g_assert_cmpint (hz_consult_log_count_events (log, NULL), ==, expected);
  g_assert_true (hz_consult_log_verify (log, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.problem, ==, HZ_LOG_CHAIN_INTACT);
  hz_log_verify_report_clear (&report);
}

static void
fsize_limit_child (void)
{
  g_autofree char *dir = hz_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "full.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HzConsultLog) log = NULL;
  struct rlimit lim;
  guint saved, i;

  signal (SIGXFSZ, SIG_IGN);  /* get EFBIG from write() rather than a signal */
  log = hz_consult_log_open (path, &error);
  g_assert_no_error (error);
  /* only the soft limit, so it can be lifted again without privileges */
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &lim), ==, 0);
  lim.rlim_cur = 1024 * 1024;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &lim), ==, 0);

  saved = append_until_refused (log, &error);
  g_assert_nonnull (error);
  g_assert_true (error->code == HZ_CONSULT_LOG_ERROR_DISK_FULL || error->code == HZ_CONSULT_LOG_ERROR_IO);
  g_printerr ("refused after %u events: %s\n", saved, error->message);
  g_assert_cmpuint (saved, >, 10);
  g_clear_error (&error);

  /* further attempts fail the same clear way, and reading still works */
  for (i = 0; i < 5; i++)
    {
      g_assert_cmpint (hz_consult_log_append (log, "C-disk", "dr.zhou", "chat.message", "{}", &error), ==, 0);
      g_assert_nonnull (error);
      g_clear_error (&error);
    }
  g_assert_cmpint (hz_consult_log_count_events (log, NULL), ==, saved);
  g_clear_object (&log);

  /* room again: nothing lost, nothing half-written, appends resume */
  lim.rlim_cur = lim.rlim_max;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &lim), ==, 0);
  assert_intact_with (path, saved);
  log = hz_consult_log_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hz_consult_log_append (log, "C-disk", "dr.zhou", "chat.message", "{}", &error), ==, saved + 1);
  g_clear_object (&log);
  assert_intact_with (path, saved + 1);
  hz_test_rmdir (dir);
}

static void
test_file_size_limit (void)
{
  if (g_test_subprocess ())
    {
      fsize_limit_child ();
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* A private mount namespace, or a reason why not. */
static gboolean
enter_mount_namespace (char **why)
{
  if (geteuid () != 0)
    {
      *why = g_strdup ("needs root to mount a small tmpfs in a private mount namespace");
      return FALSE;
    }
  if (unshare (CLONE_NEWNS) != 0 || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    {
      *why = g_strdup_printf ("cannot make a private mount namespace: %s", g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

static void
tmpfs_child (void)
{
  g_autofree char *dir = hz_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "log", "consult-log.db", NULL);
  g_autofree char *why = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HzConsultLog) log = NULL;
  guint saved;

  if (!enter_mount_namespace (&why))
    g_error ("%s", why);
  g_assert_cmpint (mount ("tmpfs", dir, "tmpfs", 0, "size=1m,mode=0700"), ==, 0);

  log = hz_consult_log_open (path, &error);
  g_assert_no_error (error);
  saved = append_until_refused (log, &error);
  g_assert_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_DISK_FULL);
  g_printerr ("disk full after %u events: %s\n", saved, error->message);
  g_clear_error (&error);
  g_assert_cmpuint (saved, >, 10);
  g_clear_object (&log);
  assert_intact_with (path, saved);

  /* the same disk, now read-only: a clear refusal, and the file untouched */
  g_assert_cmpint (mount (NULL, dir, NULL, MS_REMOUNT | MS_RDONLY, NULL), ==, 0);
  {
    g_autoptr(GBytes) before = hz_test_read_file (path);
    g_autoptr(GBytes) after = NULL;

    log = hz_consult_log_open (path, &error);
    if (log != NULL)
      {
        g_assert_cmpint (hz_consult_log_append (log, "C-disk", "dr.zhou", "chat.message", "{}", &error), ==, 0);
        g_clear_object (&log);
      }
    g_assert_error (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_READ_ONLY);
    g_printerr ("read-only: %s\n", error->message);
    after = hz_test_read_file (path);
    g_assert_true (g_bytes_equal (before, after));
  }
  g_assert_cmpint (umount (dir), ==, 0);
  hz_test_rmdir (dir);
  g_print ("DONE\n");
}

/* Asks a throw-away child, so the test process keeps its namespace. */
static gboolean
can_mount_privately (char **why)
{
  int status = 0;
  pid_t pid;

  if (geteuid () != 0)
    {
      *why = g_strdup ("needs root to mount a small tmpfs in a private mount namespace");
      return FALSE;
    }
  pid = fork ();
  if (pid == 0)
    _exit (unshare (CLONE_NEWNS) == 0 ? 0 : 1);
  if (pid < 0 || waitpid (pid, &status, 0) != pid || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      *why = g_strdup ("this machine does not allow a private mount namespace (unshare failed)");
      return FALSE;
    }
  return TRUE;
}

static void
test_small_tmpfs (void)
{
  g_autofree char *why = NULL;

  if (g_test_subprocess ())
    {
      tmpfs_child ();
      return;
    }
  if (!can_mount_privately (&why))
    {
      g_test_skip (why);
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*DONE*");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/consult-log/disk/file-size-limit", test_file_size_limit);
  g_test_add_func ("/core/consult-log/disk/small-tmpfs-then-read-only", test_small_tmpfs);
  return g_test_run ();
}
