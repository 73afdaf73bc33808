/* hz-bandwidth-estimator.c: a delay- and loss-based sender estimate in the
 * manner of Google Congestion Control, small enough to reason about:
 *
 * - a queue building up (one-way delay growing) or loss over 10 % means
 *   the link is full: go down at once, to 85 % of what actually arrived;
 * - loss of 2–10 % while a queue may be building holds the rate (FEC and
 *   NACK cover it); the same loss with the delay flat is the link's own
 *   (radio, a bad cable), which a lower rate would not cure: keep going up;
 * - otherwise go up, but carefully: not for 2 s after a decrease, then by
 *   8 % a second while far from the rate where congestion last began, and
 *   by a few kbit/s a second near it.
 *
 * A call starts below any link a clinic is likely to have (the caller
 * asks for 250 kbit/s, about what a browser starts at) and, until the
 * first sign of congestion, climbs by 30 % a second: a start at the
 * picture's full rate put 700–800 kbit/s into a 384 kbit/s link before the
 * first feedback came, and the queue that built then cost the first
 * minute of the call.
 *
 * The video ladder follows the estimate down at once and up only after the
 * budget has stayed above the next rung (with a margin) for 4 s (1 s in
 * the start phase), so the picture does not flap between sizes. */
#include "config.h"

#include "hz-bandwidth-estimator.h"

#define DELAY_OVERUSE_MS    4.0    /* delay growth per group that means a queue */
#define DELAY_GROWING_MS    1.5    /* the same, when less arrives than is sent */
#define ARRIVING_SHORT      0.92   /* arrived / sent below this: a queue fills */
#define QUEUE_HIGH_MS       120.0  /* a round trip this far above the path's own: too much queued */
#define QUEUE_RISING_MS     50.0   /* above this, no climbing */
#define DELAY_FLAT_MS       1.0    /* below this, no queue is building */
#define LOSS_HIGH           0.10
#define LOSS_LOW            0.02
#define HOLD_AFTER_DOWN_US  (2 * G_USEC_PER_SEC)
#define RUNG_UP_AFTER_US    (4 * G_USEC_PER_SEC)
#define RUNG_UP_START_US    (1 * G_USEC_PER_SEC)
#define EPISODE_US          (5 * G_USEC_PER_SEC)
#define NEAR_STEP_KBPS      20.0   /* per second, near where congestion began */
#define START_PACE          0.30   /* per second, until the first congestion */
#define RUNG_UP_MARGIN      1.25

struct _HzBandwidthEstimator
{
  GObject    parent_instance;
  guint      min_kbps, max_kbps;
  double     target_kbps;
  double     congestion_kbps;   /* where the last decrease began; 0: none yet */
  gint64     last_down_us;
  gint64     last_update_us;
  HzBweState state;
  double     lost_acc, sent_acc;  /* packets, decaying by half per report */
  double     recv_avg;            /* kbit/s arrived, halved weight per report */
  guint      rung;              /* index in ladder */
  gint64     above_since_us;    /* budget above the next rung since */
  gboolean   starting;          /* no congestion seen yet */
};

G_DEFINE_FINAL_TYPE (HzBandwidthEstimator, hz_bandwidth_estimator, G_TYPE_OBJECT)

/* From the top. 320x180 at 30 fps is what a browser keeps at ~200 kbit/s;
 * below that, frame rate goes before the picture does. */
static const HzBweRung ladder[] = {
  { 1200, 1280, 720, 30 },
  {  700,  960, 540, 30 },
  {  400,  640, 360, 30 },
  {  150,  320, 180, 30 },
  {   80,  320, 180, 15 },
  {    0,    0,   0,  0 },
};

static void
hz_bandwidth_estimator_class_init (HzBandwidthEstimatorClass *klass)
{
}

static void
hz_bandwidth_estimator_init (HzBandwidthEstimator *self)
{
}

static guint
rung_for (double kbps)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (ladder) - 1; i++)
    if (kbps >= ladder[i].min_kbps)
      break;
  return i;
}

/* Budgets are for video; the caller keeps audio's share out of max_kbps. */
HzBandwidthEstimator *
hz_bandwidth_estimator_new (guint min_kbps,
                            guint start_kbps,
                            guint max_kbps)
{
  HzBandwidthEstimator *self = g_object_new (HZ_TYPE_BANDWIDTH_ESTIMATOR, NULL);

  g_return_val_if_fail (min_kbps <= start_kbps && start_kbps <= max_kbps, self);
  self->min_kbps = min_kbps;
  self->max_kbps = max_kbps;
  self->target_kbps = start_kbps;
  self->rung = rung_for (start_kbps);
  self->state = HZ_BWE_HOLD;
  self->starting = TRUE;
  return self;
}

static void
move_rung (HzBandwidthEstimator *self,
           gint64                now)
{
  guint wanted = rung_for (self->target_kbps);

  if (wanted > self->rung)
    {
      /* down at once */
      self->rung = wanted;
      self->above_since_us = 0;
    }
  else if (wanted < self->rung &&
           self->target_kbps >= ladder[self->rung - 1].min_kbps * RUNG_UP_MARGIN)
    {
      if (self->above_since_us == 0)
        self->above_since_us = now;
      else if (now - self->above_since_us >= (self->starting ? RUNG_UP_START_US : RUNG_UP_AFTER_US))
        {
          self->rung--;   /* one step at a time */
          self->above_since_us = 0;
        }
    }
  else
    self->above_since_us = 0;
}

guint
hz_bandwidth_estimator_update (HzBandwidthEstimator *self,
                               const HzBweFeedback  *f)
{
  gboolean app_limited, overuse, queued;
  double dt, loss = f->loss, recv = f->recv_kbps;

  g_return_val_if_fail (HZ_IS_BANDWIDTH_ESTIMATOR (self), 0);
  g_return_val_if_fail (f != NULL, 0);

  dt = self->last_update_us ? (f->time_us - self->last_update_us) / 1e6 : 1.0;
  dt = CLAMP (dt, 0.0, 1.0);   /* a long gap is no licence for a big step */
  self->last_update_us = f->time_us;

  /* A report covers a few hundred milliseconds, a few dozen packets at
   * these rates: one loss in 20 reads as 5 %, three as 15 %. Loss is
   * pooled over the last reports, weighted by their packets, so a link's
   * steady 3 % is not taken for congestion every few seconds (a real
   * queue shows in the delay first, and its loss lasts). The rate that
   * arrived is smoothed the same way: one short window with a frame gap
   * in it read as 90 kbit/s on a 300 kbit/s stream, and 85 % of that cut
   * the picture to audio only. */
  if (f->packets > 0)
    {
      self->lost_acc = self->lost_acc * 0.5 + f->loss * f->packets;
      self->sent_acc = self->sent_acc * 0.5 + f->packets;
      loss = self->lost_acc / self->sent_acc;
      self->recv_avg = self->recv_avg > 0 ? (self->recv_avg + f->recv_kbps) / 2 : f->recv_kbps;
      recv = self->recv_avg;
    }

  /* A sender far below its budget (a still picture compresses to little)
   * cannot be what fills a queue: its delay figures are noise, and cutting
   * to 85 % of so little would starve the picture when it moves again. */
  app_limited = f->sent_kbps < self->target_kbps * 0.5;
  /* A queue filling shows as delay growing while less arrives than is
   * sent. Measured on the impaired link with feedback pooled over a
   * second: 1.6–3.1 ms a packet group with 290 of 370–490 kbit/s
   * arriving, the second before a queue overflowed; -2 to +0.7 ms
   * otherwise. */
  overuse = !app_limited &&
            (f->delay_trend_ms > DELAY_OVERUSE_MS ||
             (f->delay_trend_ms > DELAY_GROWING_MS && f->recv_kbps < f->sent_kbps * ARRIVING_SHORT));
  /* A standing queue, seen in the round trip: a cut, but once; it drains
   * over seconds after the cut, and cutting on it every second took the
   * picture to audio only. */
  queued = !app_limited && f->queue_ms > QUEUE_HIGH_MS;
  /* A link that loses packets is no place for the fast start: its queue
   * is seen late, by more losses (measured: 30 % a second took a 384
   * kbit/s link from 290 to 430 kbit/s before the first cut, and the
   * queue that had built then cost 10 s of audio only). */
  if (loss > LOSS_LOW)
    self->starting = FALSE;
  if (overuse || queued || loss > LOSS_HIGH)
    {
      double arrived = recv > 0 && !app_limited ? recv : self->target_kbps;
      double down = MIN (self->target_kbps, arrived) * 0.85;

      if (loss > LOSS_HIGH)
        down = MIN (down, self->target_kbps * (1.0 - 0.5 * loss));
      /* Once per round of feedback is enough: a second cut within the
       * hold time would punish the same queue twice (the feedback after a
       * cut still tells of what was sent before it, a queue's delay
       * later). */
      gboolean again = self->last_down_us != 0 && f->time_us - self->last_down_us <= EPISODE_US;
      gboolean fresh = f->loss > LOSS_HIGH || overuse;

      /* Nor is pooled loss that still remembers the burst the last cut
       * answered: a cut that soon needs this report's own figures. (Five
       * cuts in five seconds took a 384 kbit/s link from 350 to 97
       * kbit/s on one burst.) */
      if ((self->state != HZ_BWE_DECREASE || f->time_us - self->last_down_us >= G_USEC_PER_SEC) &&
          (!again || fresh))
        {
          /* Where this congestion began: cuts that follow within a few
           * seconds are the same queue draining, and the rate before the
           * first of them is the one to approach carefully again (taking
           * each cascaded cut's rate instead held the climb back to a
           * few kbit/s a second from a third of the link). */
          if (self->last_down_us == 0 || f->time_us - self->last_down_us > EPISODE_US)
            self->congestion_kbps = self->target_kbps;
          self->target_kbps = down;
          self->last_down_us = f->time_us;
        }
      self->state = HZ_BWE_DECREASE;
      self->starting = FALSE;
    }
  else if ((loss > LOSS_LOW && f->delay_trend_ms > DELAY_FLAT_MS) ||
           f->time_us - self->last_down_us < HOLD_AFTER_DOWN_US)
    self->state = HZ_BWE_HOLD;
  else
    {
      gboolean near = self->congestion_kbps > 0 &&
                      self->target_kbps > self->congestion_kbps * 0.9;
      /* Random loss on a link with no queue is the link's own, no reason
       * to climb slower: a 3 % link held back to a quarter of the pace
       * took a minute to climb from 100 to 190 kbit/s, and the picture
       * skipped two frames in three meanwhile. */
      /* Never run far ahead of what is actually being sent: an encoder
       * that cannot use its budget says nothing about the link. */
      double ceiling = f->sent_kbps > 0 ? MAX (f->sent_kbps * 1.5, self->min_kbps) : self->max_kbps;
      /* With only audio going out there is no video to tell us anything:
       * let the budget reach the first video rung, or it would never come
       * back (the audio alone held it at 1.5 × 35 kbit/s). */
      ceiling = MAX (ceiling, ladder[G_N_ELEMENTS (ladder) - 2].min_kbps * RUNG_UP_MARGIN);
      /* Nor climb while what arrives lags what is sent (by more than the
       * step): that is a queue starting, before its delay shows. */
      if (!app_limited && ((f->recv_kbps > 0 && f->recv_kbps * 1.08 < f->sent_kbps) || f->queue_ms > QUEUE_RISING_MS))
        ceiling = MIN (ceiling, self->target_kbps);
      /* At the start, a small picture may not use the budget that the
       * next size needs: the budget may reach that size, whose picture
       * then tells whether the link takes it. (Later the sizes it has
       * been through did.) */
      if (self->starting && self->rung > 0)
        ceiling = MAX (ceiling, ladder[self->rung - 1].min_kbps * RUNG_UP_MARGIN * 1.05);

      double before = self->target_kbps;

      self->state = HZ_BWE_INCREASE;
      if (self->starting)
        self->target_kbps *= 1.0 + START_PACE * dt;
      else if (near)
        self->target_kbps += NEAR_STEP_KBPS * dt;
      else
        self->target_kbps *= 1.0 + 0.08 * dt;
      if (self->target_kbps > ceiling)
        self->target_kbps = MAX (ceiling, before);
    }
  self->target_kbps = CLAMP (self->target_kbps, self->min_kbps, self->max_kbps);
  move_rung (self, f->time_us);
  return hz_bandwidth_estimator_get_target_kbps (self);
}

/* No feedback for a while (the link is cut): assume the worst, so the
 * sender does not fill a queue that will be late when the link returns. */
void
hz_bandwidth_estimator_lost_feedback (HzBandwidthEstimator *self,
                                      gint64                time_us)
{
  g_return_if_fail (HZ_IS_BANDWIDTH_ESTIMATOR (self));

  self->target_kbps = MAX (self->min_kbps, self->target_kbps * 0.5);
  self->starting = FALSE;
  self->last_down_us = time_us;
  self->last_update_us = time_us;
  self->state = HZ_BWE_DECREASE;
  move_rung (self, time_us);
}

guint
hz_bandwidth_estimator_get_target_kbps (HzBandwidthEstimator *self)
{
  g_return_val_if_fail (HZ_IS_BANDWIDTH_ESTIMATOR (self), 0);
  return (guint) (self->target_kbps + 0.5);
}

HzBweState
hz_bandwidth_estimator_get_state (HzBandwidthEstimator *self)
{
  g_return_val_if_fail (HZ_IS_BANDWIDTH_ESTIMATOR (self), HZ_BWE_HOLD);
  return self->state;
}

/* The rung to encode at. The caller clamps it to its camera (no
 * upscaling: a 240-line camera at the 360 rung sends 240 lines) and keeps
 * the camera's aspect ratio, scaling to the rung's height. */
const HzBweRung *
hz_bandwidth_estimator_get_rung (HzBandwidthEstimator *self)
{
  g_return_val_if_fail (HZ_IS_BANDWIDTH_ESTIMATOR (self), NULL);
  return &ladder[self->rung];
}
