/* test-call.c: two HzCalls through a real huizhen-hub on loopback, with
 * real webrtcbin: media and data both ways, every way a call ends, and bad
 * input. Run inside a private network namespace (only lo) when possible. */
#include "config.h"

#include <gst/gst.h>
#include <signal.h>
#include <string.h>

#include "hz-call.h"
#include "hz-call-hub-signaling.h"
#include "hz-coturn.h"
#include "hz-hub-harness.h"
#include "hz-test-utils.h"

#define NEW_REQUEST \
  "{\"patient\":{\"id\":\"QS-000731\",\"name\":\"王建国\",\"sex\":\"male\",\"age\":62}," \
  "\"reason\":\"胸痛\",\"urgency\":\"urgent\",\"mode\":\"live\"," \
  "\"target\":{\"department\":\"cardiology\"},\"consent\":{\"by\":\"patient\",\"method\":\"written\"}}"

typedef struct {
  HzCoturn           *coturn;
  HzHub              *hub;
  char               *zhou, *chen;
  HzWs               *ws_a, *ws_b;
  HzCallHubSignaling *sig_a, *sig_b;
  char               *consult;
  HzCall             *caller, *callee;
  HzCallOptions       options;
  HzCallOptions       callee_options;
  GStrv               caller_ice, callee_ice;
  GPtrArray          *data_a, *data_b;   /* received texts */
  guint               frames_a, frames_b;
  gboolean            auto_busy;
  gboolean            deaf;      /* the callee never hears invites */
} Fixture;

static void
on_invite (HzCallSignaling *signaling,
           const char      *consult,
           JsonObject      *message,
           gpointer         user_data)
{
  Fixture *f = user_data;

  if (!hz_call_is_invite (message) || f->deaf)
    return;
  if (f->auto_busy)
    {
      hz_call_reply_busy (signaling, consult, message);
      return;
    }
  g_assert_null (f->callee);
  f->callee = hz_call_new_incoming (signaling, consult, message,
                                    f->callee_options.video_source ? &f->callee_options : &f->options);
}

static GStrv
turn_servers_for (Fixture    *f,
                  const char *token)
{
  guint status = 0;
  g_autoptr(JsonNode) reply = hz_hub_call (f->hub, token, "GET", "turn", NULL, &status);

  g_assert_cmpuint (status, ==, 200);
  return hz_call_ice_servers_from_json (json_node_get_object (reply));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *hub_config = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) accepted = NULL;
  g_autoptr(JsonNode) hello_a = NULL;
  g_autoptr(JsonNode) hello_b = NULL;
  guint status = 0;

  if (data != NULL)
    {
      g_autoptr(GError) error = NULL;

      /* A real coturn on loopback, in REST-API mode with the hub's secret. */
      f->coturn = hz_coturn_start ("call-test-secret", &error);
      g_assert_no_error (error);
      hub_config = g_strdup_printf ("[turn]\nsecret=call-test-secret\nurls=%s\nttl=600\n",
                                    hz_coturn_get_url (f->coturn));
    }
  f->hub = hz_hub_start (hub_config ? hub_config : "", NULL);
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
  f->options.media_timeout_ms = 3000;
  f->data_a = g_ptr_array_new_with_free_func (g_free);
  f->data_b = g_ptr_array_new_with_free_func (g_free);
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
  g_ptr_array_unref (f->data_a);
  g_ptr_array_unref (f->data_b);
  hz_hub_free (f->hub);
  g_strfreev (f->caller_ice);
  g_strfreev (f->callee_ice);
  g_clear_pointer (&f->coturn, hz_coturn_free);
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
static gboolean caller_ended (Fixture *f) { return hz_call_get_state (f->caller) == HZ_CALL_STATE_ENDED; }
static gboolean callee_ended (Fixture *f) { return f->callee && hz_call_get_state (f->callee) == HZ_CALL_STATE_ENDED; }
static gboolean callee_saw_frames (Fixture *f) { return f->frames_b >= 5; }
static gboolean callee_reconnecting (Fixture *f) { return hz_call_get_state (f->callee) == HZ_CALL_STATE_RECONNECTING; }
static gboolean both_ended (Fixture *f) { return caller_ended (f) && callee_ended (f); }

static gboolean
media_both_ways (Fixture *f)
{
  HzCallStats a, b;

  hz_call_get_stats (f->caller, &a);
  hz_call_get_stats (f->callee, &b);
  return f->frames_a >= 10 && f->frames_b >= 10 && a.audio_buffers >= 10 && b.audio_buffers >= 10;
}

static void
on_frame (HzCall       *call,
          HzVideoFrame *frame,
          gpointer      user_data)
{
  guint *count = user_data;

  /* 320x240, or a rung of the ladder below it with the same shape */
  g_assert_cmpint (frame->width, <=, 320);
  g_assert_cmpint (frame->width, >, 0);
  g_assert_cmpint (frame->width * 3, ==, frame->height * 4);
  g_assert_cmpuint (frame->stride, >=, (gsize) frame->width * 4);
  g_assert_cmpuint (g_bytes_get_size (frame->pixels), >=, frame->stride * (frame->height - 1) + frame->width * 4);
  (*count)++;
}

static void
on_data (HzCall     *call,
         const char *text,
         gpointer    user_data)
{
  g_ptr_array_add (user_data, g_strdup (text));
}

/* Rings, and has the callee accept; returns when both are connected. */
static void
connect_call (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->caller = hz_call_new_outgoing (HZ_CALL_SIGNALING (f->sig_a), f->consult, &f->options);
  g_signal_connect (f->caller, "video-frame", G_CALLBACK (on_frame), &f->frames_a);
  g_signal_connect (f->caller, "data-received", G_CALLBACK (on_data), f->data_a);
  hz_call_start (f->caller, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hz_call_get_state (f->caller), ==, HZ_CALL_STATE_RINGING_OUT);
  g_assert_true (wait_for (f, has_callee, 5000));
  g_assert_cmpint (hz_call_get_state (f->callee), ==, HZ_CALL_STATE_RINGING_IN);
  g_assert_cmpstr (hz_call_get_call_id (f->callee), ==, hz_call_get_call_id (f->caller));
  g_signal_connect (f->callee, "video-frame", G_CALLBACK (on_frame), &f->frames_b);
  g_signal_connect (f->callee, "data-received", G_CALLBACK (on_data), f->data_b);
  hz_call_accept (f->callee, &error);
  g_assert_no_error (error);
  g_assert_true (wait_for (f, media_both_ways, 20000));
  g_assert_cmpint (hz_call_get_state (f->caller), ==, HZ_CALL_STATE_CONNECTED);
  g_assert_cmpint (hz_call_get_state (f->callee), ==, HZ_CALL_STATE_CONNECTED);
}

static gboolean
data_arrived (Fixture *f)
{
  return f->data_a->len >= 20 && f->data_b->len >= 20;
}

static gboolean
count_call_events (const HzLogEvent *event,
                   gpointer          user_data)
{
  GPtrArray *kinds = user_data;
  g_ptr_array_add (kinds, g_strdup (event->kind));
  return TRUE;
}

static void
test_media_and_data (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *dir = hz_test_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "log.db", NULL);
  g_autoptr(HzConsultLog) log = hz_consult_log_open (db, NULL);
  g_autoptr(GPtrArray) kinds = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  HzCallStats stats;

  connect_call (f);
  hz_call_set_consult_log (f->caller, log, "dr.zhou");
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *a = g_strdup_printf ("{\"v\":1,\"type\":\"chat\",\"n\":%u,\"text\":\"你好\"}", i);
      g_autofree char *b = g_strdup_printf ("{\"v\":1,\"type\":\"view\",\"n\":%u}", i);
      g_assert_true (hz_call_send_data (f->caller, a, &error));
      g_assert_true (hz_call_send_data (f->callee, b, &error));
    }
  g_assert_false (hz_call_send_data (f->caller, "not json", &error));
  g_assert_error (error, HZ_CALL_ERROR, HZ_CALL_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (wait_for (f, data_arrived, 10000));
  g_assert_cmpuint (f->data_a->len, ==, 20);
  g_assert_cmpuint (f->data_b->len, ==, 20);
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *a = g_strdup_printf ("{\"v\":1,\"type\":\"chat\",\"n\":%u,\"text\":\"你好\"}", i);
      g_autofree char *b = g_strdup_printf ("{\"v\":1,\"type\":\"view\",\"n\":%u}", i);
      g_assert_cmpstr (g_ptr_array_index (f->data_b, i), ==, a);
      g_assert_cmpstr (g_ptr_array_index (f->data_a, i), ==, b);
    }

  /* mute, camera off and a device switch do not break the call */
  hz_call_set_muted (f->caller, TRUE);
  g_assert_true (hz_call_get_muted (f->caller));
  hz_call_set_camera_off (f->callee, TRUE);
  g_assert_true (hz_call_switch_video_source (f->caller, "test:zone-plate", &error));
  g_assert_no_error (error);
  g_assert_false (hz_call_switch_video_source (f->caller, "no-such-thing", &error));
  g_assert_error (error, HZ_CALL_ERROR, HZ_CALL_ERROR_INVALID);
  g_clear_error (&error);
  f->frames_b = 0;
  g_assert_true (wait_for (f, callee_saw_frames, 10000));   /* the new camera's pictures arrive */
  pump (1100);   /* a stats tick with the callee's camera off */
  hz_call_get_stats (f->callee, &stats);
  g_assert_cmpint (stats.width, >, 0);
  g_assert_cmpfloat (stats.recv_kbps, >, 10);
  g_assert_cmpfloat (stats.send_kbps, >, 5);   /* audio goes on with the camera off */
  hz_call_set_camera_off (f->callee, FALSE);

  hz_call_hangup (f->caller);
  g_assert_cmpint (hz_call_get_state (f->caller), ==, HZ_CALL_STATE_ENDED);
  g_assert_cmpint (hz_call_get_end_reason (f->caller), ==, HZ_CALL_END_HANGUP_LOCAL);
  g_assert_true (wait_for (f, callee_ended, 5000));
  g_assert_cmpint (hz_call_get_end_reason (f->callee), ==, HZ_CALL_END_HANGUP_REMOTE);
  g_assert_cmpint (hz_call_get_duration_us (f->caller), >, 0);

  g_assert_true (hz_consult_log_foreach_event (log, f->consult, count_call_events, kinds, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kinds->len, ==, 1);   /* the log was set after the start */
  g_assert_cmpstr (g_ptr_array_index (kinds, 0), ==, "call.ended");
  g_clear_object (&log);
  hz_test_rmdir (dir);
}

static void
test_hangup_by_callee (Fixture       *f,
                       gconstpointer  data)
{
  connect_call (f);
  hz_call_hangup (f->callee);
  g_assert_cmpint (hz_call_get_end_reason (f->callee), ==, HZ_CALL_END_HANGUP_LOCAL);
  g_assert_true (wait_for (f, caller_ended, 5000));
  g_assert_cmpint (hz_call_get_end_reason (f->caller), ==, HZ_CALL_END_HANGUP_REMOTE);
}

static void
start_ringing (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->caller = hz_call_new_outgoing (HZ_CALL_SIGNALING (f->sig_a), f->consult, &f->options);
  hz_call_start (f->caller, &error);
  g_assert_no_error (error);
  g_assert_false (hz_call_start (f->caller, &error));
  g_assert_error (error, HZ_CALL_ERROR, HZ_CALL_ERROR_BAD_STATE);
}

static void
test_reject (Fixture       *f,
             gconstpointer  data)
{
  start_ringing (f);
  g_assert_true (wait_for (f, has_callee, 5000));
  hz_call_reject (f->callee);
  g_assert_cmpint (hz_call_get_end_reason (f->callee), ==, HZ_CALL_END_REJECTED);
  g_assert_true (wait_for (f, caller_ended, 5000));
  g_assert_cmpint (hz_call_get_end_reason (f->caller), ==, HZ_CALL_END_REJECTED);
}

static void
test_busy (Fixture       *f,
           gconstpointer  data)
{
  f->auto_busy = TRUE;
  start_ringing (f);
  g_assert_true (wait_for (f, caller_ended, 5000));
  g_assert_cmpint (hz_call_get_end_reason (f->caller), ==, HZ_CALL_END_BUSY);
}

static void
test_caller_gives_up (Fixture       *f,
                      gconstpointer  data)
{
  start_ringing (f);
  g_assert_true (wait_for (f, has_callee, 5000));
  hz_call_hangup (f->caller);
  g_assert_cmpint (hz_call_get_end_reason (f->caller), ==, HZ_CALL_END_CANCELLED);
  g_assert_true (wait_for (f, callee_ended, 5000));
  g_assert_cmpint (hz_call_get_end_reason (f->callee), ==, HZ_CALL_END_CANCELLED);
  g_assert_false (hz_call_accept (f->callee, NULL));
}

static void
test_no_answer (Fixture       *f,
                gconstpointer  data)
{
  f->options.ring_timeout_ms = 1500;
  start_ringing (f);
  g_assert_true (wait_for (f, has_callee, 5000));
  g_assert_true (wait_for (f, both_ended, 5000));
  g_assert_cmpint (hz_call_get_end_reason (f->caller), ==, HZ_CALL_END_NO_ANSWER);
  g_assert_cmpint (hz_call_get_end_reason (f->callee), ==, HZ_CALL_END_NO_ANSWER);
}

/* A raw signal as another client would send it, bypassing HzCall. */
static void
raw_signal (Fixture    *f,
            HzWs       *ws,
            const char *consult,
            const char *data_json)
{
  g_autofree char *text = g_strdup_printf ("{\"type\":\"signal\",\"consult\":\"%s\",\"data\":%s}",
                                           consult, data_json);
  hz_ws_send (ws, text);
}

static void
test_malformed_sdp (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = NULL;

  /* a fake caller rings, and answers the callee's offer with garbage */
  raw_signal (f, f->ws_a, f->consult, "{\"kind\":\"invite\",\"call\":\"fake-1\",\"v\":1}");
  g_assert_true (wait_for (f, has_callee, 5000));
  hz_call_accept (f->callee, &error);
  g_assert_no_error (error);
  pump (300);
  answer = g_strdup ("{\"kind\":\"answer\",\"call\":\"fake-1\",\"sdp\":\"v=0\\r\\no=- 0 0 IN IP4 0.0.0.0\\r\\ns=-\\r\\nm=banana\\r\\n\"}");
  raw_signal (f, f->ws_a, f->consult, answer);
  g_assert_true (wait_for (f, callee_ended, 5000));
  g_assert_cmpint (hz_call_get_end_reason (f->callee), ==, HZ_CALL_END_BAD_SIGNAL);
  g_assert_nonnull (hz_call_get_end_detail (f->callee));
}

static void
test_not_sdp (Fixture       *f,
              gconstpointer  data)
{
  /* someone answers with an offer that is not SDP at all */
  f->deaf = TRUE;
  start_ringing (f);
  raw_signal (f, f->ws_b, f->consult, "{\"kind\":\"offer\",\"sdp\":\"hello\",\"call\":\"x\"}");
  {
    g_autofree char *offer = g_strdup_printf ("{\"kind\":\"offer\",\"sdp\":\"hello\",\"call\":\"%s\"}",
                                              hz_call_get_call_id (f->caller));
    raw_signal (f, f->ws_b, f->consult, offer);
  }
  g_assert_true (wait_for (f, caller_ended, 5000));
  g_assert_cmpint (hz_call_get_end_reason (f->caller), ==, HZ_CALL_END_BAD_SIGNAL);
}

static void
test_stray_messages (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *after = NULL;

  connect_call (f);
  /* candidates and hang-ups for a consult that is no call's, and junk */
  g_assert_true (json_parser_load_from_data (parser,
      "{\"kind\":\"candidate\",\"call\":\"nope\",\"mline\":0,\"candidate\":\"candidate:1 1 UDP 1 127.0.0.1 9 typ host\"}",
      -1, NULL));
  hz_call_signaling_message_received (HZ_CALL_SIGNALING (f->sig_a), "HZ-UNKNOWN",
                                      json_node_get_object (json_parser_get_root (parser)));
  raw_signal (f, f->ws_b, "HZ-NOPE", "{\"kind\":\"hangup\",\"call\":\"x\"}");
  {
    g_autofree char *bad = g_strdup_printf ("{\"kind\":\"candidate\",\"call\":\"%s\",\"mline\":0,\"candidate\":\"rubbish\"}",
                                            hz_call_get_call_id (f->caller));
    g_autofree char *bad2 = g_strdup_printf ("{\"kind\":\"candidate\",\"call\":\"%s\",\"mline\":\"x\"}",
                                             hz_call_get_call_id (f->caller));
    raw_signal (f, f->ws_b, f->consult, bad);
    raw_signal (f, f->ws_b, f->consult, bad2);
  }
  pump (500);
  g_assert_cmpint (hz_call_get_state (f->caller), ==, HZ_CALL_STATE_CONNECTED);

  hz_call_hangup (f->callee);
  g_assert_true (wait_for (f, caller_ended, 5000));
  /* messages after the hang-up change nothing */
  after = g_strdup_printf ("{\"kind\":\"offer\",\"call\":\"%s\",\"sdp\":\"v=0\"}", hz_call_get_call_id (f->caller));
  raw_signal (f, f->ws_b, f->consult, after);
  pump (300);
  g_assert_cmpint (hz_call_get_state (f->caller), ==, HZ_CALL_STATE_ENDED);
  g_assert_cmpint (hz_call_get_end_reason (f->caller), ==, HZ_CALL_END_HANGUP_REMOTE);
  g_assert_false (hz_call_send_data (f->caller, "{}", NULL));
  g_assert_null (hz_call_get_pipeline (f->caller));
}

static gboolean
frames_resumed (Fixture *f)
{
  return f->frames_a >= 10 && f->frames_b >= 10 &&
         hz_call_get_state (f->caller) == HZ_CALL_STATE_CONNECTED &&
         hz_call_get_state (f->callee) == HZ_CALL_STATE_CONNECTED;
}

static void
test_transport_restart (Fixture       *f,
                        gconstpointer  data)
{
  GstElement *old;

  f->options.media_timeout_ms = 15000;
  connect_call (f);
  /* the caller's transport stalls (as when its link drops): both sides
   * hear nothing; the callee starts a new transport, the caller takes it,
   * and pictures flow again in the same call */
  old = hz_call_get_pipeline (f->caller);
  gst_element_set_state (old, GST_STATE_PAUSED);
  g_assert_true (wait_for (f, callee_reconnecting, 6000));
  f->frames_a = f->frames_b = 0;
  if (!wait_for (f, frames_resumed, 20000))
    g_error ("no resumption: frames %u/%u, states %s/%s", f->frames_a, f->frames_b,
             hz_call_state_to_string (hz_call_get_state (f->caller)),
             hz_call_state_to_string (hz_call_get_state (f->callee)));
  g_assert_true (hz_call_get_pipeline (f->caller) != (gpointer) old);
  hz_call_hangup (f->caller);
  g_assert_true (wait_for (f, callee_ended, 5000));
  g_assert_cmpint (hz_call_get_end_reason (f->callee), ==, HZ_CALL_END_HANGUP_REMOTE);
}

typedef struct {
  GSubprocess      *process;
  GDataInputStream *out;
  GPtrArray        *lines;
  gboolean          eof;
} PeerProc;

static void
peer_line_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  PeerProc *p = user_data;
  char *line = g_data_input_stream_read_line_finish_utf8 (p->out, result, NULL, NULL);

  if (line == NULL)
    {
      p->eof = TRUE;
      return;
    }
  g_ptr_array_add (p->lines, line);
  g_data_input_stream_read_line_async (p->out, G_PRIORITY_DEFAULT, NULL, peer_line_cb, p);
}

static PeerProc *
spawn_peer (Fixture    *f,
            const char *user,
            const char *role)
{
  g_autoptr(GError) error = NULL;
  PeerProc *p = g_new0 (PeerProc, 1);
  const char *binary = g_getenv ("HZ_CALL_PEER");

  g_assert_nonnull (binary);
  p->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, binary,
                                 "--hub", f->hub->url, "--user", user, "--consult", f->consult,
                                 "--role", role, "--calls", "1", "--duration-ms", "1500",
                                 "--width", "320", "--height", "240", "--fps", "15",
                                 "--loopback", "--stats", NULL);
  g_assert_no_error (error);
  p->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (p->process));
  p->lines = g_ptr_array_new_with_free_func (g_free);
  g_data_input_stream_read_line_async (p->out, G_PRIORITY_DEFAULT, NULL, peer_line_cb, p);
  return p;
}

static gboolean
peer_said (PeerProc   *p,
           const char *fragment)
{
  for (guint i = 0; i < p->lines->len; i++)
    if (strstr (g_ptr_array_index (p->lines, i), fragment))
      return TRUE;
  return FALSE;
}

static PeerProc *watched_a, *watched_b;

static gboolean
peers_done (Fixture *f)
{
  return watched_a->eof && watched_b->eof;
}

static gboolean
callee_peer_ready (Fixture *f)
{
  return peer_said (watched_b, "\"event\":\"ready\"") || watched_b->eof;
}

static void
peer_free (PeerProc *p)
{
  g_subprocess_wait (p->process, NULL, NULL);
  g_object_unref (p->out);
  g_object_unref (p->process);
  g_ptr_array_unref (p->lines);
  g_free (p);
}

/* hz-call-peer, as the benchmark and the netsim tests run it: one process
 * per side, JSON lines out. */
static void
test_peer_processes (Fixture       *f,
                     gconstpointer  data)
{
  f->deaf = TRUE;   /* the fixture's own connections stay out of it */
  watched_b = spawn_peer (f, "dr.chen", "callee");
  g_assert_true (wait_for (f, callee_peer_ready, 20000));
  watched_a = spawn_peer (f, "dr.zhou", "caller");
  g_assert_true (wait_for (f, peers_done, 60000));
  for (guint k = 0; k < 2; k++)
    {
      PeerProc *p = k ? watched_b : watched_a;

      g_assert_true (peer_said (p, "\"event\":\"first-frame\""));
      g_assert_true (peer_said (p, "\"state\":\"connected\""));
      g_assert_true (peer_said (p, "\"event\":\"stats\""));
      g_assert_true (peer_said (p, "\"event\":\"exit\",\"calls\":1"));
    }
  g_assert_true (peer_said (watched_a, "\"reason\":\"hangup-local\""));
  g_assert_true (peer_said (watched_b, "\"reason\":\"hangup-remote\""));
  g_assert_true (peer_said (watched_b, "\"event\":\"accept\""));
  g_clear_pointer (&watched_a, peer_free);
  g_clear_pointer (&watched_b, peer_free);
}

static void
skip_no_coturn (Fixture       *f,
                gconstpointer  data)
{
  g_test_skip ("turnserver (coturn) is not installed");
}

static void
test_peer_vanishes (Fixture       *f,
                    gconstpointer  data)
{
  connect_call (f);
  /* the callee's machine stops dead: no hang-up, no more packets */
  gst_element_set_state (hz_call_get_pipeline (f->callee), GST_STATE_NULL);
  g_assert_true (wait_for (f, caller_ended, 10000));
  g_assert_cmpint (hz_call_get_end_reason (f->caller), ==, HZ_CALL_END_PEER_VANISHED);
  g_assert_null (hz_call_get_pipeline (f->caller));
}

static void
test_relay_only (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *log = NULL;

  /* both sides may use only relayed candidates from the hub's TURN */
  f->caller_ice = turn_servers_for (f, f->zhou);
  f->callee_ice = turn_servers_for (f, f->chen);
  g_assert_cmpuint (g_strv_length (f->caller_ice), ==, 1);
  g_assert_true (g_str_has_prefix (f->caller_ice[0], "turn://"));
  g_assert_nonnull (strstr (f->caller_ice[0], "%3Adr.zhou:"));   /* EXPIRY:user, escaped */
  f->options.relay_only = TRUE;
  f->options.ice_servers = (const char * const *) f->caller_ice;
  f->callee_options = f->options;
  f->callee_options.ice_servers = (const char * const *) f->callee_ice;

  connect_call (f);
  hz_call_hangup (f->caller);
  g_assert_true (wait_for (f, callee_ended, 5000));
  log = hz_coturn_get_log (f->coturn);
  g_assert_nonnull (strstr (log, "ALLOCATE processed, success"));
  g_assert_nonnull (strstr (log, "dr.zhou"));
  g_assert_nonnull (strstr (log, "dr.chen"));
}

static void
test_relay_only_without_turn (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* relay only and no TURN server: no candidate at all, so no media; the
   * call gives up with a reason instead of waiting for ever */
  f->options.relay_only = TRUE;
  f->options.connect_timeout_ms = 3000;
  f->caller = hz_call_new_outgoing (HZ_CALL_SIGNALING (f->sig_a), f->consult, &f->options);
  hz_call_start (f->caller, &error);
  g_assert_no_error (error);
  g_assert_true (wait_for (f, has_callee, 5000));
  hz_call_accept (f->callee, &error);
  g_assert_no_error (error);
  g_assert_true (wait_for (f, both_ended, 10000));
  g_assert_cmpint (hz_call_get_end_reason (f->callee), ==, HZ_CALL_END_PEER_VANISHED);
  g_assert_cmpuint (f->frames_a, ==, 0);
}

/* GStreamer 1.22.0's rtpsession sometimes modifies its source table while
 * a walk over it is under way (seen 3 times in about 15 sanitizer runs
 * from the "rtpsession-rtcp" thread, and once on a loaded machine from
 * another GStreamer thread, with and without our once-a-second statistics
 * reads). It is a library race, not ours: nothing in app/call or in this
 * test walks a GHashTable. Do not let this one critical abort the run;
 * every other warning and critical still does. g_test_log_set_fatal_handler
 * could not spare it (GLib aborts on the structured path before asking; it
 * aborted 2 of 3 sanitizer runs on a loaded machine), so warnings are made
 * fatal here, in the log writer. */
static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  GLogWriterOutput out;

  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0 && fields[i].value &&
        strstr (fields[i].value, "g_hash_table_foreach: assertion 'version == hash_table->version' failed"))
      {
        g_test_message ("tolerated (GStreamer 1.22 rtpsession): %s", (const char *) fields[i].value);
        return G_LOG_WRITER_HANDLED;
      }
  out = g_log_writer_default (log_level, fields, n_fields, user_data);
  if (log_level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    G_BREAKPOINT ();
  return out;
}

int
main (int argc, char **argv)
{
  g_autofree char *turnserver = g_find_program_in_path ("turnserver");

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_log_set_writer_func (log_writer, NULL, NULL);
  hz_call_prewarm ();

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/call/media-and-data", test_media_and_data);
  ADD ("/call/hangup-by-callee", test_hangup_by_callee);
  ADD ("/call/reject", test_reject);
  ADD ("/call/busy", test_busy);
  ADD ("/call/caller-gives-up", test_caller_gives_up);
  ADD ("/call/no-answer", test_no_answer);
  ADD ("/call/bad-input/malformed-sdp", test_malformed_sdp);
  ADD ("/call/bad-input/not-sdp", test_not_sdp);
  ADD ("/call/bad-input/stray-messages", test_stray_messages);
  ADD ("/call/peer-vanishes", test_peer_vanishes);
  ADD ("/call/transport-restart", test_transport_restart);
  ADD ("/call/peer-processes", test_peer_processes);
  ADD ("/call/relay-only/no-turn", test_relay_only_without_turn);
  if (turnserver != NULL)
    g_test_add ("/call/relay-only/coturn", Fixture, "coturn", fixture_setup, test_relay_only, fixture_teardown);
  else
    g_test_add ("/call/relay-only/coturn", Fixture, NULL, NULL, skip_no_coturn, NULL);
  return g_test_run ();
}
