/* hz-bench.c: the machine line and the percentiles the benchmarks share. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hz-bench.h"

void
hz_bench_print_machine (void)
{
  g_autofree char *cpuinfo = NULL;
  g_autofree char *model = NULL;
  g_autofree char *load = NULL;
  char *line;

  if (g_file_get_contents ("/proc/cpuinfo", &cpuinfo, NULL, NULL) &&
      (line = strstr (cpuinfo, "model name")) && (line = strchr (line, ':')))
    model = g_strndup (line + 2, strcspn (line + 2, "\n"));
  g_file_get_contents ("/proc/loadavg", &load, NULL, NULL);
  printf ("machine: %s, %ld cores online; load average at start: %.*s "
          "(the machine may be shared: figures are indicative)\n",
          model ? model : "unknown", sysconf (_SC_NPROCESSORS_ONLN),
          load ? (int) strcspn (load, " ") : 1, load ? load : "?");
}

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

void
hz_bench_sort (GArray *values)
{
  g_array_sort (values, cmp_double);
}

double
hz_bench_percentile (GArray *sorted,
                     guint   p)
{
  return g_array_index (sorted, double, MIN (sorted->len - 1, sorted->len * p / 100));
}
