/* hz-sign-in-page.c: HzSignInPage: the hub address (remembered), user
 * name and password; a certificate problem is said in plain words with
 * a way to trust the hospital's own CA file. */
#include "config.h"

#include <glib/gi18n.h>

#include "hz-sign-in-page.h"

struct _HzSignInPage
{
  GtkWidget     parent_instance;

  AdwEntryRow  *url_row;
  AdwEntryRow  *user_row;
  AdwEntryRow  *password_row;
  GtkLabel     *error_label;
  GtkButton    *ca_button;
  GtkSpinner   *spinner;

  GSettings    *settings;
  HzProfile    *profile;
  HzHubClient  *pending;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (HzSignInPage, hz_sign_in_page, GTK_TYPE_WIDGET)

enum { SIGNED_IN, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
show_error (HzSignInPage *self,
            const char   *text,
            gboolean      offer_ca)
{
  gtk_label_set_label (self->error_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->ca_button), offer_ca);
}

const char *
hz_sign_in_page_get_error (HzSignInPage *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
         ? gtk_label_get_label (self->error_label) : NULL;
}

static void
set_busy (HzSignInPage *self,
          gboolean      busy)
{
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign-in.sign-in", !busy);
}

static void
login_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(HzSignInPage) self = user_data;
  g_autoptr(HzHubClient) client = HZ_HUB_CLIENT (g_object_ref (source));
  g_autoptr(GError) error = NULL;
  g_autofree char *expires = NULL;
  g_autoptr(JsonObject) user = hz_hub_client_login_finish (client, result, &expires, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  g_clear_object (&self->pending);
  if (user == NULL)
    {
      show_error (self, error->message,
                  g_error_matches (error, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_TLS));
      return;
    }
  show_error (self, NULL, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  g_signal_emit (self, signals[SIGNED_IN], 0, client, expires);
}

void
hz_sign_in_page_sign_in (HzSignInPage *self)
{
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->url_row));
  const char *user = gtk_editable_get_text (GTK_EDITABLE (self->user_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  g_autoptr(GError) error = NULL;
  g_autofree char *ca_file = self->settings ? g_settings_get_string (self->settings, "ca-file") : g_strdup ("");
  HzConsultLog *log;

  if (*url == '\0' || *user == '\0' || *password == '\0')
    {
      show_error (self, _("Please fill in the hub address, your user name and your password."), FALSE);
      return;
    }
  g_clear_object (&self->pending);
  self->pending = hz_hub_client_new (url, self->profile ? hz_profile_get_data_dir (self->profile) : NULL, &error);
  if (self->pending == NULL)
    {
      show_error (self, error->message, FALSE);
      return;
    }
  if (*ca_file && !hz_hub_client_set_ca_file (self->pending, ca_file, &error))
    {
      show_error (self, error->message, TRUE);
      g_clear_object (&self->pending);
      return;
    }
  log = self->profile ? hz_profile_get_log (self->profile, NULL) : NULL;
  if (log)
    hz_hub_client_set_consult_log (self->pending, log);
  set_busy (self, TRUE);
  show_error (self, NULL, FALSE);
  hz_hub_client_login_async (self->pending, user, password, self->cancellable, login_cb, g_object_ref (self));
}

static void
activate_cb (HzSignInPage *self)
{
  hz_sign_in_page_sign_in (self);
}

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  hz_sign_in_page_sign_in (HZ_SIGN_IN_PAGE (widget));
}

static void
ca_chosen_cb (GtkNativeDialog *dialog,
              int              response,
              gpointer         user_data)
{
  HzSignInPage *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GTlsDatabase) database = path ? g_tls_file_database_new (path, NULL) : NULL;

      if (database == NULL)
        show_error (self, _("This file is not a certificate authority file (PEM)."), TRUE);
      else
        {
          g_settings_set_string (self->settings, "ca-file", path);
          show_error (self, NULL, FALSE);
          hz_sign_in_page_sign_in (self);
        }
    }
  g_object_unref (dialog);
}

/* GTK 4.8 has no GtkFileDialog yet: GtkFileChooserNative it is. */
static void
choose_ca_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HzSignInPage *self = HZ_SIGN_IN_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Trust a Hospital CA File"), GTK_WINDOW (root),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Trust"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Certificates (PEM)"));
  gtk_file_filter_add_pattern (filter, "*.pem");
  gtk_file_filter_add_pattern (filter, "*.crt");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (ca_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
hz_sign_in_page_setup (HzSignInPage *self,
                       GSettings    *settings,
                       HzProfile    *profile)
{
  g_autofree char *url = NULL;

  g_set_object (&self->settings, settings);
  g_set_object (&self->profile, profile);
  url = g_settings_get_string (settings, "hub-url");
  if (*url && *gtk_editable_get_text (GTK_EDITABLE (self->url_row)) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->url_row), url);
}

void
hz_sign_in_page_fill (HzSignInPage *self,
                      const char   *url,
                      const char   *user,
                      const char   *password)
{
  if (url)
    gtk_editable_set_text (GTK_EDITABLE (self->url_row), url);
  if (user)
    gtk_editable_set_text (GTK_EDITABLE (self->user_row), user);
  if (password)
    gtk_editable_set_text (GTK_EDITABLE (self->password_row), password);
}

static void
hz_sign_in_page_dispose (GObject *object)
{
  HzSignInPage *self = HZ_SIGN_IN_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HZ_TYPE_SIGN_IN_PAGE);
  /* the template's root box is not a bound child: unparent it here */
  {
    GtkWidget *child;
    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
      gtk_widget_unparent (child);
  }
  g_clear_object (&self->pending);
  g_clear_object (&self->settings);
  g_clear_object (&self->profile);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (hz_sign_in_page_parent_class)->dispose (object);
}

static void
hz_sign_in_page_class_init (HzSignInPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = hz_sign_in_page_dispose;
  signals[SIGNED_IN] = g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 2, HZ_TYPE_HUB_CLIENT, G_TYPE_STRING);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cn/huizhen/Huizhen/hz-sign-in-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HzSignInPage, url_row);
  gtk_widget_class_bind_template_child (widget_class, HzSignInPage, user_row);
  gtk_widget_class_bind_template_child (widget_class, HzSignInPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, HzSignInPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, HzSignInPage, ca_button);
  gtk_widget_class_bind_template_child (widget_class, HzSignInPage, spinner);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
  gtk_widget_class_install_action (widget_class, "sign-in.sign-in", NULL, sign_in_action);
  gtk_widget_class_install_action (widget_class, "sign-in.choose-ca", NULL, choose_ca_action);
}

static void
hz_sign_in_page_init (HzSignInPage *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}
