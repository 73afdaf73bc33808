/* test-call-media.c: the call engine's media features through a real
 * huizhen-hub on loopback with real webrtcbin: the self-view
 * ("local-frame"), the device list and switching to each listed device,
 * the video codec negotiation (VP8, H.264 through openh264), and lost
 * video resent (NACK/RTX). */
#include "config.h"

#include <gst/gst.h>
#include <string.h>

#include "hz-call.h"
#include "hz-call-devices.h"
#include "hz-call-hub-signaling.h"
#include "hz-hub-harness.h"
#include "hz-test-utils.h"

#define NEW_REQUEST \
  "{\"patient\":{\"id\":\"QS-000731\",\"name\":\"王建国\",\"sex\":\"male\",\"age\":62}," \
  "\"reason\":\"胸痛\",\"urgency\":\"urgent\",\"mode\":\"live\"," \
  "\"target\":{\"department\":\"cardiology\"},\"consent\":{\"by\":\"patient\",\"method\":\"written\"}}"

typedef struct {
  HzHub              *hub;
  char               *zhou, *chen;
  HzWs               *ws_a, *ws_b;
  HzCallHubSignaling *sig_a, *sig_b;
  char               *consult;
  HzCall             *caller, *callee;
  HzCallOptions       options;         /* the caller's */
  HzCallOptions       callee_options;
  guint               frames_a, frames_b;
  guint               local_a;
  int                 local_width, local_height;
  gint64              first_local_us, last_local_us;   /* stream time */
} Fixture;

static void
on_invite (HzCallSignaling *signaling,
           const char      *consult,
           JsonObject      *message,
           gpointer         user_data)
{
  Fixture *f = user_data;

  if (!hz_call_is_invite (message))
    return;
  g_assert_null (f->callee);
  f->callee = hz_call_new_incoming (signaling, consult, message, &f->callee_options);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) accepted = NULL;
  g_autoptr(JsonNode) hello_a = NULL;
  g_autoptr(JsonNode) hello_b = NULL;
  guint status = 0;

  f->hub = hz_hub_start ("", NULL);
  f->zhou = hz_hub_login (f->hub, "dr.zhou");
  f->chen = hz_hub_login (f->hub, "dr.chen");
  reply = hz_hub_call (f->hub, f->zhou, "POST", "consults", NEW_REQUEST, &status);
  g_assert_cmpuint (status, ==, 201);
  f->consult = g_strdup (hz_json_str (reply, "id"));
  path = g_strdup_printf ("consults/%s/actions/accept", f->consult);
  accepted = hz_hub_call (f->hub, f->chen, "POST", path, "{}", &status);
  g_assert_cmpuint (status, ==, 200);

  f->ws_a = hz_ws_connect (f->hub, f->zhou);
  f->ws_b = hz_ws_connect (f->hub, f->chen);
  hello_a = hz_ws_next (f->ws_a, "hello", 3000);
  hello_b = hz_ws_next (f->ws_b, "hello", 3000);
  g_assert_nonnull (hello_a);
  g_assert_nonnull (hello_b);
  f->sig_a = hz_call_hub_signaling_new (f->ws_a->conn);
  f->sig_b = hz_call_hub_signaling_new (f->ws_b->conn);
  g_signal_connect (f->sig_b, "message-received", G_CALLBACK (on_invite), f);

  f->options.video_source = "test:ball";
  f->options.audio_source = "test";
  f->options.width = 320;
  f->options.height = 240;
  f->options.fps = 15;
  f->options.loopback = TRUE;
  f->options.ring_timeout_ms = 10000;
  f->options.media_timeout_ms = 5000;
  f->callee_options = f->options;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  /* Pictures handed to the main context before the hang-up hold a
   * reference to their call until they have run. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  if (f->caller)
    g_assert_finalize_object (f->caller);
  if (f->callee)
    g_assert_finalize_object (f->callee);
  g_signal_handlers_disconnect_by_data (f->sig_b, f);
  g_assert_finalize_object (f->sig_a);
  g_assert_finalize_object (f->sig_b);
  hz_ws_free (f->ws_a);
  hz_ws_free (f->ws_b);
  g_free (f->consult);
  g_free (f->zhou);
  g_free (f->chen);
  hz_hub_free (f->hub);
}

typedef gboolean (*Condition) (Fixture *f);

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
wait_for (Fixture   *f,
          Condition  cond,
          guint      timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, timeout_cb, &timed_out);

  while (!cond (f) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return cond (f);
}

static void
pump (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean has_callee (Fixture *f) { return f->callee != NULL; }

static gboolean
media_both_ways (Fixture *f)
{
  return f->frames_a >= 10 && f->frames_b >= 10;
}

static void
on_frame (HzCall       *call,
          HzVideoFrame *frame,
          gpointer      user_data)
{
  guint *count = user_data;

  g_assert_cmpint (frame->width, >, 0);
  g_assert_cmpuint (frame->stride, >=, (gsize) frame->width * 4);
  g_assert_cmpuint (g_bytes_get_size (frame->pixels), >=, frame->stride * (frame->height - 1) + frame->width * 4);
  (*count)++;
}

static void
on_local_frame (HzCall       *call,
                HzVideoFrame *frame,
                gpointer      user_data)
{
  Fixture *f = user_data;

  g_assert_true (call == f->caller);
  g_assert_cmpuint (frame->stride, >=, (gsize) frame->width * 4);
  g_assert_cmpuint (g_bytes_get_size (frame->pixels), >=, frame->stride * (frame->height - 1) + frame->width * 4);
  f->local_width = frame->width;
  f->local_height = frame->height;
  /* Stream time: on a loaded machine pictures can come in bursts. */
  g_assert_cmpint (frame->pts_us, >=, 0);
  if (f->local_a == 0)
    f->first_local_us = frame->pts_us;
  f->last_local_us = frame->pts_us;
  f->local_a++;
}

/* Rings, and has the callee accept; returns when both are connected. */
static void
connect_call (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->caller = hz_call_new_outgoing (HZ_CALL_SIGNALING (f->sig_a), f->consult, &f->options);
  g_signal_connect (f->caller, "video-frame", G_CALLBACK (on_frame), &f->frames_a);
  hz_call_start (f->caller, &error);
  g_assert_no_error (error);
  g_assert_true (wait_for (f, has_callee, 5000));
  g_signal_connect (f->callee, "video-frame", G_CALLBACK (on_frame), &f->frames_b);
  hz_call_accept (f->callee, &error);
  g_assert_no_error (error);
  g_assert_true (wait_for (f, media_both_ways, 20000));
  g_assert_cmpint (hz_call_get_state (f->caller), ==, HZ_CALL_STATE_CONNECTED);
  g_assert_cmpint (hz_call_get_state (f->callee), ==, HZ_CALL_STATE_CONNECTED);
}

static gboolean local_frames_came (Fixture *f) { return f->local_a >= 10; }
static gboolean twenty_local_frames (Fixture *f) { return f->local_a >= 20; }

/* The self-view: small, at most 15 fps, none while the camera is off. */
static void
test_local_frame (Fixture       *f,
                  gconstpointer  data)
{
  guint before;
  double fps;

  /* 640x480@30 in, so both the scaling and the rate limit show. */
  f->options.width = 640;
  f->options.height = 480;
  f->options.fps = 30;
  connect_call (f);
  g_signal_connect (f->caller, "local-frame", G_CALLBACK (on_local_frame), f);
  g_assert_true (wait_for (f, local_frames_came, 5000));
  g_assert_cmpint (f->local_width, ==, 320);
  g_assert_cmpint (f->local_height, ==, 240);

  /* The rate over 20 pictures: 15 fps or less (30 come in). */
  f->local_a = 0;
  g_assert_true (wait_for (f, twenty_local_frames, 10000));
  fps = (f->local_a - 1) / ((f->last_local_us - f->first_local_us) / 1e6);
  g_test_message ("self-view: %u frames, %.1f fps", f->local_a, fps);
  g_assert_cmpfloat (fps, <=, 16.5);

  /* Camera off: no more pictures (after what was already on its way). */
  hz_call_set_camera_off (f->caller, TRUE);
  pump (300);
  before = f->local_a;
  pump (1000);
  g_assert_cmpuint (f->local_a, ==, before);

  /* And back. */
  hz_call_set_camera_off (f->caller, FALSE);
  f->local_a = 0;
  g_assert_true (wait_for (f, local_frames_came, 5000));
  g_assert_cmpint (f->local_width, ==, 320);
  hz_call_hangup (f->caller);
}

/* A capture narrower than 320 keeps its size; the self-view starts while
 * the call still rings (a preview before the answer). */
static void
test_local_frame_small (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->options.width = 160;
  f->options.height = 120;
  f->caller = hz_call_new_outgoing (HZ_CALL_SIGNALING (f->sig_a), f->consult, &f->options);
  g_signal_connect (f->caller, "local-frame", G_CALLBACK (on_local_frame), f);
  hz_call_start (f->caller, &error);
  g_assert_no_error (error);
  g_assert_true (wait_for (f, has_callee, 5000));
  g_assert_true (wait_for (f, local_frames_came, 5000));
  g_assert_cmpint (hz_call_get_state (f->caller), ==, HZ_CALL_STATE_RINGING_OUT);
  g_assert_cmpint (f->local_width, ==, 160);
  g_assert_cmpint (f->local_height, ==, 120);
  hz_call_hangup (f->caller);
  pump (200);
}

static const HzCallDevice *
find_device (GPtrArray  *list,
             const char *id)
{
  for (guint i = 0; i < list->len; i++)
    {
      const HzCallDevice *d = g_ptr_array_index (list, i);

      if (g_str_equal (d->id, id))
        return d;
    }
  return NULL;
}

/* The test entries and "none" are always there, ids are unique, and
 * every name is set. */
static void
test_device_list (void)
{
  for (int kind = HZ_CALL_DEVICE_VIDEO; kind <= HZ_CALL_DEVICE_AUDIO; kind++)
    {
      g_autoptr(GPtrArray) list = hz_call_list_devices (kind);
      const HzCallDevice *test = find_device (list, "test");
      const HzCallDevice *none = find_device (list, "none");

      g_assert_nonnull (test);
      g_assert_nonnull (none);
      g_assert_cmpstr (test->name, ==, kind == HZ_CALL_DEVICE_VIDEO ? "Test pattern" : "Test tone");
      g_assert_cmpstr (none->name, ==, kind == HZ_CALL_DEVICE_VIDEO ? "No camera" : "No microphone");
      for (guint i = 0; i < list->len; i++)
        {
          const HzCallDevice *d = g_ptr_array_index (list, i);

          g_test_message ("%s device: %s (%s)", kind == HZ_CALL_DEVICE_VIDEO ? "video" : "audio", d->id, d->name);
          g_assert_nonnull (d->name);
          g_assert_true (find_device (list, d->id) == d);
        }
    }
}

static guint64 audio_mark;
static guint frames_mark;

static gboolean
frames_after_switch (Fixture *f)
{
  HzCallStats b;

  hz_call_get_stats (f->callee, &b);
  return f->frames_b >= frames_mark + 10 && b.audio_buffers >= audio_mark + 20;
}

/* Switching to every listed camera and microphone during a call: the
 * other side keeps getting pictures and sound. */
static void
test_device_switch (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) cameras = hz_call_list_devices (HZ_CALL_DEVICE_VIDEO);
  g_autoptr(GPtrArray) mics = hz_call_list_devices (HZ_CALL_DEVICE_AUDIO);

  connect_call (f);
  for (guint i = 0; i < MAX (cameras->len, mics->len); i++)
    {
      const HzCallDevice *cam = g_ptr_array_index (cameras, MIN (i, cameras->len - 1));
      const HzCallDevice *mic = g_ptr_array_index (mics, MIN (i, mics->len - 1));
      g_autoptr(GError) error = NULL;
      HzCallStats b;

      hz_call_get_stats (f->callee, &b);
      audio_mark = b.audio_buffers;
      frames_mark = f->frames_b;
      g_test_message ("switching to %s and %s", cam->id, mic->id);
      hz_call_switch_video_source (f->caller, cam->id, &error);
      g_assert_no_error (error);
      hz_call_switch_audio_source (f->caller, mic->id, &error);
      g_assert_no_error (error);
      g_assert_true (wait_for (f, frames_after_switch, 10000));
      g_assert_cmpint (hz_call_get_state (f->caller), ==, HZ_CALL_STATE_CONNECTED);
    }
  /* And back to the test sources (the last ones were "none"). */
  frames_mark = f->frames_b;
  hz_call_switch_video_source (f->caller, "test", NULL);
  hz_call_switch_audio_source (f->caller, "test", NULL);
  g_assert_true (wait_for (f, frames_after_switch, 10000));
  hz_call_hangup (f->caller);
}

static gboolean
h264_installed (void)
{
  static const char *const elements[] = { "openh264enc", "openh264dec", "h264parse", "rtph264pay", "rtph264depay" };

  for (guint i = 0; i < G_N_ELEMENTS (elements); i++)
    {
      g_autoptr(GstElementFactory) f = gst_element_factory_find (elements[i]);

      if (f == NULL)
        return FALSE;
    }
  return TRUE;
}

/* Whether H.264 can be tested here; if not, the test is skipped, saying why. */
static gboolean
h264_or_skip (void)
{
  if (h264_installed ())
    return TRUE;
  g_test_skip ("openh264 (gstreamer1.0-plugins-bad, libopenh264) is not installed");
  return FALSE;
}

/* The first element made by @factory_name anywhere in @call's pipeline. */
static GstElement *
find_element (HzCall     *call,
              const char *factory_name)
{
  GstBin *pipeline = hz_call_get_pipeline (call);
  g_autoptr(GstIterator) it = gst_bin_iterate_recurse (pipeline);
  GValue item = G_VALUE_INIT;
  GstElement *found = NULL;

  while (found == NULL && gst_iterator_next (it, &item) == GST_ITERATOR_OK)
    {
      GstElement *e = g_value_get_object (&item);
      GstElementFactory *f = gst_element_get_factory (e);

      if (f && g_str_equal (GST_OBJECT_NAME (f), factory_name))
        found = e;
      g_value_reset (&item);
    }
  g_value_unset (&item);
  return found;   /* the pipeline keeps it */
}

static GstPadProbeReturn
count_cb (GstPad          *pad,
          GstPadProbeInfo *info,
          gpointer         user_data)
{
  g_atomic_int_inc ((gint *) user_data);
  return GST_PAD_PROBE_OK;
}

/* Counts the buffers @factory_name's element sends from now on. */
static void
count_output (HzCall     *call,
              const char *factory_name,
              gint       *counter)
{
  GstElement *e = find_element (call, factory_name);
  g_autoptr(GstPad) src = NULL;

  g_assert_nonnull (e);
  src = gst_element_get_static_pad (e, "src");
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, count_cb, counter, NULL);
}

static gboolean more_frames (Fixture *f) { return f->frames_a >= frames_mark + 10; }

static gboolean
keep_payload (const HzLogEvent *event,
              gpointer          user_data)
{
  if (g_str_equal (event->kind, "call.ended"))
    g_ptr_array_add (user_data, g_strdup (event->payload));
  return TRUE;
}

/* Runs a call with these preferences and checks the codec both sides
 * settled on, that pictures decode both ways, which encoders worked and
 * which decoders. */
static void
run_codec_call (Fixture    *f,
                const char *caller_codecs,
                const char *callee_codecs,
                const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = hz_test_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "log.db", NULL);
  g_autoptr(HzConsultLog) log = hz_consult_log_open (db, NULL);
  g_autoptr(GPtrArray) ended = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *codec_member = g_strdup_printf ("\"video_codec\":\"%s\"", expected);
  gboolean h264 = g_str_equal (expected, "H264");
  gint vp8_out_a = 0, h264_out_a = 0, vp8_out_b = 0, h264_out_b = 0;

  f->options.codecs = caller_codecs;
  f->callee_options.codecs = callee_codecs;
  f->caller = hz_call_new_outgoing (HZ_CALL_SIGNALING (f->sig_a), f->consult, &f->options);
  g_signal_connect (f->caller, "video-frame", G_CALLBACK (on_frame), &f->frames_a);
  hz_call_set_consult_log (f->caller, log, "dr.zhou");
  hz_call_start (f->caller, &error);
  g_assert_no_error (error);
  g_assert_null (hz_call_get_video_codec (f->caller));
  g_assert_true (wait_for (f, has_callee, 5000));
  g_signal_connect (f->callee, "video-frame", G_CALLBACK (on_frame), &f->frames_b);
  hz_call_accept (f->callee, &error);
  g_assert_no_error (error);
  /* Count what each encoder makes from now on (both sides build their
   * pipelines by the time accept returns). */
  count_output (f->caller, "vp8enc", &vp8_out_a);
  count_output (f->callee, "vp8enc", &vp8_out_b);
  if (find_element (f->caller, "openh264enc"))
    count_output (f->caller, "openh264enc", &h264_out_a);
  if (find_element (f->callee, "openh264enc"))
    count_output (f->callee, "openh264enc", &h264_out_b);
  wait_for (f, media_both_ways, 20000);
  g_test_message ("frames: caller got %u, callee got %u; codecs %s, %s", f->frames_a, f->frames_b,
                  hz_call_get_video_codec (f->caller), hz_call_get_video_codec (f->callee));
  g_assert_true (media_both_ways (f));
  g_assert_cmpstr (hz_call_get_video_codec (f->caller), ==, expected);
  g_assert_cmpstr (hz_call_get_video_codec (f->callee), ==, expected);
  /* The decoders that made pictures are those of the codec. */
  g_assert_true ((find_element (f->caller, "openh264dec") != NULL) == h264);
  g_assert_true ((find_element (f->callee, "openh264dec") != NULL) == h264);
  g_assert_true ((find_element (f->caller, "vp8dec") != NULL) == !h264);
  g_assert_true ((find_element (f->callee, "vp8dec") != NULL) == !h264);
  /* And the idle encoder stays idle once the codec is known: at most the
   * pictures before the answer went through the other one. */
  {
    gint before_a = h264 ? g_atomic_int_get (&vp8_out_a) : g_atomic_int_get (&h264_out_a);
    gint before_b = h264 ? g_atomic_int_get (&vp8_out_b) : g_atomic_int_get (&h264_out_b);

    frames_mark = f->frames_a;
    g_assert_true (wait_for (f, more_frames, 10000));
    g_assert_cmpint (h264 ? g_atomic_int_get (&vp8_out_a) : g_atomic_int_get (&h264_out_a), ==, before_a);
    g_assert_cmpint (h264 ? g_atomic_int_get (&vp8_out_b) : g_atomic_int_get (&h264_out_b), ==, before_b);
    g_assert_cmpint (h264 ? g_atomic_int_get (&h264_out_a) : g_atomic_int_get (&vp8_out_a), >, 10);
  }
  hz_call_hangup (f->caller);
  pump (200);
  /* The codec is in the call's trace. */
  g_assert_true (hz_consult_log_foreach_event (log, f->consult, keep_payload, ended, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ended->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (ended, 0), codec_member));
  g_clear_object (&log);
  hz_test_rmdir (dir);
}

static void
test_codec_default (Fixture       *f,
                    gconstpointer  data)
{
  run_codec_call (f, NULL, NULL, "VP8");
}

static void
test_codec_h264 (Fixture       *f,
                 gconstpointer  data)
{
  if (!h264_or_skip ())
    return;
  run_codec_call (f, "h264,vp8", "h264,vp8", "H264");
}

/* The answerer (the caller) prefers H.264, the offerer lists VP8 first:
 * the answer's preference wins. */
static void
test_codec_answer_picks (Fixture       *f,
                         gconstpointer  data)
{
  if (!h264_or_skip ())
    return;
  run_codec_call (f, "h264", "vp8,h264", "H264");
}

static guint start_target;

static gboolean
callee_target_known (Fixture *f)
{
  HzCallStats b;

  hz_call_get_stats (f->callee, &b);
  return b.target_kbps > 0;
}

static gboolean
callee_target_lowered (Fixture *f)
{
  HzCallStats b;

  hz_call_get_stats (f->callee, &b);
  return b.target_kbps > 0 && b.target_kbps < start_target;
}

/* Every other packet the caller receives is lost on the way in: its
 * feedback then reports heavy loss of what the callee sends. */
static GstPadProbeReturn
lose_half_cb (GstPad          *pad,
              GstPadProbeInfo *info,
              gpointer         user_data)
{
  guint *n = user_data;

  return (++*n % 2 == 0) ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
}

/* The rate control drives openh264enc's bitrate (bit/s) as it drives
 * vp8enc's. Made to move for sure: half of what reaches the caller is
 * lost (a silence would not do: the estimator holds its rate through
 * one), its feedback says so, and the callee's estimator lowers the rate;
 * the callee's encoder must then be at the new rate. */
static guint lost_counter;

static void
test_codec_h264_rate_control (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GstElement *enc;
  HzCallStats b;
  guint bitrate = 0;

  if (!h264_or_skip ())
    return;
  f->options.codecs = "h264";
  f->callee_options.codecs = "h264";
  f->callee_options.media_timeout_ms = 15000;
  f->caller = hz_call_new_outgoing (HZ_CALL_SIGNALING (f->sig_a), f->consult, &f->options);
  g_signal_connect (f->caller, "video-frame", G_CALLBACK (on_frame), &f->frames_a);
  hz_call_start (f->caller, &error);
  g_assert_no_error (error);
  g_assert_true (wait_for (f, has_callee, 5000));
  g_signal_connect (f->callee, "video-frame", G_CALLBACK (on_frame), &f->frames_b);
  hz_call_accept (f->callee, &error);
  g_assert_no_error (error);
  g_assert_true (wait_for (f, media_both_ways, 20000));
  g_assert_cmpstr (hz_call_get_video_codec (f->callee), ==, "H264");
  g_assert_true (wait_for (f, callee_target_known, 5000));
  hz_call_get_stats (f->callee, &b);
  start_target = b.target_kbps;
  enc = find_element (f->callee, "openh264enc");
  g_object_get (enc, "bitrate", &bitrate, NULL);
  g_assert_cmpuint (bitrate, ==, start_target * 1000);

  {
    g_autoptr(GstPad) src = gst_element_get_static_pad (find_element (f->caller, "nicesrc"), "src");

    gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, lose_half_cb, &lost_counter, NULL);
  }
  g_assert_true (wait_for (f, callee_target_lowered, 15000));
  hz_call_get_stats (f->callee, &b);
  enc = find_element (f->callee, "openh264enc");
  g_object_get (enc, "bitrate", &bitrate, NULL);
  g_test_message ("target %u -> %u kbit/s; openh264enc at %u bit/s", start_target, b.target_kbps, bitrate);
  g_assert_cmpuint (bitrate, ==, b.target_kbps * 1000);
  hz_call_hangup (f->callee);
  pump (200);
}

static gboolean caller_saw_frames (Fixture *f) { return f->frames_a >= 10; }

/* A side without a camera ("none": a receive-only video line) still takes
 * H.264 when both prefer it. */
static void
test_codec_h264_receive_only (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (!h264_or_skip ())
    return;
  f->options.codecs = "h264";
  f->options.video_source = "none";
  f->callee_options.codecs = "h264";
  f->caller = hz_call_new_outgoing (HZ_CALL_SIGNALING (f->sig_a), f->consult, &f->options);
  g_signal_connect (f->caller, "video-frame", G_CALLBACK (on_frame), &f->frames_a);
  hz_call_start (f->caller, &error);
  g_assert_no_error (error);
  g_assert_true (wait_for (f, has_callee, 5000));
  g_signal_connect (f->callee, "video-frame", G_CALLBACK (on_frame), &f->frames_b);
  hz_call_accept (f->callee, &error);
  g_assert_no_error (error);
  g_assert_true (wait_for (f, caller_saw_frames, 20000));
  g_assert_cmpstr (hz_call_get_video_codec (f->caller), ==, "H264");
  g_assert_cmpstr (hz_call_get_video_codec (f->callee), ==, "H264");
  g_assert_nonnull (find_element (f->caller, "openh264dec"));
  g_assert_cmpuint (f->frames_b, ==, 0);
  hz_call_hangup (f->caller);
  pump (200);
}

/* A side without H.264 (here by option) makes it VP8, whichever side. */
static void
test_codec_one_side_vp8 (Fixture       *f,
                         gconstpointer  data)
{
  run_codec_call (f, "h264,vp8", "vp8", "VP8");
}

static void
test_codec_other_side_vp8 (Fixture       *f,
                           gconstpointer  data)
{
  run_codec_call (f, "vp8", "h264,vp8", "VP8");
}

/* Every 20th packet either side sends is lost on the way out (after
 * SRTP, as the network would lose it). */
static GstPadProbeReturn
lose_every_20th_cb (GstPad          *pad,
                    GstPadProbeInfo *info,
                    gpointer         user_data)
{
  return g_atomic_int_add ((gint *) user_data, 1) % 20 == 19 ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
}

static guint
rtx_received (HzCall *call)
{
  GstElement *rx = find_element (call, "rtprtxreceive");
  guint packets = 0;

  if (rx)
    g_object_get (rx, "num-rtx-packets", &packets, NULL);
  return packets;
}

static gboolean
resends_both_ways (Fixture *f)
{
  return rtx_received (f->caller) >= 3 && rtx_received (f->callee) >= 3;
}

/* The jitter buffers asking for resends: the video one only (audio has
 * Opus FEC, and a resend would come after its time to play). */
static guint
resending_jitterbuffers (HzCall *call)
{
  g_autoptr(GstIterator) it = gst_bin_iterate_recurse (hz_call_get_pipeline (call));
  GValue item = G_VALUE_INIT;
  guint n = 0;

  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK)
    {
      GstElement *e = g_value_get_object (&item);
      GstElementFactory *factory = gst_element_get_factory (e);
      gboolean resend = FALSE;

      if (factory && g_str_equal (GST_OBJECT_NAME (factory), "rtpjitterbuffer"))
        {
          g_object_get (e, "do-retransmission", &resend, NULL);
          n += resend;
        }
      g_value_reset (&item);
    }
  g_value_unset (&item);
  return n;
}

/* Lost video is asked for again (NACK) and resent (RTX), both ways: not
 * left to a keyframe request and a frozen picture. webrtcbin 1.22 by
 * itself never asked (see hz-call-repair.c); this fails without it. */
static void
test_resend_lost_video (Fixture       *f,
                        gconstpointer  data)
{
  gint sent_a = 0, sent_b = 0;

  connect_call (f);
  {
    g_autoptr(GstPad) a = gst_element_get_static_pad (find_element (f->caller, "nicesink"), "sink");
    g_autoptr(GstPad) b = gst_element_get_static_pad (find_element (f->callee, "nicesink"), "sink");

    gst_pad_add_probe (a, GST_PAD_PROBE_TYPE_BUFFER, lose_every_20th_cb, &sent_a, NULL);
    gst_pad_add_probe (b, GST_PAD_PROBE_TYPE_BUFFER, lose_every_20th_cb, &sent_b, NULL);
  }
  frames_mark = f->frames_b;
  g_assert_true (wait_for (f, resends_both_ways, 20000));
  g_test_message ("resent packets received: caller %u, callee %u", rtx_received (f->caller), rtx_received (f->callee));
  g_assert_cmpuint (resending_jitterbuffers (f->caller), ==, 1);
  g_assert_cmpuint (resending_jitterbuffers (f->callee), ==, 1);
  /* and the pictures kept coming */
  g_assert_cmpuint (f->frames_b, >, frames_mark);
  hz_call_hangup (f->caller);
  pump (200);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  hz_test_tolerate_gstreamer_criticals ();
  hz_call_prewarm ();

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/call-media/local-frame", test_local_frame);
  ADD ("/call-media/local-frame/small-while-ringing", test_local_frame_small);
  g_test_add_func ("/call-media/devices/list", test_device_list);
  ADD ("/call-media/devices/switch", test_device_switch);
  ADD ("/call-media/codec/default-vp8", test_codec_default);
  ADD ("/call-media/codec/h264", test_codec_h264);
  ADD ("/call-media/codec/answer-picks", test_codec_answer_picks);
  ADD ("/call-media/codec/h264-rate-control", test_codec_h264_rate_control);
  ADD ("/call-media/codec/h264-receive-only", test_codec_h264_receive_only);
  ADD ("/call-media/codec/caller-without-h264", test_codec_other_side_vp8);
  ADD ("/call-media/codec/callee-without-h264", test_codec_one_side_vp8);
  ADD ("/call-media/repair/resend-lost-video", test_resend_lost_video);
  return g_test_run ();
}
