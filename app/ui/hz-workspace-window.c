/* hz-workspace-window.c: HzWorkspaceWindow: one consult's workspace in a
 * window of its own, so the queue stays usable beside it. It gathers what
 * the workspace needs from the hub (TURN servers, the specialist's
 * registered key, the institution's PACS) and places or answers the call. */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gtk/gtkunixprint.h>
#include <unistd.h>

#include "hz-call.h"
#include "hz-dicomweb-cache.h"
#include "hz-dicomweb-client.h"
#include "hz-signing-key.h"
#include "hz-workspace-window.h"
#include "hz-workspace.h"

/* Cached images per profile: a CT study or two. */
#define IMAGE_CACHE_BYTES (1024 * 1024 * 1024)

struct _HzWorkspaceWindow
{
  AdwWindow        parent_instance;

  HzHubClient     *client;
  HzCallSignaling *signaling;
  HzProfile       *profile;
  GSettings       *settings;
  JsonObject      *consult;
  JsonObject      *invite;
  HzWorkspaceCall  call_kind;
  HzWorkspace     *workspace;
  HzCall          *call;
  GCancellable    *cancellable;
};

G_DEFINE_FINAL_TYPE (HzWorkspaceWindow, hz_workspace_window, ADW_TYPE_WINDOW)

static void
report_error (HzWorkspaceWindow *self, const char *message)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("The Report Could Not Be Made"), message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static const char *
consult_str (JsonObject *consult, const char *member)
{
  return json_object_get_string_member_with_default (consult, member, "");
}

static gboolean
is_specialist (HzHubClient *client)
{
  JsonObject *user = hz_hub_client_get_user (client);

  return user && g_strcmp0 (json_object_get_string_member_with_default (user, "role", ""), "specialist") == 0;
}

/* The video-source setting, or test sources when HUIZHEN_TEST_SOURCES is
 * set (the demo and machines without devices). "auto" takes the camera
 * only when there is one. */
static void
fill_sources (HzWorkspaceWindow *self, HzCallOptions *options)
{
  g_autofree char *source = g_settings_get_string (self->settings, "video-source");
  gboolean test = g_getenv ("HUIZHEN_TEST_SOURCES") != NULL || g_str_equal (source, "test");

  if (!test && g_str_equal (source, "auto"))
    test = !g_file_test ("/dev/video0", G_FILE_TEST_EXISTS) && g_getenv ("PIPEWIRE_RUNTIME_DIR") == NULL;
  options->video_source = test ? "test:ball" : "auto";
  options->audio_source = test ? "test" : "auto";
  options->audio_playback = !test;
}

static void
start_call (HzWorkspaceWindow *self, GStrv ice_servers)
{
  HzCallOptions options = { 0 };
  g_autoptr(GError) error = NULL;
  const char *id = consult_str (self->consult, "id");
  const char *base = hz_hub_client_get_base_url (self->client);
  gboolean ok;

  fill_sources (self, &options);
  options.ice_servers = (const char * const *) ice_servers;
  /* A hub on this machine (the demo): both doctors are here too. */
  options.loopback = strstr (base, "//127.0.0.1") != NULL || strstr (base, "//localhost") != NULL;
  if (self->call_kind == HZ_WORKSPACE_CALL_PLACE)
    self->call = hz_call_new_outgoing (self->signaling, id, &options);
  else
    self->call = hz_call_new_incoming (self->signaling, id, self->invite, &options);
  /* The workspace takes the call first: it writes call.started. */
  hz_workspace_set_call (self->workspace, self->call);
  ok = self->call_kind == HZ_WORKSPACE_CALL_PLACE ? hz_call_start (self->call, &error)
                                                  : hz_call_accept (self->call, &error);
  if (!ok)
    g_warning ("The call could not start: %s", error->message);
}

static void
turn_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(HzWorkspaceWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) turn = hz_hub_client_get_finish (HZ_HUB_CLIENT (source), result, &error);
  g_auto(GStrv) servers = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Without TURN the call still tries host and server-reflexive paths. */
  if (turn)
    servers = hz_call_ice_servers_from_json (turn);
  start_call (self, servers);
}

/* The specialist's key: kept in the profile (0600), registered with the
 * hub when the hub does not have it (first use, or a new hub). */
static void
key_registered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(HzWorkspaceWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = hz_hub_client_put_finish (HZ_HUB_CLIENT (source), result, &error);

  if (reply == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("The signing key could not be registered with the hub: %s", error->message);
}

static void
key_checked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(HzWorkspaceWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) known = hz_hub_client_get_finish (HZ_HUB_CLIENT (source), result, &error);
  HzSigningKey *key = g_object_get_data (G_OBJECT (self), "signing-key");
  g_autofree char *public_key = hz_signing_key_dup_public_key_base64 (key);
  g_autoptr(JsonObject) body = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (known && g_strcmp0 (json_object_get_string_member_with_default (known, "public_key", ""), public_key) == 0)
    return;
  body = json_object_new ();
  json_object_set_string_member (body, "public_key", public_key);
  hz_hub_client_put_async (self->client, "me/key", body, self->cancellable, key_registered_cb,
                           g_object_ref (self));
}

static void
setup_signing_key (HzWorkspaceWindow *self)
{
  g_autofree char *file = g_strconcat (hz_hub_client_get_user_id (self->client), ".key", NULL);
  g_autofree char *path = g_build_filename (hz_profile_get_data_dir (self->profile), "keys", file, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HzSigningKey) key = hz_signing_key_load (path, NULL);

  if (key == NULL)
    {
      key = hz_signing_key_generate (&error);
      if (key == NULL || !hz_signing_key_save (key, path, &error))
        {
          g_warning ("No signing key: %s", error->message);
          return;
        }
    }
  hz_workspace_set_signing_key (self->workspace, key);
  g_object_set_data_full (G_OBJECT (self), "signing-key", g_object_ref (key), g_object_unref);
  hz_hub_client_get_async (self->client, "me/key", self->cancellable, key_checked_cb, g_object_ref (self));
}

/* The PACS of the user's institution, from the directory. Credentials for
 * a PACS that asks for them come from HUIZHEN_PACS_USER and
 * HUIZHEN_PACS_PASSWORD (the demo's Orthanc). */
static void
directory_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(HzWorkspaceWindow) self = user_data;
  g_autoptr(JsonObject) directory = hz_hub_client_get_finish (HZ_HUB_CLIENT (source), result, NULL);
  JsonObject *user = hz_hub_client_get_user (self->client);
  const char *institution = user ? json_object_get_string_member_with_default (user, "institution", "") : "";
  JsonArray *institutions;

  if (directory == NULL || !json_object_has_member (directory, "institutions"))
    return;
  /* People's and institutions' names for the opinion and the report. */
  hz_workspace_set_directory (self->workspace, directory);
  institutions = json_object_get_array_member (directory, "institutions");
  for (guint i = 0; i < json_array_get_length (institutions); i++)
    {
      JsonObject *inst = json_array_get_object_element (institutions, i);
      const char *pacs_url;
      g_autoptr(HzDicomwebClient) pacs = NULL;
      g_autoptr(HzDicomwebCache) cache = NULL;
      g_autofree char *cache_dir = NULL;

      if (inst == NULL || g_strcmp0 (json_object_get_string_member_with_default (inst, "id", ""), institution) != 0)
        continue;
      pacs_url = json_object_get_string_member_with_default (inst, "pacs_url", NULL);
      if (pacs_url == NULL || *pacs_url == '\0')
        return;
      pacs = hz_dicomweb_client_new (pacs_url);
      if (g_getenv ("HUIZHEN_PACS_USER"))
        hz_dicomweb_client_set_basic_auth (pacs, g_getenv ("HUIZHEN_PACS_USER"), g_getenv ("HUIZHEN_PACS_PASSWORD"));
      cache_dir = g_build_filename (hz_profile_get_data_dir (self->profile), "images", NULL);
      cache = hz_dicomweb_cache_new (cache_dir, IMAGE_CACHE_BYTES, NULL);
      if (cache)
        hz_dicomweb_client_set_cache (pacs, cache);
      hz_workspace_set_pacs (self->workspace, pacs);
      return;
    }
}

/* The report: to a PDF the user names, or through the printer dialog
 * (the same PDF, written to a private temporary file first). */
static void
export_response_cb (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  g_autoptr(HzWorkspaceWindow) self = user_data;
  g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_autoptr(GError) error = NULL;
  g_autofree char *path = file ? g_file_get_path (file) : NULL;

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  if (response != GTK_RESPONSE_ACCEPT || path == NULL)
    return;
  if (!hz_workspace_export_report (self->workspace, path, &error))
    report_error (self, error->message);
}

static void
export_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HzWorkspaceWindow *self = HZ_WORKSPACE_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;

  if (hz_workspace_get_opinion (self->workspace) == NULL)
    {
      report_error (self, _("There is no signed opinion to export yet."));
      return;
    }
  chooser = gtk_file_chooser_native_new (_("Export Report"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  /* TRANSLATORS: the report's file name; %s is the consult number */
  name = g_strdup_printf (_("consult-%s.pdf"), hz_workspace_window_get_consult_id (self));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (export_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
print_done_cb (GtkPrintJob *job, gpointer user_data, const GError *error)
{
  char *path = user_data;

  if (error)
    g_warning ("Printing failed: %s", error->message);
  g_unlink (path);
  g_free (path);
}

static void
print_response_cb (GtkDialog *dialog, int response, gpointer user_data)
{
  g_autoptr(HzWorkspaceWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  GtkPrinter *printer = gtk_print_unix_dialog_get_selected_printer (GTK_PRINT_UNIX_DIALOG (dialog));
  g_autoptr(GtkPrintJob) job = NULL;
  int fd;

  if (response != GTK_RESPONSE_OK || printer == NULL)
    {
      gtk_window_destroy (GTK_WINDOW (dialog));
      return;
    }
  fd = g_file_open_tmp ("huizhen-report-XXXXXX.pdf", &path, &error);
  if (fd >= 0)
    close (fd);
  if (fd < 0 || !hz_workspace_export_report (self->workspace, path, &error))
    {
      report_error (self, error->message);
      gtk_window_destroy (GTK_WINDOW (dialog));
      return;
    }
  job = gtk_print_job_new (gtk_window_get_title (GTK_WINDOW (self)), printer,
                           gtk_print_unix_dialog_get_settings (GTK_PRINT_UNIX_DIALOG (dialog)),
                           gtk_print_unix_dialog_get_page_setup (GTK_PRINT_UNIX_DIALOG (dialog)));
  if (!gtk_print_job_set_source_file (job, path, &error))
    {
      report_error (self, error->message);
      g_unlink (path);
    }
  else
    gtk_print_job_send (job, print_done_cb, g_steal_pointer (&path), NULL);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
print_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  HzWorkspaceWindow *self = HZ_WORKSPACE_WINDOW (widget);
  GtkWidget *dialog;

  if (hz_workspace_get_opinion (self->workspace) == NULL)
    {
      report_error (self, _("There is no signed opinion to print yet."));
      return;
    }
  dialog = gtk_print_unix_dialog_new (_("Print Report"), GTK_WINDOW (self));
  gtk_print_unix_dialog_set_manual_capabilities (GTK_PRINT_UNIX_DIALOG (dialog), 0);
  g_signal_connect (dialog, "response", G_CALLBACK (print_response_cb), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
hz_workspace_window_close_request (GtkWindow *window)
{
  HzWorkspaceWindow *self = HZ_WORKSPACE_WINDOW (window);

  if (self->call && hz_call_get_state (self->call) != HZ_CALL_STATE_ENDED)
    hz_call_hangup (self->call);
  g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (hz_workspace_window_parent_class)->close_request (window);
}

static void
hz_workspace_window_dispose (GObject *object)
{
  HzWorkspaceWindow *self = HZ_WORKSPACE_WINDOW (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->call);
  g_clear_object (&self->client);
  g_clear_object (&self->signaling);
  g_clear_object (&self->profile);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->consult, json_object_unref);
  g_clear_pointer (&self->invite, json_object_unref);
  G_OBJECT_CLASS (hz_workspace_window_parent_class)->dispose (object);
}

static void
hz_workspace_window_class_init (HzWorkspaceWindowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hz_workspace_window_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = hz_workspace_window_close_request;
  gtk_widget_class_install_action (GTK_WIDGET_CLASS (klass), "report.export", NULL, export_activated);
  gtk_widget_class_install_action (GTK_WIDGET_CLASS (klass), "report.print", NULL, print_activated);
  gtk_widget_class_add_binding_action (GTK_WIDGET_CLASS (klass), GDK_KEY_s, GDK_CONTROL_MASK, "report.export", NULL);
  gtk_widget_class_add_binding_action (GTK_WIDGET_CLASS (klass), GDK_KEY_p, GDK_CONTROL_MASK, "report.print", NULL);
}

static void
hz_workspace_window_init (HzWorkspaceWindow *self)
{
  self->cancellable = g_cancellable_new ();
}

HzWorkspaceWindow *
hz_workspace_window_new (GtkWindow       *parent,
                         HzHubClient     *client,
                         HzCallSignaling *signaling,
                         HzProfile       *profile,
                         GSettings       *settings,
                         JsonObject      *consult,
                         HzWorkspaceCall  call,
                         JsonObject      *invite)
{
  HzWorkspaceWindow *self = g_object_new (HZ_TYPE_WORKSPACE_WINDOW,
                                          "application", gtk_window_get_application (parent),
                                          "default-width", 1280, "default-height", 820, NULL);
  HzWorkspaceRole role = is_specialist (client) ? HZ_WORKSPACE_ROLE_SPECIALIST : HZ_WORKSPACE_ROLE_REQUESTER;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header, *export_button, *print_button;
  g_autofree char *title = NULL;

  self->client = g_object_ref (client);
  self->signaling = g_object_ref (signaling);
  self->profile = g_object_ref (profile);
  self->settings = g_object_ref (settings);
  self->consult = json_object_ref (consult);
  self->invite = invite ? json_object_ref (invite) : NULL;
  self->call_kind = call;
  /* TRANSLATORS: the workspace window's title; %s is the consult number */
  title = g_strdup_printf (_("Consult %s"), consult_str (consult, "id"));
  gtk_window_set_title (GTK_WINDOW (self), title);
  self->workspace = HZ_WORKSPACE (hz_workspace_new (client, consult, role,
                                                    hz_profile_get_log (profile, NULL), NULL));
  gtk_widget_set_vexpand (GTK_WIDGET (self->workspace), TRUE);
  header = adw_header_bar_new ();
  export_button = gtk_button_new_with_mnemonic (_("_Export Report…"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (export_button), "report.export");
  gtk_widget_set_tooltip_text (export_button, _("Save the signed opinion as a PDF report (Ctrl+S)"));
  print_button = gtk_button_new_from_icon_name ("printer-symbolic");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (print_button), "report.print");
  gtk_widget_set_tooltip_text (print_button, _("Print the report (Ctrl+P)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (print_button), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Print…"), -1);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), print_button);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), export_button);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->workspace));
  adw_window_set_content (ADW_WINDOW (self), box);

  if (role == HZ_WORKSPACE_ROLE_SPECIALIST)
    setup_signing_key (self);
  hz_hub_client_directory_async (client, self->cancellable, directory_cb, g_object_ref (self));
  if (call != HZ_WORKSPACE_CALL_NONE)
    hz_hub_client_turn_async (client, self->cancellable, turn_cb, g_object_ref (self));
  return self;
}

gboolean
hz_workspace_window_has_call (HzWorkspaceWindow *self)
{
  return self->call != NULL && hz_call_get_state (self->call) != HZ_CALL_STATE_ENDED;
}

void
hz_workspace_window_answer (HzWorkspaceWindow *self,
                            JsonObject        *invite)
{
  if (hz_workspace_window_has_call (self))
    return;
  g_clear_object (&self->call);
  g_clear_pointer (&self->invite, json_object_unref);
  self->invite = json_object_ref (invite);
  self->call_kind = HZ_WORKSPACE_CALL_ANSWER;
  hz_hub_client_turn_async (self->client, self->cancellable, turn_cb, g_object_ref (self));
}

const char *
hz_workspace_window_get_consult_id (HzWorkspaceWindow *self)
{
  return consult_str (self->consult, "id");
}
