/* hz-sharedview-peer.c: one doctor's whole workspace in a process of its
 * own, for the shared-view benchmark over the impaired link: signs in to
 * the hub with the real hub client, makes or takes the consult's call,
 * shows an HzWorkspace (GTK, under the X server in DISPLAY) with the
 * fixture CT, and reports on stdout as JSON lines (times are
 * CLOCK_MONOTONIC microseconds, comparable across processes and network
 * namespaces on one machine).
 *
 * The caller (dr.zhou, the requester) presents: it reads commands from
 * the FIFO named by --commands ("slice N", "window N", "pointer N",
 * "ping N") and makes the change through the viewer's own actions and
 * signals, printing when and with which shared-view sequence number. The
 * callee (dr.chen) follows: it prints when its shared session applied each
 * message to its viewer and when the next frame after it was painted, and
 * answers pings on the data channel. The command line is the one
 * hz-netcall gives every peer (--hub --user --consult --role), so
 * tests/call/hz-netcall.c starts these in namespaces A and B. */
#include "config.h"

#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <stdio.h>
#include <string.h>

#include "hz-call-client-signaling.h"
#include "hz-test-utils.h"
#include "hz-widget-test.h"
#include "hz-workspace-pair.h"

#define PING_PREFIX "{\"hz-bench\":\"ping\""
#define PONG_PREFIX "{\"hz-bench\":\"pong\""

static char *opt_hub, *opt_user, *opt_consult, *opt_role, *opt_commands;
static int opt_width = 1280, opt_height = 800;

static const GOptionEntry entries[] = {
  { "hub", 0, 0, G_OPTION_ARG_STRING, &opt_hub, "hub URL", "URL" },
  { "user", 0, 0, G_OPTION_ARG_STRING, &opt_user, "account (demo password)", "NAME" },
  { "consult", 0, 0, G_OPTION_ARG_STRING, &opt_consult, "consult id", "ID" },
  { "role", 0, 0, G_OPTION_ARG_STRING, &opt_role, "caller (presents) or callee (follows)", "ROLE" },
  { "commands", 0, 0, G_OPTION_ARG_FILENAME, &opt_commands, "FIFO the presenter reads commands from", "PATH" },
  { "width", 0, 0, G_OPTION_ARG_INT, &opt_width, "window width", "W" },
  { "height", 0, 0, G_OPTION_ARG_INT, &opt_height, "window height", "H" },
  { NULL }
};

typedef struct {
  HzHubClient     *client;
  HzConsultLog    *log;
  HzCallSignaling *signaling;
  HzCall          *call;
  JsonObject      *consult;
  GtkWidget       *workspace;
  GtkWindow       *window;
  char            *dir;
  gboolean         presenter;
  gboolean         quit;
  /* follower: the shared-view messages applied since the last paint */
  GArray          *unpainted;   /* guint64 seq */
  gint64           frame_us;    /* before-paint of the frame that will show them */
  /* presenter: the commands */
  GDataInputStream *commands;
} Peer;

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
have_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

/* Iterates until @done or @seconds; no 20 s limit, as ICE and the first
 * DTLS handshake through a 384 kbit/s lossy link can take longer. */
static gboolean
wait_for (gboolean (*done) (gpointer data),
          gpointer   data,
          guint      seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (!done (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, TRUE);
    }
  return TRUE;
}

static gboolean
online (gpointer data)
{
  return hz_hub_client_get_online (((Peer *) data)->client);
}

static gboolean
connected (gpointer data)
{
  Peer *peer = data;

  return peer->call != NULL && hz_call_get_state (peer->call) == HZ_CALL_STATE_CONNECTED;
}

static void
sign_in (Peer *peer)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *log_path = g_build_filename (peer->dir, "log.db", NULL);
  g_autofree char *cache = g_build_filename (peer->dir, "cache", NULL);
  g_autoptr(JsonObject) me = NULL;
  GAsyncResult *result = NULL;

  peer->client = hz_hub_client_new (opt_hub, cache, &error);
  g_assert_no_error (error);
  peer->log = hz_consult_log_open (log_path, &error);
  g_assert_no_error (error);
  hz_hub_client_set_consult_log (peer->client, peer->log);
  hz_hub_client_login_async (peer->client, opt_user, "huizhen-demo", NULL, result_cb, &result);
  if (!wait_for (have_result, &result, 60))
    g_error ("%s: no answer to the sign-in", opt_user);
  me = hz_hub_client_login_finish (peer->client, result, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  hz_hub_client_connect (peer->client);
  if (!wait_for (online, peer, 60))
    g_error ("%s: the hub's WebSocket never opened", opt_user);

  hz_hub_client_get_consult_async (peer->client, opt_consult, NULL, result_cb, &result);
  if (!wait_for (have_result, &result, 60))
    g_error ("%s: no answer for the consult", opt_user);
  peer->consult = hz_hub_client_get_consult_finish (peer->client, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
}

static void
call_options (HzCallOptions *options)
{
  /* As tests/workspace: a small test picture, so that the video shares
   * the link (as it does in a real consult) without filling it. */
  options->video_source = "test:ball";
  options->audio_source = "test";
  options->width = 320;
  options->height = 240;
  options->fps = 15;
  /* In the namespaces libnice gathers netsim0's address itself. */
  options->loopback = FALSE;
}

static void
on_invite (HzCallSignaling *signaling,
           const char      *consult,
           JsonObject      *message,
           Peer            *peer)
{
  g_autoptr(GError) error = NULL;
  HzCallOptions options = { 0 };

  if (!hz_call_is_invite (message) || peer->call != NULL)
    return;
  call_options (&options);
  peer->call = hz_call_new_incoming (signaling, consult, message, &options);
  /* As the shell does: the workspace opens with the call. */
  peer->workspace = hz_workspace_new (peer->client, peer->consult, HZ_WORKSPACE_ROLE_SPECIALIST,
                                      peer->log, peer->call);
  g_object_ref_sink (peer->workspace);
  if (!hz_call_accept (peer->call, &error))
    g_error ("accept: %s", error->message);
}

/* ---- the data-channel ping ---- */

static void
on_data (HzCall     *call,
         const char *text,
         Peer       *peer)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_monotonic_time ();

  if (g_str_has_prefix (text, PING_PREFIX))
    {
      /* The same bytes back, tagged as the answer. */
      g_autofree char *pong = g_strconcat (PONG_PREFIX, text + strlen (PING_PREFIX), NULL);

      if (!hz_call_send_data (call, pong, &error))
        hz_test_emit_line ("{\"event\":\"error\",\"what\":\"pong not sent\"}");
    }
  else if (g_str_has_prefix (text, PONG_PREFIX))
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *o;

      if (!json_parser_load_from_data (parser, text, -1, NULL) ||
          json_parser_get_root (parser) == NULL ||  /* an empty line */
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        return;
      o = json_node_get_object (json_parser_get_root (parser));
      hz_test_emit_line ("{\"event\":\"pong\",\"i\":%" G_GINT64_FORMAT ",\"sent_us\":%" G_GINT64_FORMAT
                 ",\"t_us\":%" G_GINT64_FORMAT "}",
                 json_object_get_int_member_with_default (o, "i", -1),
                 json_object_get_int_member_with_default (o, "t_us", 0), now);
    }
}

/* ---- follower ---- */

static void
on_applied (HzSharedSession *session,
            int              type,
            guint64          seq,
            Peer            *peer)
{
  HzImageView *view = hz_workspace_get_image_view (HZ_WORKSPACE (peer->workspace));
  gint64 now = g_get_monotonic_time ();

  hz_test_emit_line ("{\"event\":\"applied\",\"type\":%d,\"seq\":%" G_GUINT64_FORMAT ",\"t_us\":%" G_GINT64_FORMAT
             ",\"slice\":%u}", type, seq, now, hz_image_view_get_slice (view));
  g_array_append_val (peer->unpainted, seq);
  /* As bench-sharedview: make sure a frame comes even if the state
   * applied drew nothing new. */
  gtk_widget_queue_draw (GTK_WIDGET (view));
}

/* Where the time between applied and painted goes: waiting for the frame
 * clock to start a frame (before-paint), then the frame itself (update,
 * layout when asked for, rendering and the buffer swap, which GTK does in
 * its paint phase handler, before after-paint). */
static void
before_paint_cb (GdkFrameClock *clock,
                 Peer          *peer)
{
  if (peer->unpainted->len > 0 && peer->frame_us == 0)
    peer->frame_us = g_get_monotonic_time ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                Peer          *peer)
{
  gint64 now = g_get_monotonic_time ();
  gint64 refresh = 0, presentation = 0;

  if (peer->unpainted->len == 0)
    return;
  gdk_frame_clock_get_refresh_info (clock, gdk_frame_clock_get_frame_time (clock), &refresh, &presentation);
  for (guint i = 0; i < peer->unpainted->len; i++)
    hz_test_emit_line ("{\"event\":\"painted\",\"seq\":%" G_GUINT64_FORMAT ",\"t_us\":%" G_GINT64_FORMAT
               ",\"frame_us\":%" G_GINT64_FORMAT
               ",\"refresh_us\":%" G_GINT64_FORMAT "}",
               g_array_index (peer->unpainted, guint64, i), now,
               peer->frame_us ? peer->frame_us : now, refresh);
  g_array_set_size (peer->unpainted, 0);
  peer->frame_us = 0;
}

/* ---- presenter ---- */

static void read_command (Peer *peer);

static void
do_command (Peer       *peer,
            const char *line)
{
  HzWorkspace *ws = HZ_WORKSPACE (peer->workspace);
  HzImageView *view = hz_workspace_get_image_view (ws);
  HzSharedSession *session = hz_workspace_get_shared_session (ws);
  char kind[16] = "";
  guint i = 0;
  guint64 before, after;
  gint64 t0;

  if (sscanf (line, "%15s %u", kind, &i) < 1)
    return;
  if (g_str_equal (kind, "quit"))
    {
      peer->quit = TRUE;
      return;
    }
  if (g_str_equal (kind, "ping"))
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *ping = NULL;

      t0 = g_get_monotonic_time ();
      ping = g_strdup_printf (PING_PREFIX ",\"i\":%u,\"t_us\":%" G_GINT64_FORMAT "}", i, t0);
      if (!hz_call_send_data (peer->call, ping, &error))
        hz_test_emit_line ("{\"event\":\"error\",\"what\":\"ping not sent\",\"i\":%u}", i);
      return;
    }

  before = hz_shared_session_get_n_sent (session);
  t0 = g_get_monotonic_time ();
  if (g_str_equal (kind, "slice"))
    gtk_widget_activate_action (GTK_WIDGET (view), i % 2 ? "viewer.previous-slice" : "viewer.next-slice", NULL);
  else if (g_str_equal (kind, "window"))
    gtk_widget_activate_action (GTK_WIDGET (view), "viewer.preset", "s", i % 2 ? "lung" : "mediastinum");
  else if (g_str_equal (kind, "pointer"))
    g_signal_emit_by_name (view, "pointer-moved", 100.0 + (i % 50), 120.0 + (i % 30), TRUE);
  else
    return;
  after = hz_shared_session_get_n_sent (session);
  /* The session numbers every message it sends from 1, so after one
   * message the count is its sequence number; none sent (a pointer held
   * back by the rate limit, a change that changed nothing) is reported. */
  hz_test_emit_line ("{\"event\":\"change\",\"kind\":\"%s\",\"i\":%u,\"t_us\":%" G_GINT64_FORMAT
             ",\"seq\":%" G_GUINT64_FORMAT ",\"sent\":%" G_GUINT64_FORMAT "}",
             kind, i, t0, after, after - before);
}

static void
command_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Peer *peer = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (peer->commands, result, NULL, NULL);

  if (line == NULL)
    {
      peer->quit = TRUE;
      return;
    }
  do_command (peer, line);
  if (!peer->quit)
    read_command (peer);
}

static void
read_command (Peer *peer)
{
  g_data_input_stream_read_line_async (peer->commands, G_PRIORITY_HIGH, NULL, command_cb, peer);
}

/* ---- both ---- */

static gboolean
quit_cb (gpointer data)
{
  ((Peer *) data)->quit = TRUE;
  return G_SOURCE_CONTINUE;
}

static gboolean
quitting (gpointer data)
{
  return ((Peer *) data)->quit;
}

static void
warm_up (Peer *peer)
{
  HzImageView *view = hz_workspace_get_image_view (HZ_WORKSPACE (peer->workspace));
  guint n = hz_image_stack_get_n_slices (hz_image_view_get_stack (view));

  /* Every slice decoded and drawn once, so what is measured is the
   * shared view and the paint, not the first decode. */
  for (guint i = 0; i < n; i++)
    {
      hz_image_view_set_slice (view, i);
      gtk_widget_queue_draw (GTK_WIDGET (view));
      hz_widget_test_iterate (30);
    }
  hz_image_view_set_slice (view, n / 2);
  hz_widget_test_iterate (100);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- one workspace of the shared-view benchmark");
  g_autoptr(GError) error = NULL;
  g_autoptr(HzImageStack) ct = NULL;
  HzCallOptions options = { 0 };
  Peer peer = { 0 };
  GdkFrameClock *clock;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (!opt_hub || !opt_user || !opt_consult || !opt_role ||
      (!g_str_equal (opt_role, "caller") && !g_str_equal (opt_role, "callee")))
    g_error ("--hub, --user, --consult and --role caller|callee are needed");
  peer.presenter = g_str_equal (opt_role, "caller");
  if (peer.presenter && opt_commands == NULL)
    g_error ("the presenter needs --commands FIFO");

  hz_widget_test_init (&argc, &argv, "en");
  hz_test_tolerate_gstreamer_criticals ();
  if (!hz_call_check_plugins (&error))
    g_error ("%s", error->message);
  g_unix_signal_add (SIGTERM, quit_cb, &peer);
  g_unix_signal_add (SIGINT, quit_cb, &peer);
  peer.unpainted = g_array_new (FALSE, FALSE, sizeof (guint64));
  peer.dir = g_dir_make_tmp ("hz-sharedview-peer-XXXXXX", &error);
  g_assert_no_error (error);

  sign_in (&peer);
  hz_test_emit_line ("{\"event\":\"ready\",\"user\":\"%s\",\"t_us\":%" G_GINT64_FORMAT "}", opt_user,
             g_get_monotonic_time ());

  peer.signaling = HZ_CALL_SIGNALING (hz_call_client_signaling_new (peer.client));
  if (peer.presenter)
    {
      call_options (&options);
      peer.call = hz_call_new_outgoing (peer.signaling, opt_consult, &options);
      peer.workspace = hz_workspace_new (peer.client, peer.consult, HZ_WORKSPACE_ROLE_REQUESTER,
                                         peer.log, peer.call);
      g_object_ref_sink (peer.workspace);
      if (!hz_call_start (peer.call, &error))
        g_error ("call: %s", error->message);
    }
  else
    g_signal_connect (peer.signaling, "message-received", G_CALLBACK (on_invite), &peer);
  if (!wait_for (connected, &peer, 90))
    g_error ("%s: the call never connected", opt_user);
  g_signal_connect (peer.call, "data-received", G_CALLBACK (on_data), &peer);
  hz_test_emit_line ("{\"event\":\"connected\",\"t_us\":%" G_GINT64_FORMAT "}", g_get_monotonic_time ());

  ct = hz_workspace_pair_load_series ("dicom/wang-jianguo");
  hz_workspace_add_series (HZ_WORKSPACE (peer.workspace), ct, "CT 胸部", "CT");
  peer.window = hz_widget_test_show (peer.workspace, opt_width, opt_height);
  hz_workspace_show_page (HZ_WORKSPACE (peer.workspace), "images");
  hz_widget_test_iterate (300);
  warm_up (&peer);

  if (peer.presenter)
    {
      int fd = g_open (opt_commands, O_RDWR | O_CLOEXEC, 0);

      if (fd < 0)
        g_error ("%s: %s", opt_commands, g_strerror (errno));
      gtk_widget_activate_action (peer.workspace, "workspace.present", NULL);
      peer.commands = g_data_input_stream_new (g_unix_input_stream_new (fd, TRUE));
      g_object_unref (g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (peer.commands)));
      read_command (&peer);
    }
  else
    {
      clock = gtk_widget_get_frame_clock (GTK_WIDGET (hz_workspace_get_image_view (HZ_WORKSPACE (peer.workspace))));
      g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), &peer);
      g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &peer);
      g_signal_connect (hz_workspace_get_shared_session (HZ_WORKSPACE (peer.workspace)), "view-applied",
                        G_CALLBACK (on_applied), &peer);
    }
  hz_test_emit_line ("{\"event\":\"warm\",\"t_us\":%" G_GINT64_FORMAT ",\"renderer\":\"%s\"}", g_get_monotonic_time (),
             G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (peer.window))));

  wait_for (quitting, &peer, G_MAXUINT / G_USEC_PER_SEC);

  {
    HzCallStats stats = { 0 };

    hz_call_get_stats (peer.call, &stats);
    hz_test_emit_line ("{\"event\":\"stats\",\"rtt_ms\":%.2f}", stats.rtt_ms);
  }
  gtk_window_destroy (peer.window);
  g_clear_object (&peer.workspace);
  hz_call_hangup (peer.call);
  hz_widget_test_iterate (100);
  g_clear_object (&peer.commands);
  g_clear_object (&peer.call);
  g_clear_object (&peer.signaling);
  hz_hub_client_disconnect (peer.client);
  g_clear_object (&peer.client);
  g_clear_object (&peer.log);
  g_clear_pointer (&peer.consult, json_object_unref);
  hz_test_rmdir (peer.dir);
  g_free (peer.dir);
  g_array_unref (peer.unpainted);
  hz_test_emit_line ("{\"event\":\"exit\"}");
  return 0;
}
