/* hz-queue-page.c: HzQueuePage: incoming requests for a specialist,
 * outgoing ones for a township doctor, emergencies first (the hub's
 * order), with search, urgency and history filters. It follows the
 * hub's WebSocket, rings for new emergencies, and shows the last list it
 * saw when the hub is away. */
#include "config.h"

#include <glib/gi18n.h>

#include "hz-application.h"
#include "hz-consult-row.h"
#include "hz-queue-page.h"

struct _HzQueuePage
{
  GtkWidget       parent_instance;

  AdwWindowTitle *title;
  GtkSearchEntry *search_entry;
  GtkDropDown    *view_dropdown;
  GtkDropDown    *urgency_dropdown;
  GtkDropDown    *presence_dropdown;
  GtkStack       *content_stack;
  GtkListBox     *list_box;
  AdwStatusPage  *empty_page;
  GtkWidget      *new_button;

  HzHubClient    *client;
  HzProfile      *profile;
  GSettings      *settings;
  JsonObject     *directory;
  GtkSizeGroup   *badges;       /* urgency badges line up from row to row */
  GHashTable     *known;        /* consult ids seen, to ring only for new ones */
  GCancellable   *cancellable;
  guint           refresh_source;
  gboolean        loading;
  gboolean        first_load_done;
};

G_DEFINE_FINAL_TYPE (HzQueuePage, hz_queue_page, GTK_TYPE_WIDGET)

enum { OPEN_CONSULT, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *
role (HzQueuePage *self)
{
  JsonObject *user = self->client ? hz_hub_client_get_user (self->client) : NULL;

  return user ? json_object_get_string_member_with_default (user, "role", "") : "";
}

static const char *
box_name (HzQueuePage *self)
{
  if (g_str_equal (role (self), "requester"))
    return "outgoing";
  if (g_str_equal (role (self), "specialist"))
    return "incoming";
  return "all";
}

static gboolean
is_final (const char *state)
{
  HzConsultState value;

  return hz_consult_state_from_string (state, &value) && hz_consult_state_is_final (value);
}

static gboolean
filter_func (GtkListBoxRow *row,
             gpointer       user_data)
{
  HzQueuePage *self = user_data;
  HzConsultRow *consult = HZ_CONSULT_ROW (row);
  static const char *urgencies[] = { NULL, "emergency", "urgent", "routine" };
  guint urgency = gtk_drop_down_get_selected (self->urgency_dropdown);
  gboolean history = gtk_drop_down_get_selected (self->view_dropdown) == 1;

  if (is_final (hz_consult_row_get_state (consult)) != history)
    return FALSE;
  if (urgency > 0 && urgency < G_N_ELEMENTS (urgencies) &&
      g_strcmp0 (hz_consult_row_get_urgency (consult), urgencies[urgency]) != 0)
    return FALSE;
  return hz_consult_row_matches (consult, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
update_empty (HzQueuePage *self)
{
  guint visible = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       child; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && gtk_widget_get_child_visible (child) &&
        filter_func (GTK_LIST_BOX_ROW (child), self))
      visible++;
  if (visible == 0)
    {
      const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
      adw_status_page_set_title (self->empty_page, *search ? _("No Matching Consults") : _("No Consults"));
      adw_status_page_set_description (self->empty_page,
                                       g_str_equal (role (self), "requester")
                                       ? _("Requests you send appear here. Start one with the + button.")
                                       : _("New requests for you and your department appear here as they arrive."));
    }
  gtk_stack_set_visible_child_name (self->content_stack, visible ? "list" : "empty");
}

/* Urgent and emergency requests ring; routine ones wait in the list. */
static gboolean
is_urgent (const char *urgency)
{
  return g_strcmp0 (urgency, "urgent") == 0 || g_strcmp0 (urgency, "emergency") == 0;
}

static void
ring (HzQueuePage *self,
      JsonObject  *consult)
{
  GApplication *app = g_application_get_default ();
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *body = NULL;
  JsonObject *patient = json_object_has_member (consult, "patient")
                        ? json_object_get_object_member (consult, "patient") : NULL;
  const char *id = json_object_get_string_member_with_default (consult, "id", "");
  gboolean emergency;

  body = g_strdup_printf (_("%s: %s"),
                          patient ? json_object_get_string_member_with_default (patient, "name", "") : "",
                          json_object_get_string_member_with_default (consult, "reason", ""));
  emergency = g_strcmp0 (json_object_get_string_member_with_default (consult, "urgency", ""), "emergency") == 0;
  notification = g_notification_new (emergency ? _("Emergency consult request") : _("Urgent consult request"));
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, emergency ? G_NOTIFICATION_PRIORITY_URGENT : G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_set_default_action_and_target (notification, "app.activate", NULL);
  if (app)
    g_application_send_notification (app, id, notification);
  /* The chime (it heeds "notification-sound" itself). */
  if (HZ_IS_APPLICATION (app))
    hz_ringer_chime (hz_application_get_ringer (HZ_APPLICATION (app)));
}

static void
show_consults (HzQueuePage *self,
               JsonArray   *consults)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))))
    {
      gtk_size_group_remove_widget (self->badges, hz_consult_row_get_badge (HZ_CONSULT_ROW (child)));
      gtk_list_box_remove (self->list_box, child);
    }
  for (guint i = 0; i < json_array_get_length (consults); i++)
    {
      JsonObject *consult = json_array_get_object_element (consults, i);
      const char *id;

      if (consult == NULL)
        continue;
      GtkWidget *row = hz_consult_row_new (consult, self->directory);

      gtk_size_group_add_widget (self->badges, hz_consult_row_get_badge (HZ_CONSULT_ROW (row)));
      gtk_list_box_append (self->list_box, row);
      id = json_object_get_string_member_with_default (consult, "id", NULL);
      if (id && !g_hash_table_contains (self->known, id))
        {
          g_hash_table_add (self->known, g_strdup (id));
          if (self->first_load_done && !g_str_equal (role (self), "requester") &&
              is_urgent (json_object_get_string_member_with_default (consult, "urgency", "")) &&
              g_strcmp0 (json_object_get_string_member_with_default (consult, "state", ""), "requested") == 0)
            ring (self, consult);
        }
    }
  self->first_load_done = TRUE;
  update_empty (self);
}

static void
list_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(HzQueuePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) consults = hz_hub_client_list_consults_finish (HZ_HUB_CLIENT (source), result, &error);
  g_autofree char *cache = g_strdup_printf ("queue-%s.json", box_name (self));

  self->loading = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (consults)
    {
      g_autoptr(JsonObject) saved = json_object_new ();
      json_object_set_array_member (saved, "consults", json_array_ref (consults));
      if (self->profile)
        hz_profile_save_json (self->profile, cache, saved);
      show_consults (self, consults);
      return;
    }
  /* Offline: the last list this profile saw. */
  if (self->profile)
    {
      g_autoptr(JsonObject) saved = hz_profile_load_json (self->profile, cache);
      if (saved && json_object_has_member (saved, "consults"))
        show_consults (self, json_object_get_array_member (saved, "consults"));
    }
}

void
hz_queue_page_refresh (HzQueuePage *self)
{
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->client == NULL)
    return;
  self->loading = TRUE;
  hz_hub_client_list_consults_async (self->client, box_name (self), NULL, self->cancellable,
                                     list_cb, g_object_ref (self));
}

gboolean
hz_queue_page_is_loading (HzQueuePage *self)
{
  return self->loading || self->refresh_source != 0;
}

static gboolean
refresh_soon_cb (gpointer user_data)
{
  HzQueuePage *self = user_data;

  self->refresh_source = 0;
  hz_queue_page_refresh (self);
  return G_SOURCE_REMOVE;
}

/* Pushes come in bursts (a resume brings many): one list per burst. */
static void
consult_changed_cb (HzQueuePage *self)
{
  if (self->refresh_source == 0)
    self->refresh_source = g_timeout_add (150, refresh_soon_cb, self);
}

static void
directory_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HzQueuePage) self = user_data;
  g_autoptr(JsonObject) directory = hz_hub_client_get_finish (HZ_HUB_CLIENT (source), result, NULL);

  if (directory == NULL)
    {
      if (self->profile)
        directory = hz_profile_load_json (self->profile, "directory.json");
      if (directory == NULL)
        return;
    }
  else if (self->profile)
    hz_profile_save_json (self->profile, "directory.json", directory);
  g_clear_pointer (&self->directory, json_object_unref);
  self->directory = g_steal_pointer (&directory);
  hz_queue_page_refresh (self);
}

static void
update_title (HzQueuePage *self)
{
  JsonObject *user = self->client ? hz_hub_client_get_user (self->client) : NULL;
  const char *name = user ? json_object_get_string_member_with_default (user, "display_name", "") : "";

  adw_window_title_set_title (ADW_WINDOW_TITLE (self->title),
                              g_str_equal (role (self), "requester") ? _("My Requests") : _("Incoming Requests"));
  adw_window_title_set_subtitle (ADW_WINDOW_TITLE (self->title), name);
  gtk_widget_set_visible (self->new_button, g_str_equal (role (self), "requester"));
}

void
hz_queue_page_set_client (HzQueuePage *self,
                          HzHubClient *client,
                          HzProfile   *profile,
                          GSettings   *settings)
{
  if (self->client)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_set_object (&self->client, client);
  g_set_object (&self->profile, profile);
  g_set_object (&self->settings, settings);
  g_hash_table_remove_all (self->known);
  self->first_load_done = FALSE;
  g_signal_connect_swapped (client, "consult-changed", G_CALLBACK (consult_changed_cb), self);
  g_signal_connect_swapped (client, "notify::online", G_CALLBACK (consult_changed_cb), self);
  g_signal_connect_swapped (client, "notify::user-id", G_CALLBACK (update_title), self);
  update_title (self);
  hz_hub_client_directory_async (client, self->cancellable, directory_cb, g_object_ref (self));
}

void
hz_queue_page_focus_search (HzQueuePage *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
hz_queue_page_set_search (HzQueuePage *self,
                          const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  gtk_list_box_invalidate_filter (self->list_box);
  update_empty (self);
}

void
hz_queue_page_set_view (HzQueuePage *self,
                        guint        view)
{
  gtk_drop_down_set_selected (self->view_dropdown, view);
}

guint
hz_queue_page_count_rows (HzQueuePage *self)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       child; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && filter_func (GTK_LIST_BOX_ROW (child), self))
      n++;
  return n;
}

GtkWidget *
hz_queue_page_find_row (HzQueuePage *self,
                        const char  *consult_id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       child; child = gtk_widget_get_next_sibling (child))
    if (HZ_IS_CONSULT_ROW (child) &&
        g_strcmp0 (hz_consult_row_get_consult_id (HZ_CONSULT_ROW (child)), consult_id) == 0)
      return child;
  return NULL;
}

static void
search_changed_cb (HzQueuePage *self)
{
  gtk_list_box_invalidate_filter (self->list_box);
  update_empty (self);
}

static void
filter_changed_cb (HzQueuePage *self)
{
  search_changed_cb (self);
}

static void
view_changed_cb (HzQueuePage *self)
{
  search_changed_cb (self);
}

static void
presence_changed_cb (HzQueuePage *self)
{
  static const char *statuses[] = { "available", "busy", "away" };
  guint selected = gtk_drop_down_get_selected (self->presence_dropdown);

  if (self->client && selected < G_N_ELEMENTS (statuses))
    hz_hub_client_set_presence (self->client, statuses[selected]);
}

static void
row_activated_cb (HzQueuePage   *self,
                  GtkListBoxRow *row)
{
  g_signal_emit (self, signals[OPEN_CONSULT], 0, hz_consult_row_get_consult_id (HZ_CONSULT_ROW (row)));
}

static void
hz_queue_page_dispose (GObject *object)
{
  HzQueuePage *self = HZ_QUEUE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->client)
    g_signal_handlers_disconnect_by_data (self->client, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), HZ_TYPE_QUEUE_PAGE);
  /* the template's root box is not a bound child: unparent it here */
  {
    GtkWidget *child;
    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
      gtk_widget_unparent (child);
  }
  g_clear_object (&self->client);
  g_clear_object (&self->profile);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->directory, json_object_unref);
  g_clear_pointer (&self->known, g_hash_table_unref);
  g_clear_object (&self->badges);
  G_OBJECT_CLASS (hz_queue_page_parent_class)->dispose (object);
}

static void
hz_queue_page_class_init (HzQueuePageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = hz_queue_page_dispose;
  signals[OPEN_CONSULT] = g_signal_new ("open-consult", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cn/huizhen/Huizhen/hz-queue-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HzQueuePage, title);
  gtk_widget_class_bind_template_child (widget_class, HzQueuePage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, HzQueuePage, view_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HzQueuePage, urgency_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HzQueuePage, presence_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HzQueuePage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, HzQueuePage, list_box);
  gtk_widget_class_bind_template_child (widget_class, HzQueuePage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, HzQueuePage, new_button);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, view_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, presence_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
}

static void
hz_queue_page_init (HzQueuePage *self)
{
  self->cancellable = g_cancellable_new ();
  self->badges = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  self->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_list_box_set_filter_func (self->list_box, filter_func, self, NULL);
}
