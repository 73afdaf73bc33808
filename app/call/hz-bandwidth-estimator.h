/* hz-bandwidth-estimator.h: how many bits a call may send, from the
 * receiver's feedback (delay and loss); no GStreamer, so it is tested alone. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* One feedback interval, as transport-wide congestion control reports it
 * (rtpsession's twcc-stats: bitrate-sent, bitrate-recv, packet-loss-pct,
 * avg-delta-of-delta). */
typedef struct {
  gint64 time_us;       /* when it was read (monotonic) */
  double sent_kbps;     /* what we sent over the interval */
  double recv_kbps;     /* what the other side got of it */
  double loss;          /* 0..1 */
  double delay_trend_ms;/* mean growth of one-way delay per packet group; > 0: a queue builds */
  guint  packets;       /* how many packets the loss figure is over; 0: unknown */
  double queue_ms;      /* round trip above the path's own (a queue), ms; 0: none or unknown */
} HzBweFeedback;

/* A rung of the video ladder: what to encode at a given budget. */
typedef struct {
  guint min_kbps;       /* the budget this rung needs */
  int   width, height;  /* 0 × 0: no video, audio only */
  int   fps;
} HzBweRung;

typedef enum {
  HZ_BWE_HOLD,
  HZ_BWE_INCREASE,
  HZ_BWE_DECREASE,
} HzBweState;

#define HZ_TYPE_BANDWIDTH_ESTIMATOR (hz_bandwidth_estimator_get_type ())

G_DECLARE_FINAL_TYPE (HzBandwidthEstimator, hz_bandwidth_estimator, HZ, BANDWIDTH_ESTIMATOR, GObject)

HzBandwidthEstimator *hz_bandwidth_estimator_new      (guint                 min_kbps,
                                                       guint                 start_kbps,
                                                       guint                 max_kbps);
guint                 hz_bandwidth_estimator_update   (HzBandwidthEstimator *self,
                                                       const HzBweFeedback  *feedback);
void                  hz_bandwidth_estimator_lost_feedback (HzBandwidthEstimator *self,
                                                       gint64                time_us);
guint                 hz_bandwidth_estimator_get_target_kbps (HzBandwidthEstimator *self);
HzBweState            hz_bandwidth_estimator_get_state (HzBandwidthEstimator *self);
const HzBweRung      *hz_bandwidth_estimator_get_rung (HzBandwidthEstimator *self);

G_END_DECLS
