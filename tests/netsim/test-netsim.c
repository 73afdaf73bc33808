/* test-netsim.c: measures that the impaired link does what it is told:
 * delay, rate, random loss, the queue bound, cut and restore, and intact
 * checksums, each within stated tolerances. Needs root and namespaces. */
#include "hz-netsim.h"
#include "hz-test-utils.h"

#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <string.h>

static char *skip_reason;

#define SKIP_IF_UNAVAILABLE() \
  G_STMT_START { if (skip_reason != NULL) { g_test_skip (skip_reason); return; } } G_STMT_END

static const char *
probe (void)
{
  const char *p = g_getenv ("HZ_NETSIM_PROBE");

  g_assert_nonnull (p);
  return p;
}

static HzNetsim *
up (const char *first, ...)
{
  /* hz_netsim_up is variadic too; tests pass at most eight options. */
  const char *o[9] = { first, NULL };
  g_autoptr(GError) error = NULL;
  HzNetsim *net;
  va_list ap;
  guint n = 1;

  va_start (ap, first);
  while (first != NULL && n < 8 && (o[n] = va_arg (ap, const char *)) != NULL)
    n++;
  va_end (ap);
  net = hz_netsim_up (&error, o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], NULL);
  g_assert_no_error (error);
  return net;
}

static void
control (HzNetsim *net, const char *command)
{
  g_autoptr(GError) error = NULL;

  gboolean ok = hz_netsim_control (net, command, &error);

  g_assert_no_error (error);
  g_assert_true (ok);
}

static char *
stats (HzNetsim *net)
{
  g_autoptr(GError) error = NULL;
  char *s = hz_netsim_stats (net, &error);

  g_assert_no_error (error);
  return s;
}

static char *
finish (GSubprocess *proc)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  g_autofree char *err = NULL;

  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (proc))
    g_error ("probe failed: %s", err);
  g_test_message ("probe: %s", out);
  return out;
}

/* Runs the probe inside a namespace and waits for its summary line. */
static char *
run_probe (HzNetsim *net, const char *side, const char *mode, ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_auto(GStrv) full = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  va_list ap;

  g_ptr_array_add (args, (gpointer) probe ());
  g_ptr_array_add (args, (gpointer) mode);
  va_start (ap, mode);
  for (const char *a = va_arg (ap, const char *); a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  full = hz_netsim_argv (net, side, (const char * const *) args->pdata);
  proc = g_subprocess_newv ((const char * const *) full,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  return finish (proc);
}

/* A receiver in B, listening once this returns. */
static GSubprocess *
recv_start (HzNetsim *net, const char *dir, const char *idle_ms, const char *log)
{
  g_autofree char *ready = g_build_filename (dir, "ready", NULL);
  g_autoptr(GError) error = NULL;
  GSubprocess *proc;

  g_unlink (ready);
  proc = hz_netsim_spawn (net, "B", G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                          &error, probe (), "recv", "--idle", idle_ms, "--ready", ready,
                          log ? "--log" : NULL, log, NULL);
  g_assert_no_error (error);
  for (guint i = 0; i < 500 && !g_file_test (ready, G_FILE_TEST_EXISTS); i++)
    g_usleep (10000);
  g_assert_true (g_file_test (ready, G_FILE_TEST_EXISTS));
  return proc;
}

/* What a loaded 2-core machine (CI, or seven builds at once) can add to a
 * single packet's delay by descheduling the relay or the receiver. Medians
 * are held to tight bounds; maxima get this much slack. */
#define SCHED_SLACK_US 100000

#define V(text, key) hz_netsim_value ((text), NULL, (key))
#define S(text, dir, key) hz_netsim_value ((text), (dir), (key))

/* Ping RTT is twice the one-way delay; each direction has its own. The
 * relay may be late by its scheduling error but never early. */
static void
test_delay (void)
{
  g_autoptr(HzNetsim) net = NULL;
  g_autofree char *ping = NULL, *ping2 = NULL, *udp = NULL;
  g_autofree char *dir = hz_test_tmpdir ();
  g_autoptr(GSubprocess) rx = NULL;

  SKIP_IF_UNAVAILABLE ();
  net = up ("--delay", "40ms", NULL);
  ping = run_probe (net, "A", "ping", "--to", net->addr_b, "--count", "20", "--interval", "50", NULL);
  g_assert_cmpfloat (V (ping, "received"), ==, 20);
  g_assert_cmpfloat (V (ping, "corrupt"), ==, 0);
  g_assert_cmpfloat (V (ping, "rtt_min_us"), >=, 80000);
  g_assert_cmpfloat (V (ping, "rtt_med_us"), <=, 84000);

  control (net, "set a2b delay=10ms");
  ping2 = run_probe (net, "A", "ping", "--to", net->addr_b, "--count", "20", "--interval", "50", NULL);
  g_assert_cmpfloat (V (ping2, "rtt_min_us"), >=, 50000);
  g_assert_cmpfloat (V (ping2, "rtt_med_us"), <=, 54000);

  rx = recv_start (net, dir, "500", NULL);
  g_free (run_probe (net, "A", "send", "--to", net->addr_b, "--pps", "100", "--count", "50",
                     "--size", "100", NULL));
  udp = finish (rx);
  g_assert_cmpfloat (V (udp, "received"), ==, 50);
  g_assert_cmpfloat (V (udp, "owd_min_us"), >=, 10000);
  g_assert_cmpfloat (V (udp, "owd_med_us"), <=, 12000);
  hz_test_rmdir (dir);
}

/* A sender above the rate limit: the receiver sees the limit (counted in
 * Ethernet frame bytes, as the relay counts them), and nothing is lost
 * while the queue has room. */
static void
test_rate (void)
{
  g_autoptr(HzNetsim) net = NULL;
  g_autofree char *sent = NULL, *got = NULL, *st = NULL;
  g_autofree char *dir = hz_test_tmpdir ();
  g_autoptr(GSubprocess) rx = NULL;

  SKIP_IF_UNAVAILABLE ();
  net = up ("--rate", "384kbit", "--queue", "1000", NULL);
  rx = recv_start (net, dir, "500", NULL);
  sent = run_probe (net, "A", "send", "--to", net->addr_b, "--rate", "576", "--duration", "2", NULL);
  got = finish (rx);
  st = stats (net);
  g_assert_cmpfloat (V (got, "received"), ==, V (sent, "sent"));
  g_assert_cmpfloat (V (got, "corrupt"), ==, 0);
  g_assert_cmpfloat (V (got, "l2_kbit"), >=, 384 * 0.95);
  g_assert_cmpfloat (V (got, "l2_kbit"), <=, 384 * 1.05);
  g_assert_cmpfloat (S (st, "a2b", "forwarded"), ==, V (sent, "sent"));
  hz_test_rmdir (dir);
}

static void
check_loss (HzNetsim *net, const char *dir, double p, guint n, const char *pps, double *lost_out)
{
  g_autofree char *count = g_strdup_printf ("%u", n);
  g_autofree char *sent = NULL, *got = NULL, *st = NULL, *st0 = stats (net);
  g_autoptr(GSubprocess) rx = recv_start (net, dir, "500", NULL);
  double received, measured, sigma, forwarded, lost;

  sent = run_probe (net, "A", "send", "--to", net->addr_b, "--pps", pps, "--count", count,
                    "--size", "100", NULL);
  got = finish (rx);
  st = stats (net);
  received = V (got, "received");
  measured = 1.0 - received / n;
  /* Four standard deviations of a binomial fraction: a false alarm about
   * once in 16000 runs, while a wrong rate is still caught. */
  sigma = sqrt (p * (1 - p) / n);
  g_test_message ("loss %.4f configured %.4f (4 sigma %.4f)", measured, p, 4 * sigma);
  g_assert_cmpfloat (V (sent, "sent"), ==, n);
  g_assert_cmpfloat (fabs (measured - p), <=, 4 * sigma);
  /* Only our datagrams cross the link (no IPv6, fixed neighbours), so the
   * relay's counters add up exactly. */
  forwarded = S (st, "a2b", "forwarded") - S (st0, "a2b", "forwarded");
  lost = S (st, "a2b", "lost") - S (st0, "a2b", "lost");
  g_assert_cmpfloat (forwarded + lost, ==, n);
  g_assert_cmpfloat (forwarded, ==, received);
  g_assert_cmpfloat (V (got, "corrupt"), ==, 0);
  g_assert_cmpfloat (V (got, "duplicates"), ==, 0);
  g_assert_cmpfloat (V (got, "reordered"), ==, 0);
  *lost_out = lost;
}

static void
test_loss (void)
{
  g_autofree char *dir = hz_test_tmpdir ();
  double lost1, lost2, lost3;

  SKIP_IF_UNAVAILABLE ();
  {
    g_autoptr(HzNetsim) net = up ("--loss", "10", "--seed", "42", NULL);
    check_loss (net, dir, 0.10, 4000, "4000", &lost1);
  }
  {
    /* Same seed, same traffic: the same losses. */
    g_autoptr(HzNetsim) net = up ("--loss", "10", "--seed", "42", NULL);
    check_loss (net, dir, 0.10, 4000, "4000", &lost2);
    g_assert_cmpfloat (lost1, ==, lost2);
    control (net, "set a2b loss=3");
    check_loss (net, dir, 0.03, 10000, "5000", &lost3);
  }
  hz_test_rmdir (dir);
}

/* A burst far beyond the queue: the queue's worth gets through, the rest
 * is dropped at the tail, and no packet waits longer than queue / rate. */
static void
test_queue (void)
{
  g_autoptr(HzNetsim) net = NULL;
  g_autofree char *got = NULL, *got2 = NULL, *st = NULL, *st2 = NULL, *text = NULL;
  g_autofree char *dir = hz_test_tmpdir ();
  g_autofree char *trace = g_build_filename (dir, "trace", NULL);
  g_auto(GStrv) lines = NULL;
  guint fwd_lines = 0;
  GSubprocess *rx;
  /* 1000-byte payloads are 1042-byte frames: 16.67 ms each at 500 kbit/s. */
  const double frame_us = 1042 * 8 / 0.5;

  SKIP_IF_UNAVAILABLE ();
  net = up ("--rate", "500kbit", "--queue", "20", "--trace", trace, NULL);
  rx = recv_start (net, dir, "500", NULL);
  g_free (run_probe (net, "A", "send", "--to", net->addr_b, "--burst", "100", NULL));
  got = finish (rx);
  g_object_unref (rx);
  st = stats (net);
  g_assert_cmpfloat (V (got, "received"), >=, 20);
  g_assert_cmpfloat (V (got, "received"), <=, 22);
  g_assert_cmpfloat (S (st, "a2b", "queue_drops") + S (st, "a2b", "forwarded"), ==, 100);
  g_assert_cmpfloat (S (st, "a2b", "max_queue"), ==, 20);
  g_assert_cmpfloat (V (got, "owd_max_us"), >=, 19 * frame_us);
  g_assert_cmpfloat (V (got, "owd_max_us"), <=, 20 * frame_us + SCHED_SLACK_US);

  /* Sustained overload: the delay stays bounded, the rate stays the limit. */
  rx = recv_start (net, dir, "500", NULL);
  g_free (run_probe (net, "A", "send", "--to", net->addr_b, "--rate", "1000", "--duration", "2", NULL));
  got2 = finish (rx);
  g_object_unref (rx);
  /* A full queue: the median waits the whole queue, never more. */
  g_assert_cmpfloat (V (got2, "owd_med_us"), >=, 18 * frame_us);
  g_assert_cmpfloat (V (got2, "owd_med_us"), <=, 20 * frame_us + 5000);
  g_assert_cmpfloat (V (got2, "owd_max_us"), <=, 20 * frame_us + SCHED_SLACK_US);
  /* The relay's own schedule (its trace) holds the bound exactly; asking
   * for the counters flushes the trace. */
  st2 = stats (net);
  g_assert_true (g_file_get_contents (trace, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char d[8], fate[16];
      guint64 seq, len;
      gint64 in_ns, sched_ns, out_ns;

      if (sscanf (lines[i], "%7s %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GINT64_FORMAT
                  " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %15s",
                  d, &seq, &len, &in_ns, &sched_ns, &out_ns, fate) != 7 || !g_str_equal (fate, "fwd") || !g_str_equal (d, "a2b"))
        continue;
      g_assert_cmpint (len, ==, 1042);
      g_assert_cmpint (sched_ns - in_ns, <=, (gint64) (20 * frame_us * 1000) + 1000);
      fwd_lines++;
    }
  g_assert_cmpuint (fwd_lines, ==, S (st2, "a2b", "forwarded"));
  g_assert_cmpuint (fwd_lines, ==, V (got, "received") + V (got2, "received"));
  g_assert_cmpfloat (V (got2, "l2_kbit"), >=, 500 * 0.95);
  g_assert_cmpfloat (V (got2, "l2_kbit"), <=, 500 * 1.05);
  hz_test_rmdir (dir);
}

/* While cut nothing arrives, also not what was in flight; after restore
 * every datagram arrives again within the link delay. */
static void
test_cut (void)
{
  g_autoptr(HzNetsim) net = NULL;
  g_autofree char *dir = hz_test_tmpdir ();
  g_autofree char *log = g_build_filename (dir, "log", NULL);
  g_autofree char *got = NULL, *st = NULL, *text = NULL;
  g_autoptr(GSubprocess) rx = NULL, tx = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 t_cut, t_restore0, t_restore1;
  gint64 first_after = -1, first_after_ns = 0, last_seq = -1;
  guint during = 0, after = 0;

  SKIP_IF_UNAVAILABLE ();
  net = up ("--delay", "20ms", NULL);
  rx = recv_start (net, dir, "2000", log);
  tx = hz_netsim_spawn (net, "A", G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, probe (), "send",
                        "--to", net->addr_b, "--pps", "200", "--duration", "3", "--size", "200", NULL);
  g_assert_no_error (error);
  g_usleep (G_USEC_PER_SEC);
  control (net, "cut");
  t_cut = g_get_monotonic_time () * 1000;
  g_usleep (G_USEC_PER_SEC);
  t_restore0 = g_get_monotonic_time () * 1000;
  control (net, "restore");
  t_restore1 = g_get_monotonic_time () * 1000;
  g_free (finish (tx));
  got = finish (rx);
  st = stats (net);

  g_assert_true (g_file_get_contents (log, &text, NULL, &error));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      gint64 seq, sent_ns, recv_ns;

      g_assert_cmpint (sscanf (lines[i], "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                               &seq, &sent_ns, &recv_ns), ==, 3);
      /* Sent after t_cut − 19 ms, a datagram reaches the relay's exit after
       * the cut was in effect (20 ms delay); until the restore, the relay
       * drops it on entry. Send times do not depend on how promptly the
       * receiver was scheduled. */
      if (sent_ns > t_cut - 19000000 && sent_ns < t_restore0)
        during++;
      if (sent_ns > t_restore1)
        {
          if (first_after < 0)
            first_after = seq, first_after_ns = recv_ns;
          after++;
        }
      last_seq = MAX (last_seq, seq);
    }
  g_test_message ("during cut %u, after restore %u from seq %" G_GINT64_FORMAT ", first %.1f ms after restore",
                  during, after, first_after, (first_after_ns - t_restore1) / 1e6);
  g_assert_cmpuint (during, ==, 0);
  g_assert_cmpint (first_after, >=, 0);
  /* Everything sent after the restore arrived, the first within the delay
   * plus one sending interval plus scheduling slack. */
  g_assert_cmpint (after, ==, last_seq - first_after + 1);
  g_assert_cmpint (last_seq, ==, 599);
  g_assert_cmpint (after, >=, 50);
  g_assert_cmpint (first_after_ns - t_restore1, <=, (20 + 5) * 1000000 + SCHED_SLACK_US * 1000);
  g_assert_cmpfloat (S (st, "a2b", "cut_drops"), >=, 180);
  g_assert_cmpfloat (S (st, "a2b", "cut"), ==, 0);
  g_assert_cmpfloat (V (got, "corrupt"), ==, 0);
  hz_test_rmdir (dir);
}

static guint64
snmp_value (const char *snmp, const char *proto, const char *field)
{
  g_auto(GStrv) lines = g_strsplit (snmp, "\n", -1);
  g_autofree char *tag = g_strconcat (proto, ":", NULL);

  /* Pairs of lines: the field names, then the values. */
  for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
    if (g_str_has_prefix (lines[i], tag) && g_str_has_prefix (lines[i + 1], tag))
      {
        g_auto(GStrv) names = g_strsplit (lines[i], " ", -1);
        g_auto(GStrv) values = g_strsplit (lines[i + 1], " ", -1);
        for (guint j = 1; names[j] != NULL && values[j] != NULL; j++)
          if (g_str_equal (names[j], field))
            return g_ascii_strtoull (values[j], NULL, 10);
      }
  g_error ("no %s %s in /proc/net/snmp", proto, field);
  return 0;
}

/* Relayed frames must carry finished checksums: B's kernel accepts every
 * datagram, of every size, and counts no checksum error. */
static void
test_checksum (void)
{
  g_autoptr(HzNetsim) net = NULL;
  g_autofree char *dir = hz_test_tmpdir ();
  g_autofree char *snmp = NULL;
  const char *sizes[] = { "20", "777", "1472" };
  g_autoptr(GError) error = NULL;

  SKIP_IF_UNAVAILABLE ();
  net = up ("--delay", "1ms", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GSubprocess) rx = recv_start (net, dir, "300", NULL);
      g_autofree char *got = NULL;

      g_free (run_probe (net, "A", "send", "--to", net->addr_b, "--pps", "1000", "--count", "200",
                         "--size", sizes[i], NULL));
      got = finish (rx);
      g_assert_cmpfloat (V (got, "received"), ==, 200);
      g_assert_cmpfloat (V (got, "corrupt"), ==, 0);
    }
  /* ICMP both ways, checked by the ping's own checksum test. */
  g_free (run_probe (net, "A", "ping", "--to", net->addr_b, "--count", "5", "--interval", "10",
                     "--size", "1400", NULL));
  {
    const char *argv[] = { "cat", "/proc/net/snmp", NULL };
    g_auto(GStrv) full = hz_netsim_argv (net, "B", argv);
    g_autoptr(GSubprocess) cat = g_subprocess_newv ((const char * const *) full,
                                                    G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
    g_assert_no_error (error);
    snmp = finish (cat);
  }
  g_assert_cmpuint (snmp_value (snmp, "Udp", "InDatagrams"), ==, 600);
  g_assert_cmpuint (snmp_value (snmp, "Udp", "InCsumErrors"), ==, 0);
  g_assert_cmpuint (snmp_value (snmp, "Udp", "InErrors"), ==, 0);
  g_assert_cmpuint (snmp_value (snmp, "Icmp", "InCsumErrors"), ==, 0);
  g_assert_cmpuint (snmp_value (snmp, "Icmp", "InEchos"), ==, 5);
  hz_test_rmdir (dir);
}

/* A long stream at a high packet rate through a small delay: thousands of
 * wake-ups close to their deadlines, where the relay once computed a
 * negative timeout and died. Everything arrives, in order, on time. */
static void
test_stream (void)
{
  g_autoptr(HzNetsim) net = NULL;
  g_autofree char *dir = hz_test_tmpdir ();
  g_autofree char *got = NULL, *st = NULL;
  g_autoptr(GSubprocess) rx = NULL;

  SKIP_IF_UNAVAILABLE ();
  net = up ("--delay", "2ms", NULL);
  rx = recv_start (net, dir, "500", NULL);
  g_free (run_probe (net, "A", "send", "--to", net->addr_b, "--pps", "2000", "--count", "6000",
                     "--size", "100", NULL));
  got = finish (rx);
  st = stats (net);
  g_assert_cmpfloat (V (got, "received"), ==, 6000);
  g_assert_cmpfloat (V (got, "reordered"), ==, 0);
  g_assert_cmpfloat (V (got, "owd_min_us"), >=, 2000);
  g_assert_cmpfloat (V (got, "owd_med_us"), <=, 3000);
  g_assert_cmpfloat (S (st, "a2b", "forwarded"), ==, 6000);
  hz_test_rmdir (dir);
}

/* TCP (the hub's WebSocket) over the bad link: every byte arrives
 * intact, and no checksum error anywhere on B. */
static void
test_tcp (void)
{
  g_autoptr(HzNetsim) net = NULL;
  g_autofree char *dir = hz_test_tmpdir ();
  g_autofree char *ready = g_build_filename (dir, "ready", NULL);
  g_autofree char *got = NULL, *sent = NULL, *snmp = NULL, *st = NULL;
  g_autoptr(GSubprocess) rx = NULL;
  g_autoptr(GError) error = NULL;

  SKIP_IF_UNAVAILABLE ();
  net = up ("--rate", "384kbit", "--delay", "75ms", "--loss", "3", "--queue", "50",
            "--seed", "5", NULL);
  rx = hz_netsim_spawn (net, "B", G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                        &error, probe (), "tcp-recv", "--ready", ready, NULL);
  g_assert_no_error (error);
  for (guint i = 0; i < 500 && !g_file_test (ready, G_FILE_TEST_EXISTS); i++)
    g_usleep (10000);
  sent = run_probe (net, "A", "tcp-send", "--to", net->addr_b, "--bytes", "100000", NULL);
  got = finish (rx);
  st = stats (net);
  g_assert_cmpfloat (V (got, "received_bytes"), ==, 100000);
  g_assert_cmpfloat (V (got, "corrupt"), ==, 0);
  /* 100 kB at 384 kbit/s is 2.1 s of wire time; loss and slow start add
   * some, a stall for good would not finish at all. */
  g_assert_cmpfloat (V (sent, "seconds"), <=, 30);
  g_assert_cmpfloat (S (st, "a2b", "lost") + S (st, "b2a", "lost"), >, 0);
  {
    const char *argv[] = { "cat", "/proc/net/snmp", NULL };
    g_auto(GStrv) full = hz_netsim_argv (net, "B", argv);
    g_autoptr(GSubprocess) cat = g_subprocess_newv ((const char * const *) full,
                                                    G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
    g_assert_no_error (error);
    snmp = finish (cat);
  }
  g_assert_cmpuint (snmp_value (snmp, "Tcp", "InCsumErrors"), ==, 0);
  g_assert_cmpuint (snmp_value (snmp, "Tcp", "InErrs"), ==, 0);
  hz_test_rmdir (dir);
}

/* A topology whose owner died: the relay stops by itself and cleanup
 * removes the namespaces, so a crashed test leaves nothing behind. */
static void
test_owner (void)
{
  g_autoptr(GSubprocess) owner = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pid = NULL, *name = NULL, *list = NULL;
  const char *script = g_getenv ("HZ_NETSIM_SCRIPT");
  gboolean relay_gone = FALSE;
  int status;

  SKIP_IF_UNAVAILABLE ();
  owner = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "sleep", "60", NULL);
  g_assert_no_error (error);
  pid = g_strdup (g_subprocess_get_identifier (owner));
  name = g_strdup_printf ("hzn%s", pid);
  {
    const char *argv[] = { script, "up", "--owner", pid, NULL };
    g_autofree char *out = NULL;
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, &error));
    g_assert_cmpstr (g_strstrip (out), ==, name);
  }
  g_subprocess_force_exit (owner);
  g_subprocess_wait (owner, NULL, NULL);

  for (guint i = 0; i < 100 && !relay_gone; i++)
    {
      const char *argv[] = { script, "-n", name, "stats", NULL };
      g_usleep (20000);
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                                   G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                   NULL, NULL, NULL, NULL, &status, NULL));
      relay_gone = !g_spawn_check_wait_status (status, NULL);
    }
  g_assert_true (relay_gone);

  {
    const char *argv[] = { script, "cleanup", NULL };
    const char *ls[] = { "ip", "netns", "list", NULL };
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                                 NULL, NULL, &status, &error));
    g_assert_true (g_spawn_sync (NULL, (char **) ls, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                 &list, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_null (strstr (list, name));
  }
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  if (!hz_netsim_available (&skip_reason))
    g_test_message ("netsim unavailable: %s", skip_reason);

  g_test_add_func ("/netsim/delay", test_delay);
  g_test_add_func ("/netsim/rate", test_rate);
  g_test_add_func ("/netsim/loss", test_loss);
  g_test_add_func ("/netsim/queue", test_queue);
  g_test_add_func ("/netsim/cut", test_cut);
  g_test_add_func ("/netsim/checksum", test_checksum);
  g_test_add_func ("/netsim/stream", test_stream);
  g_test_add_func ("/netsim/tcp", test_tcp);
  g_test_add_func ("/netsim/owner", test_owner);
  ret = g_test_run ();
  g_free (skip_reason);
  return ret;
}
