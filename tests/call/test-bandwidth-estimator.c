/* test-bandwidth-estimator.c: the estimator on made-up feedback: down fast
 * on delay or heavy loss, hold on light loss with a queue, slowly up on
 * light loss without one, up carefully, the ladder, a fast start below
 * the link. */
#include "config.h"

#include "hz-bandwidth-estimator.h"

#define SEC G_USEC_PER_SEC

static guint
feed (HzBandwidthEstimator *bwe,
      gint64                t,
      double                sent,
      double                recv,
      double                loss,
      double                delay)
{
  HzBweFeedback f = { t, sent, recv, loss, delay };
  return hz_bandwidth_estimator_update (bwe, &f);
}

static void
test_down_fast_on_delay (void)
{
  g_autoptr(HzBandwidthEstimator) bwe = hz_bandwidth_estimator_new (50, 1500, 2500);
  guint kbps;

  /* a 384 kbit/s link: what arrives is capped and the queue grows */
  kbps = feed (bwe, 1 * SEC, 1500, 380, 0.0, 20.0);
  g_assert_cmpuint (kbps, <=, 330);
  g_assert_cmpint (hz_bandwidth_estimator_get_state (bwe), ==, HZ_BWE_DECREASE);
  /* the picture goes down with it at once */
  g_assert_cmpint (hz_bandwidth_estimator_get_rung (bwe)->height, ==, 180);
  g_assert_cmpint (hz_bandwidth_estimator_get_rung (bwe)->fps, ==, 30);
}

static void
test_app_limited (void)
{
  g_autoptr(HzBandwidthEstimator) bwe = hz_bandwidth_estimator_new (50, 800, 1500);

  /* a still picture sends 40 kbit/s of a 800 kbit/s budget: delay noise
   * does not cut the budget to nothing */
  g_assert_cmpuint (feed (bwe, 1 * SEC, 40, 40, 0.0, 9.0), ==, 800);
  g_assert_cmpint (hz_bandwidth_estimator_get_rung (bwe)->height, ==, 540);
}

static void
test_loss (void)
{
  g_autoptr(HzBandwidthEstimator) bwe = hz_bandwidth_estimator_new (50, 800, 2500);
  guint kbps;

  /* light loss: hold */
  kbps = feed (bwe, 1 * SEC, 800, 790, 0.03, 0.0);
  g_assert_cmpuint (kbps, ==, 800);
  g_assert_cmpint (hz_bandwidth_estimator_get_state (bwe), ==, HZ_BWE_HOLD);
  /* heavy loss: down, by more the heavier it is */
  kbps = feed (bwe, 2 * SEC, 800, 600, 0.30, 0.0);
  g_assert_cmpuint (kbps, <=, 510);
  g_assert_cmpuint (kbps, >=, 50);
}

static void
test_random_loss (void)
{
  g_autoptr(HzBandwidthEstimator) bwe = hz_bandwidth_estimator_new (50, 800, 2500);
  guint kbps, before;
  gint64 t = SEC;

  /* 3 % loss with the queue growing: hold */
  kbps = feed (bwe, t, 300, 300, 0.3, 0.0);        /* heavy loss once: down */
  before = kbps;
  for (guint i = 0; i < 10; i++)
    kbps = feed (bwe, t += SEC, kbps, kbps, 0.03, 2.0);
  g_assert_cmpuint (kbps, ==, before);
  /* the same loss with the delay flat is the link's own: up at the clean
   * pace, never stuck where a cut left it */
  for (guint i = 0; i < 10; i++)
    {
      before = kbps;
      kbps = feed (bwe, t += SEC, kbps, kbps, 0.03, 0.0);
      g_assert_cmpuint (kbps, >=, before);
      g_assert_cmpuint (kbps, <=, before * 1.081 + 1);
    }
  g_assert_cmpuint (kbps, >, 250);
  g_assert_cmpint (hz_bandwidth_estimator_get_state (bwe), ==, HZ_BWE_INCREASE);
}

static void
test_small_reports (void)
{
  g_autoptr(HzBandwidthEstimator) bwe = hz_bandwidth_estimator_new (50, 300, 2500);
  /* 3 % loss seen through reports of 20–30 packets: mostly none lost,
   * now and then three (15 %), as the link gives them */
  static const double losses[] = { 0, 0, 0.15, 0, 0, 0.05, 0, 0.10, 0, 0, 0, 0.15 };
  gint64 t = SEC;
  guint kbps = 300;

  for (guint i = 0; i < G_N_ELEMENTS (losses); i++)
    {
      HzBweFeedback f = { t += SEC, kbps, kbps, losses[i], 0.0, 20 };
      kbps = hz_bandwidth_estimator_update (bwe, &f);
      g_assert_cmpint (hz_bandwidth_estimator_get_state (bwe), !=, HZ_BWE_DECREASE);
    }
  g_assert_cmpuint (kbps, >=, 300);
  /* a big report with heavy loss still counts at once */
  {
    HzBweFeedback f = { t += SEC, kbps, kbps * 0.7, 0.30, 0.0, 200 };
    hz_bandwidth_estimator_update (bwe, &f);
    g_assert_cmpint (hz_bandwidth_estimator_get_state (bwe), ==, HZ_BWE_DECREASE);
  }
}

static void
test_up_carefully (void)
{
  g_autoptr(HzBandwidthEstimator) bwe = hz_bandwidth_estimator_new (50, 1000, 2500);
  guint kbps, before;
  gint64 t = SEC;

  kbps = feed (bwe, t, 1000, 500, 0.0, 10.0);     /* congestion at 1000 */
  g_assert_cmpuint (kbps, <=, 425);
  /* no increase for two seconds after a decrease */
  before = kbps;
  kbps = feed (bwe, t += SEC, 425, 425, 0.0, 0.0);
  g_assert_cmpuint (kbps, ==, before);
  kbps = feed (bwe, t += SEC / 2, 425, 425, 0.0, 0.0);
  g_assert_cmpuint (kbps, ==, before);
  /* then up by at most 8 % a second */
  t += 2 * SEC;
  for (guint i = 0; i < 5; i++)
    {
      before = kbps;
      kbps = feed (bwe, t += SEC, kbps, kbps, 0.0, 0.0);
      g_assert_cmpuint (kbps, >, before);
      g_assert_cmpuint (kbps, <=, before * 1.081 + 1);
    }
  /* an encoder that does not use its budget holds the estimate back */
  before = kbps;
  for (guint i = 0; i < 20; i++)
    kbps = feed (bwe, t += SEC, 100, 100, 0.0, 0.0);
  g_assert_cmpuint (kbps, <=, MAX (before, 150));
}

static void
test_ladder_hysteresis (void)
{
  g_autoptr(HzBandwidthEstimator) bwe = hz_bandwidth_estimator_new (50, 300, 2500);
  gint64 t = SEC;
  guint kbps = 300;

  g_assert_cmpint (hz_bandwidth_estimator_get_rung (bwe)->height, ==, 180);
  /* once the link has shown a queue, climbing past 400 kbit/s does not
   * switch to 360p at once */
  kbps = feed (bwe, t, 300, 300, 0.0, 10.0);
  t += 3 * SEC;
  while (kbps < 520)
    kbps = feed (bwe, t += SEC, kbps, kbps, 0.0, 0.0);
  g_assert_cmpint (hz_bandwidth_estimator_get_rung (bwe)->height, ==, 180);
  for (guint i = 0; i < 6; i++)
    kbps = feed (bwe, t += SEC, kbps, kbps, 0.0, 0.0);
  g_assert_cmpint (hz_bandwidth_estimator_get_rung (bwe)->height, ==, 360);
}

static void
test_start (void)
{
  g_autoptr(HzBandwidthEstimator) bwe = hz_bandwidth_estimator_new (50, 250, 2500);
  gint64 t = SEC;
  guint kbps = 250, before;

  /* from a low start on a clean link: 30 % a second, a new size every
   * second or so, 720p within eight seconds (a loopback call) */
  g_assert_cmpint (hz_bandwidth_estimator_get_rung (bwe)->height, ==, 180);
  for (guint i = 0; i < 8; i++)
    {
      before = kbps;
      kbps = feed (bwe, t += SEC, kbps, kbps, 0.0, 0.0);
      g_assert_cmpuint (kbps, >, before * 1.2);
      g_assert_cmpuint (kbps, <=, before * 1.31 + 1);
    }
  g_assert_cmpint (hz_bandwidth_estimator_get_rung (bwe)->height, ==, 720);
}

static void
test_start_ends_at_a_queue (void)
{
  g_autoptr(HzBandwidthEstimator) bwe = hz_bandwidth_estimator_new (50, 250, 2500);
  gint64 t = SEC;
  guint kbps = 250, before;

  kbps = feed (bwe, t += SEC, kbps, kbps, 0.0, 0.0);
  /* a 384 kbit/s link fills: down, and from then on the careful pace */
  kbps = feed (bwe, t += SEC, kbps, 320, 0.0, 12.0);
  g_assert_cmpuint (kbps, <=, 280);
  t += 3 * SEC;
  for (guint i = 0; i < 5; i++)
    {
      before = kbps;
      kbps = feed (bwe, t += SEC, kbps, kbps, 0.0, 0.0);
      g_assert_cmpuint (kbps, <=, before * 1.081 + 1);
    }
}

static void
test_one_cut_per_burst (void)
{
  g_autoptr(HzBandwidthEstimator) bwe = hz_bandwidth_estimator_new (50, 300, 2500);
  gint64 t = SEC;
  guint kbps, after_cut;

  /* a queue overflows once: 30 % lost in one report */
  feed (bwe, t, 300, 300, 0.0, 0.0);
  {
    HzBweFeedback f = { t += SEC, 300, 280, 0.30, 0.0, 80 };
    after_cut = hz_bandwidth_estimator_update (bwe, &f);
  }
  g_assert_cmpuint (after_cut, <, 300);
  /* the reports after it lose the link's own 3 %: the loss pooled over
   * them still remembers the burst, but that is no second cut */
  for (guint i = 0; i < 3; i++)
    {
      HzBweFeedback f = { t += SEC, after_cut, after_cut, 0.03, 0.0, 80 };
      kbps = hz_bandwidth_estimator_update (bwe, &f);
      g_assert_cmpuint (kbps, >=, after_cut);
    }
  /* a second burst of its own within the episode is cut again */
  {
    HzBweFeedback f = { t += SEC, after_cut, after_cut * 0.7, 0.30, 0.0, 80 };
    kbps = hz_bandwidth_estimator_update (bwe, &f);
  }
  g_assert_cmpuint (kbps, <, after_cut);
}

static void
test_queue_before_loss (void)
{
  g_autoptr(HzBandwidthEstimator) bwe = hz_bandwidth_estimator_new (50, 300, 2500);
  gint64 t = SEC;
  guint kbps;

  feed (bwe, t, 300, 300, 0.0, 0.0);
  /* 370 kbit/s sent, 290 arriving, the delay growing by 2 ms a group:
   * a queue filling, the second before it overflows */
  kbps = feed (bwe, t += SEC, 370, 290, 0.0, 2.0);
  g_assert_cmpint (hz_bandwidth_estimator_get_state (bwe), ==, HZ_BWE_DECREASE);
  g_assert_cmpuint (kbps, <=, 290 * 0.85 + 1);
  /* the same growth with all of it arriving is noise: no cut */
  {
    g_autoptr(HzBandwidthEstimator) other = hz_bandwidth_estimator_new (50, 300, 2500);

    feed (other, t, 300, 300, 0.0, 0.0);
    feed (other, t + SEC, 300, 295, 0.0, 2.0);
    g_assert_cmpint (hz_bandwidth_estimator_get_state (other), !=, HZ_BWE_DECREASE);
  }
}

static void
test_small_picture_may_climb (void)
{
  g_autoptr(HzBandwidthEstimator) bwe = hz_bandwidth_estimator_new (50, 250, 2500);
  gint64 t = SEC;

  /* a still 320x180 picture uses 100 kbit/s of its budget: the budget
   * may still reach the next size, whose picture tells about the link */
  for (guint i = 0; i < 12; i++)
    feed (bwe, t += SEC, 100, 100, 0.0, 0.0);
  g_assert_cmpint (hz_bandwidth_estimator_get_rung (bwe)->height, >=, 360);
}

static void
test_audio_only_and_back (void)
{
  g_autoptr(HzBandwidthEstimator) bwe = hz_bandwidth_estimator_new (30, 300, 2500);
  gint64 t = SEC;

  /* a cut: no feedback; halve each time, down to the floor */
  for (guint i = 0; i < 6; i++)
    hz_bandwidth_estimator_lost_feedback (bwe, t += SEC);
  g_assert_cmpuint (hz_bandwidth_estimator_get_target_kbps (bwe), ==, 30);
  g_assert_cmpint (hz_bandwidth_estimator_get_rung (bwe)->height, ==, 0);
  /* the link returns: video comes back within seconds, not minutes */
  for (guint i = 0; i < 30; i++)
    {
      guint k = hz_bandwidth_estimator_get_target_kbps (bwe);
      feed (bwe, t += SEC, k, k, 0.0, 0.0);
    }
  g_assert_cmpint (hz_bandwidth_estimator_get_rung (bwe)->height, >=, 180);
  g_assert_cmpuint (hz_bandwidth_estimator_get_target_kbps (bwe), <=, 2500);
}

static void
test_short_window (void)
{
  g_autoptr(HzBandwidthEstimator) bwe = hz_bandwidth_estimator_new (50, 300, 2500);
  gint64 t = SEC;
  guint kbps = 300;

  /* past the start: a queue was seen once */
  feed (bwe, t, 300, 300, 0.0, 10.0);
  for (guint i = 0; i < 5; i++)
    {
      HzBweFeedback f = { t += SEC, 300, 300, 0.0, 0.0, 30 };
      kbps = hz_bandwidth_estimator_update (bwe, &f);
    }
  /* a queue, seen in a report whose short window caught a frame gap: down,
   * but from what has been arriving, not to 85 % of 90 kbit/s */
  {
    HzBweFeedback f = { t += SEC, 300, 90, 0.0, 10.0, 10 };
    kbps = hz_bandwidth_estimator_update (bwe, &f);
  }
  g_assert_cmpint (hz_bandwidth_estimator_get_state (bwe), ==, HZ_BWE_DECREASE);
  g_assert_cmpuint (kbps, >=, 150);
  g_assert_cmpuint (kbps, <, 300);
}

static void
test_audio_only_sends_audio (void)
{
  g_autoptr(HzBandwidthEstimator) bwe = hz_bandwidth_estimator_new (50, 300, 2500);
  gint64 t = SEC;

  /* down to audio only */
  feed (bwe, t, 300, 60, 0.0, 20.0);
  while (hz_bandwidth_estimator_get_target_kbps (bwe) > 55)
    feed (bwe, t += SEC, 300, 40, 0.0, 20.0);
  g_assert_cmpint (hz_bandwidth_estimator_get_rung (bwe)->height, ==, 0);
  /* the link is fine again, but all that goes out is audio (35 kbit/s):
   * video still comes back */
  for (guint i = 0; i < 30; i++)
    feed (bwe, t += SEC, 35, 35, 0.0, 0.0);
  g_assert_cmpint (hz_bandwidth_estimator_get_rung (bwe)->height, >=, 180);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/call/bwe/down-fast-on-delay", test_down_fast_on_delay);
  g_test_add_func ("/call/bwe/app-limited", test_app_limited);
  g_test_add_func ("/call/bwe/loss", test_loss);
  g_test_add_func ("/call/bwe/random-loss", test_random_loss);
  g_test_add_func ("/call/bwe/small-reports", test_small_reports);
  g_test_add_func ("/call/bwe/up-carefully", test_up_carefully);
  g_test_add_func ("/call/bwe/ladder-hysteresis", test_ladder_hysteresis);
  g_test_add_func ("/call/bwe/start", test_start);
  g_test_add_func ("/call/bwe/start-ends-at-a-queue", test_start_ends_at_a_queue);
  g_test_add_func ("/call/bwe/small-picture-may-climb", test_small_picture_may_climb);
  g_test_add_func ("/call/bwe/one-cut-per-burst", test_one_cut_per_burst);
  g_test_add_func ("/call/bwe/queue-before-loss", test_queue_before_loss);
  g_test_add_func ("/call/bwe/audio-only-and-back", test_audio_only_and_back);
  g_test_add_func ("/call/bwe/audio-only-sends-audio", test_audio_only_sends_audio);
  g_test_add_func ("/call/bwe/short-window", test_short_window);
  return g_test_run ();
}
