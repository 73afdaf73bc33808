/* hz-bench.h: what every benchmark program prints and sorts the same way:
 * the machine it ran on, and percentiles of double samples. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "machine: MODEL, N cores online; load average at start: L (…)". */
void   hz_bench_print_machine (void);
/* Sorts an array of doubles in place, ascending. */
void   hz_bench_sort          (GArray *values);
/* The @p-th percentile (0–100) of sorted, non-empty @sorted: the sample
 * at index len × p / 100, the last one at most. */
double hz_bench_percentile    (GArray *sorted,
                               guint   p);

G_END_DECLS
