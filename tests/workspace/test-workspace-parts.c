/* test-workspace-parts.c: one HzWorkspace on its own, under Xvfb, for
 * what needs no second doctor: the viewer's toolbar, the call banner,
 * and the requester's view of a signed opinion with its addenda (from a
 * consult as the hub sends it, signed here) and of a tampered one. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <fontconfig/fontconfig.h>

#include "hz-test-utils.h"
#include "hz-widget-test.h"
#include "hz-workspace-pair.h"
#include "hz-workspace-private.h"
#include "test-workspace-reopen.h"

#define CONSULT_ID "HZ-20261122-TEST01"

typedef struct {
  char         *dir;
  HzHubClient  *client;
  HzConsultLog *log;
  GtkWidget    *workspace;
  GtkWindow    *window;
} Fixture;

/* A hub nobody listens on: the record and directory fetches fail at
 * once and the workspace shows what it was given. */
static void
fixture_set_up (Fixture    *f,
                JsonObject *consult,
                HzWorkspaceRole role)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cache = NULL;
  g_autofree char *log_path = NULL;

  f->dir = g_dir_make_tmp ("hz-workspace-parts-XXXXXX", &error);
  g_assert_no_error (error);
  cache = g_build_filename (f->dir, "cache", NULL);
  log_path = g_build_filename (f->dir, "log.db", NULL);
  f->client = hz_hub_client_new ("http://127.0.0.1:9", cache, &error);
  g_assert_no_error (error);
  f->log = hz_consult_log_open (log_path, &error);
  g_assert_no_error (error);
  f->workspace = hz_workspace_new (f->client, consult, role, f->log, NULL);
  f->window = hz_widget_test_show (f->workspace, 1280, 800);
}

static void
fixture_tear_down (Fixture *f)
{
  gtk_window_destroy (f->window);
  hz_widget_test_iterate (50);
  g_clear_object (&f->client);
  g_clear_object (&f->log);
  hz_test_rmdir (f->dir);
  g_free (f->dir);
}

static JsonObject *
plain_consult (void)
{
  JsonObject *consult = json_object_new ();

  json_object_set_string_member (consult, "id", CONSULT_ID);
  json_object_set_string_member (consult, "requester", "dr.zhou");
  json_object_set_string_member (consult, "requester_institution", "qingshan-thc");
  json_object_set_string_member (consult, "responder", "dr.chen");
  json_object_set_string_member (consult, "target_institution", "county-hospital");
  json_object_set_string_member (consult, "state", "reported");
  return consult;
}

/* The first widget under @root of @type whose label (button) or text
 * (label) is @text. */
static GtkWidget *
find_widget (GtkWidget  *root,
             GType       type,
             const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        {
          const char *label = GTK_IS_BUTTON (child) ? gtk_button_get_label (GTK_BUTTON (child))
                            : GTK_IS_LABEL (child) ? gtk_label_get_text (GTK_LABEL (child)) : NULL;

          if (g_strcmp0 (label, text) == 0)
            return child;
        }
      if ((found = find_widget (child, type, text)) != NULL)
        return found;
    }
  return NULL;
}

static void
count_view_changed (HzImageView *view,
                    guint       *n)
{
  (*n)++;
}

static GtkWidget *
find_actionable (GtkWidget  *root,
                 const char *action)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_ACTIONABLE (child) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), action) == 0)
        return child;
      if ((found = find_actionable (child, action)) != NULL)
        return found;
    }
  return NULL;
}

/* As a click does (gtk_widget_activate would wait for its animation). */
static void
click (GtkWidget *button)
{
  g_signal_emit_by_name (button, "clicked");
}

static HzImageTool
tool_of (HzImageView *view)
{
  HzImageTool tool;

  g_object_get (view, "tool", &tool, NULL);
  return tool;
}

/* ---- the viewer's toolbar ---- */

static void
test_viewer_toolbar (void)
{
  g_autoptr(JsonObject) consult = plain_consult ();
  g_autoptr(HzImageStack) ct = hz_workspace_pair_load_series ("dicom/wang-jianguo");
  Fixture f = { 0 };
  HzImageView *view;
  GtkWidget *pan, *measure, *arrow, *text, *invert, *zoom_in;
  const struct { const char *label; HzImageTool tool; } tools[] = {
    { N_("Measure"), HZ_IMAGE_TOOL_MEASURE },
    { N_("Arrow"), HZ_IMAGE_TOOL_ARROW },
    { N_("Text"), HZ_IMAGE_TOOL_TEXT },
    { N_("Pan"), HZ_IMAGE_TOOL_PAN },
  };
  guint changed = 0;
  double centre, width;
  g_autofree char *shot = NULL;

  fixture_set_up (&f, consult, HZ_WORKSPACE_ROLE_REQUESTER);
  view = hz_workspace_get_image_view (HZ_WORKSPACE (f.workspace));
  hz_workspace_add_series (HZ_WORKSPACE (f.workspace), ct, "CT", "CT");
  hz_workspace_show_page (HZ_WORKSPACE (f.workspace), "images");
  g_signal_connect (view, "view-changed", G_CALLBACK (count_view_changed), &changed);
  hz_widget_test_iterate (100);

  /* The four tools, by the labels the help names, as toggle buttons. */
  pan = find_widget (f.workspace, GTK_TYPE_TOGGLE_BUTTON, _("Pan"));
  measure = find_widget (f.workspace, GTK_TYPE_TOGGLE_BUTTON, _("Measure"));
  arrow = find_widget (f.workspace, GTK_TYPE_TOGGLE_BUTTON, _("Arrow"));
  text = find_widget (f.workspace, GTK_TYPE_TOGGLE_BUTTON, _("Text"));
  g_assert_nonnull (pan);
  g_assert_nonnull (measure);
  g_assert_nonnull (arrow);
  g_assert_nonnull (text);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (measure), ==, _("Measure"));
  g_assert_true (gtk_widget_get_mapped (measure));
  /* The action's state shows on the buttons from the start. */
  g_assert_cmpint (tool_of (view), ==, HZ_IMAGE_TOOL_PAN);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (pan)));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (measure)));

  /* Clicking a tool changes the viewer's tool, and only one is down. */
  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    {
      GtkWidget *button = find_widget (f.workspace, GTK_TYPE_TOGGLE_BUTTON, _(tools[i].label));

      click (button);
      hz_widget_test_iterate (20);
      g_assert_cmpint (tool_of (view), ==, tools[i].tool);
      g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)));
      g_assert_cmpint (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (pan)) +
                       gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (measure)) +
                       gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (arrow)) +
                       gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (text)), ==, 1);
    }
  /* A tool chosen by key or code shows on the buttons too. */
  hz_image_view_set_tool (view, HZ_IMAGE_TOOL_ARROW);
  hz_widget_test_iterate (20);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (arrow)));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (pan)));
  /* The tool is this side's own: no shared-view message. */
  g_assert_cmpuint (changed, ==, 0);

  /* The annotation text goes to the viewer. */
  gtk_editable_set_text (GTK_EDITABLE (HZ_WORKSPACE (f.workspace)->annotation_entry), "结节");
  {
    g_autofree char *annotation_text = NULL;

    g_object_get (view, "annotation-text", &annotation_text, NULL);
    g_assert_cmpstr (annotation_text, ==, "结节");
  }

  /* Presets, invert and zoom from the toolbar act as the viewer's own
   * actions do: shared with the follower. */
  g_assert_true (gtk_widget_activate_action (pan, "viewer.preset", "s", "lung"));
  g_assert_true (hz_image_view_get_effective_window (view, &centre, &width));
  g_assert_cmpfloat (centre, ==, -600);
  g_assert_cmpfloat (width, ==, 1500);
  g_assert_cmpuint (changed, ==, 1);
  invert = find_actionable (HZ_WORKSPACE (f.workspace)->image_box, "viewer.invert");
  g_assert_nonnull (invert);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (invert), ==, _("Invert"));
  click (invert);
  hz_widget_test_iterate (20);
  g_assert_true (hz_image_view_get_invert (view));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (invert)));
  g_assert_cmpuint (changed, ==, 2);
  click (invert);
  hz_widget_test_iterate (20);
  g_assert_false (hz_image_view_get_invert (view));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (invert)));

  zoom_in = find_actionable (HZ_WORKSPACE (f.workspace)->image_box, "viewer.zoom-in");
  g_assert_nonnull (zoom_in);
  click (zoom_in);
  hz_widget_test_iterate (20);
  g_assert_cmpfloat (hz_image_view_get_zoom (view), >, 1.0);
  g_assert_true (gtk_widget_activate_action (zoom_in, "viewer.zoom-fit", NULL));
  g_assert_cmpfloat (hz_image_view_get_zoom (view), ==, 1.0);

  hz_image_view_set_tool (view, HZ_IMAGE_TOOL_MEASURE);
  hz_widget_test_iterate (100);
  shot = hz_widget_test_screenshot (GTK_WIDGET (f.window), "workspace-viewer-toolbar");
  g_test_message ("screenshot: %s", shot);
  fixture_tear_down (&f);
}

/* ---- the call banner ---- */

static void
test_call_banner (void)
{
  g_autoptr(JsonObject) consult = plain_consult ();
  Fixture f = { 0 };
  HzWorkspace *ws;
  g_autofree char *shot = NULL;

  fixture_set_up (&f, consult, HZ_WORKSPACE_ROLE_REQUESTER);
  ws = HZ_WORKSPACE (f.workspace);
  g_assert_false (gtk_revealer_get_reveal_child (ws->banner_revealer));

  _hz_workspace_show_call_state (ws, HZ_CALL_STATE_CONNECTED, HZ_CALL_QUALITY_AUDIO_ONLY);
  g_assert_true (gtk_revealer_get_reveal_child (ws->banner_revealer));
  g_assert_cmpstr (gtk_label_get_text (ws->banner_label), ==, _("The network is too slow for video: audio only"));
  g_assert_cmpstr (gtk_label_get_text (ws->call_status_label), ==, _("In call, audio only"));
  hz_widget_test_iterate (400);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (ws->banner_label)));
  g_assert_true (gtk_revealer_get_child_revealed (ws->banner_revealer));
  shot = hz_widget_test_screenshot (GTK_WIDGET (f.window), "workspace-banner-audio-only");
  g_test_message ("screenshot: %s", shot);
  g_clear_pointer (&shot, g_free);

  _hz_workspace_show_call_state (ws, HZ_CALL_STATE_RECONNECTING, HZ_CALL_QUALITY_RECONNECTING);
  g_assert_true (gtk_revealer_get_reveal_child (ws->banner_revealer));
  g_assert_cmpstr (gtk_label_get_text (ws->banner_label), ==, _("The connection was lost. Reconnecting…"));
  g_assert_cmpstr (gtk_label_get_text (ws->call_status_label), ==, _("Reconnecting…"));
  hz_widget_test_iterate (400);
  shot = hz_widget_test_screenshot (GTK_WIDGET (f.window), "workspace-banner-reconnecting");
  g_test_message ("screenshot: %s", shot);

  /* Back to a good call: the notice goes. */
  _hz_workspace_show_call_state (ws, HZ_CALL_STATE_CONNECTED, HZ_CALL_QUALITY_GOOD);
  g_assert_false (gtk_revealer_get_reveal_child (ws->banner_revealer));
  g_assert_cmpstr (gtk_label_get_text (ws->call_status_label), ==, _("In call"));
  _hz_workspace_show_call_state (ws, HZ_CALL_STATE_CONNECTED, HZ_CALL_QUALITY_POOR);
  g_assert_false (gtk_revealer_get_reveal_child (ws->banner_revealer));
  fixture_tear_down (&f);
}

/* ---- the requester's view of the opinion ---- */

static JsonObject *
author_key (HzSigningKey *key)
{
  JsonObject *o = json_object_new ();
  g_autofree char *pub = hz_signing_key_dup_public_key_base64 (key);

  json_object_set_string_member (o, "alg", "ed25519");
  json_object_set_string_member (o, "public_key", pub);
  return o;
}

/* The consult as GET consults/ID gives it once reported and corrected. */
static JsonObject *
reported_consult (HzSigningKey     *key,
                  HzSignedOpinion **signed_out,
                  HzSignedOpinion **addendum_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzOpinion) opinion = NULL;
  HzSignedOpinion *signed_opinion, *addendum;
  JsonObject *consult = plain_consult ();
  JsonArray *addenda = json_array_new ();
  JsonObject *entry = json_object_new ();

  opinion = hz_opinion_new_from_json ("{\"findings\":\"右肺上叶结节 8 mm，边缘毛刺。\","
                                      "\"diagnosis\":[{\"code\":\"R91\",\"label\":\"肺部异常影像\"}],"
                                      "\"advice\":{\"treatment\":\"暂不用药\",\"follow_up\":\"三个月后复查 CT\"},"
                                      "\"referral\":{\"decision\":\"refer\",\"urgency\":\"urgent\"},"
                                      "\"text\":\"建议转诊胸外科门诊。\"}", -1, &error);
  g_assert_no_error (error);
  signed_opinion = hz_signed_opinion_sign (opinion, CONSULT_ID, "dr.chen", key, NULL, &error);
  g_assert_no_error (error);
  addendum = hz_signed_opinion_sign_addendum (signed_opinion, "更正：结节位于右肺中叶。", "dr.chen", key, NULL, &error);
  g_assert_no_error (error);

  json_object_set_member (consult, "opinion", hz_signed_opinion_content_to_node (signed_opinion));
  json_object_set_member (consult, "signature", hz_signed_opinion_signature_to_node (signed_opinion));
  json_object_set_string_member (consult, "opinion_author", "dr.chen");
  json_object_set_string_member (consult, "opinion_hash", hz_signed_opinion_get_hash (signed_opinion));
  json_object_set_object_member (consult, "author_key", author_key (key));
  json_object_set_string_member (entry, "author", "dr.chen");
  json_object_set_member (entry, "addendum", hz_signed_opinion_content_to_node (addendum));
  json_object_set_string_member (entry, "parent", hz_signed_opinion_get_parent_hash (addendum));
  json_object_set_member (entry, "signature", hz_signed_opinion_signature_to_node (addendum));
  json_object_set_string_member (entry, "hash", hz_signed_opinion_get_hash (addendum));
  json_object_set_object_member (entry, "author_key", author_key (key));
  json_array_add_object_element (addenda, entry);
  json_object_set_array_member (consult, "addenda", addenda);
  *signed_out = signed_opinion;
  *addendum_out = addendum;
  return consult;
}

static JsonObject *
directory (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string ("{\"users\":[{\"id\":\"dr.chen\",\"display_name\":\"陈建华\","
                                               "\"institution\":\"county-hospital\",\"role\":\"specialist\"}],"
                                               "\"institutions\":[{\"id\":\"county-hospital\",\"name\":\"县人民医院\","
                                               "\"name_en\":\"County People's Hospital\"}]}", &error);

  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (node));
}

static void
test_requester_opinion (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzSigningKey) key = hz_signing_key_generate (&error);
  g_autoptr(HzSignedOpinion) signed_opinion = NULL;
  g_autoptr(HzSignedOpinion) addendum = NULL;
  g_autoptr(JsonObject) consult = NULL;
  g_autoptr(JsonObject) dir = directory ();
  g_autoptr(GPtrArray) logged = NULL;
  g_autofree char *grouped = NULL;
  g_autofree char *referral = NULL;
  g_autofree char *shot = NULL;
  Fixture f = { 0 };
  HzWorkspace *ws;
  const char *signer;
  GtkWidget *addendum_label;
  gboolean chinese = g_strcmp0 (hz_widget_test_lang (), "zh_CN") == 0;

  g_assert_no_error (error);
  consult = reported_consult (key, &signed_opinion, &addendum);
  fixture_set_up (&f, consult, HZ_WORKSPACE_ROLE_REQUESTER);
  ws = HZ_WORKSPACE (f.workspace);
  hz_workspace_set_directory (ws, dir);
  hz_workspace_show_page (ws, "opinion");
  hz_widget_test_iterate (100);

  /* Verified, with the addendum. */
  g_assert_nonnull (hz_workspace_get_opinion (ws));
  g_assert_cmpstr (hz_signed_opinion_get_hash (hz_workspace_get_opinion (ws)), ==, hz_signed_opinion_get_hash (signed_opinion));
  g_assert_cmpuint (hz_workspace_get_n_addenda (ws), ==, 1);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (ws->opinion_stack), ==, "received");

  /* Everything the specialist wrote. */
  g_assert_cmpstr (gtk_label_get_text (ws->opinion_findings), ==, "右肺上叶结节 8 mm，边缘毛刺。");
  g_assert_cmpstr (gtk_label_get_text (ws->opinion_diagnoses), ==, "R91  肺部异常影像");
  g_assert_cmpstr (gtk_label_get_text (ws->opinion_treatment), ==, "暂不用药");
  g_assert_cmpstr (gtk_label_get_text (ws->opinion_follow_up), ==, "三个月后复查 CT");
  referral = g_strdup_printf (_("Refer to the consulting hospital (%s)"), _("Urgent"));
  g_assert_cmpstr (gtk_label_get_text (ws->opinion_referral), ==, referral);
  g_assert_cmpstr (gtk_label_get_text (ws->opinion_remarks), ==, "建议转诊胸外科门诊。");

  /* Who signed, by name and institution (not the user id), and when. */
  signer = gtk_label_get_text (ws->opinion_signer);
  g_test_message ("signer: %s", signer);
  g_assert_nonnull (strstr (signer, "陈建华"));
  g_assert_null (strstr (signer, "dr.chen"));
  g_assert_nonnull (strstr (signer, chinese ? "县人民医院" : "County People's Hospital"));
  {
    g_autoptr(GDateTime) t = g_date_time_new_from_iso8601 (hz_signed_opinion_get_signed_at (signed_opinion), NULL);
    g_autoptr(GDateTime) local = g_date_time_to_local (t);
    g_autofree char *when = g_date_time_format (local, "%Y-%m-%d %H:%M");

    g_assert_nonnull (strstr (signer, when));
  }
  grouped = hz_fingerprint_format (hz_signed_opinion_get_key_fingerprint (signed_opinion));
  g_assert_nonnull (strstr (gtk_label_get_text (ws->opinion_fingerprint), grouped));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (ws->opinion_verified), "success"));
  g_assert_cmpstr (gtk_label_get_text (ws->opinion_verified), !=, "");

  /* The addendum, with its text and signer. */
  addendum_label = gtk_widget_get_first_child (GTK_WIDGET (ws->opinion_addenda));
  g_assert_nonnull (addendum_label);
  g_assert_null (gtk_widget_get_next_sibling (addendum_label));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (addendum_label)), "更正：结节位于右肺中叶。"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (addendum_label)), "陈建华"));

  /* The log keeps both. */
  logged = hz_consult_log_list_opinions (f.log, CONSULT_ID, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (logged->len, ==, 2);

  shot = hz_widget_test_screenshot (GTK_WIDGET (f.window), "workspace-opinion-received");
  g_test_message ("screenshot: %s", shot);
  fixture_tear_down (&f);
}

/* A text changed after signing is refused, and the screen says so. */
static void
test_requester_tampered (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzSigningKey) key = hz_signing_key_generate (&error);
  g_autoptr(HzSignedOpinion) signed_opinion = NULL;
  g_autoptr(HzSignedOpinion) addendum = NULL;
  g_autoptr(JsonObject) consult = NULL;
  g_autoptr(GPtrArray) logged = NULL;
  Fixture f = { 0 };
  HzWorkspace *ws;

  g_assert_no_error (error);
  consult = reported_consult (key, &signed_opinion, &addendum);
  json_object_set_string_member (json_object_get_object_member (consult, "opinion"), "findings", "未见异常。");
  fixture_set_up (&f, consult, HZ_WORKSPACE_ROLE_REQUESTER);
  ws = HZ_WORKSPACE (f.workspace);
  hz_widget_test_iterate (50);

  g_assert_null (hz_workspace_get_opinion (ws));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (ws->opinion_stack), ==, "received");
  g_assert_cmpstr (gtk_label_get_text (ws->opinion_title), ==, _("Opinion refused"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (ws->opinion_verified), "error"));
  g_assert_false (gtk_widget_get_visible (ws->opinion_fields));
  logged = hz_consult_log_list_opinions (f.log, CONSULT_ID, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (logged->len, ==, 0);
  fixture_tear_down (&f);
}

/* ---- keys ---- */

/* What pressing @keyval with @modifiers on @widget does: the widget
 * class's key binding for it, fired with its arguments. */
static gboolean
press (GtkWidget       *widget,
       guint            keyval,
       GdkModifierType  modifiers)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == modifiers)
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, widget,
                                                 gtk_shortcut_get_arguments (shortcut));
        }
    }
  return FALSE;
}

static const char *
shown_series (HzWorkspace *ws)
{
  HzImageStack *stack = hz_image_view_get_stack (hz_workspace_get_image_view (ws));

  return stack ? hz_image_stack_get_series_uid (stack) : NULL;
}

/* The keys the shortcuts window lists do what it says. */
static void
test_keys (void)
{
  g_autoptr(JsonObject) consult = plain_consult ();
  g_autoptr(HzImageStack) ct = hz_workspace_pair_load_series ("dicom/wang-jianguo");
  g_autoptr(HzImageStack) second = NULL;
  g_autoptr(GPtrArray) datasets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  Fixture f = { 0 };
  HzWorkspace *ws;
  GtkWidget *view;
  const struct { guint keyval; HzImageTool tool; } tools[] = {
    { GDK_KEY_m, HZ_IMAGE_TOOL_MEASURE },
    { GDK_KEY_a, HZ_IMAGE_TOOL_ARROW },
    { GDK_KEY_t, HZ_IMAGE_TOOL_TEXT },
    { GDK_KEY_p, HZ_IMAGE_TOOL_PAN },
    { GDK_KEY_w, HZ_IMAGE_TOOL_WINDOW },
  };

  /* A second series of the study: the same pictures under another UID. */
  for (guint i = 0; i < hz_image_stack_get_n_slices (ct); i++)
    g_ptr_array_add (datasets, g_object_ref (hz_image_stack_get_dataset (ct, i)));
  second = hz_image_stack_new ("1.2.826.0.1.3680043.8.498.99", datasets, &error);
  g_assert_no_error (error);

  fixture_set_up (&f, consult, HZ_WORKSPACE_ROLE_REQUESTER);
  ws = HZ_WORKSPACE (f.workspace);
  view = GTK_WIDGET (hz_workspace_get_image_view (ws));
  hz_workspace_add_series (ws, ct, "CT", "CT");
  hz_workspace_add_series (ws, second, "CT 2", "CT");
  g_assert_true (hz_workspace_open_series (ws, hz_image_stack_get_series_uid (ct)));
  hz_widget_test_iterate (50);

  /* The tools by their initials. */
  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    {
      g_assert_true (press (view, tools[i].keyval, 0));
      g_assert_cmpint (tool_of (HZ_IMAGE_VIEW (view)), ==, tools[i].tool);
    }

  /* Next and previous series, and no further than the ends. */
  g_assert_true (press (f.workspace, GDK_KEY_Page_Down, GDK_CONTROL_MASK));
  g_assert_cmpstr (shown_series (ws), ==, hz_image_stack_get_series_uid (second));
  g_assert_true (press (f.workspace, GDK_KEY_Page_Down, GDK_CONTROL_MASK));
  g_assert_cmpstr (shown_series (ws), ==, hz_image_stack_get_series_uid (second));
  g_assert_true (press (f.workspace, GDK_KEY_Page_Up, GDK_CONTROL_MASK));
  g_assert_cmpstr (shown_series (ws), ==, hz_image_stack_get_series_uid (ct));
  g_assert_true (press (f.workspace, GDK_KEY_Page_Up, GDK_CONTROL_MASK));
  g_assert_cmpstr (shown_series (ws), ==, hz_image_stack_get_series_uid (ct));

  /* Hang up is bound (test-ui's shortcuts test), and needs a call. */
  g_assert_false (press (f.workspace, GDK_KEY_h, GDK_CONTROL_MASK | GDK_SHIFT_MASK));
  fixture_tear_down (&f);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  hz_widget_test_init (&argc, &argv, argc > 1 && argv[argc - 1][0] != '-' ? argv[argc - 1] : "en");
  g_test_add_func ("/workspace/parts/viewer-toolbar", test_viewer_toolbar);
  g_test_add_func ("/workspace/parts/call-banner", test_call_banner);
  g_test_add_func ("/workspace/parts/keys", test_keys);
  g_test_add_func ("/workspace/parts/requester-opinion", test_requester_opinion);
  g_test_add_func ("/workspace/parts/requester-tampered", test_requester_tampered);
  hz_test_workspace_reopen_add ();
  ret = g_test_run ();
  /* Let deferred frees run before LeakSanitizer looks; see
   * test-shared-session.c for why the font caches stay. */
  hz_widget_test_iterate (50);
  return ret;
}
