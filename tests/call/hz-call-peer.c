/* hz-call-peer.c: one side of a call in a process of its own. Signs in to
 * a hub, joins a consult's call as caller or callee, and reports on stdout
 * as JSON lines (times are CLOCK_MONOTONIC microseconds, comparable across
 * processes). The benchmark runs two of these; the impaired-network tests
 * run one per network namespace. */
#include "config.h"

#include <glib-unix.h>
#include <gst/gst.h>
#include <stdio.h>
#include <string.h>

#include "hz-call.h"
#include "hz-call-hub-signaling.h"
#include "hz-test-utils.h"

static char *opt_hub, *opt_user, *opt_password = NULL, *opt_consult, *opt_role;
static char *opt_video = NULL, *opt_audio = NULL;
static char *opt_codecs = NULL;
static int opt_calls = 1, opt_duration_ms = 0, opt_gap_ms = 300, opt_width = 1280, opt_height = 720, opt_fps = 30;
static int opt_latency = 0, opt_media_timeout = 0, opt_ring_timeout = 0, opt_qr_pixel = 4;
static gboolean opt_loopback, opt_relay_only, opt_turn, opt_stats, opt_g2g, opt_source_only, opt_media_log;

static const GOptionEntry entries[] = {
  { "hub", 0, 0, G_OPTION_ARG_STRING, &opt_hub, "hub URL (http://127.0.0.1:PORT/)", "URL" },
  { "user", 0, 0, G_OPTION_ARG_STRING, &opt_user, "account", "NAME" },
  { "password", 0, 0, G_OPTION_ARG_STRING, &opt_password, "password (default: the demo's)", "P" },
  { "consult", 0, 0, G_OPTION_ARG_STRING, &opt_consult, "consult id", "ID" },
  { "role", 0, 0, G_OPTION_ARG_STRING, &opt_role, "caller or callee", "ROLE" },
  { "calls", 0, 0, G_OPTION_ARG_INT, &opt_calls, "calls to make or take, then exit (0: forever)", "N" },
  { "duration-ms", 0, 0, G_OPTION_ARG_INT, &opt_duration_ms, "the caller hangs up after this long connected (0: never)", "MS" },
  { "gap-ms", 0, 0, G_OPTION_ARG_INT, &opt_gap_ms, "pause between calls", "MS" },
  { "video", 0, 0, G_OPTION_ARG_STRING, &opt_video, "video source spec (default test:ball)", "SPEC" },
  { "audio", 0, 0, G_OPTION_ARG_STRING, &opt_audio, "audio source spec (default test)", "SPEC" },
  { "codecs", 0, 0, G_OPTION_ARG_STRING, &opt_codecs, "video codecs by preference (default vp8,h264)", "LIST" },
  { "width", 0, 0, G_OPTION_ARG_INT, &opt_width, NULL, "W" },
  { "height", 0, 0, G_OPTION_ARG_INT, &opt_height, NULL, "H" },
  { "fps", 0, 0, G_OPTION_ARG_INT, &opt_fps, NULL, "F" },
  { "latency", 0, 0, G_OPTION_ARG_INT, &opt_latency, "jitter buffer ms", "MS" },
  { "media-timeout", 0, 0, G_OPTION_ARG_INT, &opt_media_timeout, "ms of silence that end the call", "MS" },
  { "ring-timeout", 0, 0, G_OPTION_ARG_INT, &opt_ring_timeout, "ms of ringing", "MS" },
  { "loopback", 0, 0, G_OPTION_ARG_NONE, &opt_loopback, "add 127.0.0.1 to ICE", NULL },
  { "relay-only", 0, 0, G_OPTION_ARG_NONE, &opt_relay_only, "TURN relay only", NULL },
  { "turn", 0, 0, G_OPTION_ARG_NONE, &opt_turn, "use the hub's TURN servers", NULL },
  { "stats", 0, 0, G_OPTION_ARG_NONE, &opt_stats, "print stats every second", NULL },
  { "g2g", 0, 0, G_OPTION_ARG_NONE, &opt_g2g, "stamp QR codes and read them: glass-to-glass", NULL },
  { "qr-pixel-size", 0, 0, G_OPTION_ARG_INT, &opt_qr_pixel,
    "QR module size in capture pixels (default 4; more when the ladder scales the picture down)", "N" },
  { "media-log", 0, 0, G_OPTION_ARG_NONE, &opt_media_log,
    "a line per decoded picture, and the audio decoder's counts every second", NULL },
  { "source-only", 0, 0, G_OPTION_ARG_NONE, &opt_source_only, "run the test sources alone for --duration-ms (their cost)", NULL },
  { NULL }
};

typedef struct {
  GMainLoop       *loop;
  SoupSession     *session;
  HzCallSignaling *signaling;
  HzCall          *call;
  GStrv            ice_servers;
  int              calls_done;
  gboolean         first_frame;
  guint            hangup_id;
  GMutex           lock;
  /* glass-to-glass: zbar reads the picture beside the path to the
   * application, so either may see a picture first. Under lock. */
  GHashTable      *stamps;    /* local PTS (µs) → the sender's stamp read from the picture */
  GHashTable      *shown;     /* local PTS (µs) → Shown, the picture handed to the application */
  /* the remote audio decoder, under lock: packets in, losses it was told
   * of (GAP events), and what it put out, real or concealed */
  guint64          audio_packets, audio_gaps, audio_out_us;
  guint            audio_log_id;
  GstElement      *hooked;    /* the pipeline our probes are in (a ref) */
  gint             encoded;   /* pictures out of our VP8 encoder (atomic) */
  gint             encoded_bytes; /* and their bytes (atomic) */
  gint             keyframes; /* of them keyframes (atomic) */
  guint            rehook_id;
} Peer;

static JsonNode *
rest (Peer       *peer,
      const char *method,
      const char *path,
      const char *token,
      const char *body)
{
  g_autofree char *uri = g_strconcat (opt_hub, "api/v1/", path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (token)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (body)
    {
      g_autoptr(GBytes) b = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", b);
    }
  reply = soup_session_send_and_read (peer->session, msg, NULL, &error);
  if (reply == NULL || soup_message_get_status (msg) != 200 ||
      !json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), NULL))
    g_error ("%s %s failed: %s (%u)", method, path, error ? error->message : "", soup_message_get_status (msg));
  return json_node_ref (json_parser_get_root (parser));
}

/* ---- the media log ---- */

static GstPadProbeReturn
audio_in_cb (GstPad          *pad,
             GstPadProbeInfo *info,
             gpointer         user_data)
{
  Peer *peer = user_data;

  g_mutex_lock (&peer->lock);
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    {
      /* rtpjitterbuffer hands a lost packet on as a GAP event; an empty
       * buffer would be a DTX frame (concealed as well) */
      if (gst_buffer_get_size (GST_PAD_PROBE_INFO_BUFFER (info)) > 0)
        peer->audio_packets++;
      else
        peer->audio_gaps++;
    }
  else if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_GAP)
    peer->audio_gaps++;
  g_mutex_unlock (&peer->lock);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
audio_out_cb (GstPad          *pad,
              GstPadProbeInfo *info,
              gpointer         user_data)
{
  Peer *peer = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);

  g_mutex_lock (&peer->lock);
  if (GST_BUFFER_DURATION_IS_VALID (buffer))
    peer->audio_out_us += GST_BUFFER_DURATION (buffer) / GST_USECOND;
  g_mutex_unlock (&peer->lock);
  return GST_PAD_PROBE_OK;
}

static gboolean
audio_log_cb (gpointer user_data)
{
  Peer *peer = user_data;
  guint64 packets, gaps, out_us;

  g_mutex_lock (&peer->lock);
  packets = peer->audio_packets;
  gaps = peer->audio_gaps;
  out_us = peer->audio_out_us;
  g_mutex_unlock (&peer->lock);
  hz_test_emit_line ("{\"event\":\"audio\",\"t_us\":%" G_GINT64_FORMAT ",\"packets\":%" G_GUINT64_FORMAT
             ",\"gaps\":%" G_GUINT64_FORMAT ",\"out_ms\":%" G_GUINT64_FORMAT "}",
             g_get_monotonic_time (), packets, gaps, out_us / 1000);
  return G_SOURCE_CONTINUE;
}

/* ---- glass-to-glass ---- */

static GstPadProbeReturn
encoded_cb (GstPad          *pad,
            GstPadProbeInfo *info,
            gpointer         user_data)
{
  Peer *peer = user_data;

  g_atomic_int_inc (&peer->encoded);
  g_atomic_int_add (&peer->encoded_bytes, (gint) gst_buffer_get_size (GST_PAD_PROBE_INFO_BUFFER (info)));
  if (!GST_BUFFER_FLAG_IS_SET (GST_PAD_PROBE_INFO_BUFFER (info), GST_BUFFER_FLAG_DELTA_UNIT))
    g_atomic_int_inc (&peer->keyframes);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
stamp_cb (GstPad          *pad,
          GstPadProbeInfo *info,
          gpointer         user_data)
{
  hz_test_emit_line ("{\"event\":\"stamp\",\"pts\":%" G_GUINT64_FORMAT ",\"t_us\":%" G_GINT64_FORMAT "}",
             (guint64) GST_BUFFER_PTS (GST_PAD_PROBE_INFO_BUFFER (info)), g_get_monotonic_time ());
  return GST_PAD_PROBE_OK;
}

typedef struct {
  gint64 t_us;
  int    width, height;
} Shown;

static void
emit_qr (gint64       stamp,
         const Shown *shown)
{
  hz_test_emit_line ("{\"event\":\"qr\",\"pts\":%" G_GINT64_FORMAT ",\"t_us\":%" G_GINT64_FORMAT
                     ",\"width\":%d,\"height\":%d}", stamp, shown->t_us, shown->width, shown->height);
}

/* Bounded: pictures zbar could not read, and reads of pictures the
 * application never got, must not pile up. */
static void
remember (GHashTable *table,
          gint64      pts_us,
          gpointer    value)
{
  if (g_hash_table_size (table) > 300)
    g_hash_table_remove_all (table);
  g_hash_table_insert (table, GSIZE_TO_POINTER (pts_us), value);
}

/* From the zbar thread. debugqroverlay writes the sender's buffer PTS into
 * the picture; the sender reports its pipeline's base time and when each
 * picture left its source ("stamp"), and the clock of both pipelines is
 * CLOCK_MONOTONIC, so the capture time is on the same clock as the time
 * the picture reaches us (on_frame: after the call's playout delay, as a
 * doctor would see it). The benchmark does the subtraction. */
static void
on_pipeline_message (HzCall     *call,
                     GstMessage *message,
                     gpointer    user_data)
{
  Peer *peer = user_data;
  const GstStructure *s = gst_message_get_structure (message);
  const char *symbol, *field;
  GstClockTime ts = GST_CLOCK_TIME_NONE;
  gint64 stamp, pts_us;
  g_autofree Shown *shown = NULL;

  if (s == NULL || !gst_structure_has_name (s, "barcode"))
    return;
  symbol = gst_structure_get_string (s, "symbol");
  gst_structure_get_clock_time (s, "timestamp", &ts);
  if (symbol == NULL || (field = strstr (symbol, "\"TIMESTAMP\":")) == NULL)
    return;
  if (!GST_CLOCK_TIME_IS_VALID (ts))
    return;
  stamp = g_ascii_strtoll (field + strlen ("\"TIMESTAMP\":"), NULL, 10);
  pts_us = (gint64) (ts / GST_USECOND);
  g_mutex_lock (&peer->lock);
  if (!g_hash_table_steal_extended (peer->shown, GSIZE_TO_POINTER (pts_us), NULL, (gpointer *) &shown))
    remember (peer->stamps, pts_us, GSIZE_TO_POINTER (stamp));
  g_mutex_unlock (&peer->lock);
  if (shown)
    emit_qr (stamp, shown);
}

/* The picture has reached the application: when, and its stamp if zbar
 * has read it already. */
static void
emit_g2g (Peer               *peer,
          const HzVideoFrame *frame)
{
  Shown shown = { g_get_monotonic_time (), frame->width, frame->height };
  gpointer stamp = NULL;
  gboolean found;

  g_mutex_lock (&peer->lock);
  found = g_hash_table_steal_extended (peer->stamps, GSIZE_TO_POINTER (frame->pts_us), NULL, &stamp);
  if (!found)
    remember (peer->shown, frame->pts_us, g_memdup2 (&shown, sizeof shown));
  g_mutex_unlock (&peer->lock);
  if (found)
    emit_qr ((gint64) GPOINTER_TO_SIZE (stamp), &shown);
}

/* Once per pipeline: a restarted transport is a new pipeline, with a new
 * base time (t_us says from when it applies). */
static void
hook_g2g (Peer       *peer,
          GstElement *pipeline)
{
  g_autoptr(GstClock) clock = gst_element_get_clock (pipeline);

  hz_test_emit_line ("{\"event\":\"base-time\",\"ns\":%" G_GUINT64_FORMAT ",\"clock\":\"%s\",\"t_us\":%" G_GINT64_FORMAT "}",
             gst_element_get_base_time (pipeline),
             clock && GST_IS_SYSTEM_CLOCK (clock) ? "system" : "other", g_get_monotonic_time ());
}

static void
on_element_added (GstBin     *bin,
                  GstBin     *sub,
                  GstElement *element,
                  gpointer    user_data)
{
  /* the stamp: when each picture really left the source. A live test
   * source starved of CPU falls behind the clock and timestamps its frames
   * by count, so PTS alone would count its lag as latency. */
  if (opt_g2g && gst_element_get_factory (element) &&
      g_str_equal (GST_OBJECT_NAME (gst_element_get_factory (element)), "debugqroverlay"))
    {
      g_autoptr(GstPad) sink = gst_element_get_static_pad (element, "sink");
      gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_BUFFER, stamp_cb, user_data, NULL);
    }
  /* our own encoder's output: what we managed to send, for --stats */
  if (opt_stats && g_str_equal (GST_OBJECT_NAME (element), "venc"))
    {
      g_autoptr(GstPad) src = gst_element_get_static_pad (element, "src");
      gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, encoded_cb, user_data, NULL);
    }
  /* the call engine's opus decoder (see hz-call-media.c) */
  if (opt_media_log && g_str_has_prefix (GST_OBJECT_NAME (element), "adec"))
    {
      g_autoptr(GstPad) sink = gst_element_get_static_pad (element, "sink");
      g_autoptr(GstPad) src = gst_element_get_static_pad (element, "src");

      gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                         audio_in_cb, user_data, NULL);
      gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, audio_out_cb, user_data, NULL);
    }
}

/* ---- calls ---- */

static HzCallOptions
options (Peer *peer)
{
  static char qr[64];
  HzCallOptions o;

  /* error correction L: the smallest code, the least for the encoder to
   * carry (it changes every frame, which no test picture otherwise does) */
  g_snprintf (qr, sizeof qr, "debugqroverlay pixel-size=%d x=5 y=5 qrcode-error-correction=0", opt_qr_pixel);
  o = (HzCallOptions) {
    .video_source = opt_video ? opt_video : "test:ball",
    .audio_source = opt_audio ? opt_audio : "test",
    .width = opt_width, .height = opt_height, .fps = opt_fps,
    .latency_ms = opt_latency,
    .loopback = opt_loopback,
    .relay_only = opt_relay_only,
    .ice_servers = (const char * const *) peer->ice_servers,
    .media_timeout_ms = opt_media_timeout,
    .ring_timeout_ms = opt_ring_timeout,
    .local_video_filter = opt_g2g ? qr : NULL,
    /* zbar beside the path, not in it: at 720p it takes longer than a
     * frame interval on these machines, and in the path its backlog was
     * measured as latency (up to a second). A picture it has no time for
     * is not read. */
    .remote_video_filter = opt_g2g ? "tee name=qrt ! queue max-size-buffers=1 max-size-bytes=0 max-size-time=0 "
                                     "leaky=downstream ! zbar cache=false ! fakesink sync=false async=false qrt."
                                   : NULL,
    .codecs = opt_codecs,
  };
  return o;
}

static void start_next_call (Peer *peer);

static gboolean
next_call_cb (gpointer user_data)
{
  start_next_call (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
hangup_cb (gpointer user_data)
{
  Peer *peer = user_data;

  peer->hangup_id = 0;
  if (peer->call)
    hz_call_hangup (peer->call);
  return G_SOURCE_REMOVE;
}

static void
on_frame (HzCall       *call,
          HzVideoFrame *frame,
          gpointer      user_data)
{
  Peer *peer = user_data;

  if (opt_g2g)
    emit_g2g (peer, frame);
  if (opt_media_log)
    hz_test_emit_line ("{\"event\":\"frame\",\"t_us\":%" G_GINT64_FORMAT ",\"width\":%d,\"height\":%d}",
               g_get_monotonic_time (), frame->width, frame->height);
  if (peer->first_frame)
    return;
  peer->first_frame = TRUE;
  if (opt_duration_ms > 0 && g_str_equal (opt_role, "caller"))
    {
      g_clear_handle_id (&peer->hangup_id, g_source_remove);
      peer->hangup_id = g_timeout_add (opt_duration_ms, hangup_cb, peer);
    }
  hz_test_emit_line ("{\"event\":\"first-frame\",\"call\":\"%s\",\"t_us\":%" G_GINT64_FORMAT ",\"width\":%d,\"height\":%d}",
             hz_call_get_call_id (call), g_get_monotonic_time (), frame->width, frame->height);
}

/* Adds the unsigned field @name of @s (if any) to *@sum. */
static void
add_uint (const GstStructure *s,
          const char         *name,
          guint64            *sum)
{
  const GValue *v = gst_structure_get_value (s, name);

  if (v && G_VALUE_HOLDS_UINT64 (v))
    *sum += g_value_get_uint64 (v);
  else if (v && G_VALUE_HOLDS_UINT (v))
    *sum += g_value_get_uint (v);
}

/* What the RTP machinery inside webrtcbin did, summed over its elements
 * (cumulative counts): the jitter buffers' packets pushed, given up as
 * lost, late, resend requests and resends that came in time; the
 * resender's requests and resent packets. For finding out where pictures
 * go missing on a lossy link. */
static void
emit_rtp_stats (HzCall *call,
                Peer   *peer)
{
  GstElement *pipeline = hz_call_get_pipeline (call);
  g_autoptr(GstIterator) it = NULL;
  GValue item = G_VALUE_INIT;
  guint64 pushed = 0, lost = 0, late = 0, rtx = 0, rtx_ok = 0, rtx_req = 0, rtx_sent = 0, fec_ok = 0, fec_bad = 0;
  guint64 rtx_in = 0, fec_prot = 0, dups = 0;
  guint jb_latency = 0;

  if (pipeline == NULL)
    return;
  it = gst_bin_iterate_recurse (GST_BIN (pipeline));
  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK)
    {
      GstElement *e = g_value_get_object (&item);
      GstElementFactory *f = gst_element_get_factory (e);
      const char *name = f ? GST_OBJECT_NAME (f) : "";
      g_autoptr(GstStructure) s = NULL;

      if (g_str_equal (name, "rtpjitterbuffer"))
        {
          guint lat = 0;

          g_object_get (e, "stats", &s, "latency", &lat, NULL);
          jb_latency = MAX (jb_latency, lat);
          add_uint (s, "num-pushed", &pushed);
          add_uint (s, "num-lost", &lost);
          add_uint (s, "num-late", &late);
          add_uint (s, "rtx-count", &rtx);
          add_uint (s, "rtx-success-count", &rtx_ok);
          add_uint (s, "num-duplicates", &dups);
        }
      else if (g_str_equal (name, "rtpulpfecdec"))
        {
          guint ok = 0, bad = 0;

          g_object_get (e, "recovered", &ok, "unrecovered", &bad, NULL);
          fec_ok += ok;
          fec_bad += bad;
        }
      else if (g_str_equal (name, "rtpulpfecenc"))
        {
          guint prot = 0;

          g_object_get (e, "protected", &prot, NULL);
          fec_prot += prot;
        }
      else if (g_str_equal (name, "rtprtxreceive"))
        {
          guint in = 0;

          /* (1.22 has no count of the resends it matched to a stream) */
          g_object_get (e, "num-rtx-packets", &in, NULL);
          rtx_in += in;
        }
      else if (g_str_equal (name, "rtprtxsend"))
        {
          guint req = 0, sent = 0;

          g_object_get (e, "num-rtx-requests", &req, "num-rtx-packets", &sent, NULL);
          rtx_req += req;
          rtx_sent += sent;
        }
      g_value_reset (&item);
    }
  g_value_unset (&item);
  hz_test_emit_line ("{\"event\":\"rtp\",\"t_us\":%" G_GINT64_FORMAT ",\"pushed\":%" G_GUINT64_FORMAT
             ",\"lost\":%" G_GUINT64_FORMAT ",\"late\":%" G_GUINT64_FORMAT ",\"rtx\":%" G_GUINT64_FORMAT
             ",\"rtx_ok\":%" G_GUINT64_FORMAT ",\"rtx_req\":%" G_GUINT64_FORMAT ",\"rtx_sent\":%" G_GUINT64_FORMAT
             ",\"fec_ok\":%" G_GUINT64_FORMAT ",\"fec_bad\":%" G_GUINT64_FORMAT
             ",\"rtx_in\":%" G_GUINT64_FORMAT
             ",\"fec_prot\":%" G_GUINT64_FORMAT ",\"dups\":%" G_GUINT64_FORMAT ",\"encoded\":%d,\"encoded_bytes\":%d,\"keyframes\":%d,\"jb_latency\":%u}",
             g_get_monotonic_time (), pushed, lost, late, rtx, rtx_ok, rtx_req, rtx_sent,
             fec_ok, fec_bad, rtx_in, fec_prot, dups,
             g_atomic_int_get (&peer->encoded), g_atomic_int_get (&peer->encoded_bytes),
             g_atomic_int_get (&peer->keyframes), jb_latency);
}

static void
on_stats (HzCall            *call,
          const HzCallStats *s,
          gpointer           user_data)
{
  if (!opt_stats)
    return;
  emit_rtp_stats (call, user_data);
  hz_test_emit_line ("{\"event\":\"stats\",\"t_us\":%" G_GINT64_FORMAT ",\"send_kbps\":%.1f,\"recv_kbps\":%.1f,"
             "\"loss\":%.4f,\"rtt_ms\":%.1f,\"fps\":%.1f,\"width\":%d,\"height\":%d,\"target_kbps\":%u,"
             "\"audio_buffers\":%" G_GUINT64_FORMAT ",\"quality\":\"%s\",\"state\":\"%s\"}",
             g_get_monotonic_time (), s->send_kbps, s->recv_kbps, s->loss_fraction, s->rtt_ms, s->fps,
             s->width, s->height, s->target_kbps, s->audio_buffers,
             hz_call_quality_to_string (hz_call_get_quality (call)),
             hz_call_state_to_string (hz_call_get_state (call)));
}

static void unhook (Peer *peer);

static void
on_state (HzCall     *call,
          GParamSpec *pspec,
          gpointer    user_data)
{
  Peer *peer = user_data;
  HzCallState state = hz_call_get_state (call);

  hz_test_emit_line ("{\"event\":\"state\",\"call\":\"%s\",\"state\":\"%s\",\"t_us\":%" G_GINT64_FORMAT "}",
             hz_call_get_call_id (call), hz_call_state_to_string (state), g_get_monotonic_time ());
  /* The caller hangs up --duration-ms after its first picture (or 10 s
   * later than that after connecting, when no picture ever comes). */
  if (state == HZ_CALL_STATE_CONNECTED && opt_duration_ms > 0 && g_str_equal (opt_role, "caller") &&
      peer->hangup_id == 0)
    peer->hangup_id = g_timeout_add (opt_duration_ms + 10000, hangup_cb, peer);
  if (state != HZ_CALL_STATE_ENDED)
    return;
  hz_test_emit_line ("{\"event\":\"ended\",\"call\":\"%s\",\"reason\":\"%s\",\"duration_ms\":%" G_GINT64_FORMAT "}",
             hz_call_get_call_id (call), hz_call_end_reason_to_string (hz_call_get_end_reason (call)),
             hz_call_get_duration_us (call) / 1000);
  g_clear_handle_id (&peer->hangup_id, g_source_remove);
  unhook (peer);
  /* let go outside the call's own signal emission */
  g_idle_add_full (G_PRIORITY_DEFAULT, (GSourceFunc) g_object_unref, g_steal_pointer (&peer->call), NULL);
  peer->calls_done++;
  if (opt_calls > 0 && peer->calls_done >= opt_calls)
    g_timeout_add (200, (GSourceFunc) g_main_loop_quit, peer->loop);
  else if (g_str_equal (opt_role, "caller"))
    g_timeout_add (opt_gap_ms, next_call_cb, peer);
}

static void
watch_call (Peer   *peer,
            HzCall *call)
{
  peer->first_frame = FALSE;
  g_signal_connect (call, "video-frame", G_CALLBACK (on_frame), peer);
  g_signal_connect (call, "stats-updated", G_CALLBACK (on_stats), peer);
  g_signal_connect (call, "notify::state", G_CALLBACK (on_state), peer);
  if (opt_g2g)
    g_signal_connect (call, "pipeline-message", G_CALLBACK (on_pipeline_message), peer);
}

static void
unhook (Peer *peer)
{
  if (peer->hooked)
    g_signal_handlers_disconnect_by_data (peer->hooked, peer);
  gst_clear_object (&peer->hooked);
}

static void
hook_pipeline (Peer   *peer,
               HzCall *call)
{
  GstElement *pipeline = call ? hz_call_get_pipeline (call) : NULL;

  if (!opt_g2g && !opt_media_log && !opt_stats)
    return;
  if (pipeline == peer->hooked)
    return;
  unhook (peer);
  if (pipeline == NULL)
    return;
  peer->hooked = gst_object_ref (pipeline);
  g_signal_connect (pipeline, "deep-element-added", G_CALLBACK (on_element_added), peer);
  /* the sending side was built with the pipeline, before we looked */
  {
    g_autoptr(GstIterator) it = gst_bin_iterate_recurse (GST_BIN (pipeline));
    GValue item = G_VALUE_INIT;

    while (gst_iterator_next (it, &item) == GST_ITERATOR_OK)
      {
        on_element_added (GST_BIN (pipeline), NULL, g_value_get_object (&item), peer);
        g_value_reset (&item);
      }
    g_value_unset (&item);
  }
  if (opt_g2g)
    hook_g2g (peer, pipeline);
}

/* The call replaces its pipeline when it restarts the transport; the
 * decoders come a round trip later, so looking every 20 ms is in time. */
static gboolean
rehook_cb (gpointer user_data)
{
  Peer *peer = user_data;

  hook_pipeline (peer, peer->call);
  return G_SOURCE_CONTINUE;
}

static void
start_next_call (Peer *peer)
{
  HzCallOptions o = options (peer);
  g_autoptr(GError) error = NULL;

  peer->call = hz_call_new_outgoing (peer->signaling, opt_consult, &o);
  watch_call (peer, peer->call);
  hz_test_emit_line ("{\"event\":\"invite\",\"call\":\"%s\",\"t_us\":%" G_GINT64_FORMAT "}",
             hz_call_get_call_id (peer->call), g_get_monotonic_time ());
  if (!hz_call_start (peer->call, &error))
    g_error ("cannot call: %s", error->message);
  hook_pipeline (peer, peer->call);
}

static void
on_signal (HzCallSignaling *signaling,
           const char      *consult,
           JsonObject      *message,
           gpointer         user_data)
{
  Peer *peer = user_data;
  HzCallOptions o = options (peer);
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (opt_role, "callee") || !hz_call_is_invite (message))
    return;
  if (peer->call)
    {
      hz_call_reply_busy (signaling, consult, message);
      return;
    }
  peer->call = hz_call_new_incoming (signaling, consult, message, &o);
  watch_call (peer, peer->call);
  hz_test_emit_line ("{\"event\":\"accept\",\"call\":\"%s\",\"t_us\":%" G_GINT64_FORMAT "}",
             hz_call_get_call_id (peer->call), g_get_monotonic_time ());
  if (!hz_call_accept (peer->call, &error))
    {
      hz_test_emit_line ("{\"event\":\"error\",\"message\":\"accept failed\"}");
      return;
    }
  hook_pipeline (peer, peer->call);
}

static void
ws_ready_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Peer *peer = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupWebsocketConnection) conn = soup_session_websocket_connect_finish (peer->session, result, &error);

  if (conn == NULL)
    g_error ("WebSocket: %s", error->message);
  soup_websocket_connection_set_keepalive_interval (conn, 0);
  peer->signaling = HZ_CALL_SIGNALING (hz_call_hub_signaling_new (conn));
  g_signal_connect (peer->signaling, "message-received", G_CALLBACK (on_signal), peer);
  hz_test_emit_line ("{\"event\":\"ready\",\"user\":\"%s\",\"t_us\":%" G_GINT64_FORMAT "}", opt_user, g_get_monotonic_time ());
  if (g_str_equal (opt_role, "caller"))
    g_timeout_add (opt_gap_ms, next_call_cb, peer);
}

static gboolean
quit_cb (gpointer user_data)
{
  Peer *peer = user_data;

  if (peer->call)
    hz_call_hangup (peer->call);
  g_timeout_add (200, (GSourceFunc) g_main_loop_quit, peer->loop);
  return G_SOURCE_REMOVE;
}

static int
run_sources_only (void)
{
  /* The same sources (and stamp) a call runs, into fakesinks: what they
   * cost by themselves, to subtract from a call's figure. */
  g_autofree char *desc = g_strdup_printf (
      "videotestsrc is-live=true pattern=%s ! video/x-raw,format=I420,width=%d,height=%d,framerate=%d/1 "
      "! valve ! fakesink sync=false "
      "audiotestsrc is-live=true wave=sine freq=440 volume=0.1 ! audioconvert ! audio/x-raw,rate=48000,channels=1 "
      "! volume ! fakesink sync=false",
      opt_video && g_str_equal (opt_video, "test:zone-plate") ? "zone-plate" : "ball",
      opt_width, opt_height, opt_fps);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = gst_parse_launch (desc, &error);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  if (pipeline == NULL)
    g_error ("%s", error->message);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  hz_test_emit_line ("{\"event\":\"ready\",\"t_us\":%" G_GINT64_FORMAT "}", g_get_monotonic_time ());
  g_timeout_add (opt_duration_ms > 0 ? opt_duration_ms : 5000, (GSourceFunc) g_main_loop_quit, loop);
  g_main_loop_run (loop);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  hz_test_emit_line ("{\"event\":\"exit\"}");
  return 0;
}

/* Tests run the peers with G_DEBUG=fatal-warnings. Two warnings come from
 * GStreamer 1.22 itself, not from the call engine, and are not let abort a
 * peer (every other warning and critical still does):
 * - rtpsession changes its source table during a walk over it (the GLib
 *   critical; see tests/call/test-call.c);
 * - gstdtlsconnection.c's check "!priv->bio_buffer", seen over the lossy
 *   link when a DTLS record arrives while the element's own timer thread
 *   is in the connection (the record is dropped and DTLS resends it).
 * g_test_log_set_fatal_handler cannot spare them (GLib aborts on the
 * structured path before asking it), so fatal-warnings is done here, in
 * the log writer. */
static gboolean fatal_warnings;

static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  GLogWriterOutput out;

  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0 && fields[i].value &&
        (strstr (fields[i].value, "g_hash_table_foreach: assertion 'version == hash_table->version' failed") ||
         strstr (fields[i].value, "gst_dtls_connection_process: runtime check failed: (!priv->bio_buffer)")))
      {
        g_printerr ("hz-call-peer: tolerated (GStreamer 1.22): %s\n", (const char *) fields[i].value);
        return G_LOG_WRITER_HANDLED;
      }
  out = g_log_writer_default (log_level, fields, n_fields, user_data);
  if (fatal_warnings && (log_level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)))
    G_BREAKPOINT ();
  return out;
}

int
main (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- one side of a Huizhen call");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) login = NULL;
  g_autofree char *body = NULL;
  g_autofree char *ws_uri = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  const char *token;
  Peer peer = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  gst_init (&argc, &argv);
  if (g_log_set_always_fatal (G_LOG_FATAL_MASK) & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    fatal_warnings = TRUE;
  g_log_set_writer_func (log_writer, NULL, NULL);
  if (opt_source_only)
    return run_sources_only ();
  if (!opt_hub || !opt_user || !opt_consult || !opt_role ||
      (!g_str_equal (opt_role, "caller") && !g_str_equal (opt_role, "callee")))
    {
      g_printerr ("--hub, --user, --consult and --role caller|callee are needed\n");
      return 2;
    }
  hz_call_prewarm ();
  g_mutex_init (&peer.lock);
  peer.stamps = g_hash_table_new (NULL, NULL);
  peer.shown = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  peer.loop = g_main_loop_new (NULL, FALSE);
  peer.session = soup_session_new ();
  body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}", opt_user,
                          opt_password ? opt_password : "huizhen-demo");
  login = rest (&peer, "POST", "login", NULL, body);
  token = json_object_get_string_member (json_node_get_object (login), "token");
  if (opt_turn)
    {
      g_autoptr(JsonNode) turn = rest (&peer, "GET", "turn", token, NULL);
      peer.ice_servers = hz_call_ice_servers_from_json (json_node_get_object (turn));
    }
  ws_uri = g_strconcat ("ws", opt_hub + 4, "api/v1/ws", NULL);
  msg = soup_message_new ("GET", ws_uri);
  {
    g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  }
  soup_session_websocket_connect_async (peer.session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        ws_ready_cb, &peer);
  if (opt_media_log)
    peer.audio_log_id = g_timeout_add (1000, audio_log_cb, &peer);
  if (opt_media_log || opt_g2g || opt_stats)
    peer.rehook_id = g_timeout_add (20, rehook_cb, &peer);
  g_unix_signal_add (SIGTERM, quit_cb, &peer);
  g_unix_signal_add (SIGINT, quit_cb, &peer);
  g_main_loop_run (peer.loop);

  g_clear_handle_id (&peer.audio_log_id, g_source_remove);
  g_clear_handle_id (&peer.rehook_id, g_source_remove);
  unhook (&peer);
  g_clear_object (&peer.call);
  g_clear_object (&peer.signaling);
  g_clear_object (&peer.session);
  g_strfreev (peer.ice_servers);
  g_hash_table_unref (peer.stamps);
  g_hash_table_unref (peer.shown);
  g_main_loop_unref (peer.loop);
  hz_test_emit_line ("{\"event\":\"exit\",\"calls\":%d}", peer.calls_done);
  return 0;
}
