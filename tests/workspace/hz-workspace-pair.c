/* hz-workspace-pair.c: two doctors, one hub, one call, two workspaces. */
#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "hz-call-client-signaling.h"
#include "hz-dicom-dataset.h"
#include "hz-test-utils.h"
#include "hz-widget-test.h"
#include "hz-workspace-pair.h"

#define TAG_SERIES_UID HZ_DICOM_TAG (0x0020, 0x000e)

typedef struct {
  GObject  *source;
  GAsyncResult *result;
} Pending;

static void
pending_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Pending *p = user_data;

  p->result = g_object_ref (result);
}

static gboolean
pending_done (gpointer data)
{
  return ((Pending *) data)->result != NULL;
}

gboolean
hz_workspace_pair_wait (gboolean (*done) (gpointer data),
                        gpointer   data)
{
  return hz_widget_test_wait (done, data);
}

void
hz_workspace_pair_sign_in (HzHub         *hub,
                           const char    *dir,
                           const char    *user,
                           const char    *log_path,
                           HzHubClient  **client,
                           HzConsultLog **log)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *default_log = g_strdup_printf ("%s/%s.db", dir, user);
  g_autofree char *cache = g_strdup_printf ("%s/%s-cache", dir, user);
  g_autoptr(JsonObject) me = NULL;
  Pending p = { 0 };

  *client = hz_hub_client_new (hub->url, cache, &error);
  g_assert_no_error (error);
  *log = hz_consult_log_open (log_path ? log_path : default_log, &error);
  g_assert_no_error (error);
  hz_hub_client_set_consult_log (*client, *log);
  hz_hub_client_login_async (*client, user, "huizhen-demo", NULL, pending_cb, &p);
  g_assert_true (hz_widget_test_wait (pending_done, &p));
  me = hz_hub_client_login_finish (*client, p.result, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&p.result);
}

static void
sign_in (HzPairSide *side,
         HzHub      *hub,
         const char *dir,
         const char *user)
{
  hz_workspace_pair_sign_in (hub, dir, user, NULL, &side->client, &side->log);
  hz_hub_client_connect (side->client);
}

static gboolean
online (gpointer data)
{
  return hz_hub_client_get_online (HZ_HUB_CLIENT (data));
}

static void
on_invite (HzCallSignaling *signaling,
           const char      *consult,
           JsonObject      *message,
           gpointer         user_data)
{
  HzPairSide *side = user_data;
  g_autoptr(GError) error = NULL;
  HzCallOptions options = { 0 };

  if (!hz_call_is_invite (message) || side->call != NULL)
    return;
  options.video_source = "test:ball";
  options.audio_source = "test";
  options.width = 320;
  options.height = 240;
  options.fps = 15;
  options.loopback = TRUE;
  side->call = hz_call_new_incoming (signaling, consult, message, &options);
  /* As the shell does: the workspace opens with the call, before it is
   * accepted, so that the whole call is traced. */
  side->workspace = hz_workspace_new (side->client, side->consult, HZ_WORKSPACE_ROLE_SPECIALIST,
                                      side->log, side->call);
  g_object_ref_sink (side->workspace);
  g_assert_true (hz_call_accept (side->call, &error));
  g_assert_no_error (error);
}

static gboolean
both_connected (gpointer data)
{
  HzWorkspacePair *pair = data;

  return pair->zhou.call != NULL && pair->chen.call != NULL &&
         hz_call_get_state (pair->zhou.call) == HZ_CALL_STATE_CONNECTED &&
         hz_call_get_state (pair->chen.call) == HZ_CALL_STATE_CONNECTED;
}

HzImageStack *
hz_workspace_pair_load_series (const char *case_dir)
{
  g_autofree char *dir_path = hz_widget_test_data_path (case_dir);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) datasets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *uid = NULL;
  g_autoptr(GError) error = NULL;
  HzImageStack *stack;
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      HzDicomDataset *dataset;

      if (!g_str_has_suffix (name, ".dcm"))
        continue;
      dataset = hz_dicom_dataset_new_from_file (path, &error);
      g_assert_no_error (error);
      if (uid == NULL)
        uid = hz_dicom_dataset_get_string (dataset, TAG_SERIES_UID);
      g_ptr_array_add (datasets, dataset);
    }
  stack = hz_image_stack_new (uid, datasets, &error);
  g_assert_no_error (error);
  return stack;
}

static char *
new_request (void)
{
  g_autofree char *path = hz_widget_test_data_path ("fhir/wang-jianguo.json");
  g_autofree char *bundle = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &bundle, NULL, &error));
  return g_strdup_printf ("{\"patient\":{\"id\":\"QS-000731\",\"name\":\"王建国\",\"name_latin\":\"WANG Jianguo\","
                          "\"sex\":\"male\",\"age\":62},"
                          "\"reason\":\"劳力性胸痛 3 天，CT 见右肺结节\",\"question\":\"是否需要转诊？\","
                          "\"urgency\":\"urgent\",\"mode\":\"live\","
                          "\"target\":{\"specialist\":\"dr.chen\"},"
                          "\"consent\":{\"by\":\"patient\",\"method\":\"written\"},"
                          "\"bundle\":%s}", bundle);
}

static JsonObject *
object_of (JsonNode *node)
{
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static void
add_ct (HzPairSide *side)
{
  g_autoptr(HzImageStack) ct = hz_workspace_pair_load_series ("dicom/wang-jianguo");

  hz_workspace_add_series (HZ_WORKSPACE (side->workspace), ct, "CT 胸部", "CT");
}

HzWorkspacePair *
hz_workspace_pair_new (int      width,
                       int      height,
                       gboolean local_ct_for_specialist)
{
  HzWorkspacePair *pair = g_new0 (HzWorkspacePair, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *request = new_request ();
  g_autofree char *accept_path = NULL;
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) accepted = NULL;
  HzCallOptions options = { 0 };
  guint status = 0;

  g_assert_true (hz_call_check_plugins (&error));
  g_assert_no_error (error);
  /* Two real calls run in this process. */
  hz_test_tolerate_gstreamer_criticals ();
  pair->dir = g_dir_make_tmp ("hz-workspace-XXXXXX", &error);
  g_assert_no_error (error);
  pair->hub = hz_hub_start ("", NULL);
  sign_in (&pair->zhou, pair->hub, pair->dir, "dr.zhou");
  sign_in (&pair->chen, pair->hub, pair->dir, "dr.chen");

  created = hz_hub_call (pair->hub, hz_hub_client_get_token (pair->zhou.client),
                         "POST", "consults", request, &status);
  g_assert_cmpuint (status, ==, 201);
  pair->consult_id = g_strdup (hz_json_str (created, "id"));
  accept_path = g_strdup_printf ("consults/%s/actions/accept", pair->consult_id);
  accepted = hz_hub_call (pair->hub, hz_hub_client_get_token (pair->chen.client),
                          "POST", accept_path, "{}", &status);
  g_assert_cmpuint (status, ==, 200);
  pair->zhou.consult = object_of (accepted);
  pair->chen.consult = object_of (accepted);

  g_assert_true (hz_widget_test_wait (online, pair->zhou.client));
  g_assert_true (hz_widget_test_wait (online, pair->chen.client));

  /* The call, as the shell will make it: signaling through the clients. */
  pair->zhou.signaling = HZ_CALL_SIGNALING (hz_call_client_signaling_new (pair->zhou.client));
  pair->chen.signaling = HZ_CALL_SIGNALING (hz_call_client_signaling_new (pair->chen.client));
  g_signal_connect (pair->chen.signaling, "message-received", G_CALLBACK (on_invite), &pair->chen);
  options.video_source = "test:ball";
  options.audio_source = "test";
  options.width = 320;
  options.height = 240;
  options.fps = 15;
  options.loopback = TRUE;
  pair->zhou.call = hz_call_new_outgoing (pair->zhou.signaling, pair->consult_id, &options);

  pair->zhou.workspace = hz_workspace_new (pair->zhou.client, pair->zhou.consult,
                                           HZ_WORKSPACE_ROLE_REQUESTER, pair->zhou.log, pair->zhou.call);
  g_object_ref_sink (pair->zhou.workspace);
  g_assert_true (hz_call_start (pair->zhou.call, &error));
  g_assert_no_error (error);
  g_assert_true (hz_widget_test_wait (both_connected, pair));

  add_ct (&pair->zhou);
  if (local_ct_for_specialist)
    add_ct (&pair->chen);
  pair->zhou.window = hz_widget_test_show (pair->zhou.workspace, width, height);
  pair->chen.window = hz_widget_test_show (pair->chen.workspace, width, height);
  return pair;
}

static void
side_clear (HzPairSide *side)
{
  if (side->window != NULL)
    gtk_window_destroy (side->window);
  g_clear_object (&side->workspace);
  if (side->call != NULL)
    hz_call_hangup (side->call);
  if (side->signaling != NULL)
    g_signal_handlers_disconnect_matched (side->signaling, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, side);
  g_clear_object (&side->call);
  g_clear_object (&side->signaling);
  g_clear_pointer (&side->consult, json_object_unref);
  if (side->client != NULL)
    hz_hub_client_disconnect (side->client);
  g_clear_object (&side->client);
  g_clear_object (&side->log);
}

static gboolean
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return g_unlink (path) == 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      rm_rf (child);
    }
  return g_rmdir (path) == 0;
}

void
hz_workspace_pair_free (HzWorkspacePair *pair)
{
  side_clear (&pair->zhou);
  side_clear (&pair->chen);
  hz_widget_test_iterate (50);
  hz_hub_free (pair->hub);
  rm_rf (pair->dir);
  g_free (pair->dir);
  g_free (pair->consult_id);
  g_free (pair);
}
