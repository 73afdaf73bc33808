/* hz-call-webrtc.c: HzCall's negotiation (offer/answer, trickle ICE) and
 * its once-a-second statistics, quality verdict and media watchdog. */
#include "config.h"

#include <string.h>

#include <gst/sdp/sdp.h>

#include "hz-call-private.h"
#include "hz-call-sdp.h"

/* What a promise callback needs: webrtcbin's threads must not read
 * self->webrtc, which the main context clears when the call ends. */
typedef struct {
  HzCall     *self;
  GstElement *webrtc;
  char       *text;
  gboolean    failed;
} Job;

static Job *
job_new (HzCall *self)
{
  Job *job = g_new0 (Job, 1);

  job->self = g_object_ref (self);
  job->webrtc = gst_object_ref (self->webrtc);
  return job;
}

static void
job_free (gpointer data)
{
  Job *job = data;

  g_object_unref (job->self);
  gst_object_unref (job->webrtc);
  g_free (job->text);
  g_free (job);
}

/* Runs in the main context, with a job of its own. */
static void
job_invoke (Job         *job,
            GSourceFunc  func)
{
  Job *copy = g_new0 (Job, 1);

  copy->self = g_object_ref (job->self);
  copy->webrtc = gst_object_ref (job->webrtc);
  copy->text = g_steal_pointer (&job->text);
  copy->failed = job->failed;
  _hz_call_invoke (job->self, func, copy, job_free);
}

static gboolean
reply_failed (GstPromise *promise,
              char      **why)
{
  const GstStructure *reply;
  g_autoptr(GError) error = NULL;

  if (gst_promise_wait (promise) != GST_PROMISE_RESULT_REPLIED)
    {
      *why = g_strdup ("no reply from webrtcbin");
      return TRUE;
    }
  reply = gst_promise_get_reply (promise);
  if (reply && gst_structure_has_field (reply, "error"))
    {
      gst_structure_get (reply, "error", G_TYPE_ERROR, &error, NULL);
      *why = g_strdup (error ? error->message : "refused");
      return TRUE;
    }
  return FALSE;
}

/* ---- sending descriptions ---- */

static gboolean
send_description_cb (gpointer data)
{
  Job *job = data;
  HzCall *self = job->self;
  g_autoptr(JsonObject) m = NULL;

  if (self->state == HZ_CALL_STATE_ENDED)
    return G_SOURCE_REMOVE;
  if (job->failed)
    {
      _hz_call_end (self, HZ_CALL_END_BAD_SIGNAL, job->text, TRUE);
      return G_SOURCE_REMOVE;
    }
  g_debug ("call %s: local %s:\n%s", self->call_id, self->is_caller ? "answer" : "offer", job->text);
  if (self->is_caller)
    _hz_call_codecs_apply_answer (self, job->text);
  m = json_object_new ();
  json_object_set_string_member (m, "kind", self->is_caller ? "answer" : "offer");
  json_object_set_string_member (m, "sdp", job->text);
  _hz_call_send (self, m);
  return G_SOURCE_REMOVE;
}

static void
description_created_cb (GstPromise *promise,
                        gpointer    user_data)
{
  Job *job = user_data;
  const char *field = job->self->is_caller ? "answer" : "offer";
  GstWebRTCSessionDescription *desc = NULL;
  char *why = NULL;

  if (reply_failed (promise, &why))
    {
      job->failed = TRUE;
      job->text = why;
    }
  else
    {
      gst_structure_get (gst_promise_get_reply (promise), field,
                         GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &desc, NULL);
      if (desc == NULL)
        {
          job->failed = TRUE;
          job->text = g_strdup_printf ("webrtcbin made no %s", field);
        }
      else
        {
          if (job->self->is_caller && desc->type == GST_WEBRTC_SDP_TYPE_ANSWER)
            _hz_call_codecs_order_answer (job->self, desc->sdp);
          g_signal_emit_by_name (job->webrtc, "set-local-description", desc, NULL);
          job->text = gst_sdp_message_as_text (desc->sdp);
          gst_webrtc_session_description_free (desc);
        }
    }
  gst_promise_unref (promise);
  job_invoke (job, send_description_cb);
}

void
_hz_call_media_offer (HzCall *self)
{
  GstPromise *promise = gst_promise_new_with_change_func (description_created_cb, job_new (self), job_free);

  g_signal_emit_by_name (self->webrtc, "create-offer", NULL, promise);
}

/* ---- taking descriptions ---- */

static gboolean
bad_remote_cb (gpointer data)
{
  Job *job = data;

  _hz_call_end (job->self, HZ_CALL_END_BAD_SIGNAL, job->text, TRUE);
  return G_SOURCE_REMOVE;
}

static void
remote_set_cb (GstPromise *promise,
               gpointer    user_data)
{
  Job *job = user_data;
  char *why = NULL;

  if (reply_failed (promise, &why))
    {
      job->text = why;
      job_invoke (job, bad_remote_cb);
    }
  else if (job->self->is_caller)
    {
      GstPromise *answer = gst_promise_new_with_change_func (description_created_cb, job_new (job->self), job_free);

      g_signal_emit_by_name (job->webrtc, "create-answer", NULL, answer);
    }
  gst_promise_unref (promise);
}

static void
take_description (HzCall         *self,
                  GstWebRTCSDPType type,
                  const char     *text)
{
  g_autofree char *why = NULL;
  GstSDPMessage *msg = _hz_call_parse_sdp (text, &why);
  GstWebRTCSessionDescription *desc;
  GstPromise *promise;

  if (msg == NULL)
    {
      _hz_call_end (self, HZ_CALL_END_BAD_SIGNAL, why, TRUE);
      return;
    }
  _hz_call_repair_note_remote (self, msg);
  desc = gst_webrtc_session_description_new (type, msg);
  promise = gst_promise_new_with_change_func (remote_set_cb, job_new (self), job_free);
  g_signal_emit_by_name (self->webrtc, "set-remote-description", desc, promise);
  gst_webrtc_session_description_free (desc);

  /* webrtcbin runs its operations in order, so candidates given from now
   * on come after the description. */
  self->remote_described = TRUE;
  for (guint i = 0; i < self->pending_candidates->len; i++)
    {
      JsonObject *c = g_ptr_array_index (self->pending_candidates, i);
      _hz_call_media_add_candidate (self, json_object_get_int_member (c, "mline"),
                                    json_object_get_string_member (c, "candidate"));
    }
  g_ptr_array_set_size (self->pending_candidates, 0);
}

void
_hz_call_media_take_offer (HzCall     *self,
                           const char *sdp)
{
  if (self->webrtc)
    take_description (self, GST_WEBRTC_SDP_TYPE_OFFER, sdp);
}

void
_hz_call_media_take_answer (HzCall     *self,
                            const char *sdp)
{
  if (self->webrtc)
    {
      take_description (self, GST_WEBRTC_SDP_TYPE_ANSWER, sdp);
      if (self->state != HZ_CALL_STATE_ENDED)
        _hz_call_codecs_apply_answer (self, sdp);
    }
}

void
_hz_call_media_add_candidate (HzCall     *self,
                              guint       mline,
                              const char *candidate)
{
  if (self->webrtc == NULL)
    return;
  /* An empty candidate marks the end of the peer's candidates. */
  if (*candidate != '\0' && (!g_str_has_prefix (candidate, "candidate:") || strlen (candidate) > 512))
    {
      g_debug ("call %s: ignoring a malformed candidate", self->call_id);
      return;
    }
  g_signal_emit_by_name (self->webrtc, "add-ice-candidate", mline, candidate);
}

/* ---- ICE ---- */

static gboolean
send_candidate_cb (gpointer data)
{
  Job *job = data;
  g_autoptr(JsonObject) m = NULL;
  const char *sep;

  if (job->self->state == HZ_CALL_STATE_ENDED)
    return G_SOURCE_REMOVE;
  /* job->text is "MLINE candidate" */
  sep = strchr (job->text, ' ');
  m = json_object_new ();
  json_object_set_string_member (m, "kind", "candidate");
  json_object_set_int_member (m, "mline", g_ascii_strtoll (job->text, NULL, 10));
  json_object_set_string_member (m, "candidate", sep ? sep + 1 : "");
  _hz_call_send (job->self, m);
  return G_SOURCE_REMOVE;
}

static void
on_ice_candidate (GstElement *webrtc,
                  guint       mline,
                  const char *candidate,
                  gpointer    user_data)
{
  HzCall *self = user_data;
  Job *job = g_new0 (Job, 1);

  job->self = g_object_ref (self);
  job->webrtc = gst_object_ref (webrtc);
  job->text = g_strdup_printf ("%u %s", mline, candidate);
  _hz_call_invoke (self, send_candidate_cb, job, job_free);
}

static gboolean
ice_state_cb (gpointer data)
{
  Job *job = data;
  HzCall *self = job->self;
  GstWebRTCICEConnectionState ice = GST_WEBRTC_ICE_CONNECTION_STATE_NEW;

  if (self->state == HZ_CALL_STATE_ENDED)
    return G_SOURCE_REMOVE;
  g_object_get (job->webrtc, "ice-connection-state", &ice, NULL);
  switch (ice)
    {
    case GST_WEBRTC_ICE_CONNECTION_STATE_CONNECTED:
    case GST_WEBRTC_ICE_CONNECTION_STATE_COMPLETED:
      if (self->state == HZ_CALL_STATE_CONNECTING || self->state == HZ_CALL_STATE_RECONNECTING)
        _hz_call_set_state (self, HZ_CALL_STATE_CONNECTED);
      _hz_call_media_force_keyframe (self);
      break;
    case GST_WEBRTC_ICE_CONNECTION_STATE_FAILED:
      /* before the first connection there is nothing to restart */
      if (self->connected_us == 0)
        _hz_call_end (self, HZ_CALL_END_PEER_VANISHED, "ICE failed", TRUE);
      else if (self->state == HZ_CALL_STATE_CONNECTED)
        _hz_call_set_state (self, HZ_CALL_STATE_RECONNECTING);
      break;
    case GST_WEBRTC_ICE_CONNECTION_STATE_DISCONNECTED:
      if (self->state == HZ_CALL_STATE_CONNECTED)
        _hz_call_set_state (self, HZ_CALL_STATE_RECONNECTING);
      break;
    default:
      break;
    }
  return G_SOURCE_REMOVE;
}

static gboolean
connection_state_cb (gpointer data)
{
  Job *job = data;
  HzCall *self = job->self;
  GstWebRTCPeerConnectionState state = GST_WEBRTC_PEER_CONNECTION_STATE_NEW;

  if (self->state == HZ_CALL_STATE_ENDED || job->webrtc != self->webrtc)
    return G_SOURCE_REMOVE;
  g_object_get (job->webrtc, "connection-state", &state, NULL);
  if (state == GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED && !self->transport_up)
    {
      self->transport_up = TRUE;
      _hz_call_media_update_valve (self);
      _hz_call_media_force_keyframe (self);
    }
  return G_SOURCE_REMOVE;
}

/* notify::ice-connection-state and notify::connection-state (the peer
 * connection's: ICE's and DTLS's together), from webrtcbin's threads:
 * handled in the call's context. */
static void
on_state_notify (GObject    *webrtc,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  HzCall *self = user_data;
  Job *job = g_new0 (Job, 1);
  gboolean ice = g_str_equal (pspec->name, "ice-connection-state");

  job->self = g_object_ref (self);
  job->webrtc = gst_object_ref (GST_ELEMENT (webrtc));
  _hz_call_invoke (self, ice ? ice_state_cb : connection_state_cb, job, job_free);
}

void
_hz_call_webrtc_connect (HzCall *self)
{
  g_signal_connect (self->webrtc, "on-ice-candidate", G_CALLBACK (on_ice_candidate), self);
  g_signal_connect (self->webrtc, "notify::ice-connection-state", G_CALLBACK (on_state_notify), self);
  g_signal_connect (self->webrtc, "notify::connection-state", G_CALLBACK (on_state_notify), self);
}

/* ---- statistics ---- */

static void
set_quality (HzCall       *self,
             HzCallQuality quality)
{
  if (self->quality == quality)
    return;
  self->quality = quality;
  g_object_notify (G_OBJECT (self), "quality");
}

/* ---- rate control ---- */

static gboolean
read_twcc_report (HzCall        *self,
                  HzBweFeedback *f)
{
  g_autoptr(GstElement) rtpbin = gst_bin_get_by_name (GST_BIN (self->webrtc), "rtpbin");
  g_autoptr(GObject) session = NULL;
  g_autoptr(GstStructure) twcc = NULL;
  guint sent = 0, recv = 0, packets = 0;
  double loss = 0;
  gint64 dod = 0;

  if (rtpbin == NULL)
    return FALSE;
  g_signal_emit_by_name (rtpbin, "get-session", 0, &session);
  if (session == NULL || !g_object_class_find_property (G_OBJECT_GET_CLASS (session), "twcc-stats"))
    return FALSE;
  g_object_get (session, "twcc-stats", &twcc, NULL);
  if (twcc == NULL || !gst_structure_get_uint (twcc, "bitrate-sent", &sent) ||
      !gst_structure_get_uint (twcc, "bitrate-recv", &recv))
    return FALSE;
  if (g_getenv ("HZ_CALL_DEBUG_TWCC"))
    {
      g_autofree char *text = gst_structure_to_string (twcc);
      g_debug ("call %s: %s", self->call_id, text);
    }
  gst_structure_get_double (twcc, "packet-loss-pct", &loss);
  gst_structure_get_int64 (twcc, "avg-delta-of-delta", &dod);
  gst_structure_get_uint (twcc, "packets-sent", &packets);
  /* The figures stay as they were until feedback comes again: the same
   * ones twice are no news (after a cut they said 98 % loss for seconds,
   * read anew each second, and cut the rate to the floor). */
  {
    guint recv_packets = 0;
    guint64 seen;

    gst_structure_get_uint (twcc, "packets-recv", &recv_packets);
    seen = ((guint64) packets << 48) ^ ((guint64) recv_packets << 32) ^ ((guint64) sent << 16) ^ recv ^
           (guint64) dod;
    if (seen == self->twcc_seen)
      return FALSE;
    self->twcc_seen = seen;
  }
  /* unset (no packet groups to compare) reads as G_MININT64 */
  if (dod == G_MININT64)
    dod = 0;
  f->packets = packets;
  f->time_us = g_get_monotonic_time ();
  f->sent_kbps = sent / 1000.0;
  f->recv_kbps = recv / 1000.0;
  f->loss = CLAMP (loss / 100.0, 0.0, 1.0);
  f->delay_trend_ms = dod / 1e6;
  return sent > 0;
}

/* Every 100 ms while connected: adds the newest TWCC report, if it is
 * new, to those the estimator gets next. rtpsession's twcc-stats cover
 * only the last feedback, two to eight packets: read once a second, as
 * before, the estimator saw one such report in ten, its loss 0 % or 33 %
 * at random and its delay trend noise (measured on the impaired link). */
void
_hz_call_webrtc_sample_twcc (HzCall *self)
{
  HzBweFeedback f = { 0 };
  double n;

  if (self->webrtc == NULL || self->state != HZ_CALL_STATE_CONNECTED || !read_twcc_report (self, &f))
    return;
  n = MAX (f.packets, 1);
  self->twcc_reports++;
  self->twcc_packets += n;
  self->twcc_lost += f.loss * n;
  self->twcc_sent += f.sent_kbps * n;
  self->twcc_recv += f.recv_kbps * n;
  self->twcc_trend += f.delay_trend_ms * n;
}

/* The reports collected since the last call, as one feedback: rates, loss
 * and delay trend weighted by their packets. FALSE when none came. */
static gboolean
read_twcc (HzCall        *self,
           HzBweFeedback *f)
{
  double n;

  _hz_call_webrtc_sample_twcc (self);
  if (self->twcc_reports == 0)
    return FALSE;
  n = self->twcc_packets;
  f->time_us = g_get_monotonic_time ();
  f->packets = (guint) n;
  f->loss = self->twcc_lost / n;
  f->sent_kbps = self->twcc_sent / n;
  f->recv_kbps = self->twcc_recv / n;
  f->delay_trend_ms = self->twcc_trend / n;
  /* from the pings, while they are fresh */
  if (g_get_monotonic_time () - self->queue_us < 3 * G_USEC_PER_SEC)
    f->queue_ms = self->queue_ms;
  self->twcc_reports = 0;
  self->twcc_packets = self->twcc_lost = self->twcc_sent = self->twcc_recv = self->twcc_trend = 0;
  self->stats.loss_fraction = f->loss;
  return TRUE;
}

static void
apply_rung (HzCall          *self,
            const HzBweRung *rung)
{
  g_autoptr(GstCaps) caps = NULL;
  gboolean audio_only = rung->height == 0;

  if (self->video_caps == NULL || self->vp8enc == NULL)
    return;

  if (self->rung == rung)
    return;
  self->rung = rung;
  if (audio_only != self->ladder_audio_only)
    {
      self->ladder_audio_only = audio_only;
      _hz_call_media_update_valve (self);
    }
  if (audio_only)
    return;
  if ((guint) rung->height >= self->height && (guint) rung->fps >= self->fps)
    caps = gst_caps_new_any ();
  else
    {
      /* keep the camera's shape; encoders want even sizes */
      int height = MIN ((guint) rung->height, self->height);
      int width = (int) (height * (double) self->width / self->height / 2 + 0.5) * 2;

      caps = gst_caps_new_simple ("video/x-raw", "width", G_TYPE_INT, width, "height", G_TYPE_INT, height,
                                  "framerate", GST_TYPE_FRACTION, MIN ((guint) rung->fps, self->fps), 1, NULL);
    }
  g_debug ("call %s: video ladder → %dp%d", self->call_id, rung->height, rung->fps);
  g_object_set (self->video_caps, "caps", caps, NULL);
  /* On the lowest rungs a coarse picture beats a frozen one: let the
   * encoder use its coarsest quantizers rather than overshoot a budget
   * this small (at 56, a detailed 320x180 picture took twice its 150
   * kbit/s on the impaired link and filled the queue). */
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (self->vp8enc), "max-quantizer"))
    g_object_set (self->vp8enc, "max-quantizer", rung->height <= 180 ? 63 : 56, NULL);
  /* And when even that is too much, skip a frame rather than send over
   * the budget (libvpx drops one when its buffer falls below 30 %, as
   * real-time encoders do): a picture that needs 300 kbit/s on a 120
   * budget otherwise filled the queue, lost a third of the packets, and
   * took the call to audio only for seconds, again and again. */
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (self->vp8enc), "dropframe-threshold"))
    g_object_set (self->vp8enc, "dropframe-threshold", 30, NULL);
}

/* Video goes into webrtcbin only while it can leave: camera on, a budget
 * above audio only, and the transport (ICE and DTLS) up. Before DTLS is
 * up webrtcbin holds what it is given, and over a lossy link the
 * handshake takes seconds: measured on the impaired link, 20 pictures of
 * 3–6 KB went out within 250 ms when it finished, into a 50-packet
 * queue, and the losses that followed took the call to audio only for
 * ten seconds. */
void
_hz_call_media_update_valve (HzCall *self)
{
  if (self->video_valve)
    g_object_set (self->video_valve, "drop", self->camera_off || self->ladder_audio_only || !self->transport_up, NULL);
}

void
_hz_call_media_apply_rung (HzCall *self)
{
  if (self->bwe)
    apply_rung (self, hz_bandwidth_estimator_get_rung (self->bwe));
}

/* The sender's side of congestion control: TWCC feedback into the
 * estimator, its answer into the encoder and the ladder. Audio is never
 * throttled: its 32 kbit/s is outside the video budget. */
static void
control_rate (HzCall *self)
{
  HzBweFeedback f = { 0 };
  guint kbps;

  if (self->bwe == NULL || self->vp8enc == NULL)
    return;
  /* A silence holds the estimate: a dead link says nothing about its rate,
   * a link back from a cut is the same link, and a halved estimate took
   * the picture down to audio only for many seconds after every cut (a
   * slower new path shows as delay and loss within a second or two). */
  if (self->state != HZ_CALL_STATE_CONNECTED)
    return;
  if (!read_twcc (self, &f))
    {
      /* No fresh feedback. With the picture off (audio only) that is the
       * normal case, not a sign of trouble: TWCC then hardly reports, and
       * waiting for it kept calls at audio only for good. Take it as a
       * clean second, so the budget climbs back to the first video rung;
       * the feedback the video brings corrects it. */
      if (!self->ladder_audio_only)
        return;
      f.time_us = g_get_monotonic_time ();
      f.sent_kbps = f.recv_kbps = self->target_kbps;
      hz_bandwidth_estimator_update (self->bwe, &f);
    }
  else if (self->skip_feedback > 0)
    {
      /* The first feedback after a silence counts everything sent into
       * the dead link as lost: that is the cut, not congestion. */
      self->skip_feedback--;
      f.loss = 0;
    }
  else
    hz_bandwidth_estimator_update (self->bwe, &f);
  kbps = hz_bandwidth_estimator_get_target_kbps (self->bwe);
  if (kbps * 20 < self->target_kbps * 19 || kbps * 20 > self->target_kbps * 21)
    {
      self->target_kbps = kbps;
      g_object_set (self->vp8enc, "target-bitrate", (int) kbps * 1000, NULL);
      _hz_call_codecs_set_bitrate (self, kbps);
    }
  apply_rung (self, hz_bandwidth_estimator_get_rung (self->bwe));
}

/* The offerer restarts the transport when the media has been silent for
 * 3 s and the other side is reachable by signalling: it answers a probe
 * sent through the hub during the silence. A cut link carries neither, and
 * when it comes back the transport we kept resumes by itself (libnice
 * keeps its pair through a cut of 10 s and more), at once, while a new one
 * would first wait for an offer queued behind TCP's back-off and then for
 * ICE and DTLS. A peer that answers while its media stays away (still
 * RESUME_GRACE_US after the answer) has lost the path (a new network, a
 * dead transport): a fresh session is the cure.
 * Restarts back off (4 s, 6 s, then 8 s apart) so a slow new session gets
 * its chance. Returns TRUE when it restarted. */
#define RESUME_GRACE_US (1500 * 1000)

static gboolean
maybe_restart (HzCall *self,
               gint64  now,
               gint64  last_media)
{
  gint64 silent_ms = (now - last_media) / 1000;

  if (self->is_caller || silent_ms <= 3000 || self->connected_us == 0 ||
      self->state != HZ_CALL_STATE_RECONNECTING)
    return FALSE;
  if (self->probe_answered_us <= last_media)
    {
      if (now - self->probe_sent_us >= 2 * G_USEC_PER_SEC)
        {
          g_autoptr(JsonObject) m = json_object_new ();

          self->probe_sent_us = now;
          json_object_set_string_member (m, "kind", "probe");
          json_object_set_int_member (m, "t", now);
          _hz_call_send (self, m);
        }
      return FALSE;
    }
  /* A probe sent during a cut reaches the other side when the link
   * comes back (TCP resends it), and its answer can beat the media that
   * the kept transport resumes at the same moment: seen as a restart
   * right at the restore, which cost 2–3 s instead of none. */
  if (now - self->probe_reply_us < RESUME_GRACE_US)
    return FALSE;
  if (now - self->last_restart_us <= (4 + 2 * MIN (self->restarts, 2)) * G_USEC_PER_SEC)
    return FALSE;
  self->restarts++;
  self->last_restart_us = now;
  g_debug ("call %s: no media for %" G_GINT64_FORMAT " ms, the peer answers: restarting the transport",
           self->call_id, silent_ms);
  if (_hz_call_media_restart (self))
    _hz_call_media_offer (self);
  return TRUE;
}

/* From hz-call.c: the other side answered the probe we sent at sent_us. */
void
_hz_call_webrtc_probe_answered (HzCall *self,
                                gint64  sent_us)
{
  gint64 last_media;

  if (sent_us > g_get_monotonic_time () || sent_us <= self->probe_answered_us || self->pipeline == NULL)
    return;
  self->probe_answered_us = sent_us;
  self->probe_reply_us = g_get_monotonic_time ();
  g_mutex_lock (&self->lock);
  last_media = self->last_media_us;
  g_mutex_unlock (&self->lock);
  if (last_media != 0)
    maybe_restart (self, g_get_monotonic_time (), last_media);
}

/* Once a second from hz-call.c. */
void
_hz_call_media_tick (HzCall *self)
{
  gint64 now = g_get_monotonic_time ();
  guint64 bytes_in, bytes_out, frames, audio;
  gint64 last_media;
  int width, height;
  double dt;

  if (self->pipeline == NULL)
    return;
  g_mutex_lock (&self->lock);
  bytes_in = self->bytes_in;
  bytes_out = self->bytes_out;
  frames = self->frames;
  audio = self->audio_buffers;
  last_media = self->last_media_us;
  width = self->frame_width;
  height = self->frame_height;
  g_mutex_unlock (&self->lock);

  dt = self->prev_tick_us ? (now - self->prev_tick_us) / 1e6 : 1.0;
  if (dt <= 0)
    dt = 1.0;
  self->stats.recv_kbps = (bytes_in - self->prev_bytes_in) * 8.0 / 1000.0 / dt;
  self->stats.send_kbps = (bytes_out - self->prev_bytes_out) * 8.0 / 1000.0 / dt;
  self->stats.fps = (frames - self->prev_frames) / dt;
  self->stats.width = width;
  self->stats.height = height;
  self->stats.video_frames = frames;
  self->stats.audio_buffers = audio;
  self->prev_bytes_in = bytes_in;
  self->prev_bytes_out = bytes_out;
  self->prev_frames = frames;
  self->prev_tick_us = now;

  /* The watchdog: ICE in 1.22 is slow to notice a peer that went away, so
   * silence is what counts. A short gap is "reconnecting"; a long one ends
   * the call. A transport that connects (ICE) and never carries media
   * counts as silent from 2 s after it connected: over a lossy link
   * GStreamer 1.22's DTLS handshake can stall for good (seen with its
   * "!priv->bio_buffer" runtime check), and the call sat "connected" with
   * nothing in it; a DTLS packet lost and resent by its 1 s timer fits in
   * the grace. */
  if (last_media == 0 && self->connected_us != 0)
    last_media = self->connected_us + 2 * G_USEC_PER_SEC;
  if (last_media != 0 && now > last_media &&
                         (self->state == HZ_CALL_STATE_CONNECTED ||
                          self->state == HZ_CALL_STATE_RECONNECTING ||
                          self->state == HZ_CALL_STATE_CONNECTING))
    {
      gint64 silent_ms = (now - last_media) / 1000;

      if (silent_ms > (gint64) self->media_timeout_ms)
        {
          _hz_call_end (self, HZ_CALL_END_PEER_VANISHED, "no media from the other side", TRUE);
          return;
        }
      if (silent_ms <= 2000 && self->state == HZ_CALL_STATE_RECONNECTING)
        {
          /* Media is back on the transport we kept. The other side lost
           * our pictures meanwhile: a keyframe now saves it the request's
           * round trip. The feedback that comes first covers the silence. */
          _hz_call_media_force_keyframe (self);
          self->skip_feedback = 2;
        }
      _hz_call_set_state (self, silent_ms > 2000 ? HZ_CALL_STATE_RECONNECTING : HZ_CALL_STATE_CONNECTED);
      if (silent_ms <= 2000)
        self->restarts = 0;
      else if (maybe_restart (self, now, last_media))
        return;
    }

  control_rate (self);
  self->stats.target_kbps = self->target_kbps;
  _hz_call_repair_tick (self);

  if (self->state == HZ_CALL_STATE_RECONNECTING)
    set_quality (self, HZ_CALL_QUALITY_RECONNECTING);
  else if (self->stats.fps < 1 && self->stats.recv_kbps > 0)
    set_quality (self, HZ_CALL_QUALITY_AUDIO_ONLY);
  else if (self->stats.loss_fraction > 0.05 || self->stats.rtt_ms > 500 ||
           (self->stats.fps > 0 && self->stats.fps < 10))
    set_quality (self, HZ_CALL_QUALITY_POOR);
  else
    set_quality (self, HZ_CALL_QUALITY_GOOD);

  /* Round-trip time from a ping on the data channel every second.
   * Not webrtcbin's get-stats: in 1.22.0, calling it once a second made
   * rtpsession's RTCP thread trip over its own source table now and then
   * (a GLib critical in g_hash_table_foreach), and its RTT and loss went
   * stale under loss anyway (../shared/MACHINE.md). */
  if (self->channel)
    {
      g_autofree char *ping = g_strdup_printf ("{\"hz-call\":\"ping\",\"t\":%lld}", (long long) now);
      _hz_call_media_send_data (self, ping, NULL);
    }
}
