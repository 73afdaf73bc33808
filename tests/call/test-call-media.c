/* test-call-media.c: the call engine's media features through a real
 * huizhen-hub on loopback with real webrtcbin: the self-view
 * ("local-frame"), the device list and switching to each listed device,
 * and the video codec negotiation (VP8, H.264 through openh264). */
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
  gint64              first_local_us, last_local_us;
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
  gint64 now = g_get_monotonic_time ();

  g_assert_true (call == f->caller);
  g_assert_cmpuint (frame->stride, >=, (gsize) frame->width * 4);
  g_assert_cmpuint (g_bytes_get_size (frame->pixels), >=, frame->stride * (frame->height - 1) + frame->width * 4);
  f->local_width = frame->width;
  f->local_height = frame->height;
  if (f->local_a == 0)
    f->first_local_us = now;
  f->last_local_us = now;
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

  /* The rate over two seconds: 15 fps or less (30 come in). */
  f->local_a = 0;
  pump (2000);
  g_assert_cmpuint (f->local_a, >=, 10);
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

/* See test-call.c: a GStreamer 1.22.0 rtpsession race, not ours. */
static gboolean
fatal_log_cb (const char     *log_domain,
              GLogLevelFlags  log_level,
              const char     *message,
              gpointer        user_data)
{
  return !(g_strcmp0 (log_domain, "GLib") == 0 && message &&
           strstr (message, "g_hash_table_foreach: assertion 'version == hash_table->version' failed"));
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_log_set_fatal_handler (fatal_log_cb, NULL);
  hz_call_prewarm ();

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/call-media/local-frame", test_local_frame);
  ADD ("/call-media/local-frame/small-while-ringing", test_local_frame_small);
  g_test_add_func ("/call-media/devices/list", test_device_list);
  ADD ("/call-media/devices/switch", test_device_switch);
  return g_test_run ();
}
