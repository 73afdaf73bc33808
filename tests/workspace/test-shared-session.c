/* test-shared-session.c: HzSharedSession's follower side fed message by
 * message (no call needed), and a tampered opinion refused and flagged by
 * the requester's workspace. Under Xvfb: the viewer is a real widget. */
#include "config.h"


#include "hz-signing-key.h"
#include "hz-widget-test.h"
#include "hz-workspace.h"
#include "hz-workspace-pair.h"

#define CT_SERIES "1.2.826.0.1.3680043.10.1078.3.2"

static char *
view_message (guint64     seq,
              guint       slice,
              const char *resource,
              const char *id)
{
  g_autoptr(HzSharedMessage) m = hz_shared_message_new (HZ_SHARED_MESSAGE_VIEW);

  m->seq = seq;
  m->view = hz_shared_view_state_new ();
  if (g_strcmp0 (resource, "series") == 0)
    {
      m->view->resource = HZ_SHARED_RESOURCE_SERIES;
      m->view->slice = slice;
      m->view->has_window = TRUE;
      m->view->window_centre = -600;
      m->view->window_width = 1500;
      m->view->zoom = 2.0;
    }
  else
    m->view->resource = HZ_SHARED_RESOURCE_RECORD_SECTION;
  m->view->resource_id = g_strdup (id);
  return hz_shared_message_serialize (m, NULL);
}

static char *
control_message (guint64         seq,
                 HzSharedControl control)
{
  g_autoptr(HzSharedMessage) m = hz_shared_message_new (HZ_SHARED_MESSAGE_CONTROL);

  m->seq = seq;
  m->control = control;
  return hz_shared_message_serialize (m, NULL);
}

static void
feed (HzSharedSession *session,
      char            *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *owned = text;

  g_assert_true (hz_shared_session_receive (session, owned, &error));
  g_assert_no_error (error);
}

static HzImageStack *
lookup (const char *series_uid,
        const char *study_uid,
        gpointer    user_data)
{
  HzImageStack *stack = user_data;

  return g_strcmp0 (series_uid, hz_image_stack_get_series_uid (stack)) == 0 ? stack : NULL;
}

static void
count_applied (HzSharedSession *session,
               int              type,
               guint64          seq,
               guint           *n)
{
  (*n)++;
}

static void
test_follower (void)
{
  g_autoptr(HzSharedSession) session = hz_shared_session_new ("dr.chen");
  g_autoptr(HzImageStack) ct = hz_workspace_pair_load_series ("dicom/wang-jianguo");
  GtkWidget *view = hz_image_view_new ();
  g_autoptr(GError) error = NULL;
  GtkWindow *window;
  guint applied = 0;

  g_object_ref_sink (view);
  window = hz_widget_test_show (view, 320, 300);
  hz_shared_session_set_image_view (session, HZ_IMAGE_VIEW (view));
  hz_shared_session_set_series_lookup (session, lookup, ct);
  g_signal_connect (session, "view-applied", G_CALLBACK (count_applied), &applied);

  /* A view before anyone presents is kept, not shown. */
  feed (session, view_message (1, 5, "series", CT_SERIES));
  g_assert_null (hz_image_view_get_stack (HZ_IMAGE_VIEW (view)));
  g_assert_cmpuint (applied, ==, 0);
  /* The peer presents: the series opens at that slice and window. */
  feed (session, control_message (2, HZ_SHARED_CONTROL_PRESENT));
  g_assert_true (hz_shared_session_get_peer_presenting (session));
  hz_shared_session_reapply (session);
  g_assert_true (hz_image_view_get_stack (HZ_IMAGE_VIEW (view)) == ct);
  g_assert_cmpuint (hz_image_view_get_slice (HZ_IMAGE_VIEW (view)), ==, 5);
  g_assert_cmpfloat (hz_image_view_get_zoom (HZ_IMAGE_VIEW (view)), ==, 2.0);
  g_assert_cmpuint (applied, ==, 1);

  /* Newer wins; an older one arriving late is dropped. */
  feed (session, view_message (10, 12, "series", CT_SERIES));
  feed (session, view_message (9, 3, "series", CT_SERIES));
  g_assert_cmpuint (hz_image_view_get_slice (HZ_IMAGE_VIEW (view)), ==, 12);

  /* Leaving follow: the presenter's views wait; rejoining shows the newest. */
  hz_shared_session_set_following (session, FALSE);
  feed (session, view_message (11, 20, "series", CT_SERIES));
  feed (session, view_message (12, 21, "series", CT_SERIES));
  g_assert_cmpuint (hz_image_view_get_slice (HZ_IMAGE_VIEW (view)), ==, 12);
  hz_shared_session_set_following (session, TRUE);
  g_assert_cmpuint (hz_image_view_get_slice (HZ_IMAGE_VIEW (view)), ==, 21);

  /* A series this side does not have: kept, the viewer untouched. */
  feed (session, view_message (13, 2, "series", "1.2.3.4"));
  g_assert_cmpuint (hz_image_view_get_slice (HZ_IMAGE_VIEW (view)), ==, 21);

  /* The presenter stops: nothing more is applied. */
  feed (session, control_message (14, HZ_SHARED_CONTROL_STOP_PRESENTING));
  g_assert_false (hz_shared_session_get_peer_presenting (session));
  applied = 0;
  feed (session, view_message (15, 30, "series", CT_SERIES));
  g_assert_cmpuint (applied, ==, 0);

  /* Bad input is refused whole and changes nothing. */
  g_assert_false (hz_shared_session_receive (session, "{\"v\":99,\"type\":\"view\"}", &error));
  g_assert_error (error, HZ_SHARED_VIEW_ERROR, HZ_SHARED_VIEW_ERROR_VERSION);
  g_clear_error (&error);
  g_assert_false (hz_shared_session_receive (session, "not json", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* Without a call nothing can be sent, and it says so. */
  g_assert_false (hz_shared_session_send_chat (session, "hello", &error));
  g_assert_error (error, HZ_CALL_ERROR, HZ_CALL_ERROR_NOT_OPEN);

  hz_shared_session_set_image_view (session, NULL);
  gtk_window_destroy (window);
  g_assert_finalize_object (view);
}

/* The requester's workspace given a consult whose opinion was changed
 * after signing: refused, flagged on screen, not kept. */
static void
test_tampered_opinion (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzSigningKey) key = hz_signing_key_generate (&error);
  g_autoptr(HzOpinion) opinion = NULL;
  g_autoptr(HzSignedOpinion) signed_opinion = NULL;
  g_autoptr(HzHubClient) client = hz_hub_client_new ("http://127.0.0.1:9/", NULL, &error);
  g_autoptr(JsonObject) consult = json_object_new ();
  g_autoptr(JsonObject) author_key = json_object_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *public_key = hz_signing_key_dup_public_key_base64 (key);
  JsonNode *content;
  GtkWidget *good, *bad;

  g_assert_no_error (error);
  opinion = hz_opinion_new_from_json ("{\"findings\":\"右肺上叶结节 8 mm。\","
                                      "\"referral\":{\"decision\":\"treat_locally\"}}", -1, &error);
  g_assert_no_error (error);
  signed_opinion = hz_signed_opinion_sign (opinion, "HZ-1", "dr.chen", key, now, &error);
  g_assert_no_error (error);
  json_object_set_string_member (consult, "id", "HZ-1");
  json_object_set_string_member (consult, "opinion_author", "dr.chen");
  json_object_set_string_member (consult, "opinion_hash", hz_signed_opinion_get_hash (signed_opinion));
  json_object_set_member (consult, "opinion", hz_signed_opinion_content_to_node (signed_opinion));
  json_object_set_member (consult, "signature", hz_signed_opinion_signature_to_node (signed_opinion));
  json_object_set_string_member (author_key, "alg", "ed25519");
  json_object_set_string_member (author_key, "public_key", public_key);
  json_object_set_object_member (consult, "author_key", json_object_ref (author_key));

  /* As signed: accepted. */
  good = g_object_ref_sink (hz_workspace_new (client, consult, HZ_WORKSPACE_ROLE_REQUESTER, NULL, NULL));
  g_assert_nonnull (hz_workspace_get_opinion (HZ_WORKSPACE (good)));
  g_assert_cmpstr (hz_signed_opinion_get_hash (hz_workspace_get_opinion (HZ_WORKSPACE (good))), ==,
                   hz_signed_opinion_get_hash (signed_opinion));

  /* The text changed on the way: refused. */
  content = json_object_get_member (consult, "opinion");
  json_object_set_string_member (json_node_get_object (content), "findings", "未见异常。");
  bad = g_object_ref_sink (hz_workspace_new (client, consult, HZ_WORKSPACE_ROLE_REQUESTER, NULL, NULL));
  g_assert_null (hz_workspace_get_opinion (HZ_WORKSPACE (bad)));
  g_assert_false (hz_workspace_export_report (HZ_WORKSPACE (bad), "/nonexistent/report.pdf", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  hz_widget_test_iterate (50);
  g_object_unref (good);
  g_object_unref (bad);
  hz_widget_test_iterate (50);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  hz_widget_test_init (&argc, &argv, "en");
  g_test_add_func ("/workspace/shared-session/follower", test_follower);
  g_test_add_func ("/workspace/opinion/tampered", test_tampered_opinion);
  ret = g_test_run ();
  /* Let deferred frees run before LeakSanitizer looks. pango's, cairo's
   * and fontconfig's caches stay: LeakSanitizer counts them as reachable,
   * and cairo_debug_reset_static_data() asserted now and then at exit
   * under load, on a font the renderer still held. */
  hz_widget_test_iterate (50);
  return ret;
}
