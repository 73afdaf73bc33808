/* bench-sharedview.c: shared-view latency over a real call on loopback:
 * from the presenter's change (slice, window, pointer) to the follower's
 * viewer having painted it, with two HzWorkspaces in one process under
 * Xvfb (the same set-up as tests/workspace). Median, p95, p99 against the
 * target of one network round trip + 20 ms. */
#include "config.h"

#include <gst/gst.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hz-bench.h"
#include "hz-widget-test.h"
#include "hz-workspace-pair.h"

#define N_SAMPLES 150
#define GAP_MS    80   /* above the 33 ms pointer rate limit: measures latency, not throttling */

typedef struct {
  HzWorkspacePair *pair;
  gint64  t0;
  gint64  applied;
  gint64  painted;
  gint64  frame;           /* the follower's before-paint after applied */
  gint64  own_start;       /* the presenter's own frame, in the same thread */
  double  own_ms;          /* its frames' time between t0 and applied */
  gulong  paint_id, frame_id, own_start_id, own_end_id;
  GdkFrameClock *clock;
  GdkFrameClock *own_clock;
} Probe;

static void
print_machine (void)
{
  hz_bench_print_machine ();
  printf ("renderer: GTK 4 under Xvfb (%s)\n", g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "default");
}

static void
after_paint_cb (GdkFrameClock *clock,
                Probe         *probe)
{
  if (probe->applied != 0 && probe->painted == 0)
    probe->painted = g_get_monotonic_time ();
}

static void
before_paint_cb (GdkFrameClock *clock,
                 Probe         *probe)
{
  if (probe->applied != 0 && probe->frame == 0)
    probe->frame = g_get_monotonic_time ();
}

/* Both windows are painted by this one thread: a frame of the presenter's
 * own window after its change holds up the follower's message. */
static void
own_before_paint_cb (GdkFrameClock *clock,
                     Probe         *probe)
{
  probe->own_start = g_get_monotonic_time ();
}

static void
own_after_paint_cb (GdkFrameClock *clock,
                    Probe         *probe)
{
  if (probe->t0 != 0 && probe->applied == 0 && probe->own_start >= probe->t0)
    probe->own_ms += (g_get_monotonic_time () - probe->own_start) / 1000.0;
}

static void
applied_cb (HzSharedSession *session,
            int              type,
            guint64          seq,
            Probe           *probe)
{
  if (probe->t0 != 0 && probe->applied == 0)
    {
      probe->applied = g_get_monotonic_time ();
      gtk_widget_queue_draw (GTK_WIDGET (hz_workspace_get_image_view (HZ_WORKSPACE (probe->pair->chen.workspace))));
    }
}

static gboolean
painted (gpointer data)
{
  return ((Probe *) data)->painted != 0;
}

static void
report (const char *what,
        GArray     *ms,
        double      target)
{
  double p50, p95, p99;

  hz_bench_sort (ms);
  p50 = g_array_index (ms, double, ms->len / 2);
  p95 = g_array_index (ms, double, MIN (ms->len - 1, ms->len * 95 / 100));
  p99 = g_array_index (ms, double, MIN (ms->len - 1, ms->len * 99 / 100));
  printf ("%-8s n=%u  median %6.2f ms  p95 %6.2f ms  p99 %6.2f ms  max %6.2f ms  (target %.1f ms: %s)\n",
          what, ms->len, p50, p95, p99, g_array_index (ms, double, ms->len - 1), target,
          p95 <= target ? "met at p95" : "missed at p95");
}

typedef enum { KIND_SLICE, KIND_WINDOW, KIND_POINTER } Kind;

static double
one (Probe  *probe,
     Kind    kind,
     guint   i,
     double *applied_ms,
     GArray *to_frame,
     GArray *frame,
     GArray *own)
{
  HzImageView *a = hz_workspace_get_image_view (HZ_WORKSPACE (probe->pair->zhou.workspace));
  double result;

  probe->applied = probe->painted = probe->frame = 0;
  probe->own_ms = 0;
  probe->t0 = g_get_monotonic_time ();
  switch (kind)
    {
    case KIND_SLICE:
      gtk_widget_activate_action (GTK_WIDGET (a), i % 2 ? "viewer.previous-slice" : "viewer.next-slice", NULL);
      break;
    case KIND_WINDOW:
      gtk_widget_activate_action (GTK_WIDGET (a), "viewer.preset", "s", i % 2 ? "lung" : "mediastinum");
      break;
    case KIND_POINTER:
      g_signal_emit_by_name (a, "pointer-moved", 100.0 + (i % 50), 120.0 + (i % 30), TRUE);
      break;
    }
  if (!hz_widget_test_wait (painted, probe))
    g_error ("the follower never showed change %u", i);
  result = (probe->painted - probe->t0) / 1000.0;
  *applied_ms = (probe->applied - probe->t0) / 1000.0;
  if (probe->frame != 0)
    {
      double ms = (probe->frame - probe->applied) / 1000.0;
      g_array_append_val (to_frame, ms);
      ms = (probe->painted - probe->frame) / 1000.0;
      g_array_append_val (frame, ms);
    }
  g_array_append_val (own, probe->own_ms);
  probe->t0 = 0;
  hz_widget_test_iterate (GAP_MS);
  return result;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(HzWorkspacePair) pair = NULL;
  g_autoptr(GArray) slice_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) window_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) pointer_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) slice_applied = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) window_applied = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) pointer_applied = g_array_new (FALSE, FALSE, sizeof (double));
  /* applied -> shown, per kind: waiting for a frame, the frame, and the
   * presenter's own frames before applied */
  GArray *to_frame[3], *frame[3], *own[3];
  static const char *const kind_names[] = { "slice", "window", "pointer" };
  guint n_samples = N_SAMPLES;
  HzImageView *a, *b;
  HzCallStats stats = { 0 };
  Probe probe = { 0 };
  double rtt, target;
  guint n;

  gst_init (&argc, &argv);
  for (guint k = 0; k < 3; k++)
    {
      to_frame[k] = g_array_new (FALSE, FALSE, sizeof (double));
      frame[k] = g_array_new (FALSE, FALSE, sizeof (double));
      own[k] = g_array_new (FALSE, FALSE, sizeof (double));
    }
  hz_widget_test_init (&argc, &argv, "en");
  print_machine ();
  pair = hz_workspace_pair_new (1280, 800, TRUE);
  probe.pair = pair;
  a = hz_workspace_get_image_view (HZ_WORKSPACE (pair->zhou.workspace));
  b = hz_workspace_get_image_view (HZ_WORKSPACE (pair->chen.workspace));
  hz_workspace_show_page (HZ_WORKSPACE (pair->zhou.workspace), "images");
  hz_workspace_show_page (HZ_WORKSPACE (pair->chen.workspace), "images");
  gtk_widget_activate_action (pair->zhou.workspace, "workspace.present", NULL);
  hz_widget_test_iterate (500);

  /* Warm-up: every slice decoded on both sides, so what is measured is
   * the shared view and the paint, not the first decode. */
  n = hz_image_stack_get_n_slices (hz_image_view_get_stack (a));
  for (guint i = 0; i < n; i++)
    {
      hz_image_view_set_slice (a, i);
      hz_image_view_set_slice (b, i);
      gtk_widget_queue_draw (GTK_WIDGET (a));
      gtk_widget_queue_draw (GTK_WIDGET (b));
      hz_widget_test_iterate (30);
    }
  hz_image_view_set_slice (a, n / 2);
  hz_shared_session_send_view (hz_workspace_get_shared_session (HZ_WORKSPACE (pair->zhou.workspace)), NULL);
  hz_widget_test_iterate (300);

  probe.clock = gtk_widget_get_frame_clock (GTK_WIDGET (b));
  probe.paint_id = g_signal_connect (probe.clock, "after-paint", G_CALLBACK (after_paint_cb), &probe);
  probe.frame_id = g_signal_connect (probe.clock, "before-paint", G_CALLBACK (before_paint_cb), &probe);
  probe.own_clock = gtk_widget_get_frame_clock (GTK_WIDGET (a));
  probe.own_start_id = g_signal_connect (probe.own_clock, "before-paint", G_CALLBACK (own_before_paint_cb), &probe);
  probe.own_end_id = g_signal_connect (probe.own_clock, "after-paint", G_CALLBACK (own_after_paint_cb), &probe);
  g_signal_connect (hz_workspace_get_shared_session (HZ_WORKSPACE (pair->chen.workspace)), "view-applied",
                    G_CALLBACK (applied_cb), &probe);

  if (g_getenv ("HZ_BENCH_SAMPLES") != NULL)
    n_samples = MAX (10, (guint) g_ascii_strtoull (g_getenv ("HZ_BENCH_SAMPLES"), NULL, 10));
  for (guint i = 0; i < n_samples; i++)
    {
      double v, w;

      v = one (&probe, KIND_SLICE, i, &w, to_frame[0], frame[0], own[0]);
      g_array_append_val (slice_ms, v);
      g_array_append_val (slice_applied, w);
      v = one (&probe, KIND_WINDOW, i, &w, to_frame[1], frame[1], own[1]);
      g_array_append_val (window_ms, v);
      g_array_append_val (window_applied, w);
      v = one (&probe, KIND_POINTER, i, &w, to_frame[2], frame[2], own[2]);
      g_array_append_val (pointer_ms, v);
      g_array_append_val (pointer_applied, w);
    }

  hz_call_get_stats (pair->zhou.call, &stats);
  rtt = stats.rtt_ms >= 0 ? stats.rtt_ms : 0.0;
  target = rtt + 20.0;
  printf ("transport: WebRTC data channel over loopback; RTCP round trip %.2f ms%s\n",
          rtt, stats.rtt_ms >= 0 ? "" : " (unknown: taken as 0)");
  printf ("applied: presenter's change -> the follower's viewer holds the new state (transport + apply)\n");
  report ("slice", slice_applied, target);
  report ("window", window_applied, target);
  report ("pointer", pointer_applied, target);
  printf ("shown: presenter's change -> the follower's next frame painted\n");
  report ("slice", slice_ms, target);
  report ("window", window_ms, target);
  report ("pointer", pointer_ms, target);

  printf ("where applied -> shown goes (median / p95): the follower's frame clock starting a frame, the\n"
          "frame itself (update, layout, rendering the window, swap); and before applied, the presenter's\n"
          "own frames, which this one thread paints before it reads the follower's message:\n");
  for (guint k = 0; k < 3; k++)
    {
      hz_bench_sort (to_frame[k]);
      hz_bench_sort (frame[k]);
      hz_bench_sort (own[k]);
      if (frame[k]->len == 0)
        continue;
      printf ("%-8s wait %5.1f / %5.1f ms   frame %5.1f / %5.1f ms   presenter's frames %5.1f / %5.1f ms\n",
              kind_names[k], hz_bench_percentile (to_frame[k], 50), hz_bench_percentile (to_frame[k], 95),
              hz_bench_percentile (frame[k], 50), hz_bench_percentile (frame[k], 95),
              hz_bench_percentile (own[k], 50), hz_bench_percentile (own[k], 95));
    }
  for (guint k = 0; k < 3; k++)
    {
      g_array_unref (to_frame[k]);
      g_array_unref (frame[k]);
      g_array_unref (own[k]);
    }
  g_signal_handler_disconnect (probe.clock, probe.paint_id);
  g_signal_handler_disconnect (probe.clock, probe.frame_id);
  g_signal_handler_disconnect (probe.own_clock, probe.own_start_id);
  g_signal_handler_disconnect (probe.own_clock, probe.own_end_id);
  return 0;
}
