/* hz-call-private.h: HzCall's instance, shared by hz-call.c (state and
 * signaling) and hz-call-media.c (the pipeline). */
#pragma once

#include <gst/gst.h>
#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>
#include <gst/sdp/sdp.h>

#include "hz-bandwidth-estimator.h"
#include "hz-call.h"

G_BEGIN_DECLS

/* Where a call's video budget starts, kbit/s: about what a browser starts
 * at, below the 384 kbit/s of a poor township link once audio has its
 * share; the estimator climbs from there (hz-bandwidth-estimator.c). */
#define HZ_CALL_START_KBPS 250

/* The video codecs HzCall knows (hz-call-codecs.c). */
typedef enum {
  HZ_CALL_CODEC_VP8,
  HZ_CALL_CODEC_H264,
} HzCallCodec;

/* The newest decoded picture of a stream, waiting for the call's main
 * context (hz-call-receive.c). Under the call's lock. */
typedef struct {
  GstSample *sample;
  gboolean   queued;   /* a delivery is on its way to the main context */
} HzFrameSlot;

struct _HzCall
{
  GObject              parent_instance;

  HzCallSignaling     *signaling;
  gulong               message_id;
  char                *consult_id;
  char                *call_id;
  gboolean             is_caller;     /* sent the invite; answers the offer */
  GMainContext        *context;       /* where every signal is emitted */

  /* options, owned copies */
  char                *video_spec;
  char                *audio_spec;
  gboolean             audio_playback;
  guint                width, height, fps;
  guint                latency_ms;
  gboolean             latency_fixed;  /* set by the options: never adapted */
  gboolean             loopback;
  gboolean             relay_only;
  GStrv                ice_servers;
  guint                ring_timeout_ms;
  guint                media_timeout_ms;
  guint                connect_timeout_ms;
  char                *local_video_filter;
  char                *remote_video_filter;

  HzCallState          state;
  HzCallEndReason      end_reason;
  char                *end_detail;
  HzCallQuality        quality;
  gboolean             muted;
  gboolean             camera_off;

  guint                ring_timeout_id;
  guint                connect_timeout_id;
  guint                stats_id;
  gint64               connected_us;
  gint64               ended_us;

  /* the pipeline */
  GstElement          *pipeline;
  GstElement          *webrtc;
  GstElement          *video_src;     /* replaceable source bin */
  GstElement          *video_queue;   /* what the source links to */
  GstElement          *audio_src;
  GstElement          *audio_queue;
  GstElement          *volume;
  GstElement          *video_valve;
  GstElement          *vp8enc;
  GstElement          *video_caps;    /* resolution/frame-rate ladder */
  GstWebRTCRTPTransceiver *video_transceiver;
  GSource             *bus_watch;
  GstWebRTCDataChannel *channel;
  GQueue               outgoing_data; /* char*, sent when the channel opens */
  gboolean             remote_described;
  GPtrArray           *pending_candidates; /* JsonObject*, until then */

  /* figures written by streaming threads, under lock */
  GMutex               lock;
  HzFrameSlot          remote_frame;
  GstElement          *video_sink;     /* under lock: the remote pictures' appsink */
  gboolean             playout_synced; /* it plays at the clock (lossy link) */
  guint64              bytes_in, bytes_out;
  guint64              frames, audio_buffers;
  gint64               last_media_us;
  gboolean             media_seen;    /* by this transport */
  int                  frame_width, frame_height;

  /* figures of the main context */
  HzCallStats          stats;
  guint64              prev_bytes_in, prev_bytes_out, prev_frames;
  gint64               prev_tick_us;
  guint                ticks;
  gint64               last_restart_us;
  guint                restarts;       /* since media last flowed */
  gboolean             lost_feedback_told;
  guint                skip_feedback;  /* TWCC reads to ignore: they cover a silence */
  double               rtt_recent[5];  /* the last ping round trips, ms (0: none) */
  double               rtt_window[30]; /* the last 30 (half a minute): their least is the path's own */
  double               queue_ms;       /* the last two round trips' least above that: a queue */
  gint64               queue_us;       /* when queue_ms was measured */
  guint64              twcc_seen;      /* the last TWCC figures read, to tell fresh from stale */
  guint                twcc_id;        /* the 100 ms TWCC sampling */
  guint                twcc_reports;   /* TWCC reports collected since the estimator's last look */
  double               twcc_packets, twcc_lost, twcc_sent, twcc_recv, twcc_trend; /* their sums, by packets */
  gint64               last_keyframe_us; /* streaming thread: the last keyframe let through */
  guint                video_pts[4];   /* bitmap of the remote description's video payload types */
  GstElement          *video_jitterbuffer; /* under lock: the one that asks for resends */
  guint64              lost_seen;      /* its lost + resend requests at the last tick */
  gint64               lossy_since_us; /* the last tick that saw video lost, 0: none lately */
  double               resend_tokens;  /* under lock: resends we may still send now */
  gint64               resend_refill_us;
  guint                rtt_next;
  gint64               probe_sent_us;  /* signalling probes, while media is silent */
  gint64               probe_answered_us; /* send time of the newest probe answered */
  gint64               probe_reply_us; /* and when its answer came */
  guint                target_kbps;
  HzBandwidthEstimator *bwe;
  const HzBweRung     *rung;
  gboolean             ladder_audio_only;
  gboolean             transport_up;  /* ICE and DTLS connected: video may go in */
  guint                quality_seconds[4];

  HzConsultLog        *log;
  char                *actor;

  /* the self-view (hz-call-preview.c), under lock */
  HzFrameSlot          local_frame;
  GstClockTime         local_last_pts; /* the preview's streaming thread only */

  /* video codecs (hz-call-codecs.c) */
  HzCallCodec          codec_prefs[2]; /* fixed at creation; read from any thread */
  guint                n_codec_prefs;
  const char          *video_codec;   /* negotiated: "VP8", "H264"; NULL before */
  GstElement          *codec_selector; /* VP8's valve; NULL when only VP8 is offered */
  GstElement          *h264_valve;
  GstElement          *h264enc;
};

/* hz-call.c */
void     _hz_call_send          (HzCall          *self,
                                 JsonObject      *message);
void     _hz_call_end           (HzCall          *self,
                                 HzCallEndReason  reason,
                                 const char      *detail,
                                 gboolean         tell_peer);
void     _hz_call_set_state     (HzCall          *self,
                                 HzCallState      state);
void     _hz_call_invoke        (HzCall          *self,
                                 GSourceFunc      func,
                                 gpointer         data,
                                 GDestroyNotify   destroy);
void     _hz_call_emit_frame    (HzCall          *self,
                                 HzVideoFrame    *frame);
void     _hz_call_emit_data     (HzCall          *self,
                                 const char      *text);

/* hz-call.c, for the bus sync handler */
guint    _hz_call_pipeline_message_signal (void);

/* hz-call-webrtc.c: negotiation, ICE, statistics */
void     _hz_call_webrtc_connect (HzCall         *self);
void     _hz_call_webrtc_probe_answered (HzCall  *self,
                                         gint64   sent_us);
/* the video valve, from camera, ladder and transport */
void     _hz_call_media_update_valve (HzCall     *self);

/* hz-call-data.c */
void     _hz_call_data_connect_channel (HzCall               *self,
                                        GstWebRTCDataChannel *channel);
void     _hz_call_data_adopt_channel   (HzCall               *self,
                                        GstWebRTCDataChannel *channel);
void     _hz_call_data_on_data_channel (GstElement           *webrtc,
                                        GstWebRTCDataChannel *channel,
                                        gpointer              user_data);

/* hz-call-media.c */
gboolean _hz_call_media_build   (HzCall          *self,
                                 GError         **error);
void     _hz_call_media_stop    (HzCall          *self);
gboolean _hz_call_media_restart (HzCall          *self);
void     _hz_call_media_force_keyframe (HzCall   *self);
void     _hz_call_media_offer   (HzCall          *self);
void     _hz_call_media_take_offer  (HzCall      *self,
                                     const char  *sdp);
void     _hz_call_media_take_answer (HzCall      *self,
                                     const char  *sdp);
void     _hz_call_media_add_candidate (HzCall    *self,
                                       guint      mline,
                                       const char *candidate);
gboolean _hz_call_media_send_data (HzCall        *self,
                                   const char    *text,
                                   GError       **error);
void     _hz_call_media_tick    (HzCall          *self);
gboolean _hz_call_media_replace_source (HzCall   *self,
                                        gboolean  video,
                                        const char *spec,
                                        GError  **error);

/* hz-call-preview.c: the self-view */
void     _hz_call_preview_class_init (GObjectClass *object_class);
gboolean _hz_call_preview_attach (HzCall         *self,
                                  GstElement     *chain,
                                  GError        **error);
void     _hz_call_preview_stop  (HzCall          *self);

/* hz-call-codecs.c: VP8 and H.264 */
void     _hz_call_codecs_take_options (HzCall     *self,
                                       const char *codecs);
char    *_hz_call_codecs_rtp_caps    (HzCall      *self,
                                      gboolean     send);
char    *_hz_call_codecs_send_tail   (HzCall      *self,
                                      const char  *vp8);
void     _hz_call_codecs_attach      (HzCall      *self,
                                      GstElement  *chain);
void     _hz_call_codecs_stop        (HzCall      *self);

/* hz-call-webrtc.c: the estimator's rung to the ladder and the encoder;
 * the TWCC reports, sampled every 100 ms */
void     _hz_call_media_apply_rung   (HzCall      *self);
void     _hz_call_webrtc_sample_twcc (HzCall      *self);

/* hz-call-repair.c */
void     _hz_call_repair_note_remote (HzCall              *self,
                                      const GstSDPMessage *msg);
void     _hz_call_repair_attach      (HzCall      *self);
void     _hz_call_repair_stop        (HzCall      *self);
void     _hz_call_repair_tick        (HzCall      *self);
void     _hz_call_repair_adapt_latency (HzCall    *self);
char    *_hz_call_codecs_decoder     (GstCaps     *caps);
void     _hz_call_codecs_order_answer (HzCall        *self,
                                       GstSDPMessage *sdp);
void     _hz_call_codecs_apply_answer (HzCall     *self,
                                       const char *answer);
void     _hz_call_codecs_set_bitrate (HzCall      *self,
                                      guint        kbps);
GstElement *_hz_call_codecs_active_encoder (HzCall *self);
HzVideoFrame *_hz_call_frame_from_sample (GstSample *sample);
gboolean      _hz_frame_slot_put (HzFrameSlot *slot,
                                  GstSample   *sample);
HzVideoFrame *_hz_call_take_frame (HzCall      *self,
                                   HzFrameSlot *slot);

/* hz-call-receive.c */
void          _hz_call_receive_pad_added (GstElement *webrtc,
                                          GstPad     *pad,
                                          gpointer    user_data);

G_END_DECLS
