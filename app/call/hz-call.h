/* hz-call.h: one WebRTC call for one consult (GStreamer webrtcbin). */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "hz-call-signaling.h"
#include "hz-consult-log.h"
#include "hz-video-frame.h"

G_BEGIN_DECLS

#define HZ_CALL_ERROR (hz_call_error_quark ())

typedef enum {
  HZ_CALL_ERROR_FAILED,
  HZ_CALL_ERROR_MISSING_PLUGIN,   /* a GStreamer element is not installed */
  HZ_CALL_ERROR_BAD_STATE,        /* not allowed in this state */
  HZ_CALL_ERROR_NOT_OPEN,         /* the data channel is not open */
  HZ_CALL_ERROR_TOO_LARGE,        /* a data-channel message over the limit */
  HZ_CALL_ERROR_INVALID,          /* bad argument (e.g. not a JSON object) */
} HzCallError;

/* The state machine. Moves only forward, except CONNECTED ⇄ RECONNECTING:
 *   IDLE → RINGING_OUT (caller: hz_call_start) | RINGING_IN (callee: made
 *   from an invite) → CONNECTING (callee accepted) → CONNECTED (media)
 *   → ENDED; any state → ENDED. The end reason says why. */
typedef enum {
  HZ_CALL_STATE_IDLE,
  HZ_CALL_STATE_RINGING_OUT,
  HZ_CALL_STATE_RINGING_IN,
  HZ_CALL_STATE_CONNECTING,
  HZ_CALL_STATE_CONNECTED,
  HZ_CALL_STATE_RECONNECTING,
  HZ_CALL_STATE_ENDED,
} HzCallState;

typedef enum {
  HZ_CALL_END_NONE,
  HZ_CALL_END_HANGUP_LOCAL,     /* we hung up */
  HZ_CALL_END_HANGUP_REMOTE,    /* they hung up */
  HZ_CALL_END_REJECTED,         /* the callee declined */
  HZ_CALL_END_BUSY,             /* the callee is in another call */
  HZ_CALL_END_CANCELLED,        /* the caller gave up before an answer */
  HZ_CALL_END_NO_ANSWER,        /* nobody answered within the ring timeout */
  HZ_CALL_END_PEER_VANISHED,    /* ICE failed or no media for too long */
  HZ_CALL_END_BAD_SIGNAL,       /* malformed SDP or an unusable answer */
  HZ_CALL_END_MEDIA_ERROR,      /* our own pipeline failed */
} HzCallEndReason;

/* A simple verdict for the UI. */
typedef enum {
  HZ_CALL_QUALITY_GOOD,
  HZ_CALL_QUALITY_POOR,
  HZ_CALL_QUALITY_AUDIO_ONLY,
  HZ_CALL_QUALITY_RECONNECTING,
} HzCallQuality;

/* Configuration, copied by hz_call_new_*. Source specs: "auto" (PipeWire
 * or V4L2 camera, PulseAudio microphone), "test" / "test:ball" /
 * "test:zone-plate" (videotestsrc, audiotestsrc), "v4l2:/dev/videoN",
 * "pipewire", "pipewire:TARGET", "pulse", "pulse:NAME", "none" (see
 * hz_call_list_devices in hz-call-devices.h). */
typedef struct {
  const char  *video_source;
  const char  *audio_source;
  gboolean     audio_playback;      /* play remote audio (else counted and dropped) */
  guint        width, height, fps;  /* capture size; 0 = 640x480@30 */
  guint        latency_ms;          /* jitter buffer; 0 = 40 ms, then about RTT + 30 ms */
  gboolean     loopback;            /* add 127.0.0.1 as an ICE host address */
  gboolean     relay_only;          /* ICE transport policy "relay" */
  const char  *const *ice_servers;  /* "stun://h:p", "turn://user:pass@h:p" */
  guint        ring_timeout_ms;     /* 0 = 45 s */
  guint        media_timeout_ms;    /* no media that long = vanished; 0 = 15 s */
  guint        connect_timeout_ms;  /* accept → connected; 0 = 20 s */
  const char  *local_video_filter;  /* gst-launch fragment after the camera (benchmarks) */
  const char  *remote_video_filter; /* gst-launch fragment after the decoder (benchmarks) */
} HzCallOptions;

typedef struct {
  double  send_kbps;       /* RTP payload + headers leaving, all streams */
  double  recv_kbps;
  double  loss_fraction;   /* of what we send, 0..1, as the other side's TWCC feedback reports it */
  double  rtt_ms;          /* -1 unknown */
  double  fps;             /* decoded remote frames per second */
  int     width, height;   /* of the remote video, 0 when none */
  guint   target_kbps;     /* what the encoder is told */
  guint64 audio_buffers;   /* decoded remote audio buffers so far */
  guint64 video_frames;    /* decoded remote frames so far */
} HzCallStats;

#define HZ_TYPE_CALL (hz_call_get_type ())

G_DECLARE_FINAL_TYPE (HzCall, hz_call, HZ, CALL, GObject)

GQuark           hz_call_error_quark        (void);

gboolean         hz_call_check_plugins      (GError          **error);
GStrv            hz_call_ice_servers_from_json (JsonObject     *turn_reply);
void             hz_call_prewarm            (void);

HzCall          *hz_call_new_outgoing       (HzCallSignaling  *signaling,
                                             const char       *consult_id,
                                             const HzCallOptions *options);
HzCall          *hz_call_new_incoming       (HzCallSignaling  *signaling,
                                             const char       *consult_id,
                                             JsonObject       *invite,
                                             const HzCallOptions *options);
gboolean         hz_call_is_invite          (JsonObject       *message);
void             hz_call_reply_busy         (HzCallSignaling  *signaling,
                                             const char       *consult_id,
                                             JsonObject       *invite);

gboolean         hz_call_start              (HzCall           *self,
                                             GError          **error);
gboolean         hz_call_accept             (HzCall           *self,
                                             GError          **error);
void             hz_call_reject             (HzCall           *self);
void             hz_call_hangup             (HzCall           *self);

const char      *hz_call_get_consult_id     (HzCall           *self);
const char      *hz_call_get_call_id        (HzCall           *self);
HzCallState      hz_call_get_state          (HzCall           *self);
HzCallEndReason  hz_call_get_end_reason     (HzCall           *self);
const char      *hz_call_get_end_detail     (HzCall           *self);
HzCallQuality    hz_call_get_quality        (HzCall           *self);
void             hz_call_get_stats          (HzCall           *self,
                                             HzCallStats      *stats);
gint64           hz_call_get_duration_us    (HzCall           *self);

gboolean         hz_call_send_data          (HzCall           *self,
                                             const char       *json_text,
                                             GError          **error);

void             hz_call_set_muted          (HzCall           *self,
                                             gboolean          muted);
gboolean         hz_call_get_muted          (HzCall           *self);
void             hz_call_set_camera_off     (HzCall           *self,
                                             gboolean          off);
gboolean         hz_call_get_camera_off     (HzCall           *self);
gboolean         hz_call_switch_video_source (HzCall          *self,
                                             const char       *spec,
                                             GError          **error);
gboolean         hz_call_switch_audio_source (HzCall          *self,
                                             const char       *spec,
                                             GError          **error);

void             hz_call_set_consult_log    (HzCall           *self,
                                             HzConsultLog     *log,
                                             const char       *actor);

gpointer         hz_call_get_pipeline       (HzCall           *self);

const char      *hz_call_state_to_string       (HzCallState      state);
const char      *hz_call_end_reason_to_string  (HzCallEndReason  reason);
const char      *hz_call_quality_to_string     (HzCallQuality    quality);

G_END_DECLS
