/* hz-call-media.c: HzCall's GStreamer pipeline: sources and encoders into
 * webrtcbin, ICE, the pipeline's start and end (what comes out of
 * webrtcbin: hz-call-receive.c).
 *
 * webrtcbin calls back from its own threads; everything that touches the
 * call's state is handed to the call's main context with _hz_call_invoke.
 * Streaming threads only take self->lock to update counters and the
 * newest decoded picture. */
#include "config.h"

#include <string.h>

#include <gst/sdp/sdp.h>
#include <gst/video/video.h>
#include <nice/agent.h>

#include "hz-call-private.h"

#define TWCC_URI "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
#define VIDEO_PT 96
#define AUDIO_PT 111

static const struct {
  const char *element;
  const char *package;
} required_plugins[] = {
  { "webrtcbin", "gstreamer1.0-plugins-bad" },
  { "nicesrc", "gstreamer1.0-nice" },
  { "dtlsdec", "gstreamer1.0-plugins-bad" },
  { "vp8enc", "gstreamer1.0-plugins-good" },
  { "vp8dec", "gstreamer1.0-plugins-good" },
  { "rtpvp8pay", "gstreamer1.0-plugins-good" },
  { "opusenc", "gstreamer1.0-plugins-base" },
  { "opusdec", "gstreamer1.0-plugins-base" },
  { "rtpopuspay", "gstreamer1.0-plugins-good" },
  { "videoconvert", "gstreamer1.0-plugins-base" },
  { "appsink", "gstreamer1.0-plugins-base" },
  { "valve", "gstreamer1.0-plugins-base" },
};

/* Says which Debian package is missing, for the UI to show. */
gboolean
hz_call_check_plugins (GError **error)
{
  gst_init (NULL, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (required_plugins); i++)
    {
      g_autoptr(GstElementFactory) f = gst_element_factory_find (required_plugins[i].element);

      if (f == NULL)
        {
          g_set_error (error, HZ_CALL_ERROR, HZ_CALL_ERROR_MISSING_PLUGIN,
                       "GStreamer element %s is missing (install %s)",
                       required_plugins[i].element, required_plugins[i].package);
          return FALSE;
        }
    }
  return TRUE;
}

static gpointer
prewarm_thread (gpointer data)
{
  /* The dtls elements share one generated certificate per process, made
   * when the first one is created (about 300 ms of RSA key generation on
   * these machines). Making one now, off the main thread, takes that out
   * of the first call's set-up. */
  GstElement *dec = gst_element_factory_make ("dtlsdec", NULL);
  g_autofree char *pem = NULL;

  if (dec)
    {
      g_object_get (dec, "pem", &pem, NULL);
      gst_object_unref (dec);
    }
  return NULL;
}

/* Call once at start-up; returns at once. */
void
hz_call_prewarm (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      gst_init (NULL, NULL);
      g_thread_unref (g_thread_new ("hz-call-prewarm", prewarm_thread, NULL));
      g_once_init_leave (&once, 1);
    }
}

/* ---- sources ---- */

static char *
video_source_description (HzCall     *self,
                          const char *spec)
{
  /* A trailing bare caps string is refused by gst_parse_bin_from_description. */
  g_autofree char *caps = g_strdup_printf ("capsfilter caps=\"video/x-raw,format=I420,width=%u,height=%u,framerate=%u/1\"",
                                           self->width, self->height, self->fps);

  if (g_str_equal (spec, "test") || g_str_equal (spec, "test:ball"))
    return g_strdup_printf ("videotestsrc is-live=true pattern=ball ! %s", caps);
  if (g_str_equal (spec, "test:zone-plate"))
    return g_strdup_printf ("videotestsrc is-live=true pattern=zone-plate kx2=20 ky2=20 kt=1 ! %s", caps);
  if (g_str_has_prefix (spec, "v4l2:"))
    {
      g_autofree char *device = g_strescape (spec + 5, NULL);
      return g_strdup_printf ("v4l2src device=\"%s\" ! videoconvert ! videoscale ! videorate ! %s", device, caps);
    }
  if (g_str_equal (spec, "pipewire"))
    return g_strdup_printf ("pipewiresrc ! videoconvert ! videoscale ! videorate ! %s", caps);
  if (g_str_has_prefix (spec, "pipewire:"))
    {
      g_autofree char *target = g_strescape (spec + 9, NULL);
      return g_strdup_printf ("pipewiresrc target-object=\"%s\" ! videoconvert ! videoscale ! videorate ! %s", target, caps);
    }
  /* "none" as a source is for a switch during a call (at the start, no
   * video is sent at all): black pictures, which cost almost nothing. */
  if (g_str_equal (spec, "none"))
    return g_strdup_printf ("videotestsrc is-live=true pattern=black ! %s", caps);
  if (g_str_equal (spec, "auto"))
    {
      g_autoptr(GstElementFactory) pw = gst_element_factory_find ("pipewiresrc");
      return g_strdup_printf ("%s ! videoconvert ! videoscale ! videorate ! %s",
                              pw ? "pipewiresrc" : "v4l2src", caps);
    }
  return NULL;
}

static char *
audio_source_description (const char *spec)
{
  const char *caps = "capsfilter caps=\"audio/x-raw,rate=48000,channels=1\"";

  if (g_str_equal (spec, "test"))
    return g_strdup_printf ("audiotestsrc is-live=true wave=sine freq=440 volume=0.1 ! audioconvert ! %s", caps);
  if (g_str_equal (spec, "pulse") || g_str_equal (spec, "auto"))
    return g_strdup_printf ("pulsesrc ! audioconvert ! audioresample ! %s", caps);
  if (g_str_has_prefix (spec, "pulse:"))
    {
      g_autofree char *device = g_strescape (spec + 6, NULL);
      return g_strdup_printf ("pulsesrc device=\"%s\" ! audioconvert ! audioresample ! %s", device, caps);
    }
  if (g_str_has_prefix (spec, "pipewire:"))
    {
      g_autofree char *target = g_strescape (spec + 9, NULL);
      return g_strdup_printf ("pipewiresrc target-object=\"%s\" ! audioconvert ! audioresample ! %s", target, caps);
    }
  if (g_str_equal (spec, "none"))
    return g_strdup_printf ("audiotestsrc is-live=true wave=silence ! audioconvert ! %s", caps);
  return NULL;
}

static GstElement *
make_source (HzCall     *self,
             gboolean    video,
             const char *spec,
             GError    **error)
{
  g_autofree char *desc = video ? video_source_description (self, spec) : audio_source_description (spec);
  GstElement *bin;

  if (desc == NULL)
    {
      g_set_error (error, HZ_CALL_ERROR, HZ_CALL_ERROR_INVALID, "unknown %s source “%s”",
                   video ? "video" : "audio", spec);
      return NULL;
    }
  bin = gst_parse_bin_from_description (desc, TRUE, error);
  if (bin == NULL)
    g_prefix_error (error, "cannot make the %s source: ", video ? "video" : "audio");
  return bin;
}

/* ---- counting probes ---- */

static GstPadProbeReturn
count_out_cb (GstPad          *pad,
              GstPadProbeInfo *info,
              gpointer         user_data)
{
  HzCall *self = user_data;
  /* payloaders push a frame's packets as one list */
  gsize size = info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST
             ? gst_buffer_list_calculate_size (GST_PAD_PROBE_INFO_BUFFER_LIST (info))
             : gst_buffer_get_size (GST_PAD_PROBE_INFO_BUFFER (info));

  g_mutex_lock (&self->lock);
  self->bytes_out += size;
  g_mutex_unlock (&self->lock);
  return GST_PAD_PROBE_OK;
}

/* ---- sending branches ---- */

static gboolean
link_to_webrtc (HzCall     *self,
                GstElement *last,
                GstCaps    *caps,
                gboolean    nack,
                GError    **error)
{
  GstPadTemplate *templ = gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (self->webrtc), "sink_%u");
  g_autoptr(GstPad) sink = gst_element_request_pad (self->webrtc, templ, NULL, caps);
  g_autoptr(GstPad) src = gst_element_get_static_pad (last, "src");
  g_autoptr(GstWebRTCRTPTransceiver) trans = NULL;

  if (sink == NULL || gst_pad_link (src, sink) != GST_PAD_LINK_OK)
    {
      g_set_error_literal (error, HZ_CALL_ERROR, HZ_CALL_ERROR_FAILED, "cannot link a stream into webrtcbin");
      return FALSE;
    }
  gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST, count_out_cb, self, NULL);
  g_object_get (sink, "transceiver", &trans, NULL);
  /* The same caps (with the TWCC extmap) on both sides: the answerer's
   * transceivers exist before the offer comes, so its answer keeps the
   * extension (see ../shared/MACHINE.md). NACK asks for lost video
   * packets; a resent audio packet would come too late to be played. */
  g_object_set (trans, "direction", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV,
                "codec-preferences", caps, "do-nack", nack, NULL);
  /* Video is negotiated with ULP FEC in RED, at 0 %: a peer may send it,
   * and we could. We send none. Measured on the impaired link with the
   * share following the loss (10–50 %), the FEC packets took 50–100 kbit/s
   * of a 384 kbit/s link and mended 1–10 packets in 30 s, against 200–350
   * protected: the pictures there are one to three packets, which ULP FEC
   * protects poorly. Resends (hz-call-repair.c) do the mending. */
  if (nack)
    {
      g_object_set (trans, "fec-type", GST_WEBRTC_FEC_TYPE_ULP_RED, "fec-percentage", 0, NULL);
      g_set_object (&self->video_transceiver, trans);
    }
  return TRUE;
}

static GstElement *
add_parsed (HzCall     *self,
            const char *desc,
            GError    **error)
{
  GstElement *bin = gst_parse_bin_from_description (desc, TRUE, error);

  if (bin)
    gst_bin_add (GST_BIN (self->pipeline), bin);
  return bin;
}

/* At most one keyframe in KEYFRAME_GAP_US. On a lossy link every frame
 * the receiver cannot mend brings a picture-loss request, and each
 * keyframe is several times a normal frame: one per lost packet filled the
 * 384 kbit/s link's queue, which lost more packets, which asked for more
 * keyframes. Requests within the gap are answered by the keyframe already
 * on its way. */
#define KEYFRAME_GAP_US (500 * 1000)

static GstPadProbeReturn
keyframe_request_cb (GstPad          *pad,
                     GstPadProbeInfo *info,
                     gpointer         user_data)
{
  HzCall *self = user_data;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  gint64 now;

  if (!gst_video_event_is_force_key_unit (event))
    return GST_PAD_PROBE_OK;
  now = g_get_monotonic_time ();
  g_mutex_lock (&self->lock);
  if (self->last_keyframe_us != 0 && now - self->last_keyframe_us < KEYFRAME_GAP_US)
    {
      g_mutex_unlock (&self->lock);
      return GST_PAD_PROBE_DROP;
    }
  self->last_keyframe_us = now;
  g_mutex_unlock (&self->lock);
  return GST_PAD_PROBE_OK;
}

static guint
max_bitrate (HzCall *self)
{
  guint pixels = self->width * self->height;

  /* Enough for a talking head at the size asked, with room above it. */
  return (pixels >= 1280 * 720 ? 1500 : pixels >= 640 * 480 ? 800 : 400) * 5 / 3;
}

static gboolean
build_video_send (HzCall  *self,
                  GError **error)
{
  g_autofree char *desc = NULL;
  g_autofree char *vp8 = NULL;
  g_autofree char *tail = NULL;
  g_autofree char *caps_text = NULL;
  g_autoptr(GstCaps) caps = NULL;
  GstElement *chain;

  self->video_src = make_source (self, TRUE, self->video_spec, error);
  if (self->video_src == NULL)
    return FALSE;
  gst_bin_add (GST_BIN (self->pipeline), self->video_src);

  /* A restarted transport keeps what the estimator learnt. */
  if (self->bwe == NULL)
    {
      /* Below any link a clinic is likely to have, at the rung for it; the
       * estimator climbs fast until the link first shows a queue. */
      self->target_kbps = HZ_CALL_START_KBPS;
      self->bwe = hz_bandwidth_estimator_new (50, self->target_kbps, MAX (max_bitrate (self), self->target_kbps));
    }
  self->rung = NULL;
  self->ladder_audio_only = FALSE;
  /* deadline=1 (realtime), cpu-used: speed over density (16, the
   * fastest, from 720p up, where an encoder at 8 takes half a core or more
   * on these machines; 8 below, where it is cheap anyway), no lookahead,
   * keyframes only when asked for or every 10 s, error resilience so a
   * loss damages one frame, not the rest of the GOP. One thread: libvpx's
   * threads wait for each other's rows by spinning, and with two peers'
   * pipelines on two cores the thread waited for is often descheduled.
   * Measured on loopback at 720p: with two threads 60 % of the call's CPU
   * went to that spin (0.45–0.66 CPU-s/s at 11–26 fps), with one
   * 0.25–0.29 CPU-s/s at 30 fps. */
  /* The ladder (videoscale, videorate, capsfilter) lets the bandwidth
   * estimate lower resolution and frame rate; passthrough at full size. */
  vp8 = g_strdup_printf ("vp8enc name=venc deadline=1 cpu-used=%d threads=1 end-usage=cbr target-bitrate=%u "
                         "lag-in-frames=0 keyframe-max-dist=%u error-resilient=default undershoot=95 "
                         "buffer-size=300 buffer-initial-size=200 buffer-optimal-size=250 max-quantizer=56 "
                         "! rtpvp8pay name=vp8pay mtu=1200 picture-id-mode=15-bit",
                         self->width * self->height >= 1280 * 720 ? 16 : 8,
                         self->target_kbps * 1000, self->fps * 10);
  /* VP8 alone, or VP8 and H.264 behind a switch (hz-call-codecs.c). */
  tail = _hz_call_codecs_send_tail (self, vp8);
  desc = g_strdup_printf ("%s%s tee name=preview_tee ! valve name=valve ! videoscale ! videorate drop-only=true skip-to-first=true "
                          "! capsfilter name=ladder ! queue max-size-buffers=2 max-size-time=0 max-size-bytes=0 leaky=downstream "
                          "! %s",
                          self->local_video_filter ? self->local_video_filter : "",
                          self->local_video_filter ? " !" : "",
                          tail);
  chain = add_parsed (self, desc, error);
  if (chain == NULL)
    return FALSE;
  self->video_queue = chain;
  self->video_valve = gst_bin_get_by_name (GST_BIN (chain), "valve");
  gst_object_unref (self->video_valve);  /* the bin keeps it */
  self->vp8enc = gst_bin_get_by_name (GST_BIN (chain), "venc");
  gst_object_unref (self->vp8enc);
  self->video_caps = gst_bin_get_by_name (GST_BIN (chain), "ladder");
  gst_object_unref (self->video_caps);
  self->transport_up = FALSE;
  _hz_call_media_update_valve (self);
  if (!_hz_call_preview_attach (self, chain, error))
    return FALSE;
  _hz_call_codecs_attach (self, chain);
  /* The first pictures already at the start rung: a first keyframe of the
   * full size is the biggest burst of the call. */
  _hz_call_media_apply_rung (self);
  /* The peer's keyframe requests are throttled at whichever encoder runs. */
  for (GstElement **enc = (GstElement *[]) { self->vp8enc, self->h264enc, NULL }; *enc != NULL; enc++)
    {
      g_autoptr(GstPad) enc_src = gst_element_get_static_pad (*enc, "src");
      gst_pad_add_probe (enc_src, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM, keyframe_request_cb, self, NULL);
    }
  if (!gst_element_link (self->video_src, chain))
    {
      g_set_error_literal (error, HZ_CALL_ERROR, HZ_CALL_ERROR_FAILED, "cannot link the video source");
      return FALSE;
    }
  caps_text = _hz_call_codecs_rtp_caps (self, TRUE);
  caps = gst_caps_from_string (caps_text);
  return link_to_webrtc (self, chain, caps, TRUE, error);
}

static gboolean
build_audio_send (HzCall  *self,
                  GError **error)
{
  g_autoptr(GstCaps) caps = NULL;
  GstElement *chain;

  self->audio_src = make_source (self, FALSE, self->audio_spec, error);
  if (self->audio_src == NULL)
    return FALSE;
  gst_bin_add (GST_BIN (self->pipeline), self->audio_src);
  /* In-band FEC and DTX: audio survives loss better than video and is
   * what a consult cannot do without. */
  chain = add_parsed (self, "volume name=vol ! queue max-size-time=200000000 leaky=downstream "
                      "! opusenc bitrate=32000 frame-size=20 inband-fec=true packet-loss-percentage=10 "
                      "audio-type=voice ! rtpopuspay", error);
  if (chain == NULL)
    return FALSE;
  self->audio_queue = chain;
  self->volume = gst_bin_get_by_name (GST_BIN (chain), "vol");
  gst_object_unref (self->volume);
  g_object_set (self->volume, "mute", self->muted, NULL);
  if (!gst_element_link (self->audio_src, chain))
    {
      g_set_error_literal (error, HZ_CALL_ERROR, HZ_CALL_ERROR_FAILED, "cannot link the audio source");
      return FALSE;
    }
  caps = gst_caps_from_string ("application/x-rtp,media=audio,encoding-name=OPUS,clock-rate=48000,payload=111,"
                               "rtcp-fb-transport-cc=(boolean)true,extmap-1=(string)" TWCC_URI);
  return link_to_webrtc (self, chain, caps, FALSE, error);
}

static void
add_recvonly (HzCall     *self,
              const char *caps_text)
{
  g_autoptr(GstCaps) caps = gst_caps_from_string (caps_text);
  GstWebRTCRTPTransceiver *trans = NULL;

  g_signal_emit_by_name (self->webrtc, "add-transceiver",
                         GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY, caps, &trans);
  g_clear_object (&trans);
}

/* ---- the pipeline ---- */

static void
recalculate_latency_cb (GstElement *pipeline,
                        gpointer    data)
{
  gst_bin_recalculate_latency (GST_BIN (pipeline));
}

static GstBusSyncReply
bus_sync_cb (GstBus     *bus,
             GstMessage *message,
             gpointer    user_data)
{
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ELEMENT)
    g_signal_emit (user_data, _hz_call_pipeline_message_signal (), 0, message);
  /* A jitter buffer's latency changed (hz-call-repair.c): the sinks
   * must hear of it, or they keep playing at the old delay and every
   * picture or sound that waited longer comes late. GStreamer leaves
   * this to the application. (On GStreamer's own thread, which holds the
   * pipeline, not the call: the call may be going.) */
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_LATENCY && HZ_CALL (user_data)->pipeline)
    gst_element_call_async (HZ_CALL (user_data)->pipeline, recalculate_latency_cb, NULL, NULL);
  return GST_BUS_PASS;
}

static gboolean
bus_watch_cb (GstBus     *bus,
              GstMessage *message,
              gpointer    user_data)
{
  HzCall *self = user_data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *debug = NULL;

      gst_message_parse_error (message, &error, &debug);
      g_warning ("call %s: %s: %s (%s)", self->call_id, GST_OBJECT_NAME (message->src),
                 error->message, debug ? debug : "");
      if (self->pipeline)
        GST_DEBUG_BIN_TO_DOT_FILE_WITH_TS (GST_BIN (self->pipeline), GST_DEBUG_GRAPH_SHOW_ALL, "hz-call-error");
      _hz_call_end (self, HZ_CALL_END_MEDIA_ERROR, error->message, TRUE);
    }
  return G_SOURCE_CONTINUE;
}

#define ICE_PACING_MS 5u

static void
configure_ice (HzCall *self)
{
  g_autoptr(GstWebRTCICE) agent = NULL;

  if (self->relay_only)
    g_object_set (self->webrtc, "ice-transport-policy", GST_WEBRTC_ICE_TRANSPORT_POLICY_RELAY, NULL);
  for (guint i = 0; self->ice_servers && self->ice_servers[i]; i++)
    {
      const char *uri = self->ice_servers[i];
      gboolean ok = FALSE;

      if (g_str_has_prefix (uri, "stun://"))
        g_object_set (self->webrtc, "stun-server", uri, NULL);
      else if (g_str_has_prefix (uri, "turn://") || g_str_has_prefix (uri, "turns://"))
        {
          g_signal_emit_by_name (self->webrtc, "add-turn-server", uri, &ok);
          if (!ok)
            g_warning ("call %s: webrtcbin refused a TURN server", self->call_id);
        }
    }
  g_object_get (self->webrtc, "ice-agent", &agent, NULL);
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (agent), "agent"))
    {
      g_autoptr(GObject) nice = NULL;

      /* No UPnP port mapping: a clinic's router rarely offers it, TURN is
       * the way through, and libnice's UPnP thread (gupnp-igd) only adds
       * start-up work and leaks its sockets at exit. */
      g_object_get (agent, "agent", &nice, NULL);
      if (nice && g_object_class_find_property (G_OBJECT_GET_CLASS (nice), "upnp"))
        g_object_set (nice, "upnp", FALSE, NULL);
      /* One connectivity check every 5 ms, not libnice's 20: with regular
       * nomination ICE takes three to four of these ticks, which were
       * most of the set-up time on a LAN (measured on loopback: ICE
       * completed 60–70 ms after the answer at 20 ms, 35 at 10, about 20
       * at 5; set-up median 183 → 124 ms). A check is about 100 bytes, so
       * even a handful of candidate pairs on a slow link costs little,
       * and only while checking. */
      if (nice && g_object_class_find_property (G_OBJECT_GET_CLASS (nice), "stun-pacing-timer"))
        g_object_set (nice, "stun-pacing-timer", ICE_PACING_MS, NULL);
    }
  /* ICE over TCP doubles the candidates and checks for a path UDP or
   * TURN already covers (a clinic behind a UDP-blocking firewall needs
   * TURN over TCP/TLS, which is the TURN server's URI, not this). */
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (agent), "ice-tcp"))
    g_object_set (agent, "ice-tcp", FALSE, NULL);
  /* libnice never gathers 127.0.0.1 by itself, and in a namespace with only
   * lo it gathers nothing at all (../shared/MACHINE.md). */
  if (self->loopback)
    {
      gboolean ok = FALSE;

      g_signal_emit_by_name (agent, "add-local-ip-address", "127.0.0.1", &ok);
    }
}

gboolean
_hz_call_media_build (HzCall  *self,
                      GError **error)
{
  g_autoptr(GstBus) bus = NULL;
  GSource *watch;

  if (!hz_call_check_plugins (error))
    return FALSE;
  hz_call_prewarm ();
  self->pipeline = gst_pipeline_new ("hz-call");
  self->webrtc = gst_element_factory_make ("webrtcbin", "webrtc");
  g_object_set (self->webrtc, "bundle-policy", GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE,
                "latency", self->latency_ms, NULL);
  gst_bin_add (GST_BIN (self->pipeline), self->webrtc);
  configure_ice (self);
  _hz_call_repair_attach (self);

  if (g_str_equal (self->video_spec, "none"))
    {
      g_autofree char *caps_text = _hz_call_codecs_rtp_caps (self, FALSE);

      add_recvonly (self, caps_text);
    }
  else if (!build_video_send (self, error))
    goto fail;
  if (g_str_equal (self->audio_spec, "none"))
    add_recvonly (self, "application/x-rtp,media=audio,encoding-name=OPUS,clock-rate=48000,payload=111");
  else if (!build_audio_send (self, error))
    goto fail;

  g_signal_connect (self->webrtc, "pad-added", G_CALLBACK (_hz_call_receive_pad_added), self);
  g_signal_connect (self->webrtc, "on-data-channel", G_CALLBACK (_hz_call_data_on_data_channel), self);
  _hz_call_webrtc_connect (self);

  bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));
  gst_bus_set_sync_handler (bus, bus_sync_cb, self, NULL);
  watch = gst_bus_create_watch (bus);
  g_source_set_callback (watch, (GSourceFunc) bus_watch_cb, self, NULL);
  g_source_attach (watch, self->context);
  self->bus_watch = watch;

  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error_literal (error, HZ_CALL_ERROR, HZ_CALL_ERROR_FAILED,
                           "the camera or microphone could not be started");
      goto fail;
    }
  if (!self->is_caller)
    {
      /* The offerer makes the channel: reliable and ordered (the defaults). */
      GstWebRTCDataChannel *channel = NULL;

      g_signal_emit_by_name (self->webrtc, "create-data-channel", "hz", NULL, &channel);
      if (channel)
        {
          _hz_call_data_connect_channel (self, channel);
          _hz_call_data_adopt_channel (self, channel);
          g_object_unref (channel);
        }
    }
  return TRUE;

fail:
  _hz_call_media_stop (self);
  return FALSE;
}

typedef struct {
  GMutex   lock;
  GCond    cond;
  gboolean done;
  int      refs;
} CloseWait;

static void
close_wait_unref (CloseWait *w)
{
  gboolean last;

  g_mutex_lock (&w->lock);
  last = --w->refs == 0;
  g_mutex_unlock (&w->lock);
  if (last)
    {
      g_mutex_clear (&w->lock);
      g_cond_clear (&w->cond);
      g_free (w);
    }
}

static void
agent_closed_cb (GObject      *agent,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CloseWait *w = user_data;

  g_mutex_lock (&w->lock);
  w->done = TRUE;
  g_cond_signal (&w->cond);
  g_mutex_unlock (&w->lock);
  close_wait_unref (w);
}

/* With TURN, libnice keeps refreshing the allocations until the agent is
 * closed, and warns when an agent goes with refreshes alive. Closing tells
 * the server the allocation is over (lifetime 0); it takes a round trip,
 * so wait for it, a bounded time, in the agent's own thread. */
static void
close_turn_allocations (HzCall *self)
{
  g_autoptr(GstWebRTCICE) ice = NULL;
  g_autoptr(GObject) agent = NULL;
  gboolean turn = FALSE;
  CloseWait *w;
  gint64 deadline;

  for (guint i = 0; self->ice_servers && self->ice_servers[i]; i++)
    turn = turn || g_str_has_prefix (self->ice_servers[i], "turn");
  if (!turn || self->webrtc == NULL)
    return;
  g_object_get (self->webrtc, "ice-agent", &ice, NULL);
  if (ice == NULL || !g_object_class_find_property (G_OBJECT_GET_CLASS (ice), "agent"))
    return;
  g_object_get (ice, "agent", &agent, NULL);
  if (!NICE_IS_AGENT (agent))
    return;
  w = g_new0 (CloseWait, 1);
  g_mutex_init (&w->lock);
  g_cond_init (&w->cond);
  w->refs = 2;
  nice_agent_close_async (NICE_AGENT (agent), agent_closed_cb, w);
  deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
  g_mutex_lock (&w->lock);
  while (!w->done)
    if (!g_cond_wait_until (&w->cond, &w->lock, deadline))
      break;
  g_mutex_unlock (&w->lock);
  close_wait_unref (w);
}

void
_hz_call_media_stop (HzCall *self)
{
  g_autoptr(GstBus) bus = NULL;

  if (self->pipeline == NULL)
    return;
  close_turn_allocations (self);
  if (self->channel)
    {
      g_signal_handlers_disconnect_by_data (self->channel, self);
      g_clear_object (&self->channel);
    }
  gst_element_set_state (self->pipeline, GST_STATE_NULL);
  bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));
  gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
  if (self->bus_watch)
    {
      g_source_destroy (self->bus_watch);
      g_clear_pointer (&self->bus_watch, g_source_unref);
    }
  g_signal_handlers_disconnect_by_data (self->webrtc, self);
  self->webrtc = NULL;
  self->video_src = self->video_queue = self->audio_src = self->audio_queue = NULL;
  self->volume = self->video_valve = self->vp8enc = self->video_caps = NULL;
  _hz_call_codecs_stop (self);
  _hz_call_repair_stop (self);
  g_clear_object (&self->video_transceiver);
  g_clear_pointer (&self->pipeline, gst_object_unref);
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->remote_frame.sample, gst_sample_unref);
  self->media_seen = FALSE;
  g_mutex_unlock (&self->lock);
  _hz_call_preview_stop (self);
  g_ptr_array_set_size (self->pending_candidates, 0);
}

/* webrtcbin 1.22 cannot restart ICE within a session (no ice-restart
 * offer option), so a restart is a new transport: a fresh webrtcbin and a
 * fresh offer/answer. The call, its id, the estimator, the counters and
 * data not yet sent stay. */
gboolean
_hz_call_media_restart (HzCall *self)
{
  g_autoptr(GError) error = NULL;

  _hz_call_media_stop (self);
  self->remote_described = FALSE;
  if (!_hz_call_media_build (self, &error))
    {
      _hz_call_end (self, HZ_CALL_END_MEDIA_ERROR, error->message, TRUE);
      return FALSE;
    }
  return TRUE;
}

/* Device switch during a call: the new source replaces the old one in
 * front of the same encoder chain; the stream and its SSRC stay. */
gboolean
_hz_call_media_replace_source (HzCall     *self,
                               gboolean    video,
                               const char *spec,
                               GError    **error)
{
  GstElement *old = video ? self->video_src : self->audio_src;
  GstElement *chain = video ? self->video_queue : self->audio_queue;
  GstElement *fresh;

  if (self->pipeline == NULL || old == NULL)
    {
      g_set_error_literal (error, HZ_CALL_ERROR, HZ_CALL_ERROR_BAD_STATE,
                           "no source of that kind is running");
      return FALSE;
    }
  fresh = make_source (self, video, spec, error);
  if (fresh == NULL)
    return FALSE;
  gst_element_set_locked_state (old, TRUE);
  gst_element_set_state (old, GST_STATE_NULL);
  gst_element_unlink (old, chain);
  gst_bin_remove (GST_BIN (self->pipeline), old);
  gst_bin_add (GST_BIN (self->pipeline), fresh);
  if (!gst_element_link (fresh, chain))
    {
      gst_bin_remove (GST_BIN (self->pipeline), fresh);
      g_set_error_literal (error, HZ_CALL_ERROR, HZ_CALL_ERROR_FAILED, "cannot link the new source");
      return FALSE;
    }
  gst_element_sync_state_with_parent (fresh);
  if (video)
    {
      self->video_src = fresh;
      g_free (self->video_spec);
      self->video_spec = g_strdup (spec);
    }
  else
    {
      self->audio_src = fresh;
      g_free (self->audio_spec);
      self->audio_spec = g_strdup (spec);
    }
  return TRUE;
}

/* A keyframe now: the encoder's first one went out before DTLS was up and
 * was lost, and waiting for the receiver's request costs a round trip. */
void
_hz_call_media_force_keyframe (HzCall *self)
{
  g_autoptr(GstPad) src = NULL;

  if (self->vp8enc == NULL)
    return;
  src = gst_element_get_static_pad (_hz_call_codecs_active_encoder (self), "src");
  /* ours always go through (keyframe_request_cb throttles the peer's) */
  g_mutex_lock (&self->lock);
  self->last_keyframe_us = 0;
  g_mutex_unlock (&self->lock);
  gst_pad_send_event (src, gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE, TRUE, 0));
}

/* For tests and benchmarks: the call's pipeline, or NULL. */
gpointer
hz_call_get_pipeline (HzCall *self)
{
  g_return_val_if_fail (HZ_IS_CALL (self), NULL);
  return self->pipeline;
}
