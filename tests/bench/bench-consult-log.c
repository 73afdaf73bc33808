/* bench-consult-log.c: what the consultation log costs, printed.
 *
 * Single durable appends (each its own transaction and fdatasync),
 * batched appends, verify over 100,000 events, and the size on disk.
 * Targets (issue 2): single append p99 <= 2 ms, >= 20,000 batched
 * events/s, verify >= 200,000 events/s. */
#include "config.h"

#include <glib/gstdio.h>
#include <sys/statfs.h>
#include <sys/utsname.h>

#include "hz-consult-log.h"
#include "hz-test-utils.h"

#define SINGLE_APPENDS 2000
#define BATCH_EVENTS 100000
#define BATCH_SIZE 500

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

static double
percentile_ms (GArray *samples_us,
               double  p)
{
  guint index = (guint) (p * (samples_us->len - 1) + 0.5);
  return g_array_index (samples_us, gint64, index) / 1000.0;
}

static void
print_machine (const char *dir)
{
  g_autofree char *cpuinfo = NULL;
  const char *model = "unknown CPU";
  struct utsname u;
  struct statfs fs;
  char **lines;

  if (g_file_get_contents ("/proc/cpuinfo", &cpuinfo, NULL, NULL))
    {
      lines = g_strsplit (cpuinfo, "\n", -1);
      for (char **l = lines; *l; l++)
        if (g_str_has_prefix (*l, "model name"))
          {
            model = strchr (*l, ':') ? strchr (*l, ':') + 2 : *l;
            g_print ("machine: %s, %u cores", model, g_get_num_processors ());
            break;
          }
      g_strfreev (lines);
    }
  uname (&u);
  statfs (dir, &fs);
  g_print (", Linux %s, database on filesystem type 0x%lx\n", u.release, (unsigned long) fs.f_type);
}

static gint64
file_size (const char *path)
{
  GStatBuf st;
  return g_stat (path, &st) == 0 ? (gint64) st.st_size : 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzConsultLog) log = NULL;
  g_autoptr(GArray) latencies = g_array_sized_new (FALSE, FALSE, sizeof (gint64), SINGLE_APPENDS);
  g_autofree HzLogDraft *drafts = g_new (HzLogDraft, BATCH_SIZE);
  g_autoptr(GPtrArray) payloads = g_ptr_array_new_with_free_func (g_free);
  const char *base = g_getenv ("HUIZHEN_BENCH_DIR");
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *wal = NULL;
  HzLogVerifyReport report;
  gint64 start, elapsed, total;
  guint i, b;

  /* On the real disk, not a tmpfs: durability is what is measured. */
  dir = base ? g_build_filename (base, "huizhen-bench", NULL) : g_build_filename (g_get_current_dir (), "huizhen-bench", NULL);
  hz_test_rmdir (dir);
  path = g_build_filename (dir, "bench.db", NULL);
  wal = g_strconcat (path, "-wal", NULL);
  log = hz_consult_log_open (path, &error);
  g_assert_no_error (error);
  print_machine (dir);

  for (i = 0; i < SINGLE_APPENDS; i++)
    {
      g_autofree char *payload = g_strdup_printf ("{\"slice\":%u,\"window\":[-600,1500],\"note\":\"肺窗 第%u层\"}", i, i);
      gint64 t0 = g_get_monotonic_time ();

      if (hz_consult_log_append (log, "C-bench", "dr.chen", "annotation.added", payload, &error) == 0)
        g_error ("append: %s", error->message);
      gint64 dt = g_get_monotonic_time () - t0;
      g_array_append_val (latencies, dt);
    }
  g_array_sort (latencies, compare_gint64);
  g_print ("single durable append (%d, synchronous=FULL): median %.3f ms, p95 %.3f ms, p99 %.3f ms, max %.3f ms (target p99 <= 2 ms)\n",
           SINGLE_APPENDS, percentile_ms (latencies, 0.5), percentile_ms (latencies, 0.95),
           percentile_ms (latencies, 0.99), percentile_ms (latencies, 1.0));

  for (i = 0; i < BATCH_SIZE; i++)
    {
      char *payload = g_strdup_printf ("{\"x\":%u,\"y\":%u,\"label\":\"结节\"}", i, i * 2);
      g_ptr_array_add (payloads, payload);
      drafts[i] = (HzLogDraft) { "C-bench", "dr.chen", "annotation.added", payload };
    }
  start = g_get_monotonic_time ();
  for (b = 0; b < BATCH_EVENTS / BATCH_SIZE; b++)
    if (!hz_consult_log_append_batch (log, drafts, BATCH_SIZE, NULL, &error))
      g_error ("batch: %s", error->message);
  elapsed = g_get_monotonic_time () - start;
  g_print ("batched appends (%d in batches of %d): %.0f events/s (target >= 20,000)\n",
           BATCH_EVENTS, BATCH_SIZE, BATCH_EVENTS / (elapsed / 1e6));

  total = hz_consult_log_count_events (log, NULL);
  start = g_get_monotonic_time ();
  g_assert_true (hz_consult_log_verify (log, &report, &error));
  elapsed = g_get_monotonic_time () - start;
  g_assert_cmpint (report.problem, ==, HZ_LOG_CHAIN_INTACT);
  g_print ("verify (%" G_GINT64_FORMAT " events): %.0f events/s, %.1f ms (target >= 200,000 events/s)\n",
           report.n_events, report.n_events / (elapsed / 1e6), elapsed / 1000.0);
  hz_log_verify_report_clear (&report);

  g_print ("database size: %.1f MiB for %" G_GINT64_FORMAT " events (%.0f bytes/event), WAL %.1f MiB\n",
           file_size (path) / 1048576.0, total, (double) file_size (path) / total, file_size (wal) / 1048576.0);

  g_clear_object (&log);
  hz_test_rmdir (dir);
  return 0;
}
