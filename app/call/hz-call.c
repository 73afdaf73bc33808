/* hz-call.c: HzCall's state machine and its signaling. The pipeline lives
 * in hz-call-media.c.
 *
 * The signaling conversation, each message carrying the call's id so a
 * late message of an earlier call is ignored:
 *   caller → invite · callee → offer (this is the accept: it saves a round
 *   trip through the hub) · caller → answer · both → candidate (trickle)
 *   · callee → reject {reason: declined|busy} · either → hangup {reason:
 *   hangup|cancel|timeout|error|bad-sdp}. */
#include "config.h"

#include <string.h>

#include "hz-call-private.h"

#define PROTOCOL_VERSION 1

enum {
  PROP_0,
  PROP_STATE,
  PROP_QUALITY,
  PROP_MUTED,
  PROP_CAMERA_OFF,
  N_PROPS
};

enum {
  VIDEO_FRAME,
  DATA_RECEIVED,
  STATS_UPDATED,
  PIPELINE_MESSAGE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HzCall, hz_call, G_TYPE_OBJECT)

G_DEFINE_QUARK (hz-call-error-quark, hz_call_error)

/* ---- main-context plumbing ---- */

typedef struct {
  HzCall        *self;
  GSourceFunc    func;
  gpointer       data;
  GDestroyNotify destroy;
} Invocation;

static gboolean
invocation_run (gpointer user_data)
{
  Invocation *inv = user_data;
  return inv->func (inv->data);
}

static void
invocation_free (gpointer user_data)
{
  Invocation *inv = user_data;

  if (inv->destroy)
    inv->destroy (inv->data);
  g_object_unref (inv->self);
  g_free (inv);
}

/* Runs @func(@data) in the call's main context (at once when already
 * there); the call stays alive until it has run. */
void
_hz_call_invoke (HzCall        *self,
                 GSourceFunc    func,
                 gpointer       data,
                 GDestroyNotify destroy)
{
  Invocation *inv = g_new0 (Invocation, 1);

  inv->self = g_object_ref (self);
  inv->func = func;
  inv->data = data;
  inv->destroy = destroy;
  /* Not g_main_context_invoke: when no thread owns the context at that
   * moment (a test between two g_main_context_iteration calls, say), it
   * runs @func right here, on a GStreamer streaming thread. */
  if (g_main_context_is_owner (self->context))
    {
      invocation_run (inv);
      invocation_free (inv);
    }
  else
    {
      g_autoptr(GSource) source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, invocation_run, inv, invocation_free);
      g_source_set_static_name (source, "[hz-call] invoke");
      g_source_attach (source, self->context);
    }
}

void
_hz_call_emit_frame (HzCall       *self,
                     HzVideoFrame *frame)
{
  g_signal_emit (self, signals[VIDEO_FRAME], 0, frame);
}

void
_hz_call_emit_data (HzCall     *self,
                    const char *text)
{
  g_signal_emit (self, signals[DATA_RECEIVED], 0, text);
}

/* ---- state ---- */

void
_hz_call_set_state (HzCall      *self,
                    HzCallState  state)
{
  if (self->state == state)
    return;
  g_debug ("call %s: %s → %s", self->call_id, hz_call_state_to_string (self->state), hz_call_state_to_string (state));
  self->state = state;
  if (state == HZ_CALL_STATE_CONNECTED && self->connected_us == 0)
    {
      g_autofree char *payload = NULL;

      self->connected_us = g_get_monotonic_time ();
      g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
      if (self->log)
        {
          g_autoptr(GError) error = NULL;

          payload = g_strdup_printf ("{\"call\":\"%s\",\"role\":\"%s\"}", self->call_id,
                                     self->is_caller ? "caller" : "callee");
          if (hz_consult_log_append (self->log, self->consult_id, self->actor, "call.started", payload, &error) < 0)
            g_warning ("call %s: could not log the start: %s", self->call_id, error->message);
        }
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
write_end_to_log (HzCall *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *payload = NULL;
  g_autoptr(GError) error = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "call");
  json_builder_add_string_value (b, self->call_id);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, self->is_caller ? "caller" : "callee");
  json_builder_set_member_name (b, "end");
  json_builder_add_string_value (b, hz_call_end_reason_to_string (self->end_reason));
  json_builder_set_member_name (b, "duration_s");
  json_builder_add_int_value (b, hz_call_get_duration_us (self) / G_USEC_PER_SEC);
  json_builder_set_member_name (b, "quality_s");
  json_builder_begin_object (b);
  for (guint i = 0; i <= HZ_CALL_QUALITY_RECONNECTING; i++)
    {
      json_builder_set_member_name (b, hz_call_quality_to_string (i));
      json_builder_add_int_value (b, self->quality_seconds[i]);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "remote_frames");
  json_builder_add_int_value (b, (gint64) self->stats.video_frames);
  if (self->video_codec)
    {
      json_builder_set_member_name (b, "video_codec");
      json_builder_add_string_value (b, self->video_codec);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  payload = json_to_string (root, FALSE);
  if (hz_consult_log_append (self->log, self->consult_id, self->actor, "call.ended", payload, &error) < 0)
    g_warning ("call %s: could not log the end: %s", self->call_id, error->message);
}

/* The one way into ENDED: stops everything, tells the peer when asked. */
void
_hz_call_end (HzCall          *self,
              HzCallEndReason  reason,
              const char      *detail,
              gboolean         tell_peer)
{
  g_autoptr(HzCall) keep = g_object_ref (self);

  if (self->state == HZ_CALL_STATE_ENDED)
    return;
  if (tell_peer)
    {
      g_autoptr(JsonObject) m = json_object_new ();
      const char *why = reason == HZ_CALL_END_CANCELLED ? "cancel"
                      : reason == HZ_CALL_END_NO_ANSWER ? "timeout"
                      : reason == HZ_CALL_END_BAD_SIGNAL ? "bad-sdp"
                      : reason == HZ_CALL_END_HANGUP_LOCAL ? "hangup" : "error";

      json_object_set_string_member (m, "kind", "hangup");
      json_object_set_string_member (m, "reason", why);
      _hz_call_send (self, m);
    }
  self->end_reason = reason;
  g_free (self->end_detail);
  self->end_detail = g_strdup (detail);
  self->ended_us = g_get_monotonic_time ();
  g_clear_handle_id (&self->ring_timeout_id, g_source_remove);
  g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
  g_clear_handle_id (&self->stats_id, g_source_remove);
  g_clear_handle_id (&self->twcc_id, g_source_remove);
  if (self->signaling)
    g_clear_signal_handler (&self->message_id, self->signaling);
  _hz_call_media_stop (self);
  if (self->log && self->connected_us != 0)
    write_end_to_log (self);
  g_debug ("call %s ended: %s (%s)", self->call_id, hz_call_end_reason_to_string (reason), detail ? detail : "");
  _hz_call_set_state (self, HZ_CALL_STATE_ENDED);
}

void
_hz_call_send (HzCall     *self,
               JsonObject *message)
{
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (message, "call", self->call_id);
  json_object_set_int_member (message, "v", PROTOCOL_VERSION);
  if (!hz_call_signaling_send (self->signaling, self->consult_id, message, &error))
    g_debug ("call %s: signal not sent: %s", self->call_id, error->message);
}

/* ---- timers ---- */

static gboolean
ring_timeout_cb (gpointer user_data)
{
  HzCall *self = user_data;

  self->ring_timeout_id = 0;
  _hz_call_end (self, HZ_CALL_END_NO_ANSWER, "nobody answered", self->is_caller);
  return G_SOURCE_REMOVE;
}

static gboolean
connect_timeout_cb (gpointer user_data)
{
  HzCall *self = user_data;

  self->connect_timeout_id = 0;
  _hz_call_end (self, HZ_CALL_END_PEER_VANISHED, "could not connect", TRUE);
  return G_SOURCE_REMOVE;
}

static gboolean
stats_tick_cb (gpointer user_data)
{
  HzCall *self = user_data;

  _hz_call_media_tick (self);
  if (self->state == HZ_CALL_STATE_ENDED)
    return G_SOURCE_REMOVE;
  if (self->state == HZ_CALL_STATE_CONNECTED || self->state == HZ_CALL_STATE_RECONNECTING)
    self->quality_seconds[self->quality]++;
  g_signal_emit (self, signals[STATS_UPDATED], 0, &self->stats);
  return G_SOURCE_CONTINUE;
}

/* Each TWCC report covers one feedback interval (100 ms, a handful of
 * packets): collected ten times a second, judged once a second. */
static gboolean
twcc_tick_cb (gpointer user_data)
{
  _hz_call_webrtc_sample_twcc (user_data);
  return G_SOURCE_CONTINUE;
}

static void
arm_connect_timeout (HzCall *self)
{
  g_clear_handle_id (&self->ring_timeout_id, g_source_remove);
  if (self->connect_timeout_id == 0)
    {
      GSource *source = g_timeout_source_new (self->connect_timeout_ms);
      g_source_set_callback (source, connect_timeout_cb, self, NULL);
      self->connect_timeout_id = g_source_attach (source, self->context);
      g_source_unref (source);
    }
  if (self->stats_id == 0)
    {
      GSource *source = g_timeout_source_new (1000);
      g_source_set_callback (source, stats_tick_cb, self, NULL);
      self->stats_id = g_source_attach (source, self->context);
      g_source_unref (source);
    }
  if (self->twcc_id == 0)
    {
      GSource *source = g_timeout_source_new (100);
      g_source_set_callback (source, twcc_tick_cb, self, NULL);
      self->twcc_id = g_source_attach (source, self->context);
      g_source_unref (source);
    }
}

static void
arm_ring_timeout (HzCall *self)
{
  GSource *source = g_timeout_source_new (self->ring_timeout_ms);

  g_source_set_callback (source, ring_timeout_cb, self, NULL);
  self->ring_timeout_id = g_source_attach (source, self->context);
  g_source_unref (source);
}

/* ---- incoming signals ---- */

static void
on_signal_message (HzCallSignaling *signaling,
                   const char      *consult_id,
                   JsonObject      *message,
                   gpointer         user_data)
{
  HzCall *self = user_data;
  g_autoptr(HzCall) keep = g_object_ref (self);
  const char *kind = json_object_get_string_member_with_default (message, "kind", NULL);
  const char *call = json_object_get_string_member_with_default (message, "call", NULL);
  const char *reason = json_object_get_string_member_with_default (message, "reason", "");

  if (g_strcmp0 (consult_id, self->consult_id) != 0 || g_strcmp0 (call, self->call_id) != 0 || kind == NULL)
    return;
  if (self->state == HZ_CALL_STATE_ENDED)
    return;

  if (g_str_equal (kind, "hangup"))
    {
      HzCallEndReason why = HZ_CALL_END_HANGUP_REMOTE;

      if (self->state == HZ_CALL_STATE_RINGING_IN)
        why = g_str_equal (reason, "timeout") ? HZ_CALL_END_NO_ANSWER : HZ_CALL_END_CANCELLED;
      else if (g_str_equal (reason, "bad-sdp"))
        why = HZ_CALL_END_BAD_SIGNAL;
      else if (g_str_equal (reason, "error"))
        why = HZ_CALL_END_PEER_VANISHED;
      _hz_call_end (self, why, reason, FALSE);
    }
  else if (g_str_equal (kind, "reject") && self->state == HZ_CALL_STATE_RINGING_OUT)
    {
      _hz_call_end (self, g_str_equal (reason, "busy") ? HZ_CALL_END_BUSY : HZ_CALL_END_REJECTED,
                    reason, FALSE);
    }
  else if (g_str_equal (kind, "offer") && self->is_caller &&
           self->state != HZ_CALL_STATE_RINGING_IN && self->state != HZ_CALL_STATE_IDLE)
    {
      const char *sdp = json_object_get_string_member_with_default (message, "sdp", NULL);

      if (self->state == HZ_CALL_STATE_RINGING_OUT)
        {
          _hz_call_set_state (self, HZ_CALL_STATE_CONNECTING);
          arm_connect_timeout (self);
        }
      if (sdp == NULL)
        _hz_call_end (self, HZ_CALL_END_BAD_SIGNAL, "an offer without SDP", TRUE);
      else if (!self->remote_described || _hz_call_media_restart (self))
        _hz_call_media_take_offer (self, sdp);   /* a second offer: the callee restarted */
    }
  else if (g_str_equal (kind, "answer") && !self->is_caller && !self->remote_described &&
           (self->state == HZ_CALL_STATE_CONNECTING || self->state == HZ_CALL_STATE_CONNECTED ||
            self->state == HZ_CALL_STATE_RECONNECTING))
    {
      const char *sdp = json_object_get_string_member_with_default (message, "sdp", NULL);

      if (sdp == NULL)
        _hz_call_end (self, HZ_CALL_END_BAD_SIGNAL, "an answer without SDP", TRUE);
      else
        _hz_call_media_take_answer (self, sdp);
    }
  else if (g_str_equal (kind, "probe"))
    {
      /* the offerer checks that signalling reaches us (see hz-call-webrtc.c) */
      g_autoptr(JsonObject) m = json_object_new ();

      json_object_set_string_member (m, "kind", "probe-reply");
      json_object_set_int_member (m, "t", json_object_get_int_member_with_default (message, "t", 0));
      _hz_call_send (self, m);
    }
  else if (g_str_equal (kind, "probe-reply") && !self->is_caller)
    _hz_call_webrtc_probe_answered (self, json_object_get_int_member_with_default (message, "t", 0));
  else if (g_str_equal (kind, "candidate") && self->pipeline != NULL)
    {
      const char *candidate = json_object_get_string_member_with_default (message, "candidate", NULL);
      gint64 mline = json_object_get_int_member_with_default (message, "mline", -1);

      if (candidate == NULL || mline < 0 || mline > 16)
        return;
      if (!self->remote_described)
        g_ptr_array_add (self->pending_candidates, json_object_ref (message));
      else
        _hz_call_media_add_candidate (self, (guint) mline, candidate);
    }
}

/* ---- construction ---- */

static void
take_options (HzCall              *self,
              const HzCallOptions *o)
{
  HzCallOptions defaults = { 0 };

  if (o == NULL)
    o = &defaults;
  self->video_spec = g_strdup (o->video_source ? o->video_source : "auto");
  self->audio_spec = g_strdup (o->audio_source ? o->audio_source : "auto");
  self->audio_playback = o->audio_playback;
  self->width = o->width ? o->width : 640;
  self->height = o->height ? o->height : 480;
  self->fps = o->fps ? o->fps : 30;
  /* Start short (the first picture waits for it), then follow the RTT. */
  self->latency_ms = o->latency_ms ? o->latency_ms : 40;
  self->latency_fixed = o->latency_ms != 0;
  self->loopback = o->loopback;
  self->relay_only = o->relay_only;
  self->ice_servers = g_strdupv ((char **) o->ice_servers);
  self->ring_timeout_ms = o->ring_timeout_ms ? o->ring_timeout_ms : 45000;
  self->media_timeout_ms = o->media_timeout_ms ? o->media_timeout_ms : 15000;
  self->connect_timeout_ms = o->connect_timeout_ms ? o->connect_timeout_ms : 20000;
  self->local_video_filter = g_strdup (o->local_video_filter);
  self->remote_video_filter = g_strdup (o->remote_video_filter);
  _hz_call_codecs_take_options (self, o->codecs);
}

static HzCall *
call_new (HzCallSignaling     *signaling,
          const char          *consult_id,
          const char          *call_id,
          gboolean             is_caller,
          const HzCallOptions *options)
{
  HzCall *self = g_object_new (HZ_TYPE_CALL, NULL);

  self->signaling = g_object_ref (signaling);
  self->consult_id = g_strdup (consult_id);
  self->call_id = call_id ? g_strdup (call_id) : g_uuid_string_random ();
  self->is_caller = is_caller;
  take_options (self, options);
  self->message_id = g_signal_connect (signaling, "message-received",
                                       G_CALLBACK (on_signal_message), self);
  return self;
}

HzCall *
hz_call_new_outgoing (HzCallSignaling     *signaling,
                      const char          *consult_id,
                      const HzCallOptions *options)
{
  g_return_val_if_fail (HZ_IS_CALL_SIGNALING (signaling), NULL);
  g_return_val_if_fail (consult_id != NULL, NULL);

  return call_new (signaling, consult_id, NULL, TRUE, options);
}

gboolean
hz_call_is_invite (JsonObject *message)
{
  const char *call;

  g_return_val_if_fail (message != NULL, FALSE);
  call = json_object_get_string_member_with_default (message, "call", NULL);
  return g_strcmp0 (json_object_get_string_member_with_default (message, "kind", NULL), "invite") == 0 &&
         call != NULL && *call != '\0' && strlen (call) <= 64;
}

/* The callee's side, made from an invite that hz_call_is_invite() accepted.
 * It rings until hz_call_accept(), hz_call_reject() or the caller gives up. */
HzCall *
hz_call_new_incoming (HzCallSignaling     *signaling,
                      const char          *consult_id,
                      JsonObject          *invite,
                      const HzCallOptions *options)
{
  HzCall *self;

  g_return_val_if_fail (HZ_IS_CALL_SIGNALING (signaling), NULL);
  g_return_val_if_fail (consult_id != NULL, NULL);
  g_return_val_if_fail (hz_call_is_invite (invite), NULL);

  self = call_new (signaling, consult_id,
                   json_object_get_string_member (invite, "call"), FALSE, options);
  self->state = HZ_CALL_STATE_RINGING_IN;
  arm_ring_timeout (self);
  return self;
}

/* Answers an invite that arrives while another call is going on. */
void
hz_call_reply_busy (HzCallSignaling *signaling,
                    const char      *consult_id,
                    JsonObject      *invite)
{
  g_autoptr(JsonObject) m = json_object_new ();

  g_return_if_fail (hz_call_is_invite (invite));
  json_object_set_string_member (m, "kind", "reject");
  json_object_set_string_member (m, "reason", "busy");
  json_object_set_string_member (m, "call", json_object_get_string_member (invite, "call"));
  json_object_set_int_member (m, "v", PROTOCOL_VERSION);
  hz_call_signaling_send (signaling, consult_id, m, NULL);
}

/* ---- the public verbs ---- */

gboolean
hz_call_start (HzCall  *self,
               GError **error)
{
  g_autoptr(JsonObject) invite = json_object_new ();

  g_return_val_if_fail (HZ_IS_CALL (self), FALSE);

  if (!self->is_caller || self->state != HZ_CALL_STATE_IDLE)
    {
      g_set_error_literal (error, HZ_CALL_ERROR, HZ_CALL_ERROR_BAD_STATE, "the call was already started");
      return FALSE;
    }
  /* The caller's pipeline runs while it rings: self-view, and transceivers
   * ready before the offer comes (see hz-call-media.c). */
  if (!_hz_call_media_build (self, error))
    return FALSE;
  json_object_set_string_member (invite, "kind", "invite");
  _hz_call_set_state (self, HZ_CALL_STATE_RINGING_OUT);
  _hz_call_send (self, invite);
  arm_ring_timeout (self);
  return TRUE;
}

gboolean
hz_call_accept (HzCall  *self,
                GError **error)
{
  g_return_val_if_fail (HZ_IS_CALL (self), FALSE);

  if (self->state != HZ_CALL_STATE_RINGING_IN)
    {
      g_set_error_literal (error, HZ_CALL_ERROR, HZ_CALL_ERROR_BAD_STATE, "the call is not ringing");
      return FALSE;
    }
  if (!_hz_call_media_build (self, error))
    {
      _hz_call_end (self, HZ_CALL_END_MEDIA_ERROR, error ? (*error)->message : NULL, TRUE);
      return FALSE;
    }
  _hz_call_set_state (self, HZ_CALL_STATE_CONNECTING);
  arm_connect_timeout (self);
  _hz_call_media_offer (self);
  return TRUE;
}

void
hz_call_reject (HzCall *self)
{
  g_autoptr(JsonObject) m = json_object_new ();

  g_return_if_fail (HZ_IS_CALL (self));
  if (self->state != HZ_CALL_STATE_RINGING_IN)
    return;
  json_object_set_string_member (m, "kind", "reject");
  json_object_set_string_member (m, "reason", "declined");
  _hz_call_send (self, m);
  _hz_call_end (self, HZ_CALL_END_REJECTED, "declined here", FALSE);
}

/* Hang up, or give up ringing: the peer learns which. */
void
hz_call_hangup (HzCall *self)
{
  g_return_if_fail (HZ_IS_CALL (self));

  if (self->state == HZ_CALL_STATE_RINGING_IN)
    hz_call_reject (self);
  else if (self->state == HZ_CALL_STATE_RINGING_OUT)
    _hz_call_end (self, HZ_CALL_END_CANCELLED, "gave up", TRUE);
  else if (self->state == HZ_CALL_STATE_IDLE)
    _hz_call_end (self, HZ_CALL_END_HANGUP_LOCAL, NULL, FALSE);
  else
    _hz_call_end (self, HZ_CALL_END_HANGUP_LOCAL, NULL, TRUE);
}

gboolean
hz_call_send_data (HzCall     *self,
                   const char *json_text,
                   GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_return_val_if_fail (HZ_IS_CALL (self), FALSE);
  g_return_val_if_fail (json_text != NULL, FALSE);

  if (strlen (json_text) > 60 * 1024)
    {
      g_set_error_literal (error, HZ_CALL_ERROR, HZ_CALL_ERROR_TOO_LARGE, "a data-channel message is limited to 60 KiB");
      return FALSE;
    }
  if (!json_parser_load_from_data (parser, json_text, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, HZ_CALL_ERROR, HZ_CALL_ERROR_INVALID, "a data-channel message is a JSON object");
      return FALSE;
    }
  if (self->state == HZ_CALL_STATE_ENDED || self->state == HZ_CALL_STATE_IDLE)
    {
      g_set_error_literal (error, HZ_CALL_ERROR, HZ_CALL_ERROR_BAD_STATE, "the call is not going on");
      return FALSE;
    }
  return _hz_call_media_send_data (self, json_text, error);
}

void
hz_call_set_muted (HzCall   *self,
                   gboolean  muted)
{
  g_return_if_fail (HZ_IS_CALL (self));
  muted = !!muted;
  if (self->muted == muted)
    return;
  self->muted = muted;
  if (self->volume)
    g_object_set (self->volume, "mute", muted, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MUTED]);
}

gboolean
hz_call_get_muted (HzCall *self)
{
  g_return_val_if_fail (HZ_IS_CALL (self), FALSE);
  return self->muted;
}

void
hz_call_set_camera_off (HzCall   *self,
                        gboolean  off)
{
  g_return_if_fail (HZ_IS_CALL (self));
  off = !!off;
  if (self->camera_off == off)
    return;
  self->camera_off = off;
  _hz_call_media_update_valve (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAMERA_OFF]);
}

gboolean
hz_call_get_camera_off (HzCall *self)
{
  g_return_val_if_fail (HZ_IS_CALL (self), FALSE);
  return self->camera_off;
}

gboolean
hz_call_switch_video_source (HzCall     *self,
                             const char *spec,
                             GError    **error)
{
  g_return_val_if_fail (HZ_IS_CALL (self), FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);
  return _hz_call_media_replace_source (self, TRUE, spec, error);
}

gboolean
hz_call_switch_audio_source (HzCall     *self,
                             const char *spec,
                             GError    **error)
{
  g_return_val_if_fail (HZ_IS_CALL (self), FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);
  return _hz_call_media_replace_source (self, FALSE, spec, error);
}

/* Where the end of the call (duration, quality; never media) is written. */
void
hz_call_set_consult_log (HzCall       *self,
                         HzConsultLog *log,
                         const char   *actor)
{
  g_return_if_fail (HZ_IS_CALL (self));
  g_set_object (&self->log, log);
  g_free (self->actor);
  self->actor = g_strdup (actor);
}

const char *
hz_call_get_consult_id (HzCall *self)
{
  g_return_val_if_fail (HZ_IS_CALL (self), NULL);
  return self->consult_id;
}

const char *
hz_call_get_call_id (HzCall *self)
{
  g_return_val_if_fail (HZ_IS_CALL (self), NULL);
  return self->call_id;
}

HzCallState
hz_call_get_state (HzCall *self)
{
  g_return_val_if_fail (HZ_IS_CALL (self), HZ_CALL_STATE_IDLE);
  return self->state;
}

HzCallEndReason
hz_call_get_end_reason (HzCall *self)
{
  g_return_val_if_fail (HZ_IS_CALL (self), HZ_CALL_END_NONE);
  return self->end_reason;
}

const char *
hz_call_get_end_detail (HzCall *self)
{
  g_return_val_if_fail (HZ_IS_CALL (self), NULL);
  return self->end_detail;
}

HzCallQuality
hz_call_get_quality (HzCall *self)
{
  g_return_val_if_fail (HZ_IS_CALL (self), HZ_CALL_QUALITY_GOOD);
  return self->quality;
}

void
hz_call_get_stats (HzCall      *self,
                   HzCallStats *stats)
{
  g_return_if_fail (HZ_IS_CALL (self));
  g_return_if_fail (stats != NULL);
  *stats = self->stats;
}

gint64
hz_call_get_duration_us (HzCall *self)
{
  g_return_val_if_fail (HZ_IS_CALL (self), 0);
  if (self->connected_us == 0)
    return 0;
  return (self->ended_us ? self->ended_us : g_get_monotonic_time ()) - self->connected_us;
}

/* ---- GObject ---- */

static void
hz_call_dispose (GObject *object)
{
  HzCall *self = HZ_CALL (object);

  if (self->state != HZ_CALL_STATE_ENDED && self->state != HZ_CALL_STATE_IDLE && self->signaling)
    _hz_call_end (self, HZ_CALL_END_HANGUP_LOCAL, "dropped", TRUE);
  g_clear_handle_id (&self->ring_timeout_id, g_source_remove);
  g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
  g_clear_handle_id (&self->stats_id, g_source_remove);
  g_clear_handle_id (&self->twcc_id, g_source_remove);
  if (self->signaling)
    g_clear_signal_handler (&self->message_id, self->signaling);
  _hz_call_media_stop (self);
  g_clear_object (&self->signaling);
  g_clear_object (&self->log);
  g_clear_object (&self->bwe);
  G_OBJECT_CLASS (hz_call_parent_class)->dispose (object);
}

static void
hz_call_finalize (GObject *object)
{
  HzCall *self = HZ_CALL (object);

  g_free (self->consult_id);
  g_free (self->call_id);
  g_free (self->video_spec);
  g_free (self->audio_spec);
  g_strfreev (self->ice_servers);
  g_free (self->local_video_filter);
  g_free (self->remote_video_filter);
  g_free (self->end_detail);
  g_free (self->actor);
  g_queue_clear_full (&self->outgoing_data, g_free);
  g_ptr_array_unref (self->pending_candidates);
  g_mutex_clear (&self->lock);
  g_main_context_unref (self->context);
  G_OBJECT_CLASS (hz_call_parent_class)->finalize (object);
}

static void
hz_call_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  HzCall *self = HZ_CALL (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_QUALITY:
      g_value_set_int (value, self->quality);
      break;
    case PROP_MUTED:
      g_value_set_boolean (value, self->muted);
      break;
    case PROP_CAMERA_OFF:
      g_value_set_boolean (value, self->camera_off);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hz_call_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  HzCall *self = HZ_CALL (object);

  switch (prop_id)
    {
    case PROP_MUTED:
      hz_call_set_muted (self, g_value_get_boolean (value));
      break;
    case PROP_CAMERA_OFF:
      hz_call_set_camera_off (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hz_call_class_init (HzCallClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hz_call_dispose;
  object_class->finalize = hz_call_finalize;
  object_class->get_property = hz_call_get_property;
  object_class->set_property = hz_call_set_property;

  /* Plain ints rather than registered enums: the values are HzCallState
   * and HzCallQuality, and the UI reads them with the getters. */
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, 0, HZ_CALL_STATE_ENDED, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_QUALITY] =
    g_param_spec_int ("quality", NULL, NULL, 0, HZ_CALL_QUALITY_RECONNECTING, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MUTED] =
    g_param_spec_boolean ("muted", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAMERA_OFF] =
    g_param_spec_boolean ("camera-off", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HzCall::video-frame:
   * @frame: (type HzVideoFrame): the newest decoded remote picture
   *
   * In the call's main context; older pictures not yet delivered are
   * dropped. Copies per picture: none in the call engine (the decoder
   * writes I420, videoconvert writes BGRA once, and the GBytes wraps that
   * mapped buffer); the UI's texture upload is its own.
   */
  signals[VIDEO_FRAME] =
    g_signal_new ("video-frame", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  HZ_TYPE_VIDEO_FRAME | G_SIGNAL_TYPE_STATIC_SCOPE);
  /* A JSON object text from the other side's data channel, in order. */
  signals[DATA_RECEIVED] =
    g_signal_new ("data-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* Once a second while connecting or connected: a const HzCallStats *. */
  signals[STATS_UPDATED] =
    g_signal_new ("stats-updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /* An element message (a GstMessage *), emitted from the streaming
   * thread that posted it, before the main loop sees it: benchmarks time
   * QR codes read by zbar with it. Handlers must be quick and thread-safe. */
  signals[PIPELINE_MESSAGE] =
    g_signal_new ("pipeline-message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /* "local-frame", the self-view */
  _hz_call_preview_class_init (object_class);
}

static void
hz_call_init (HzCall *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->pending_candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_mutex_init (&self->lock);
  g_queue_init (&self->outgoing_data);
  self->stats.rtt_ms = -1;
}

/* For hz-call-media.c's bus sync handler. */
guint
_hz_call_pipeline_message_signal (void)
{
  return signals[PIPELINE_MESSAGE];
}
