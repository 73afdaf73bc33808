/* hz-bandwidth-estimator.c: a delay- and loss-based sender estimate in the
 * manner of Google Congestion Control, small enough to reason about:
 *
 * - a queue building up (one-way delay growing) or loss over 10 % means
 *   the link is full: go down at once, to 85 % of what actually arrived;
 * - loss of 2–10 % while a queue may be building holds the rate (FEC and
 *   NACK cover it); the same loss with the delay flat is the link's own
 *   (radio, a bad cable), which a lower rate would not cure: keep going up,
 *   at half the pace;
 * - otherwise go up, but carefully: not for 2 s after a decrease, then by
 *   8 % a second while far from the rate where congestion last began, and
 *   by 3 % a second near it.
 *
 * The video ladder follows the estimate down at once and up only after the
 * budget has stayed above the next rung (with a margin) for 4 s, so the
 * picture does not flap between sizes. */
#include "config.h"

#include "hz-bandwidth-estimator.h"

#define DELAY_OVERUSE_MS    4.0    /* delay growth per group that means a queue */
#define DELAY_FLAT_MS       1.0    /* below this, no queue is building */
#define LOSS_HIGH           0.10
#define LOSS_LOW            0.02
#define HOLD_AFTER_DOWN_US  (2 * G_USEC_PER_SEC)
#define RUNG_UP_AFTER_US    (4 * G_USEC_PER_SEC)
#define RUNG_UP_MARGIN      1.25
/* Loss is pooled over the last few reports (a weight of 0.6 per report:
 * about the last two or three, 150 packets at these rates; at 0.8 a bad
 * start's 70 % kept the pooled figure over 10 % for nine seconds, and
 * the call at audio only). */
#define LOSS_DECAY          0.6
/* Fewer packets than this pooled say nothing about loss: one lost in ten
 * is what a 3 % link gives now and then. */
#define LOSS_MIN_PACKETS    40.0

struct _HzBandwidthEstimator
{
  GObject    parent_instance;
  guint      min_kbps, max_kbps;
  double     target_kbps;
  double     congestion_kbps;   /* where the last decrease began; 0: none yet */
  gint64     last_down_us;
  gint64     last_update_us;
  HzBweState state;
  double     lost_acc, sent_acc;  /* packets, decaying by LOSS_DECAY per report */
  double     recv_avg;            /* kbit/s arrived, halved weight per report */
  double     trend_avg;           /* delay trend, ms, halved weight per report */
  double     loss;                /* the pooled loss of the last update */
  guint      rung;              /* index in ladder */
  gint64     above_since_us;    /* budget above the next rung since */
};

G_DEFINE_FINAL_TYPE (HzBandwidthEstimator, hz_bandwidth_estimator, G_TYPE_OBJECT)

/* From the top. 320x180 at 30 fps is what a browser keeps at ~200 kbit/s,
 * and VP8 still makes a coarse but moving picture of it at 120; below
 * that, frame rate goes before the picture does. */
static const HzBweRung ladder[] = {
  { 1200, 1280, 720, 30 },
  {  700,  960, 540, 30 },
  {  400,  640, 360, 30 },
  {  120,  320, 180, 30 },
  {   60,  320, 180, 15 },
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
      else if (now - self->above_since_us >= RUNG_UP_AFTER_US)
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
  gboolean app_limited;
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
      self->lost_acc = self->lost_acc * LOSS_DECAY + f->loss * f->packets;
      self->sent_acc = self->sent_acc * LOSS_DECAY + f->packets;
      loss = self->sent_acc >= LOSS_MIN_PACKETS ? self->lost_acc / self->sent_acc : 0.0;
      self->recv_avg = self->recv_avg > 0 ? (self->recv_avg + f->recv_kbps) / 2 : f->recv_kbps;
      recv = self->recv_avg;
    }
  self->loss = loss;
  /* The delay trend of one short report is noisy (±10 ms from one packet
   * group to the next): a queue that really builds keeps it up over two
   * reports. */
  self->trend_avg = (self->trend_avg + f->delay_trend_ms) / 2;

  /* A sender far below its budget (a still picture compresses to little)
   * cannot be what fills a queue: its delay figures are noise, and cutting
   * to 85 % of so little would starve the picture when it moves again. */
  app_limited = f->sent_kbps < self->target_kbps * 0.5;
  if ((self->trend_avg > DELAY_OVERUSE_MS && !app_limited) || loss > LOSS_HIGH)
    {
      double arrived = recv > 0 && !app_limited ? recv : self->target_kbps;
      double down = MIN (self->target_kbps, arrived) * 0.85;

      if (loss > LOSS_HIGH)
        down = MIN (down, self->target_kbps * (1.0 - 0.5 * loss));
      /* At most half in one step: what arrived, as TWCC measures it over
       * a few packets, read 70 kbit/s of a 250 kbit/s stream at the start
       * of a call (its first pictures were still in the queue), and 85 %
       * of that put the call at audio only for half a minute. */
      down = MAX (down, self->target_kbps * 0.5);
      /* Once per queue is enough: the encoder takes a second or two to
       * follow a new rate, and the queue as long to drain, so the same
       * signs go on for that long after a cut; cutting again at each
       * report took a 300 kbit/s budget to 150 for one queue (and then
       * climbed back for half a minute). Heavy loss, or a budget still
       * half as much again as what arrives, cuts again after a second. */
      if (self->last_down_us == 0 || f->time_us - self->last_down_us >= HOLD_AFTER_DOWN_US ||
          ((loss > 2 * LOSS_HIGH || self->target_kbps > 1.5 * arrived) &&
           f->time_us - self->last_down_us >= G_USEC_PER_SEC))
        {
          self->congestion_kbps = self->target_kbps;
          self->target_kbps = down;
          self->last_down_us = f->time_us;
        }
      self->state = HZ_BWE_DECREASE;
    }
  else if ((loss > LOSS_LOW && self->trend_avg > DELAY_FLAT_MS) ||
           f->time_us - self->last_down_us < HOLD_AFTER_DOWN_US)
    self->state = HZ_BWE_HOLD;
  else
    {
      gboolean near = self->congestion_kbps > 0 &&
                      self->target_kbps > self->congestion_kbps * 0.9;
      /* Random loss on a link with no queue: a 3 % link held at whatever
       * rate it last fell to would never climb back (after a cut, say);
       * it climbs at half the pace. */
      double pace = loss > LOSS_LOW ? 0.5 : 1.0;
      /* Never run far ahead of what is actually being sent: an encoder
       * that cannot use its budget says nothing about the link. */
      double ceiling = f->sent_kbps > 0 ? MAX (f->sent_kbps * 1.5, self->min_kbps) : self->max_kbps;
      /* Nor far ahead of what arrives: on a full link that is the link's
       * rate, and a budget of 8 % above it (plus a step) is as far as a
       * probe may go before the queue says no. */
      if (recv > 0 && f->packets > 0)
        ceiling = MIN (ceiling, MAX (recv * 1.08 + 10.0, self->min_kbps));
      /* With only audio going out there is no video to tell us anything:
       * let the budget reach the first video rung, or it would never come
       * back (the audio alone held it at 1.5 × 35 kbit/s). */
      ceiling = MAX (ceiling, ladder[G_N_ELEMENTS (ladder) - 2].min_kbps * RUNG_UP_MARGIN);

      double before = self->target_kbps;

      self->state = HZ_BWE_INCREASE;
      /* Below the first video rungs nothing but audio goes out, and the
       * picture is what the call is for: back up at twice the pace (near the
       * rate of the last cut, 10 kbit/s a second at a quarter pace took
       * 20 s to bring the picture back after a bad start). Near where
       * congestion began, by 3 % of the rate a second (at least 10). */
      if (self->target_kbps < ladder[G_N_ELEMENTS (ladder) - 2].min_kbps * RUNG_UP_MARGIN)
        self->target_kbps *= 1.0 + 0.15 * dt;
      else if (near)
        self->target_kbps += MAX (10.0, self->target_kbps * 0.03) * dt;
      else
        self->target_kbps *= 1.0 + 0.08 * dt * pace;
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

/* The loss the estimate went by (pooled over the last reports, 0..1):
 * for the share of forward error correction. */
double
hz_bandwidth_estimator_get_loss (HzBandwidthEstimator *self)
{
  g_return_val_if_fail (HZ_IS_BANDWIDTH_ESTIMATOR (self), 0.0);
  return self->loss;
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
