/* hz-window.c: HzWindow: moves between the pages, owns the signed-in
 * hub client, says when the hub is away and how many actions wait. */
#include "config.h"

#include <glib/gi18n.h>

#include "hz-call.h"
#include "hz-call-client-signaling.h"
#include "hz-consult-page.h"
#include "hz-new-request-page.h"
#include "hz-queue-page.h"
#include "hz-sign-in-page.h"
#include "hz-window.h"
#include "hz-workspace-window.h"

struct _HzWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  HzSignInPage         *sign_in_page;
  HzQueuePage          *queue_page;
  HzConsultPage        *consult_page;
  HzNewRequestPage     *new_request_page;
  GtkRevealer          *offline_revealer;
  GtkLabel             *offline_label;

  GSettings            *settings;
  HzProfile            *profile;
  HzHubClient          *client;
  HzCallSignaling      *signaling;       /* calls of this client, over its WebSocket */
  GCancellable         *cancellable;
  guint                 offline_source;
  gboolean              offline_due;     /* the grace period is over */
  GtkWindow            *ring_dialog;     /* weak: the incoming call being rung */
  char                 *ring_call_id;    /* its "call" id */
};

G_DEFINE_FINAL_TYPE (HzWindow, hz_window, ADW_TYPE_APPLICATION_WINDOW)

HzHubClient *
hz_window_get_client (HzWindow *self)
{
  return self->client;
}

const char *
hz_window_get_page_name (HzWindow *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

GtkWidget *
hz_window_get_page (HzWindow   *self,
                    const char *name)
{
  return gtk_stack_get_child_by_name (self->stack, name);
}

void
hz_window_toast (HzWindow   *self,
                 const char *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static gboolean
is_requester (HzWindow *self)
{
  JsonObject *user = self->client ? hz_hub_client_get_user (self->client) : NULL;

  return user && g_strcmp0 (json_object_get_string_member_with_default (user, "role", ""), "requester") == 0;
}

static void
update_actions (HzWindow *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  gboolean signed_in = self->client != NULL && hz_hub_client_get_user (self->client) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-request", signed_in && is_requester (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.refresh", signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", g_strcmp0 (page, "queue") == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.back",
                                 g_strcmp0 (page, "consult") == 0 || g_strcmp0 (page, "new-request") == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-out", signed_in);
}

static void update_offline (HzWindow *self);

static gboolean
offline_timeout_cb (gpointer user_data)
{
  HzWindow *self = user_data;

  self->offline_source = 0;
  self->offline_due = TRUE;
  update_offline (self);
  return G_SOURCE_REMOVE;
}

/* The bar says when the hub is away and how many actions wait. A
 * connection being made (every start, every reconnect) gets a moment
 * before the bar shows, so it does not flash. */
static void
update_offline (HzWindow *self)
{
  g_autofree char *text = NULL;
  guint count;
  gboolean online;

  if (self->client == NULL)
    {
      g_clear_handle_id (&self->offline_source, g_source_remove);
      self->offline_due = FALSE;
      gtk_revealer_set_reveal_child (self->offline_revealer, FALSE);
      return;
    }
  count = hz_hub_client_get_outbox_count (self->client);
  online = hz_hub_client_get_online (self->client);
  if (online && count == 0)
    {
      g_clear_handle_id (&self->offline_source, g_source_remove);
      self->offline_due = FALSE;
      gtk_revealer_set_reveal_child (self->offline_revealer, FALSE);
      return;
    }
  if (online)
    text = g_strdup_printf (ngettext ("Sending %u saved action…", "Sending %u saved actions…", count), count);
  else if (count > 0)
    text = g_strdup_printf (ngettext ("The hub cannot be reached. %u action will be sent when it is back.",
                                      "The hub cannot be reached. %u actions will be sent when it is back.",
                                      count), count);
  else
    text = g_strdup (_("The hub cannot be reached. Showing what was saved on this computer."));
  gtk_label_set_label (self->offline_label, text);
  if (self->offline_due)
    gtk_revealer_set_reveal_child (self->offline_revealer, TRUE);
  else if (self->offline_source == 0)
    self->offline_source = g_timeout_add (1500, offline_timeout_cb, self);
}

static void
show_page (HzWindow   *self,
           const char *name)
{
  gtk_stack_set_visible_child_name (self->stack, name);
  update_actions (self);
}

void
hz_window_show_queue (HzWindow *self)
{
  show_page (self, "queue");
  hz_queue_page_refresh (self->queue_page);
}

void
hz_window_open_consult (HzWindow   *self,
                        const char *consult_id)
{
  hz_consult_page_show (self->consult_page, consult_id);
  show_page (self, "consult");
}

static void
open_consult_cb (HzWindow   *self,
                 const char *consult_id)
{
  hz_window_open_consult (self, consult_id);
}

static void
submitted_cb (HzWindow   *self,
              const char *consult_id)
{
  hz_window_toast (self, consult_id ? _("The request was sent.")
                                    : _("The request is saved and will be sent when the hub is back."));
  hz_window_show_queue (self);
}

static void
session_expired_cb (HzWindow *self)
{
  hz_profile_clear_session (self->profile);
  hz_window_toast (self, _("Your session has ended. Please sign in again."));
  show_page (self, "sign-in");
}

static void
connection_changed_cb (HzWindow *self)
{
  update_offline (self);
}

/* Takes a signed-in client: every page uses it from now on. */
/* An open workspace for @consult_id, if any. */
static HzWorkspaceWindow *
find_workspace (HzWindow *self, const char *consult_id)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  GList *windows = app ? gtk_application_get_windows (app) : NULL;

  /* Only this window's own: with two profiles in one process (the UI
   * tests) the other doctor's workspace for the same consult is not ours. */
  for (GList *l = windows; l; l = l->next)
    if (HZ_IS_WORKSPACE_WINDOW (l->data)
        && g_object_get_data (l->data, "hz-opened-by") == self
        && g_strcmp0 (hz_workspace_window_get_consult_id (l->data), consult_id) == 0)
      return l->data;
  return NULL;
}

static void
open_workspace (HzWindow        *self,
                JsonObject      *consult,
                HzWorkspaceCall  call,
                JsonObject      *invite)
{
  HzWorkspaceWindow *window = find_workspace (self, json_object_get_string_member_with_default (consult, "id", ""));

  if (window == NULL)
    {
      window = hz_workspace_window_new (GTK_WINDOW (self), self->client, self->signaling, self->profile,
                                        self->settings, consult, call, invite);
      g_object_set_data (G_OBJECT (window), "hz-opened-by", self);
    }
  else if (call == HZ_WORKSPACE_CALL_ANSWER)
    hz_workspace_window_answer (window, invite);
  gtk_window_present (GTK_WINDOW (window));
}

typedef struct {
  HzWindow   *window;
  char       *consult_id;
  JsonObject *invite;
} Ringing;

static void
ringing_free (Ringing *r)
{
  g_object_unref (r->window);
  g_free (r->consult_id);
  json_object_unref (r->invite);
  g_free (r);
}

static void
answer_consult_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Ringing *r = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) consult = hz_hub_client_get_consult_finish (HZ_HUB_CLIENT (source), result, &error);

  if (consult)
    open_workspace (r->window, consult, HZ_WORKSPACE_CALL_ANSWER, r->invite);
  else
    hz_window_toast (r->window, error->message);
  ringing_free (r);
}

static HzRinger *
ringer (void)
{
  GApplication *app = g_application_get_default ();

  return HZ_IS_APPLICATION (app) ? hz_application_get_ringer (HZ_APPLICATION (app)) : NULL;
}

/* The ringing ends: answered, declined, or the caller gave up. */
static void
stop_ringing (HzWindow *self)
{
  if (self->ring_dialog)
    g_object_remove_weak_pointer (G_OBJECT (self->ring_dialog), (gpointer *) &self->ring_dialog);
  self->ring_dialog = NULL;
  g_clear_pointer (&self->ring_call_id, g_free);
  if (ringer ())
    hz_ringer_stop (ringer ());
}

static void
ring_response_cb (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  Ringing *r = user_data;

  if (r->window->ring_dialog == GTK_WINDOW (dialog))
    stop_ringing (r->window);
  if (g_str_equal (response, "missed"))
    {
      ringing_free (r);
      return;
    }

  if (g_str_equal (response, "answer") && r->window->client)
    {
      hz_hub_client_get_consult_async (r->window->client, r->consult_id, r->window->cancellable,
                                       answer_consult_cb, r);
      return;
    }
  /* Declined: the caller hears "rejected" from a call that never rang here. */
  if (r->window->signaling)
    {
      g_autoptr(HzCall) call = hz_call_new_incoming (r->window->signaling, r->consult_id, r->invite, NULL);
      hz_call_reject (call);
    }
  ringing_free (r);
}

/* However the dialog goes (also with its parent), the ringing stops. */
static void
ring_dialog_destroyed_cb (HzWindow  *self,
                          GtkWidget *dialog)
{
  if (self->ring_dialog == GTK_WINDOW (dialog))
    stop_ringing (self);
}

/* The other doctor calls: ring, and let the user answer or decline. */
static void
call_message_cb (HzWindow   *self,
                 const char *consult_id,
                 JsonObject *message)
{
  g_autoptr(GNotification) notification = NULL;
  HzWorkspaceWindow *window;
  Ringing *r;
  GtkWidget *dialog;

  if (!hz_call_is_invite (message))
    {
      /* The caller hung up before anyone answered: stop ringing. */
      if (self->ring_dialog && g_strcmp0 (json_object_get_string_member_with_default (message, "kind", ""), "hangup") == 0 &&
          g_strcmp0 (json_object_get_string_member_with_default (message, "call", ""), self->ring_call_id) == 0)
        {
          GtkWindow *ringing = self->ring_dialog;
          adw_message_dialog_response (ADW_MESSAGE_DIALOG (ringing), "missed");
          gtk_window_destroy (ringing);
          hz_window_toast (self, _("Missed call: the other doctor hung up."));
        }
      return;
    }
  if (self->ring_dialog)
    return;  /* one call rings at a time; the caller's own timeout ends the other */
  window = find_workspace (self, consult_id);
  if (window && hz_workspace_window_has_call (window))
    return;  /* that call handles its own messages */
  notification = g_notification_new (_("Incoming consult call"));
  g_notification_set_body (notification, consult_id);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_URGENT);
  g_application_send_notification (g_application_get_default (), "incoming-call", notification);
  if (ringer ())
    hz_ringer_ring (ringer ());

  r = g_new0 (Ringing, 1);
  r->window = g_object_ref (self);
  r->consult_id = g_strdup (consult_id);
  r->invite = json_object_ref (message);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Incoming Consult Call"), NULL);
  /* TRANSLATORS: %s is the consult number */
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog), _("The other doctor is calling about consult %s."),
                                  consult_id);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "decline", _("_Decline"),
                                    "answer", _("_Answer"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "answer", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "decline", ADW_RESPONSE_DESTRUCTIVE);
  g_signal_connect (dialog, "response", G_CALLBACK (ring_response_cb), r);
  self->ring_dialog = GTK_WINDOW (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->ring_dialog);
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (ring_dialog_destroyed_cb), self, G_CONNECT_SWAPPED);
  self->ring_call_id = g_strdup (json_object_get_string_member (message, "call"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The dialog of the call ringing now, or NULL: for tests. */
GtkWindow *
hz_window_get_ringing_dialog (HzWindow *self)
{
  return self->ring_dialog;
}

static void
use_client (HzWindow    *self,
            HzHubClient *client)
{
  if (self->client)
    {
      g_signal_handlers_disconnect_by_data (self->client, self);
      hz_hub_client_disconnect (self->client);
    }
  g_set_object (&self->client, client);
  if (self->signaling)
    g_signal_handlers_disconnect_by_data (self->signaling, self);
  g_clear_object (&self->signaling);
  self->signaling = HZ_CALL_SIGNALING (hz_call_client_signaling_new (client));
  g_signal_connect_swapped (self->signaling, "message-received", G_CALLBACK (call_message_cb), self);
  g_signal_connect_swapped (client, "notify::online", G_CALLBACK (connection_changed_cb), self);
  g_signal_connect_swapped (client, "notify::outbox-count", G_CALLBACK (connection_changed_cb), self);
  g_signal_connect_swapped (client, "session-expired", G_CALLBACK (session_expired_cb), self);
  hz_queue_page_set_client (self->queue_page, client, self->profile, self->settings);
  hz_consult_page_set_client (self->consult_page, client, self->profile);
  hz_new_request_page_set_client (self->new_request_page, client, self->profile);
  hz_new_request_page_set_settings (self->new_request_page, self->settings);
  hz_hub_client_connect (client);
  hz_window_show_queue (self);
  /* Until the hub says hello we are not online; the bar shows after a
   * moment only if it stays that way. */
  update_offline (self);
}

static void
signed_in_cb (HzWindow    *self,
              HzHubClient *client,
              const char  *expires)
{
  g_autoptr(GError) error = NULL;

  if (!hz_profile_save_session (self->profile, hz_hub_client_get_base_url (client),
                                hz_hub_client_get_token (client), expires,
                                hz_hub_client_get_user (client), &error))
    g_warning ("Could not keep the session: %s", error ? error->message : "?");
  g_settings_set_string (self->settings, "hub-url", hz_hub_client_get_base_url (client));
  use_client (self, client);
}

static void
me_cb (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  g_autoptr(HzWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) me = hz_hub_client_get_finish (HZ_HUB_CLIENT (source), result, &error);

  if (me == NULL && g_error_matches (error, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_UNAUTHORIZED))
    {
      hz_profile_clear_session (self->profile);
      show_page (self, "sign-in");
    }
  /* Otherwise (also offline) the stored session goes on. */
}

/* Resumes a stored session that has not expired, else asks to sign in. */
void
hz_window_start (HzWindow *self)
{
  g_autofree char *url = NULL;
  g_autofree char *token = NULL;
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(HzHubClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ca_file = g_settings_get_string (self->settings, "ca-file");
  HzConsultLog *log;

  hz_sign_in_page_setup (self->sign_in_page, self->settings, self->profile);
  if (!hz_profile_load_session (self->profile, &url, &token, &user) ||
      (client = hz_hub_client_new (url, hz_profile_get_data_dir (self->profile), &error)) == NULL)
    {
      show_page (self, "sign-in");
      return;
    }
  if (*ca_file)
    hz_hub_client_set_ca_file (client, ca_file, NULL);
  log = hz_profile_get_log (self->profile, NULL);
  if (log)
    hz_hub_client_set_consult_log (client, log);
  hz_hub_client_set_token (client, token);
  /* "me" brings the user back into the client; until it answers the
   * stored copy serves, so the app opens offline too. */
  hz_hub_client_set_user (client, user);
  use_client (self, client);
  hz_hub_client_me_async (client, self->cancellable, me_cb, g_object_ref (self));
}

void
hz_window_demo_sign_in (HzWindow   *self,
                        const char *url,
                        const char *user,
                        const char *password)
{
  hz_sign_in_page_setup (self->sign_in_page, self->settings, self->profile);
  show_page (self, "sign-in");
  hz_sign_in_page_fill (self->sign_in_page, url, user, password);
  if (user)
    hz_sign_in_page_sign_in (self->sign_in_page);
}

/* Actions */

static void
new_request_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  HzWindow *self = HZ_WINDOW (widget);

  hz_new_request_page_start (self->new_request_page);
  show_page (self, "new-request");
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  HzWindow *self = HZ_WINDOW (widget);
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  if (g_strcmp0 (page, "consult") == 0)
    hz_consult_page_reload (self->consult_page);
  else
    hz_queue_page_refresh (self->queue_page);
  if (self->client)
    {
      hz_hub_client_connect (self->client);
      hz_hub_client_flush_outbox (self->client);
    }
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  hz_queue_page_focus_search (HZ_WINDOW (widget)->queue_page);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HzWindow *self = HZ_WINDOW (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "new-request") == 0)
    hz_new_request_page_save_draft (self->new_request_page);
  hz_window_show_queue (self);
}

static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  HzWindow *self = HZ_WINDOW (widget);

  if (self->client)
    {
      g_signal_handlers_disconnect_by_data (self->client, self);
      hz_hub_client_logout_async (self->client, NULL, NULL, NULL);
      g_clear_object (&self->client);
    }
  hz_profile_clear_session (self->profile);
  update_offline (self);
  show_page (self, "sign-in");
}

static void
toast_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  hz_window_toast (HZ_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
toast_queued_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  hz_window_toast (HZ_WINDOW (widget), _("Saved. It will be sent when the hub is back."));
}

/* Opens the consult on the details page in its workspace; a live consult
 * in session rings the other doctor when the requester opens it. */
static void
workspace_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HzWindow *self = HZ_WINDOW (widget);
  JsonObject *consult = hz_consult_page_get_consult (self->consult_page);
  gboolean live, place;

  if (consult == NULL || self->client == NULL)
    return;
  live = g_strcmp0 (json_object_get_string_member_with_default (consult, "mode", "live"), "live") == 0;
  place = live && is_requester (self);
  open_workspace (self, consult, place ? HZ_WORKSPACE_CALL_PLACE : HZ_WORKSPACE_CALL_NONE, NULL);
}

/* GObject */

static gboolean
hz_window_close_request (GtkWindow *window)
{
  HzWindow *self = HZ_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  hz_new_request_page_save_draft (self->new_request_page);
  return GTK_WINDOW_CLASS (hz_window_parent_class)->close_request (window);
}

static void
hz_window_dispose (GObject *object)
{
  HzWindow *self = HZ_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->offline_source, g_source_remove);
  if (self->client)
    {
      g_signal_handlers_disconnect_by_data (self->client, self);
      hz_hub_client_disconnect (self->client);
    }
  if (self->signaling)
    g_signal_handlers_disconnect_by_data (self->signaling, self);
  g_clear_object (&self->signaling);
  if (self->ring_dialog)
    stop_ringing (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), HZ_TYPE_WINDOW);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (hz_window_parent_class)->dispose (object);
}

static void
hz_window_finalize (GObject *object)
{
  HzWindow *self = HZ_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->profile);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (hz_window_parent_class)->finalize (object);
}

static void
hz_window_class_init (HzWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hz_window_dispose;
  object_class->finalize = hz_window_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = hz_window_close_request;

  g_type_ensure (HZ_TYPE_SIGN_IN_PAGE);
  g_type_ensure (HZ_TYPE_QUEUE_PAGE);
  g_type_ensure (HZ_TYPE_CONSULT_PAGE);
  g_type_ensure (HZ_TYPE_NEW_REQUEST_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/cn/huizhen/Huizhen/hz-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HzWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, HzWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, HzWindow, sign_in_page);
  gtk_widget_class_bind_template_child (widget_class, HzWindow, queue_page);
  gtk_widget_class_bind_template_child (widget_class, HzWindow, consult_page);
  gtk_widget_class_bind_template_child (widget_class, HzWindow, new_request_page);
  gtk_widget_class_bind_template_child (widget_class, HzWindow, offline_revealer);
  gtk_widget_class_bind_template_child (widget_class, HzWindow, offline_label);
  gtk_widget_class_bind_template_callback (widget_class, signed_in_cb);
  gtk_widget_class_bind_template_callback (widget_class, open_consult_cb);
  gtk_widget_class_bind_template_callback (widget_class, submitted_cb);

  gtk_widget_class_install_action (widget_class, "win.new-request", NULL, new_request_action);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_action);
  gtk_widget_class_install_action (widget_class, "win.open-workspace", NULL, workspace_action);
  gtk_widget_class_install_action (widget_class, "win.toast-queued", NULL, toast_queued_action);
  gtk_widget_class_install_action (widget_class, "win.toast", "s", toast_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.back", NULL);
}

static void
hz_window_init (HzWindow *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}

HzWindow *
hz_window_new (HzApplication *app,
               HzProfile     *profile)
{
  HzWindow *self = g_object_new (HZ_TYPE_WINDOW, "application", app, NULL);
  g_autofree char *title = NULL;

  self->settings = g_settings_new ("cn.huizhen.Huizhen");
  self->profile = g_object_ref (profile);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  if (hz_profile_get_name (profile))
    {
      /* Two profiles side by side: say which is which. */
      title = g_strdup_printf (_("Huizhen (%s)"), hz_profile_get_name (profile));
      gtk_window_set_title (GTK_WINDOW (self), title);
    }
  update_actions (self);
  return self;
}
