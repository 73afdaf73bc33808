/* bench-netsim.c: the impairment relay's own timing error, which adds to
 * every delay figure measured through it (glass-to-glass on the impaired
 * link). Prints, per scenario, how late the relay wrote each frame against
 * its schedule (from its --trace) and how far the one-way delay seen by the
 * receiver strays from the configured one. Needs root. */
#include "hz-netsim.h"
#include "hz-test-utils.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

static int
cmp_i64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
print_dist (const char *what, GArray *v)
{
  gint64 med, p99, max;

  if (v->len == 0)
    {
      g_print ("  %-44s no samples\n", what);
      return;
    }
  g_array_sort (v, cmp_i64);
  med = g_array_index (v, gint64, v->len / 2);
  p99 = g_array_index (v, gint64, (guint) (0.99 * (v->len - 1)));
  max = g_array_index (v, gint64, v->len - 1);
  g_print ("  %-44s median %7.1f us  p99 %7.1f us  max %7.1f us  (n=%u)\n",
           what, med / 1e3, p99 / 1e3, max / 1e3, v->len);
}

static char *
run (HzNetsim *net, const char *side, const char * const *argv)
{
  g_auto(GStrv) full = hz_netsim_argv (net, side, argv);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  proc = g_subprocess_newv ((const char * const *) full, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  if (proc == NULL || !g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, &error))
    g_error ("%s", error->message);
  return out;
}

/* One scenario: the link settings, then a paced UDP stream A to B. */
static void
scenario (const char *title, const char *dir, double delay_ms, double rate_kbit,
          const char * const *link, const char *pps, const char *count, const char *size)
{
  const char *probe = g_getenv ("HZ_NETSIM_PROBE");
  g_autofree char *trace = g_build_filename (dir, "trace", NULL);
  g_autofree char *log = g_build_filename (dir, "log", NULL);
  g_autofree char *ready = g_build_filename (dir, "ready", NULL);
  g_autofree char *trace_text = NULL, *log_text = NULL, *out = NULL, *out_sent = NULL;
  g_autoptr(GArray) late = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) owd_err = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) rx = NULL;
  g_auto(GStrv) lines = NULL;
  HzNetsim *net;

  net = hz_netsim_up (&error, "--trace", trace, link[0], link[1], link[2], link[3], link[4],
                      link[5], link[6], NULL);
  if (net == NULL)
    g_error ("%s", error->message);
  rx = hz_netsim_spawn (net, "B", G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, probe, "recv",
                        "--idle", "1000", "--ready", ready, "--log", log, NULL);
  for (guint i = 0; i < 500 && !g_file_test (ready, G_FILE_TEST_EXISTS); i++)
    g_usleep (10000);
  {
    const char *argv[] = { probe, "send", "--to", net->addr_b, "--pps", pps, "--count", count,
                           "--size", size, NULL };
    out_sent = run (net, "A", argv);
  }
  {
    g_autofree char *got = NULL;
    g_subprocess_communicate_utf8 (rx, NULL, NULL, &got, NULL, NULL);
    g_free (out);
    out = g_strdup_printf ("%s  %s", out_sent, got ? got : "receiver failed\n");
  }
  hz_netsim_free (net);  /* the relay flushes its trace on exit */

  if (!g_file_get_contents (trace, &trace_text, NULL, &error) ||
      !g_file_get_contents (log, &log_text, NULL, &error))
    g_error ("%s", error->message);
  lines = g_strsplit (trace_text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char d[8], fate[16];
      guint64 seq, len;
      gint64 in_ns, sched_ns, out_ns;

      if (sscanf (lines[i], "%7s %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GINT64_FORMAT
                  " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %15s",
                  d, &seq, &len, &in_ns, &sched_ns, &out_ns, fate) == 7 &&
          g_str_equal (fate, "fwd") && g_str_equal (d, "a2b"))
        {
          gint64 l = out_ns - sched_ns;
          g_array_append_val (late, l);
        }
    }
  g_strfreev (lines);
  lines = g_strsplit (log_text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gint64 seq, sent_ns, recv_ns;

      if (sscanf (lines[i], "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                  &seq, &sent_ns, &recv_ns) == 3)
        {
          /* Expected: serialisation of one frame (the stream stays under
           * the rate, so it never queues) plus the delay. */
          double ser_ns = rate_kbit > 0 ? (atoi (size) + 42) * 8 * 1e6 / rate_kbit : 0;
          gint64 e = recv_ns - sent_ns - (gint64) (delay_ms * 1e6 + ser_ns);
          g_array_append_val (owd_err, e);
        }
    }
  g_print ("%s\n  %s", title, out);
  print_dist ("relay lateness (sent - scheduled)", late);
  print_dist ("one-way delay - configured (A to B)", owd_err);
}

int
main (int argc, char **argv)
{
  g_autofree char *reason = NULL;
  g_autofree char *dir = NULL;
  struct utsname u;

  if (!hz_netsim_available (&reason))
    {
      g_print ("bench-netsim: skipped: %s\n", reason);
      return 77;
    }
  uname (&u);
  g_print ("bench-netsim on %s (%s %s), %u CPUs\n", u.nodename, u.sysname, u.release,
           g_get_num_processors ());
  dir = hz_test_tmpdir ();
  /* netsim.sh adds --realtime unless NETSIM_REALTIME=0; the second run
   * shows what it buys on a busy machine. */
  {
    const char *link[8] = { "--delay", "0", NULL };
    scenario ("no impairment (the path's own cost), 200 datagrams/s of 200 B", dir, 0, 0, link,
              "200", "2000", "200");
  }
  {
    const char *link[8] = { "--delay", "75ms", NULL };
    scenario ("delay 75 ms, 200 datagrams/s of 200 B", dir, 75, 0, link, "200", "2000", "200");
  }
  g_setenv ("NETSIM_REALTIME", "0", TRUE);
  {
    const char *link[8] = { "--delay", "75ms", NULL };
    scenario ("delay 75 ms, 200 datagrams/s of 200 B, relay without --realtime", dir, 75, 0, link,
              "200", "2000", "200");
  }
  g_unsetenv ("NETSIM_REALTIME");
  {
    const char *link[8] = { "--delay", "75ms", "--rate", "384kbit", "--queue", "50", NULL };
    scenario ("384 kbit/s, 75 ms, queue 50; 30 datagrams/s of 1200 B (~300 kbit/s)", dir, 75, 384,
              link, "30", "300", "1200");
  }
  hz_test_rmdir (dir);
  return 0;
}
