/* test-consult-log-crash.c: kill -9 at random moments loses nothing
 * that was reported saved.
 *
 * A child appends in a loop and, after each append returns, writes the
 * event's seq and number down a pipe. The parent kills it with SIGKILL
 * after a random delay (sometimes while it is still creating the log),
 * then checks that every reported event is there, as written, and that
 * the chain verifies. Fifty rounds on the same file. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hz-consult-log.h"
#include "hz-test-utils.h"

#define ROUNDS 50

typedef struct {
  gint64 seq;
  gint64 n;
} Receipt;

static void
write_all (int         fd,
           const void *data,
           gsize       len)
{
  const char *p = data;

  while (len > 0)
    {
      ssize_t w = write (fd, p, len);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        _exit (5);
      p += w;
      len -= (gsize) w;
    }
}

G_GNUC_NORETURN static void
child_main (const char *path,
            int         round,
            int         fd)
{
  g_autoptr(HzConsultLog) log = hz_consult_log_open (path, NULL);
  gint64 n;

  if (log == NULL)
    _exit (3);
  for (n = 0; ; n += (round % 3 == 0) ? 4 : 1)
    {
      if (round % 3 == 0)
        {
          /* batches: all four reported only once the batch returned */
          g_autofree char *p0 = g_strdup_printf ("{\"round\":%d,\"n\":%" G_GINT64_FORMAT "}", round, n);
          g_autofree char *p1 = g_strdup_printf ("{\"round\":%d,\"n\":%" G_GINT64_FORMAT "}", round, n + 1);
          g_autofree char *p2 = g_strdup_printf ("{\"round\":%d,\"n\":%" G_GINT64_FORMAT "}", round, n + 2);
          g_autofree char *p3 = g_strdup_printf ("{\"round\":%d,\"n\":%" G_GINT64_FORMAT "}", round, n + 3);
          HzLogDraft drafts[4] = {
            { "C-crash", "child", "annotation.added", p0 },
            { "C-crash", "child", "annotation.added", p1 },
            { "C-crash", "child", "annotation.added", p2 },
            { "C-crash", "child", "annotation.added", p3 },
          };
          gint64 first = 0;
          int i;

          if (!hz_consult_log_append_batch (log, drafts, 4, &first, NULL))
            _exit (4);
          for (i = 0; i < 4; i++)
            {
              Receipt r = { first + i, n + i };
              write_all (fd, &r, sizeof r);
            }
        }
      else
        {
          g_autofree char *payload = g_strdup_printf ("{\"round\":%d,\"n\":%" G_GINT64_FORMAT ",\"text\":\"心电图\"}",
                                                      round, n);
          Receipt r = { hz_consult_log_append (log, "C-crash", "child", "annotation.added", payload, NULL), n };

          if (r.seq == 0)
            _exit (4);
          write_all (fd, &r, sizeof r);
        }
    }
}

static GArray *
read_receipts (int fd)
{
  GArray *receipts = g_array_new (FALSE, FALSE, sizeof (Receipt));
  Receipt r;
  ssize_t got;

  /* Receipts are 16 bytes, under PIPE_BUF: each arrives whole or not at all. */
  while ((got = read (fd, &r, sizeof r)) != 0)
    {
      if (got < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (got, ==, sizeof r);
      g_array_append_val (receipts, r);
    }
  return receipts;
}

static void
check_receipts (const char *path,
                int         round,
                GArray     *receipts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzConsultLog) log = hz_consult_log_open (path, &error);
  HzLogVerifyReport report;
  guint i;

  g_assert_no_error (error);
  for (i = 0; i < receipts->len; i++)
    {
      Receipt *r = &g_array_index (receipts, Receipt, i);
      g_autoptr(HzLogEvent) event = hz_consult_log_get_event (log, r->seq, &error);
      g_autofree char *expected = NULL;

      /* canonical key order: n, round, text */
      if (round % 3 == 0)
        expected = g_strdup_printf ("{\"n\":%" G_GINT64_FORMAT ",\"round\":%d}", r->n, round);
      else
        expected = g_strdup_printf ("{\"n\":%" G_GINT64_FORMAT ",\"round\":%d,\"text\":\"心电图\"}",
                                    r->n, round);
      g_assert_no_error (error);
      g_assert_cmpstr (event->payload, ==, expected);
    }
  g_assert_true (hz_consult_log_verify (log, &report, &error));
  g_assert_no_error (error);
  if (report.problem != HZ_LOG_CHAIN_INTACT)
    g_error ("round %d: chain broken: %s", round, report.detail);
  hz_log_verify_report_clear (&report);
}

static void
test_kill9 (void)
{
  g_autofree char *dir = hz_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "crash.db", NULL);
  guint total = 0;
  int round;

  for (round = 0; round < ROUNDS; round++)
    {
      g_autoptr(GArray) receipts = NULL;
      int fds[2];
      int status = 0;
      pid_t pid;

      g_assert_cmpint (pipe (fds), ==, 0);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          close (fds[0]);
          child_main (path, round, fds[1]);
        }
      close (fds[1]);
      /* Round 0 dies while still creating the log's tables. The others
       * die at a random moment after their first reported append, so a
       * loaded machine (ASan, parallel tests) cannot turn every round
       * into a kill before the child even opened the log. */
      if (round > 0)
        {
          struct pollfd first = { .fd = fds[0], .events = POLLIN };
          g_assert_cmpint (poll (&first, 1, 20000), ==, 1);
        }
      g_usleep (round == 0 ? 2000 : g_random_int_range (5000, 60000));
      kill (pid, SIGKILL);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);

      receipts = read_receipts (fds[0]);
      close (fds[0]);
      total += receipts->len;
      check_receipts (path, round, receipts);
    }
  g_test_message ("%u reported appends over %d kills, all present", total, ROUNDS);
  g_assert_cmpuint (total, >, ROUNDS);
  hz_test_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/consult-log/crash-safety", test_kill9);
  return g_test_run ();
}
