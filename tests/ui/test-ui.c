/* test-ui.c: the huizhen window under Xvfb against a real hub: sign in,
 * a queue that follows another client, new-request validation and
 * submission, accept and decline, and the offline outbox delivered after
 * the hub restarts. Saves a PNG of each screen into HZ_SCREENSHOT_DIR,
 * suffixed with HZ_SCREENSHOT_LANG. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hz-application.h"
#include "hz-consult-attachments.h"
#include "hz-consult-page.h"
#include "hz-hub-harness.h"
#include "hz-hub-restart.h"
#include "hz-new-request-page.h"
#include "hz-orthanc.h"
#include "hz-patient-record.h"
#include "hz-pacs-study-dialog.h"
#include "hz-queue-page.h"
#include "hz-sign-in-page.h"
#include "hz-test-utils.h"
#include "hz-window.h"
#include "hz-workspace-window.h"
#include "test-ui-shortcuts.h"

static HzHub *hub;
static HzOrthanc *orthanc;
static char *orthanc_skip;
static HzApplication *app;
static HzWindow *zhou;
static HzWindow *chen;
static char *data_home;
static char *created_id;
static char *emergency_id;

/* A desktop notification server on the test's private bus, so the ring
 * for an emergency can be checked. */
static guint n_notifications;
static char *last_notification;

static const char notify_xml[] =
  "<node><interface name='org.freedesktop.Notifications'>"
  "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "<arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='as' direction='in'/><arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "<arg type='u' direction='out'/></method>"
  "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "<method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "</interface></node>";

static void
notify_method_cb (GDBusConnection       *connection,
                  const char            *sender,
                  const char            *object_path,
                  const char            *interface_name,
                  const char            *method_name,
                  GVariant              *parameters,
                  GDBusMethodInvocation *invocation,
                  gpointer               user_data)
{
  if (g_str_equal (method_name, "Notify"))
    {
      const char *summary = NULL;

      g_variant_get_child (parameters, 3, "&s", &summary);
      g_free (last_notification);
      last_notification = g_strdup (summary);
      n_notifications++;
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", n_notifications));
    }
  else if (g_str_equal (method_name, "GetCapabilities"))
    {
      const char *caps[] = { "body", NULL };
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
    }
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
start_notification_server (void)
{
  static const GDBusInterfaceVTable vtable = { notify_method_cb, NULL, NULL, { 0 } };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notify_xml, &error);
  GDBusConnection *bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(GVariant) reply = NULL;

  g_assert_no_error (error);
  g_dbus_connection_register_object (bus, "/org/freedesktop/Notifications", info->interfaces[0],
                                     &vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.Notifications", 0),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until COND holds, for at most 15 s. */
#define WAIT_UNTIL(cond) \
  G_STMT_START { \
    gboolean expired_ = FALSE; \
    guint source_ = g_timeout_add (15000, timeout_cb, &expired_); \
    while (!(cond) && !expired_) \
      g_main_context_iteration (NULL, TRUE); \
    if (!expired_) \
      g_source_remove (source_); \
    if (!(cond)) \
      g_error ("timed out waiting for %s", #cond); \
  } G_STMT_END

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Lets pending layout and drawing happen. */
static void
settle (guint ms)
{
  gboolean expired = FALSE;

  g_timeout_add (ms, timeout_cb, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

/* The window as it is drawn now. */
static GdkTexture *
render (gpointer window)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer;
  int width = 0, height = 0;

  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)) && gtk_widget_get_width (GTK_WIDGET (window)) > 0);
  settle (300);
  /* Under a sanitizer a frame may still be pending: draw until there is
   * something to save. */
  for (int attempt = 0; node == NULL && attempt < 50; attempt++)
    {
      gtk_widget_queue_draw (GTK_WIDGET (window));
      settle (100);
      width = gtk_widget_get_width (GTK_WIDGET (window));
      height = gtk_widget_get_height (GTK_WIDGET (window));
      g_clear_object (&paintable);
      paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  g_assert_nonnull (node);
  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

static void
screenshot (gpointer    window,
            const char *name)
{
  const char *dir = g_getenv ("HZ_SCREENSHOT_DIR");
  const char *lang = g_getenv ("HZ_SCREENSHOT_LANG");
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;
  texture = render (window);
  g_mkdir_with_parents (dir, 0755);
  file = g_strdup_printf ("%s-%s.png", name, lang ? lang : "en");
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* Mean luminance of the window, 0..255. */
static double
mean_luminance (gpointer window)
{
  g_autoptr(GdkTexture) texture = render (window);
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autofree guchar *pixels = g_malloc ((gsize) width * height * 4);
  double sum = 0;

  /* CAIRO_FORMAT_ARGB32 in memory: B, G, R, A on this little-endian machine. */
  gdk_texture_download (texture, pixels, (gsize) width * 4);
  for (gsize i = 0; i < (gsize) width * height; i++)
    sum += 0.0722 * pixels[4 * i] + 0.7152 * pixels[4 * i + 1] + 0.2126 * pixels[4 * i + 2];
  return sum / ((double) width * height);
}

static HzWindow *
new_window (const char *profile_name,
            int         width,
            int         height)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzProfile) profile = hz_profile_new (profile_name, &error);
  HzWindow *window;

  g_assert_no_error (error);
  window = hz_window_new (app, profile);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static const char *
page_name (HzWindow *window)
{
  return hz_window_get_page_name (window);
}

static HzQueuePage *
queue_of (HzWindow *window)
{
  return HZ_QUEUE_PAGE (hz_window_get_page (window, "queue"));
}

static HzConsultPage *
consult_of (HzWindow *window)
{
  return HZ_CONSULT_PAGE (hz_window_get_page (window, "consult"));
}

static HzNewRequestPage *
new_request_of (HzWindow *window)
{
  return HZ_NEW_REQUEST_PAGE (hz_window_get_page (window, "new-request"));
}

static void
sign_in_and_wait (HzWindow   *window,
                  const char *user)
{
  hz_window_demo_sign_in (window, hub->url, user, "huizhen-demo");
  WAIT_UNTIL (g_strcmp0 (page_name (window), "queue") == 0);
  WAIT_UNTIL (hz_hub_client_get_online (hz_window_get_client (window)));
  WAIT_UNTIL (!hz_queue_page_is_loading (queue_of (window)) && hz_queue_page_count_rows (queue_of (window)) > 0);
}

static void
test_sign_in (void)
{
  HzWindow *fresh = new_window ("fresh", 900, 700);
  HzSignInPage *page = HZ_SIGN_IN_PAGE (hz_window_get_page (fresh, "sign-in"));
  g_autofree char *session = NULL;
  struct stat st;

  hz_window_start (fresh);
  g_assert_cmpstr (page_name (fresh), ==, "sign-in");
  screenshot (fresh, "sign-in");

  /* A wrong password is said in plain words, and nothing changes. */
  hz_window_demo_sign_in (fresh, hub->url, "dr.zhou", "not-the-password");
  WAIT_UNTIL (hz_sign_in_page_get_error (page) != NULL);
  g_assert_cmpstr (page_name (fresh), ==, "sign-in");
  screenshot (fresh, "sign-in-error");
  gtk_window_destroy (GTK_WINDOW (fresh));

  zhou = new_window ("zhou", 1000, 720);
  sign_in_and_wait (zhou, "dr.zhou");
  screenshot (zhou, "queue-requester");

  /* The session is kept, private, for the next start. */
  session = g_build_filename (data_home, "huizhen", "profiles", "zhou", "session.json", NULL);
  g_assert_cmpint (g_stat (session, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_queue_live (void)
{
  g_autofree char *token = hz_hub_login (hub, "dr.zhou");
  g_autoptr(JsonNode) reply = NULL;
  guint before, status = 0;

  chen = new_window ("chen", 1000, 720);
  sign_in_and_wait (chen, "dr.chen");
  before = hz_queue_page_count_rows (queue_of (chen));

  /* Another client sends an emergency: it arrives without a refresh. */
  reply = hz_hub_call (hub, token, "POST", "consults",
                       "{\"patient\":{\"id\":\"QS-000999\",\"name\":\"刘德华\",\"sex\":\"male\",\"age\":71},"
                       "\"reason\":\"突发胸痛 1 小时，大汗\",\"urgency\":\"emergency\",\"mode\":\"live\","
                       "\"target\":{\"department\":\"cardiology\"},"
                       "\"consent\":{\"by\":\"relative\",\"method\":\"verbal\"}}", &status);
  g_assert_cmpuint (status, ==, 201);
  emergency_id = g_strdup (hz_json_str (reply, "id"));
  WAIT_UNTIL (hz_queue_page_find_row (queue_of (chen), emergency_id) != NULL);
  /* It rings: a desktop notification for the specialist. */
  WAIT_UNTIL (n_notifications == 1);
  g_assert_cmpstr (last_notification, ==, _("Emergency consult request"));
  /* and chimes: once, through a GtkMediaFile of the chime in the resource */
  {
    HzRinger *ringer = hz_application_get_ringer (app);
    GtkMediaStream *stream = hz_ringer_get_stream (ringer);

    g_assert_nonnull (stream);
    g_assert_true (GTK_IS_MEDIA_FILE (stream));
    g_assert_false (gtk_media_stream_get_loop (stream));
    g_assert_false (hz_ringer_is_ringing (ringer));
  }
  g_assert_cmpuint (hz_queue_page_count_rows (queue_of (chen)), ==, before + 1);
  screenshot (chen, "queue-specialist");

  /* Search narrows the list. */
  hz_queue_page_set_search (queue_of (chen), "刘德华");
  g_assert_cmpuint (hz_queue_page_count_rows (queue_of (chen)), ==, 1);
  hz_queue_page_set_search (queue_of (chen), "");
}

static void
test_new_request (void)
{
  HzNewRequestPage *page = new_request_of (zhou);
  GtkWidget *widget = GTK_WIDGET (page);
  g_autofree char *bundle = g_build_filename (g_getenv ("HUIZHEN_SOURCE_ROOT"), "tests", "data", "fhir",
                                              "wang-jianguo.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (bundle);
  g_autoptr(GError) error = NULL;
  guint chen_before = hz_queue_page_count_rows (queue_of (chen));
  g_autofree char *photo = NULL;
  GtkTextView *reason;
  /* a 1x1 PNG */
  static const guint8 png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82 };

  gtk_widget_activate_action (GTK_WIDGET (zhou), "win.new-request", NULL);
  g_assert_cmpstr (page_name (zhou), ==, "new-request");
  WAIT_UNTIL (hz_new_request_page_select_target (page, "department:cardiology"));
  screenshot (zhou, "new-request");

  /* Nothing filled in: a clear message, nothing sent. */
  gtk_widget_activate_action (widget, "request.send", NULL);
  g_assert_nonnull (hz_new_request_page_get_problem (page));
  g_assert_false (hz_new_request_page_is_busy (page));
  screenshot (zhou, "new-request-invalid");

  /* Find the patient in the clinic's export folder, by name, then by card. */
  g_assert_cmpuint (hz_new_request_page_find_patient (page, "王建国"), ==, 1);
  g_assert_cmpuint (hz_new_request_page_find_patient (page, "nobody-here"), ==, 0);
  g_assert_cmpuint (hz_new_request_page_find_patient (page, "HC3407000731"), ==, 1);
  screenshot (zhou, "new-request-search");
  g_assert_true (hz_new_request_page_choose_patient (page, 0));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (gtk_widget_get_template_child (widget, HZ_TYPE_NEW_REQUEST_PAGE,
                                                                                        "patient_name_row"))), ==, "王建国");
  /* Importing a file directly works as well. */
  g_assert_true (hz_new_request_page_import_bundle (page, file, &error));
  g_assert_no_error (error);
  /* Still no consent: refused with its own message. */
  gtk_widget_activate_action (widget, "request.send", NULL);
  g_assert_cmpstr (hz_new_request_page_get_problem (page), ==,
                   _("Record the patient’s informed consent before sending."));

  /* Recording the consent takes that message away at once: the next
   * thing missing is named instead, and once the reason is written
   * nothing is left to say. */
  gtk_switch_set_active (GTK_SWITCH (gtk_widget_get_template_child (widget, HZ_TYPE_NEW_REQUEST_PAGE,
                                                                     "consent_switch")), TRUE);
  g_assert_cmpstr (hz_new_request_page_get_problem (page), ==, _("Write the reason for the consult."));
  screenshot (zhou, "new-request-revalidated");
  reason = GTK_TEXT_VIEW (gtk_widget_get_template_child (widget, HZ_TYPE_NEW_REQUEST_PAGE, "reason_view"));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (reason), "劳力性胸痛 3 天，hs-TnI 升高", -1);
  g_assert_null (hz_new_request_page_get_problem (page));
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (widget, HZ_TYPE_NEW_REQUEST_PAGE,
                                                                        "question_row")), "是否需要转诊？");
  adw_combo_row_set_selected (ADW_COMBO_ROW (gtk_widget_get_template_child (widget, HZ_TYPE_NEW_REQUEST_PAGE,
                                                                            "urgency_row")), 1);
  g_assert_true (hz_new_request_page_select_target (page, "department:cardiology"));
  /* A photo of the skin, say: a tiny PNG. */
  photo = g_build_filename (data_home, "photo.png", NULL);
  g_assert_true (g_file_set_contents (photo, (const char *) png, sizeof png, NULL));
  hz_new_request_page_add_attachment (page, photo);
  screenshot (zhou, "new-request-filled");

  /* The draft survives leaving the page. */
  gtk_widget_activate_action (GTK_WIDGET (zhou), "win.back", NULL);
  g_assert_cmpstr (page_name (zhou), ==, "queue");
  gtk_widget_activate_action (GTK_WIDGET (zhou), "win.new-request", NULL);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (gtk_widget_get_template_child (widget, HZ_TYPE_NEW_REQUEST_PAGE,
                                                                                        "question_row"))), ==, "是否需要转诊？");
  WAIT_UNTIL (hz_new_request_page_select_target (page, "department:cardiology"));

  gtk_widget_activate_action (widget, "request.send", NULL);
  g_assert_null (hz_new_request_page_get_problem (page));
  WAIT_UNTIL (g_strcmp0 (page_name (zhou), "queue") == 0);
  /* The specialist's queue grows by it, live. */
  WAIT_UNTIL (hz_queue_page_count_rows (queue_of (chen)) == chen_before + 1);
}

static const char *
find_new_consult (HzWindow *window)
{
  g_autofree char *token = hz_hub_login (hub, "dr.chen");
  guint status = 0;
  g_autoptr(JsonNode) reply = hz_hub_call (hub, token, "GET", "consults?box=incoming&state=requested", NULL, &status);
  JsonArray *consults = json_object_get_array_member (json_node_get_object (reply), "consults");

  for (guint i = 0; i < json_array_get_length (consults); i++)
    {
      JsonObject *consult = json_array_get_object_element (consults, i);
      if (g_strcmp0 (json_object_get_string_member (consult, "reason"), "劳力性胸痛 3 天，hs-TnI 升高") == 0)
        {
          g_free (created_id);
          created_id = g_strdup (json_object_get_string_member (consult, "id"));
        }
    }
  return created_id;
}

static void
test_accept_decline (void)
{
  HzConsultPage *page = consult_of (chen);

  g_assert_nonnull (find_new_consult (chen));
  /* The photo went with it. */
  {
    g_autofree char *token = hz_hub_login (hub, "dr.chen");
    g_autofree char *path = g_strdup_printf ("consults/%s/events", created_id);
    guint status = 0;
    g_autoptr(JsonNode) events = hz_hub_call (hub, token, "GET", path, NULL, &status);
    g_autofree char *text = json_to_string (events, FALSE);

    g_assert_cmpuint (status, ==, 200);
    g_assert_nonnull (strstr (text, "attachment.added"));
  }
  hz_window_open_consult (chen, created_id);
  WAIT_UNTIL (!hz_consult_page_is_loading (page) && hz_consult_page_get_state (page) != NULL);
  g_assert_cmpstr (hz_consult_page_get_state (page), ==, "requested");
  /* Only what the workflow allows a candidate now. */
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page), HZ_TYPE_CONSULT_PAGE,
                                                                                      "accept_button"))));
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_parent (
    GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page), HZ_TYPE_CONSULT_PAGE, "cancel_button")))));
  /* The photo is listed with its name, type and size, and Download
   * writes the same bytes (the path behind the file chooser). */
  {
    HzConsultAttachments *attachments = HZ_CONSULT_ATTACHMENTS (hz_consult_page_get_attachments (page));
    g_autofree char *photo = g_build_filename (data_home, "photo.png", NULL);
    g_autofree char *saved = g_build_filename (data_home, "saved-photo.png", NULL);
    g_autoptr(GFile) saved_file = g_file_new_for_path (saved);
    g_autofree char *original_bytes = NULL;
    g_autofree char *saved_bytes = NULL;
    gsize original_len = 0, saved_len = 0;
    JsonObject *item;
    GAsyncResult *result = NULL;
    g_autoptr(GError) save_error = NULL;
    struct stat st;

    WAIT_UNTIL (!hz_consult_attachments_is_loading (attachments) && hz_consult_attachments_get_count (attachments) == 1);
    item = hz_consult_attachments_get_item (attachments, 0);
    g_assert_true (g_file_get_contents (photo, &original_bytes, &original_len, NULL));
    g_assert_cmpstr (json_object_get_string_member (item, "filename"), ==, "photo.png");
    g_assert_cmpstr (json_object_get_string_member (item, "content_type"), ==, "image/png");
    g_assert_cmpint (json_object_get_int_member (item, "size"), ==, (gint64) original_len);
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (attachments),
                                                                                      HZ_TYPE_CONSULT_ATTACHMENTS,
                                                                                      "list_box"))));
    hz_consult_attachments_save_async (attachments, 0, saved_file, NULL, store_result, &result);
    WAIT_UNTIL (result != NULL);
    g_assert_true (hz_consult_attachments_save_finish (attachments, result, &save_error));
    g_assert_no_error (save_error);
    g_object_unref (result);
    g_assert_true (g_file_get_contents (saved, &saved_bytes, &saved_len, NULL));
    g_assert_cmpmem (saved_bytes, saved_len, original_bytes, original_len);
    g_assert_cmpint (g_stat (saved, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    /* scrolled down to the list for the screenshot, then back */
    {
      GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (GTK_WIDGET (attachments),
                                                                                 GTK_TYPE_SCROLLED_WINDOW));
      GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scroller);

      settle (200);
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
      screenshot (chen, "consult-attachments");
      gtk_adjustment_set_value (adjustment, 0);
    }
  }

  /* Reassigning is the coordinator's, not the specialist's. */
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_parent (
    GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page), HZ_TYPE_CONSULT_PAGE, "reassign_button")))));
  screenshot (chen, "consult-details");

  gtk_widget_activate_action (GTK_WIDGET (page), "consult.accept", NULL);
  WAIT_UNTIL (g_strcmp0 (hz_consult_page_get_state (page), "accepted") == 0);
  WAIT_UNTIL (!hz_consult_page_is_loading (page));
  screenshot (chen, "consult-accepted");
  {
    /* The history names who did what as doctors know each other, not
     * by their logins: sent by 周明, accepted by 陈立华. */
    GtkWidget *history = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page), HZ_TYPE_CONSULT_PAGE,
                                                                    "history_list"));
    guint n_rows = 0, by_zhou = 0, by_chen = 0;

    for (GtkWidget *row = gtk_widget_get_first_child (history); row; row = gtk_widget_get_next_sibling (row))
      {
        const char *subtitle;

        if (!ADW_IS_ACTION_ROW (row))
          continue;
        subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
        n_rows++;
        g_assert_null (strstr (subtitle, "dr.zhou"));
        g_assert_null (strstr (subtitle, "dr.chen"));
        by_zhou += strstr (subtitle, "周明") != NULL;
        by_chen += strstr (subtitle, "陈立华") != NULL;
      }
    g_assert_cmpuint (n_rows, >=, 2);
    g_assert_cmpuint (by_zhou, >=, 1);
    g_assert_cmpuint (by_chen, >=, 1);
  }

  hz_window_open_consult (chen, emergency_id);
  WAIT_UNTIL (!hz_consult_page_is_loading (page) && g_strcmp0 (hz_consult_page_get_state (page), "requested") == 0);
  hz_consult_page_act (page, "decline", "本院 ICU 已满，请转市医院");
  WAIT_UNTIL (g_strcmp0 (hz_consult_page_get_state (page), "declined") == 0);
  gtk_widget_activate_action (GTK_WIDGET (chen), "win.back", NULL);
  g_assert_cmpstr (page_name (chen), ==, "queue");
}

/* The open AdwMessageDialog that has @key set, if any. */
static GtkWindow *
find_dialog (const char *key)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* not ours */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (window) && g_object_get_data (G_OBJECT (window), key))
        return window;
    }
  return NULL;
}

static gboolean
is_toplevel (GtkWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* not ours */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) item = g_list_model_get_item (toplevels, i);
      if (item == window)
        return TRUE;
    }
  return FALSE;
}

/* Answers an AdwMessageDialog as its button would, and closes it. */
static void
respond (GtkWindow  *dialog,
         const char *response)
{
  g_object_ref (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  if (is_toplevel (dialog))
    gtk_window_destroy (dialog);
  g_object_unref (dialog);
}

static HzPacsStudyDialog *
find_pacs_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* not ours */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);
      if (HZ_IS_PACS_STUDY_DIALOG (window))
        return HZ_PACS_STUDY_DIALOG (window);
    }
  return NULL;
}

/* A study from the township's PACS goes with a request: searched by a
 * Chinese name (shown as written in the DICOM PN), by date, chosen, and
 * found in the hub's case bundle as an ImagingStudy with its UID. */
static void
test_pacs_study (void)
{
  HzNewRequestPage *page = new_request_of (zhou);
  GtkWidget *widget = GTK_WIDGET (page);
  HzPacsStudyDialog *dialog;
  const HzDicomwebStudy *study;
  g_autofree char *display = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *token = hz_hub_login (hub, "dr.zhou");
  g_autofree char *bundle_path = NULL;
  g_autofree char *bundle_text = NULL;
  g_autoptr(JsonNode) consults = NULL;
  g_autoptr(JsonNode) bundle = NULL;
  const char *id = NULL;
  guint status = 0;

  if (orthanc == NULL)
    {
      g_test_skip (orthanc_skip);
      return;
    }
  gtk_widget_activate_action (GTK_WIDGET (zhou), "win.new-request", NULL);
  WAIT_UNTIL (hz_new_request_page_select_target (page, "department:paediatrics"));
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (widget, HZ_TYPE_NEW_REQUEST_PAGE, "patient_id_row")),
                         "QS-002056");
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (widget, HZ_TYPE_NEW_REQUEST_PAGE, "patient_name_row")),
                         "张小明");

  /* It opens searching for the name typed in. */
  g_assert_true (gtk_widget_activate_action (widget, "request.add-study", NULL));
  WAIT_UNTIL ((dialog = find_pacs_dialog ()) != NULL);
  WAIT_UNTIL (!hz_pacs_study_dialog_is_searching (dialog));
  g_assert_cmpuint (hz_pacs_study_dialog_get_n_results (dialog), ==, 1);

  /* A bad date is said so; a date range finds it again. */
  hz_pacs_study_dialog_search (dialog, "", "", "2026-11");
  g_assert_nonnull (hz_pacs_study_dialog_get_message (dialog));
  g_assert_cmpuint (hz_pacs_study_dialog_get_n_results (dialog), ==, 0);
  hz_pacs_study_dialog_search (dialog, "", "张", "2000-01-01 – 2099-12-31");
  WAIT_UNTIL (!hz_pacs_study_dialog_is_searching (dialog));
  g_assert_cmpuint (hz_pacs_study_dialog_get_n_results (dialog), ==, 1);
  study = hz_pacs_study_dialog_get_result (dialog, 0);
  display = hz_pacs_study_patient_display (study);
  summary = hz_pacs_study_summary (study);
  g_assert_nonnull (strstr (display, "张小明"));
  g_assert_nonnull (strstr (summary, "CR"));
  g_assert_cmpint (study->n_instances, ==, 1);
  g_assert_null (hz_pacs_study_dialog_get_message (dialog));
  screenshot (dialog, "pacs-study-search");
  hz_pacs_study_dialog_choose (dialog, 0);
  WAIT_UNTIL (find_pacs_dialog () == NULL);

  /* Listed with the attachments; sent in the case bundle. */
  g_assert_cmpuint (gtk_widget_get_visible (GTK_WIDGET (gtk_widget_get_template_child (widget, HZ_TYPE_NEW_REQUEST_PAGE,
                                                                                        "attachments_list"))), ==, TRUE);
  gtk_switch_set_active (GTK_SWITCH (gtk_widget_get_template_child (widget, HZ_TYPE_NEW_REQUEST_PAGE,
                                                                     "consent_switch")), TRUE);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (gtk_widget_get_template_child (
                              widget, HZ_TYPE_NEW_REQUEST_PAGE, "reason_view"))), "发热咳嗽 3 天，SpO2 92%", -1);
  {
    GtkWidget *list = GTK_WIDGET (gtk_widget_get_template_child (widget, HZ_TYPE_NEW_REQUEST_PAGE, "attachments_list"));
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (
      GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (list, GTK_TYPE_SCROLLED_WINDOW)));

    settle (200);
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
    screenshot (zhou, "new-request-study");
    gtk_adjustment_set_value (adjustment, 0);
  }
  gtk_widget_activate_action (widget, "request.send", NULL);
  g_assert_null (hz_new_request_page_get_problem (page));
  WAIT_UNTIL (g_strcmp0 (page_name (zhou), "queue") == 0);

  consults = hz_hub_call (hub, token, "GET", "consults?box=outgoing", NULL, &status);
  {
    JsonArray *list = json_object_get_array_member (json_node_get_object (consults), "consults");
    for (guint i = 0; i < json_array_get_length (list); i++)
      {
        JsonObject *c = json_array_get_object_element (list, i);
        if (g_strcmp0 (json_object_get_string_member_with_default (c, "reason", ""), "发热咳嗽 3 天，SpO2 92%") == 0)
          id = json_object_get_string_member (c, "id");
      }
  }
  g_assert_nonnull (id);
  bundle_path = g_strdup_printf ("consults/%s/bundle", id);
  bundle = hz_hub_call (hub, token, "GET", bundle_path, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  bundle_text = json_to_string (bundle, FALSE);
  g_assert_nonnull (strstr (bundle_text, "\"ImagingStudy\""));
  g_assert_nonnull (strstr (bundle_text, "urn:dicom:uid"));
  g_assert_nonnull (strstr (bundle_text, "1.2.826.0.1.3680043.10.1078.2.53"));
  /* and it reads as a case record with that study */
  {
    g_autoptr(GBytes) bytes = g_bytes_new (bundle_text, strlen (bundle_text));
    g_autoptr(GError) error = NULL;
    g_autoptr(HzPatientRecord) record = hz_patient_record_new_from_bytes (bytes, &error);
    g_assert_no_error (error);
    g_assert_nonnull (record);
  }
}

/* Playing means asked to play: without an audio device here the stream
 * may already have failed (its error set, playing off again). */
static gboolean
sounding (GtkMediaStream *stream)
{
  return gtk_media_stream_get_playing (stream) || gtk_media_stream_get_error (stream) != NULL;
}

static void
send_call_message (HzWs       *ws,
                   const char *kind,
                   const char *call)
{
  g_autofree char *text = g_strdup_printf ("{\"type\":\"signal\",\"consult\":\"%s\","
                                           "\"data\":{\"kind\":\"%s\",\"call\":\"%s\",\"v\":1,\"reason\":\"cancel\"}}",
                                           created_id, kind, call);
  hz_ws_send (ws, text);
}

/* An incoming call rings the chime over and over until the callee
 * declines, or the caller gives up; a second call at once does not ring
 * on top. (Whether sound reaches a speaker cannot be checked here: there
 * is no audio device under the test; the stream is created, looping and
 * asked to play, and paused at the end.) */
static void
test_ringtone (void)
{
  g_autofree char *token = hz_hub_login (hub, "dr.zhou");
  HzWs *ws = hz_ws_connect (hub, token);
  HzRinger *ringer = hz_application_get_ringer (app);
  g_autoptr(JsonNode) hello = hz_ws_next (ws, "hello", 5000);
  g_autoptr(JsonNode) reject = NULL;
  GtkMediaStream *stream;
  GtkWindow *dialog;

  g_assert_nonnull (hello);
  g_assert_nonnull (created_id);

  /* Rings, looping, until the caller hangs up. */
  send_call_message (ws, "invite", "ring-test-1");
  WAIT_UNTIL (hz_window_get_ringing_dialog (chen) != NULL);
  stream = hz_ringer_get_stream (ringer);
  g_assert_true (hz_ringer_is_ringing (ringer));
  g_assert_true (gtk_media_stream_get_loop (stream));
  g_assert_true (sounding (stream));
  settle (300);
  g_test_message ("ringing: playing %d, error %s", gtk_media_stream_get_playing (stream),
                  gtk_media_stream_get_error (stream) ? gtk_media_stream_get_error (stream)->message : "none");
  screenshot (hz_window_get_ringing_dialog (chen), "incoming-call");
  send_call_message (ws, "hangup", "ring-test-1");
  WAIT_UNTIL (hz_window_get_ringing_dialog (chen) == NULL);
  g_assert_false (hz_ringer_is_ringing (ringer));
  g_assert_false (gtk_media_stream_get_playing (stream));
  g_assert_false (gtk_media_stream_get_loop (stream));

  /* Rings again; declining stops it, and the caller hears "rejected". */
  send_call_message (ws, "invite", "ring-test-2");
  WAIT_UNTIL ((dialog = hz_window_get_ringing_dialog (chen)) != NULL);
  g_assert_true (hz_ringer_is_ringing (ringer));
  g_assert_true (sounding (hz_ringer_get_stream (ringer)));
  respond (dialog, "decline");
  g_assert_null (hz_window_get_ringing_dialog (chen));
  g_assert_false (hz_ringer_is_ringing (ringer));
  g_assert_false (gtk_media_stream_get_playing (hz_ringer_get_stream (ringer)));
  reject = hz_ws_next (ws, "signal", 5000);
  g_assert_nonnull (reject);
  g_assert_cmpstr (hz_json_str (reject, "data.kind"), ==, "reject");

  /* With the sound turned off, a call still shows but makes no sound. */
  {
    g_autoptr(GSettings) settings = g_settings_new ("cn.huizhen.Huizhen");
    GtkMediaStream *before = hz_ringer_get_stream (ringer);

    g_settings_set_boolean (settings, "notification-sound", FALSE);
    send_call_message (ws, "invite", "ring-test-3");
    WAIT_UNTIL ((dialog = hz_window_get_ringing_dialog (chen)) != NULL);
    g_assert_false (hz_ringer_is_ringing (ringer));
    g_assert_true (hz_ringer_get_stream (ringer) == before);
    respond (dialog, "decline");
    g_settings_set_boolean (settings, "notification-sound", TRUE);
  }
  hz_ws_free (ws);
}

static HzWorkspaceWindow *
workspace_for (const char *consult_id)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  for (GList *l = windows; l; l = l->next)
    if (HZ_IS_WORKSPACE_WINDOW (l->data) &&
        g_strcmp0 (hz_workspace_window_get_consult_id (l->data), consult_id) == 0)
      return l->data;
  return NULL;
}

static guint
count_workspaces (const char *consult_id)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));
  guint n = 0;

  for (GList *l = windows; l; l = l->next)
    if (HZ_IS_WORKSPACE_WINDOW (l->data) &&
        g_strcmp0 (hz_workspace_window_get_consult_id (l->data), consult_id) == 0)
      n++;
  return n;
}

/* Start Call on the details page: the consult goes into session, the
 * requester's workspace window opens and calls; the specialist's window
 * rings, answering stops the ring and opens theirs. Both close cleanly. */
static void
test_start_call_workspace (void)
{
  g_autofree char *zhou_token = hz_hub_login (hub, "dr.zhou");
  g_autofree char *chen_token = hz_hub_login (hub, "dr.chen");
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) accepted = NULL;
  g_autofree char *id = NULL;
  g_autofree char *accept_path = NULL;
  HzConsultPage *page = consult_of (zhou);
  HzRinger *ringer = hz_application_get_ringer (app);
  HzWorkspaceWindow *mine, *theirs;
  GtkWindow *dialog;
  guint status = 0;

  g_autofree char *bundle_file = g_build_filename (g_getenv ("HUIZHEN_SOURCE_ROOT"), "tests", "data", "fhir",
                                                   "wang-jianguo.json", NULL);
  g_autofree char *bundle = NULL;
  g_autofree char *request = NULL;

  g_assert_true (g_file_get_contents (bundle_file, &bundle, NULL, NULL));
  request = g_strdup_printf ("{\"patient\":{\"id\":\"QS-000731\",\"name\":\"王建国\",\"sex\":\"male\",\"age\":62},"
                             "\"reason\":\"复查心电图\",\"urgency\":\"routine\",\"mode\":\"live\","
                             "\"target\":{\"specialist\":\"dr.chen\"},"
                             "\"consent\":{\"by\":\"patient\",\"method\":\"written\"},\"bundle\":%s}", bundle);
  created = hz_hub_call (hub, zhou_token, "POST", "consults", request, &status);
  g_assert_cmpuint (status, ==, 201);
  id = g_strdup (hz_json_str (created, "id"));
  accept_path = g_strdup_printf ("consults/%s/actions/accept", id);
  accepted = hz_hub_call (hub, chen_token, "POST", accept_path, "{}", &status);
  g_assert_cmpuint (status, ==, 200);

  hz_window_open_consult (zhou, id);
  WAIT_UNTIL (!hz_consult_page_is_loading (page) && g_strcmp0 (hz_consult_page_get_state (page), "accepted") == 0);
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (
    GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page), HZ_TYPE_CONSULT_PAGE, "start_button")))));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "consult.start-call", NULL));
  WAIT_UNTIL ((mine = workspace_for (id)) != NULL && gtk_widget_get_mapped (GTK_WIDGET (mine)));
  WAIT_UNTIL (g_strcmp0 (hz_consult_page_get_state (page), "in_session") == 0);
  WAIT_UNTIL (hz_workspace_window_has_call (mine));  /* once the TURN answer is in */

  /* The specialist's window rings; answering stops the ring. */
  WAIT_UNTIL ((dialog = hz_window_get_ringing_dialog (chen)) != NULL);
  g_assert_true (hz_ringer_is_ringing (ringer));
  respond (dialog, "answer");
  g_assert_false (hz_ringer_is_ringing (ringer));
  g_assert_false (gtk_media_stream_get_playing (hz_ringer_get_stream (ringer)));
  WAIT_UNTIL (count_workspaces (id) == 2);
  theirs = NULL;
  {
    GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));
    for (GList *l = windows; l; l = l->next)
      if (HZ_IS_WORKSPACE_WINDOW (l->data) && l->data != mine &&
          g_strcmp0 (hz_workspace_window_get_consult_id (l->data), id) == 0)
        theirs = l->data;
  }
  g_assert_nonnull (theirs);
  settle (1500);
  screenshot (mine, "workspace-from-shell");

  /* Closing ends the call and goes without a trace. */
  gtk_window_close (GTK_WINDOW (theirs));
  gtk_window_close (GTK_WINDOW (mine));
  WAIT_UNTIL (count_workspaces (id) == 0);
  settle (500);
  g_assert_cmpstr (page_name (zhou), ==, "consult");
  gtk_widget_activate_action (GTK_WIDGET (zhou), "win.back", NULL);
}

/* The coordinator sends a request to another specialist, with a reason:
 * the button shows only for them and only while the workflow allows it,
 * and the hub's record follows. */
static void
test_reassign (void)
{
  g_autofree char *token = hz_hub_login (hub, "dr.zhou");
  g_autofree char *wang_token = hz_hub_login (hub, "coord.wang");
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) record = NULL;
  g_autoptr(JsonNode) events = NULL;
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *events_text = NULL;
  HzWindow *wang = new_window ("wang", 1000, 760);
  HzConsultPage *page = consult_of (wang);
  GtkWidget *button;
  GtkWindow *dialog;
  GPtrArray *keys;
  guint status = 0, target = G_MAXUINT;

  created = hz_hub_call (hub, token, "POST", "consults",
                         "{\"patient\":{\"id\":\"QS-000812\",\"name\":\"赵小燕\",\"sex\":\"female\",\"age\":6},"
                         "\"reason\":\"反复皮疹 2 周\",\"urgency\":\"routine\",\"mode\":\"store_forward\","
                         "\"target\":{\"department\":\"cardiology\"},"
                         "\"consent\":{\"by\":\"guardian\",\"method\":\"written\"}}", &status);
  g_assert_cmpuint (status, ==, 201);
  id = g_strdup (hz_json_str (created, "id"));

  sign_in_and_wait (wang, "coord.wang");
  hz_window_open_consult (wang, id);
  WAIT_UNTIL (!hz_consult_page_is_loading (page) && g_strcmp0 (hz_consult_page_get_state (page), "requested") == 0);
  button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page), HZ_TYPE_CONSULT_PAGE, "reassign_button"));
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (button)));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, _("_Reassign"));
  /* A coordinator does not accept in a specialist's place. */
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_parent (
    GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page), HZ_TYPE_CONSULT_PAGE, "accept_button")))));
  screenshot (wang, "consult-coordinator");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "consult.reassign", NULL));
  WAIT_UNTIL ((dialog = find_dialog ("hz-targets")) != NULL);
  WAIT_UNTIL (!hz_consult_page_is_loading (page));
  keys = g_object_get_data (G_OBJECT (dialog), "hz-keys");
  for (guint i = 0; i < keys->len; i++)
    if (g_str_equal (g_ptr_array_index (keys, i), "specialist:dr.sun"))
      target = i;
  g_assert_cmpuint (target, <, keys->len);
  /* departments are offered as well, not the one it goes to now */
  g_assert_true (g_ptr_array_find_with_equal_func (keys, "department:dermatology", g_str_equal, NULL));
  g_assert_false (g_ptr_array_find_with_equal_func (keys, "department:cardiology", g_str_equal, NULL));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (g_object_get_data (G_OBJECT (dialog), "hz-targets")), target);
  gtk_editable_set_text (GTK_EDITABLE (g_object_get_data (G_OBJECT (dialog), "hz-reason")), "皮疹为主，请皮肤科会诊");
  screenshot (dialog, "consult-reassign");
  respond (dialog, "reassign");
  WAIT_UNTIL (!hz_consult_page_is_loading (page) &&
              g_strcmp0 (json_object_get_string_member_with_default (hz_consult_page_get_consult (page),
                                                                     "target_specialist", ""), "dr.sun") == 0);

  /* The hub's record: re-addressed, still waiting, the reason kept. */
  path = g_strdup_printf ("consults/%s", id);
  record = hz_hub_call (hub, wang_token, "GET", path, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (hz_json_str (record, "target_specialist"), ==, "dr.sun");
  g_assert_cmpstr (hz_json_str (record, "target_department"), ==, "dermatology");
  g_assert_cmpstr (hz_json_str (record, "state"), ==, "requested");
  g_free (path);
  path = g_strdup_printf ("consults/%s/events", id);
  events = hz_hub_call (hub, wang_token, "GET", path, NULL, &status);
  events_text = json_to_string (events, FALSE);
  g_assert_nonnull (strstr (events_text, "\"action\":\"assign\""));
  g_assert_nonnull (strstr (events_text, "皮疹为主，请皮肤科会诊"));
  WAIT_UNTIL (!hz_consult_page_is_loading (page));
  screenshot (wang, "consult-reassigned");
  gtk_window_destroy (GTK_WINDOW (wang));
}

static gboolean
revealed (HzWindow *window)
{
  GObject *revealer = gtk_widget_get_template_child (GTK_WIDGET (window), HZ_TYPE_WINDOW, "offline_revealer");
  return gtk_revealer_get_reveal_child (GTK_REVEALER (revealer));
}

static void
test_offline_outbox (void)
{
  HzConsultPage *page = consult_of (zhou);
  HzHubClient *client = hz_window_get_client (zhou);
  g_autofree char *token = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  hz_window_open_consult (zhou, created_id);
  WAIT_UNTIL (!hz_consult_page_is_loading (page) && g_strcmp0 (hz_consult_page_get_state (page), "accepted") == 0);

  hz_hub_kill (hub, TRUE);
  WAIT_UNTIL (!hz_hub_client_get_online (client));
  hz_consult_page_act (page, "cancel", "患者已转上级医院");
  WAIT_UNTIL (hz_hub_client_get_outbox_count (client) == 1 && !hz_consult_page_is_loading (page));
  WAIT_UNTIL (revealed (zhou));
  gtk_widget_activate_action (GTK_WIDGET (zhou), "win.back", NULL);
  WAIT_UNTIL (!hz_queue_page_is_loading (queue_of (zhou)));
  screenshot (zhou, "offline-outbox");

  hz_hub_restart (hub);
  WAIT_UNTIL (hz_hub_client_get_online (client) && hz_hub_client_get_outbox_count (client) == 0);
  WAIT_UNTIL (!revealed (zhou));
  token = hz_hub_login (hub, "dr.zhou");
  path = g_strdup_printf ("consults/%s", created_id);
  reply = hz_hub_call (hub, token, "GET", path, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (hz_json_str (reply, "state"), ==, "cancelled");
}

/* The next start resumes the stored session: no sign-in page. */
static void
test_session_resume (void)
{
  HzWindow *again = new_window ("chen", 900, 700);

  hz_window_start (again);
  g_assert_cmpstr (page_name (again), ==, "queue");
  g_assert_cmpstr (hz_hub_client_get_user_id (hz_window_get_client (again)), ==, "dr.chen");
  WAIT_UNTIL (hz_hub_client_get_online (hz_window_get_client (again)));
  WAIT_UNTIL (!hz_queue_page_is_loading (queue_of (again)) && hz_queue_page_count_rows (queue_of (again)) > 0);
  gtk_window_destroy (GTK_WINDOW (again));
}

/* cert.pem and key.pem for 127.0.0.1, made with the openssl command. */
static char *
make_certificate (const char *dir)
{
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  const char *argv[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                         "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                         "-addext", "subjectAltName=IP:127.0.0.1", NULL };
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    return NULL;
  return g_steal_pointer (&cert);
}

/* A hub behind the hospital's own CA: refused in plain words with the
 * offer to trust the CA file; trusted, it signs in. */
static void
tls_body (void)
{
  g_autofree char *dir = hz_test_tmpdir ();
  g_autofree char *cert = make_certificate (dir);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *config = NULL;
  g_autoptr(GSettings) settings = g_settings_new ("cn.huizhen.Huizhen");
  HzHub *tls_hub;
  HzWindow *window;
  HzSignInPage *page;
  GObject *ca_button;

  g_assert_nonnull (cert);
  config = g_strdup_printf ("[tls]\ncertificate=%s\nkey=%s\n", cert, key);
  tls_hub = hz_hub_start (config, NULL);
  window = new_window ("tls", 900, 700);
  page = HZ_SIGN_IN_PAGE (hz_window_get_page (window, "sign-in"));
  ca_button = gtk_widget_get_template_child (GTK_WIDGET (page), HZ_TYPE_SIGN_IN_PAGE, "ca_button");
  hz_window_demo_sign_in (window, tls_hub->url, "dr.zhou", "huizhen-demo");
  WAIT_UNTIL (hz_sign_in_page_get_error (page) != NULL);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (ca_button)));
  screenshot (window, "sign-in-certificate");

  g_settings_set_string (settings, "ca-file", cert);
  hz_sign_in_page_sign_in (page);
  WAIT_UNTIL (g_strcmp0 (page_name (window), "queue") == 0);
  g_settings_set_string (settings, "ca-file", "");
  gtk_window_destroy (GTK_WINDOW (window));
  hz_hub_free (tls_hub);
}

/* In a child that leaves with _exit(), as in test-hub-client: the TLS
 * libraries glib-networking loads trip LeakSanitizer at exit. */
static void
test_sign_in_tls (void)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");

  if (openssl == NULL)
    {
      g_test_skip ("no openssl command to make a certificate");
      return;
    }
  if (g_test_subprocess ())
    {
      tls_body ();
      fflush (stdout);
      _exit (0);
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_sign_out (void)
{
  g_autofree char *session = g_build_filename (data_home, "huizhen", "profiles", "chen", "session.json", NULL);

  g_assert_true (g_file_test (session, G_FILE_TEST_EXISTS));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (chen), "win.sign-out", NULL));
  g_assert_cmpstr (page_name (chen), ==, "sign-in");
  g_assert_false (g_file_test (session, G_FILE_TEST_EXISTS));
  /* The address is remembered for the next sign-in. */
  {
    g_autoptr(GSettings) settings = g_settings_new ("cn.huizhen.Huizhen");
    g_autofree char *url = g_settings_get_string (settings, "hub-url");
    g_assert_cmpstr (url, ==, hub->url);
  }
}

/* The dark style: the whole window follows it (no widget of ours keeps
 * light colours of its own), and back. */
static void
test_dark (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  double light, dark;

  light = mean_luminance (zhou);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  settle (300);
  g_assert_true (adw_style_manager_get_dark (style));
  dark = mean_luminance (zhou);
  screenshot (zhou, "queue-dark");
  g_test_message ("mean luminance: light %.0f, dark %.0f", light, dark);
  g_assert_cmpfloat (dark, <, 80);
  g_assert_cmpfloat (light - dark, >, 100);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  settle (300);
  g_assert_false (adw_style_manager_get_dark (style));
}

/* The narrowest supported width: nothing may need more. */
static void
test_narrow (void)
{
  int min_width = 0;

  gtk_widget_measure (GTK_WIDGET (zhou), GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  g_assert_cmpint (min_width, <=, 360);
  gtk_window_set_default_size (GTK_WINDOW (zhou), 360, 720);
  settle (500);
  screenshot (zhou, "queue-narrow");
  gtk_widget_activate_action (GTK_WIDGET (zhou), "win.new-request", NULL);
  gtk_widget_measure (GTK_WIDGET (zhou), GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  g_assert_cmpint (min_width, <=, 360);
  screenshot (zhou, "new-request-narrow");
  {
    GtkWidget *list = GTK_WIDGET (gtk_widget_get_template_child (hz_window_get_page (zhou, "new-request"),
                                                                 HZ_TYPE_NEW_REQUEST_PAGE, "attachments_list"));
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (
      GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (list, GTK_TYPE_SCROLLED_WINDOW)));

    settle (200);
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
    screenshot (zhou, "new-request-narrow-attachments");
    gtk_adjustment_set_value (adjustment, 0);
  }
  gtk_widget_activate_action (GTK_WIDGET (zhou), "win.back", NULL);

  /* The shortcuts window builds (a bad .ui is a fatal warning here). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (zhou), "win.show-help-overlay", NULL));
  settle (200);
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (zhou)));
  gtk_window_close (GTK_WINDOW (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (zhou))));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  /* Before GLib reads it: every profile goes into a scratch folder. */
  data_home = hz_test_tmpdir ();
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("HUIZHEN_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  gtk_test_init (&argc, &argv, NULL);
  /* Start Call makes real calls in this process. */
  hz_test_tolerate_gstreamer_criticals ();
  adw_init ();
  {
    g_autoptr(GSettings) settings = g_settings_new ("cn.huizhen.Huizhen");
    g_autofree char *folder = g_build_filename (g_getenv ("HUIZHEN_SOURCE_ROOT"), "tests", "data", "fhir", NULL);
    g_settings_set_string (settings, "patient-folder", folder);
  }
  /* Screenshots of finished pages, not of a cross-fade. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  start_notification_server ();
  /* The township's PACS: Orthanc with the fixture studies, named in the
   * hub's [pacs] for qingshan-thc; the client finds it in the directory. */
  orthanc = hz_orthanc_start (&error);
  if (orthanc == NULL)
    {
      orthanc_skip = g_strdup_printf ("Orthanc cannot run here: %s", error->message);
      g_clear_error (&error);
      hub = hz_hub_start (NULL, NULL);
    }
  else
    {
      g_autofree char *dicom = g_build_filename (g_getenv ("HUIZHEN_SOURCE_ROOT"), "tests", "data", "dicom", NULL);
      g_autofree char *config = g_strdup_printf ("[pacs]\nqingshan-thc=%s\n", hz_orthanc_get_dicomweb_url (orthanc));

      g_printerr ("# Orthanc runs in %s\n", hz_orthanc_isolation ());
      g_assert_cmpint (hz_orthanc_upload_dir (orthanc, dicom, &error), >, 0);
      g_assert_no_error (error);
      g_setenv ("HUIZHEN_PACS_USER", hz_orthanc_get_user (orthanc), TRUE);
      g_setenv ("HUIZHEN_PACS_PASSWORD", hz_orthanc_get_password (orthanc), TRUE);
      hub = hz_hub_start (config, NULL);
    }
  app = hz_application_new ("ui-test");
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/ui/sign-in-tls", test_sign_in_tls);
  g_test_add_func ("/ui/sign-in", test_sign_in);
  g_test_add_func ("/ui/queue-live", test_queue_live);
  g_test_add_func ("/ui/new-request", test_new_request);
  g_test_add_func ("/ui/accept-decline", test_accept_decline);
  g_test_add_func ("/ui/ringtone", test_ringtone);
  g_test_add_func ("/ui/reassign", test_reassign);
  g_test_add_func ("/ui/pacs-study", test_pacs_study);
  g_test_add_func ("/ui/start-call-workspace", test_start_call_workspace);
  g_test_add_func ("/ui/offline-outbox", test_offline_outbox);
  g_test_add_func ("/ui/session-resume", test_session_resume);
  g_test_add_func ("/ui/dark", test_dark);
  g_test_add_func ("/ui/narrow", test_narrow);
  hz_test_ui_shortcuts_add (GTK_APPLICATION (app), screenshot);
  g_test_add_func ("/ui/sign-out", test_sign_out);
  status = g_test_run ();

  if (chen)
    gtk_window_destroy (GTK_WINDOW (chen));
  if (zhou)
    gtk_window_destroy (GTK_WINDOW (zhou));
  g_clear_object (&app);
  hz_hub_free (hub);
  if (orthanc)
    hz_orthanc_free (orthanc);
  g_free (orthanc_skip);
  hz_test_rmdir (data_home);
  g_free (data_home);
  g_free (created_id);
  g_free (emergency_id);
  g_free (last_notification);
  return status;
}
