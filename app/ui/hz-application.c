/* hz-application.c: HzApplication: command-line options, application
 * actions and their shortcuts, and one window per profile. */
#include "config.h"

#include <glib/gi18n.h>

#include "hz-application.h"
#include "hz-profile.h"
#include "hz-window.h"

struct _HzApplication
{
  AdwApplication  parent_instance;
  char           *profile_name;
  char           *hub_url;
  char           *demo_user;
  char           *demo_password;
  char           *patient_folder;
  HzRinger       *ringer;
};

G_DEFINE_FINAL_TYPE (HzApplication, hz_application, ADW_TYPE_APPLICATION)

static int
hz_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  HzApplication *self = HZ_APPLICATION (app);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("huizhen %s\n", PACKAGE_VERSION);
      return 0;
    }
  g_variant_dict_lookup (options, "hub", "s", &self->hub_url);
  g_variant_dict_lookup (options, "demo-sign-in", "s", &self->demo_user);
  g_variant_dict_lookup (options, "demo-password", "s", &self->demo_password);
  g_variant_dict_lookup (options, "patient-folder", "^ay", &self->patient_folder);
  return -1;
}

static void
hz_application_activate (GApplication *app)
{
  HzApplication *self = HZ_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_autoptr(HzProfile) profile = NULL;
  g_autoptr(GError) error = NULL;

  if (window == NULL)
    {
      if (self->patient_folder)
        {
          g_autoptr(GSettings) settings = g_settings_new ("cn.huizhen.Huizhen");
          g_autoptr(GFile) folder = g_file_new_for_commandline_arg (self->patient_folder);
          g_autofree char *path = g_file_get_path (folder);
          g_settings_set_string (settings, "patient-folder", path ? path : "");
        }
      profile = hz_profile_new (self->profile_name, &error);
      if (profile == NULL)
        {
          g_printerr ("huizhen: %s\n", error->message);
          return;
        }
      window = GTK_WINDOW (hz_window_new (self, profile));
      if (self->hub_url || self->demo_user)
        hz_window_demo_sign_in (HZ_WINDOW (window), self->hub_url, self->demo_user,
                                self->demo_password ? self->demo_password : "huizhen-demo");
      else
        hz_window_start (HZ_WINDOW (window));
    }
  gtk_window_present (window);
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *app = user_data;
  AdwAboutWindow *about = ADW_ABOUT_WINDOW (adw_about_window_new ());

  adw_about_window_set_application_name (about, _("Huizhen"));
  adw_about_window_set_application_icon (about, APP_ID);
  adw_about_window_set_version (about, PACKAGE_VERSION);
  adw_about_window_set_comments (about, _("Remote consultations between clinics and hospitals"));
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  gtk_window_set_transient_for (GTK_WINDOW (about), gtk_application_get_active_window (app));
  gtk_window_present (GTK_WINDOW (about));
}

/* The Mallard help installed under help:cn.huizhen.Huizhen (yelp, or
 * the help portal in the Flatpak). */
static void
help_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  gtk_show_uri (gtk_application_get_active_window (GTK_APPLICATION (user_data)),
                "help:cn.huizhen.Huizhen", GDK_CURRENT_TIME);
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (user_data));

  /* Close each window so it saves its size and draft. */
  for (GList *l = g_list_copy (windows); l; l = g_list_delete_link (l, l))
    gtk_window_close (l->data);
}

static const GActionEntry app_actions[] = {
  { "about", about_activated, NULL, NULL, NULL, { 0 } },
  { "help", help_activated, NULL, NULL, NULL, { 0 } },
  { "quit", quit_activated, NULL, NULL, NULL, { 0 } },
};

static void
hz_application_startup (GApplication *app)
{
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.help", { "F1", NULL } },
    { "win.new-request", { "<Control>n", NULL } },
    { "win.refresh", { "<Control>r", "F5", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "win.back", { "<Alt>Left", NULL } },
    { "win.sign-out", { "<Control><Shift>q", NULL } },
    { "window.close", { "<Control>w", NULL } },
  };

  G_APPLICATION_CLASS (hz_application_parent_class)->startup (app);
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action, accels[i].accels);
}

static void
hz_application_finalize (GObject *object)
{
  HzApplication *self = HZ_APPLICATION (object);

  g_free (self->profile_name);
  g_free (self->hub_url);
  g_free (self->demo_user);
  g_free (self->demo_password);
  g_free (self->patient_folder);
  g_clear_object (&self->ringer);
  G_OBJECT_CLASS (hz_application_parent_class)->finalize (object);
}

static void
hz_application_class_init (HzApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = hz_application_finalize;
  app_class->activate = hz_application_activate;
  app_class->startup = hz_application_startup;
  app_class->handle_local_options = hz_application_handle_local_options;
}

static void
hz_application_init (HzApplication *self)
{
  static const GOptionEntry entries[] = {
    { "profile", 'p', 0, G_OPTION_ARG_STRING, NULL,
      N_("Use a separate profile (data folder and session)"), N_("NAME") },
    { "hub", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Address of the hub to use"), N_("URL") },
    { "patient-folder", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Find patients in this folder of FHIR case bundles"), N_("FOLDER") },
    { "demo-sign-in", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, NULL,
      "Developer option: sign in as this demo user", "USER" },
    { "demo-password", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, NULL,
      "Developer option: the demo password", "PASSWORD" },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

HzRinger *
hz_application_get_ringer (HzApplication *self)
{
  g_return_val_if_fail (HZ_IS_APPLICATION (self), NULL);

  if (self->ringer == NULL)
    {
      g_autoptr(GSettings) settings = g_settings_new ("cn.huizhen.Huizhen");
      self->ringer = hz_ringer_new (settings);
    }
  return self->ringer;
}

/* A profile is a second doctor on this machine: its own instance, not a
 * window of the first one's. */
HzApplication *
hz_application_new (const char *profile)
{
  HzApplication *self = g_object_new (HZ_TYPE_APPLICATION,
                                      "application-id", APP_ID,
                                      "flags", profile ? G_APPLICATION_NON_UNIQUE : G_APPLICATION_DEFAULT_FLAGS,
                                      /* the same resources for the .Devel id */
                                      "resource-base-path", "/cn/huizhen/Huizhen",
                                      NULL);
  self->profile_name = g_strdup (profile);
  return self;
}
