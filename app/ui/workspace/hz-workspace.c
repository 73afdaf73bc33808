/* hz-workspace.c: the consult workspace widget: video and call controls,
 * chat, the record, the images and the opinion, with the shared view
 * (HzSharedSession) between the two doctors and the trace in the log. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hz-workspace.h"
#include "hz-workspace-private.h"

G_DEFINE_FINAL_TYPE (HzWorkspace, hz_workspace, GTK_TYPE_WIDGET)

enum {
  OPINION_RECEIVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- the trace ---- */

void
_hz_workspace_trace (HzWorkspace *self,
                     const char  *kind,
                     JsonObject  *payload)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  if (self->log == NULL)
    return;
  json_node_set_object (node, payload);
  text = json_to_string (node, FALSE);
  if (hz_consult_log_append (self->log, self->consult_id, self->user_id, kind, text, &error) < 0)
    g_warning ("consult log: %s not recorded: %s", kind, error->message);
}

static void
trace_once (HzWorkspace *self,
            const char  *kind,
            const char  *member,
            const char  *value)
{
  g_autofree char *key = g_strconcat (kind, ":", value, NULL);
  g_autoptr(JsonObject) payload = NULL;

  if (g_hash_table_contains (self->traced, key))
    return;
  g_hash_table_add (self->traced, g_steal_pointer (&key));
  payload = json_object_new ();
  json_object_set_string_member (payload, member, value);
  _hz_workspace_trace (self, kind, payload);
}

/* ---- the record ---- */

static void
bundle_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HzWorkspace) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(HzPatientRecord) record = NULL;
  gboolean from_cache = FALSE;

  bytes = hz_hub_client_get_bundle_finish (HZ_HUB_CLIENT (source), result, &from_cache, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (bytes != NULL)
    record = hz_patient_record_new_from_bytes (bytes, &error);
  if (record == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The record could not be loaded: %s"), error->message);

      adw_status_page_set_title (self->record_status, _("No record"));
      adw_status_page_set_description (self->record_status, text);
      return;
    }
  hz_record_view_set_record (self->record_view, record, NULL);
  gtk_stack_set_visible_child_name (self->record_stack, "record");
  self->record_loaded = TRUE;
  trace_once (self, "record.opened", "resource", from_cache ? "bundle (cached)" : "bundle");
}

gboolean
hz_workspace_get_record_loaded (HzWorkspace *self)
{
  g_return_val_if_fail (HZ_IS_WORKSPACE (self), FALSE);
  return self->record_loaded;
}

static void
section_changed_cb (HzWorkspace *self,
                    const char  *section_id)
{
  trace_once (self, "record.opened", "section", section_id);
}

/* ---- images ---- */

static HzImageStack *
find_series (HzWorkspace *self,
             const char  *series_uid)
{
  guint n = hz_series_browser_get_n_series (self->series_browser);

  for (guint i = 0; i < n; i++)
    {
      HzImageStack *stack = hz_series_browser_get_series (self->series_browser, i);

      if (g_strcmp0 (hz_image_stack_get_series_uid (stack), series_uid) == 0)
        return stack;
    }
  return NULL;
}

static void
show_stack (HzWorkspace  *self,
            HzImageStack *stack)
{
  const char *uid = hz_image_stack_get_series_uid (stack);

  if (hz_image_view_get_stack (self->image_view) != stack)
    hz_image_view_set_stack (self->image_view, stack);
  hz_series_browser_select (self->series_browser, uid);
  trace_once (self, "image.opened", "series", uid);
}

/* The presenter named a series: the follower shows it if it has it. */
static HzImageStack *
lookup_series (const char *series_uid,
               const char *study_uid,
               gpointer    user_data)
{
  HzWorkspace *self = user_data;
  HzImageStack *stack = find_series (self, series_uid);

  if (stack != NULL)
    show_stack (self, stack);
  return stack;
}

void
hz_workspace_add_series (HzWorkspace  *self,
                         HzImageStack *stack,
                         const char   *description,
                         const char   *modality)
{
  g_return_if_fail (HZ_IS_WORKSPACE (self));
  g_return_if_fail (HZ_IS_IMAGE_STACK (stack));

  if (find_series (self, hz_image_stack_get_series_uid (stack)) != NULL)
    return;
  hz_series_browser_add_series (self->series_browser, stack, description, modality);
  if (hz_image_view_get_stack (self->image_view) == NULL)
    show_stack (self, stack);
  /* The presenter may have named this series before it arrived here. */
  hz_shared_session_reapply (self->session);
}

gboolean
hz_workspace_open_series (HzWorkspace *self,
                          const char  *series_uid)
{
  HzImageStack *stack;

  g_return_val_if_fail (HZ_IS_WORKSPACE (self), FALSE);

  stack = find_series (self, series_uid);
  if (stack == NULL)
    return FALSE;
  show_stack (self, stack);
  hz_workspace_show_page (self, "images");
  hz_shared_session_send_view (self->session, NULL);
  return TRUE;
}

static void
series_activated_cb (HzWorkspace  *self,
                     HzImageStack *stack)
{
  show_stack (self, stack);
  hz_shared_session_send_view (self->session, NULL);
}

static void
annotation_cb (HzSharedSession    *session,
               gboolean            incoming,
               const HzAnnotation *annotation,
               HzWorkspace        *self)
{
  g_autoptr(JsonObject) payload = json_object_new ();

  json_object_set_string_member (payload, "id", annotation->id);
  json_object_set_string_member (payload, "kind", hz_annotation_kind_to_string (annotation->kind));
  json_object_set_string_member (payload, "series", annotation->series_uid);
  json_object_set_int_member (payload, "slice", annotation->slice);
  json_object_set_string_member (payload, "from", incoming ? "peer" : "self");
  _hz_workspace_trace (self, "annotation.added", payload);
}

/* ---- pages and the shared view ---- */

void
hz_workspace_show_page (HzWorkspace *self,
                        const char  *page)
{
  g_return_if_fail (HZ_IS_WORKSPACE (self));
  gtk_stack_set_visible_child_name (self->stack, page);
}

const char *
hz_workspace_get_page (HzWorkspace *self)
{
  g_return_val_if_fail (HZ_IS_WORKSPACE (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

static void
show_resource_cb (HzSharedSession *session,
                  int              resource,
                  const char      *id,
                  HzWorkspace     *self)
{
  if (resource == HZ_SHARED_RESOURCE_RECORD_SECTION)
    hz_workspace_show_page (self, "record");
  else if (resource == HZ_SHARED_RESOURCE_SERIES)
    hz_workspace_show_page (self, "images");
}

static void
visible_page_cb (HzWorkspace *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  /* A presenter turning to the record shows the section open there. */
  if (g_strcmp0 (page, "record") == 0 && hz_shared_session_get_presenting (self->session))
    {
      const char *section = hz_record_view_get_section (self->record_view);

      hz_shared_session_show_record_section (self->session, section ? section : "allergies", NULL);
    }
  else if (g_strcmp0 (page, "images") == 0 && hz_shared_session_get_presenting (self->session))
    {
      hz_shared_session_show_record_section (self->session, NULL, NULL);
    }
}

static void
update_presenter (HzWorkspace *self)
{
  gboolean presenting = hz_shared_session_get_presenting (self->session);
  gboolean peer = hz_shared_session_get_peer_presenting (self->session);
  gboolean following = hz_shared_session_get_following (self->session);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "workspace.follow", peer);
  gtk_toggle_button_set_active (self->present_button, presenting);
  gtk_toggle_button_set_active (self->follow_button, peer && following);
  if (presenting)
    gtk_label_set_text (self->presenter_label, _("You are presenting"));
  else if (peer && following)
    gtk_label_set_text (self->presenter_label, _("Following the other doctor"));
  else if (peer)
    gtk_label_set_text (self->presenter_label, _("The other doctor is presenting"));
  else
    gtk_label_set_text (self->presenter_label, "");
}

static void
present_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  HzWorkspace *self = HZ_WORKSPACE (widget);
  g_autoptr(GError) error = NULL;

  if (hz_shared_session_get_presenting (self->session))
    hz_shared_session_stop_presenting (self->session);
  else if (!hz_shared_session_present (self->session, &error))
    g_debug ("cannot present: %s", error->message);
  update_presenter (self);
}

static void
follow_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HzWorkspace *self = HZ_WORKSPACE (widget);

  hz_shared_session_set_following (self->session, !hz_shared_session_get_following (self->session));
  update_presenter (self);
}

/* ---- chat ---- */

static void
chat_cb (HzSharedSession *session,
         gboolean         incoming,
         const char      *text,
         gint64           time_us,
         HzWorkspace     *self)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (time_us / G_USEC_PER_SEC);
  g_autofree char *clock = when ? g_date_time_format (when, "%H:%M") : g_strdup ("");
  g_autofree char *line = g_strdup_printf ("%s  %s", clock, text);
  g_autoptr(JsonObject) payload = json_object_new ();
  GtkWidget *label = gtk_label_new (line);
  GtkAdjustment *adjustment;

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), incoming ? 0.0f : 1.0f);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, incoming ? "hz-chat-incoming" : "hz-chat-outgoing");
  gtk_list_box_append (self->chat_list, label);
  adjustment = gtk_scrolled_window_get_vadjustment (self->chat_scroller);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));

  json_object_set_string_member (payload, "text", text);
  json_object_set_string_member (payload, "from", incoming ? "peer" : "self");
  _hz_workspace_trace (self, "chat.message", payload);
}

static void
chat_entry_activate_cb (HzWorkspace *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->chat_entry));
  g_autoptr(GError) error = NULL;

  if (text == NULL || *text == '\0')
    return;
  if (!hz_shared_session_send_chat (self->session, text, &error))
    {
      gtk_widget_error_bell (GTK_WIDGET (self->chat_entry));
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->chat_entry), "");
}

/* ---- accessors ---- */

const char *
hz_workspace_get_consult_id (HzWorkspace *self)
{
  g_return_val_if_fail (HZ_IS_WORKSPACE (self), NULL);
  return self->consult_id;
}

HzWorkspaceRole
hz_workspace_get_role (HzWorkspace *self)
{
  g_return_val_if_fail (HZ_IS_WORKSPACE (self), HZ_WORKSPACE_ROLE_REQUESTER);
  return self->role;
}

HzSharedSession *
hz_workspace_get_shared_session (HzWorkspace *self)
{
  g_return_val_if_fail (HZ_IS_WORKSPACE (self), NULL);
  return self->session;
}

HzImageView *
hz_workspace_get_image_view (HzWorkspace *self)
{
  g_return_val_if_fail (HZ_IS_WORKSPACE (self), NULL);
  return self->image_view;
}

HzRecordView *
hz_workspace_get_record_view (HzWorkspace *self)
{
  g_return_val_if_fail (HZ_IS_WORKSPACE (self), NULL);
  return self->record_view;
}

/* ---- life ---- */

static void
hz_workspace_dispose (GObject *object)
{
  HzWorkspace *self = HZ_WORKSPACE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  _hz_workspace_call_detach (self);
  if (self->client != NULL)
    g_clear_signal_handler (&self->consult_changed_id, self->client);
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      hz_shared_session_set_image_view (self->session, NULL);
      hz_shared_session_set_record_view (self->session, NULL);
      hz_shared_session_set_call (self->session, NULL);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), HZ_TYPE_WORKSPACE);
  /* The template's root box is not a bound child: unparent it too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (hz_workspace_parent_class)->dispose (object);
}

static void
hz_workspace_finalize (GObject *object)
{
  HzWorkspace *self = HZ_WORKSPACE (object);

  g_clear_object (&self->session);
  g_clear_object (&self->client);
  g_clear_object (&self->log);
  g_clear_object (&self->key);
  g_clear_object (&self->opinion);
  g_clear_pointer (&self->addenda, g_ptr_array_unref);
  g_queue_clear_full (&self->addendum_posts, (GDestroyNotify) json_object_unref);
  g_clear_pointer (&self->directory, json_object_unref);
  g_clear_object (&self->dicomweb);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->video);
  g_clear_object (&self->viewer_actions);
  g_clear_object (&self->device_actions);
  g_clear_object (&self->local_video);
  g_clear_pointer (&self->consult, json_object_unref);
  g_clear_pointer (&self->traced, g_hash_table_unref);
  g_free (self->consult_id);
  g_free (self->user_id);
  G_OBJECT_CLASS (hz_workspace_parent_class)->finalize (object);
}

static void
load_css_once (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();
      GdkDisplay *display = gdk_display_get_default ();

      gtk_css_provider_load_from_resource (provider, "/org/huizhen/workspace/hz-workspace.css");
      if (display != NULL)
        gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                                    GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_once_init_leave (&done, 1);
    }
}

static void
hz_workspace_class_init (HzWorkspaceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hz_workspace_dispose;
  object_class->finalize = hz_workspace_finalize;

  /* (HzSignedOpinion *): the requester received and verified it. */
  signals[OPINION_RECEIVED] =
    g_signal_new ("opinion-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, HZ_TYPE_SIGNED_OPINION);
  _hz_workspace_opinion_received_signal = signals[OPINION_RECEIVED];

  g_type_ensure (HZ_TYPE_RECORD_VIEW);
  g_type_ensure (HZ_TYPE_IMAGE_VIEW);
  g_type_ensure (HZ_TYPE_SERIES_BROWSER);
  g_type_ensure (HZ_TYPE_OPINION_EDITOR);

  /* The library is static: register its resources by hand, once. */
  hz_workspace_register_resource ();
  gtk_widget_class_set_template_from_resource (widget_class, "/org/huizhen/workspace/hz-workspace.ui");
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, banner_label);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, remote_picture);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, video_placeholder);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, self_frame);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, self_icon);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, self_stack);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, self_picture);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, devices_button);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, quality_label);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, call_controls);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, call_status_label);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, chat_scroller);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, chat_list);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, chat_entry);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, presenter_label);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, present_button);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, follow_button);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, stack);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, record_stack);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, record_status);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, record_view);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, series_browser);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, image_view);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, image_box);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, annotation_entry);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, opinion_stack);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, opinion_editor);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, opinion_title);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, opinion_verified);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, opinion_signer);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, opinion_fields);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, opinion_findings);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, opinion_diagnoses);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, opinion_treatment);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, opinion_follow_up);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, opinion_referral);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, opinion_remarks);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, opinion_addenda);
  gtk_widget_class_bind_template_child (widget_class, HzWorkspace, opinion_fingerprint);
  gtk_widget_class_bind_template_callback (widget_class, chat_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, series_activated_cb);
  gtk_widget_class_bind_template_callback_full (widget_class, "opinion_signed_cb",
                                                G_CALLBACK (_hz_workspace_opinion_signed_cb));
  gtk_widget_class_bind_template_callback_full (widget_class, "addendum_signed_cb",
                                                G_CALLBACK (_hz_workspace_addendum_signed_cb));

  gtk_widget_class_install_action (widget_class, "workspace.present", NULL, present_action);
  gtk_widget_class_install_action (widget_class, "workspace.follow", NULL, follow_action);
  _hz_workspace_call_class_init (widget_class);
  _hz_workspace_viewer_class_init (widget_class);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "workspace.present", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "workspace.follow", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hz-workspace");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
hz_workspace_init (HzWorkspace *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  load_css_once ();
  self->cancellable = g_cancellable_new ();
  self->addenda = g_ptr_array_new_with_free_func (g_object_unref);
  self->traced = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->video = hz_video_paintable_new ();
  gtk_picture_set_paintable (self->remote_picture, GDK_PAINTABLE (self->video));
  _hz_workspace_viewer_setup (self);
  _hz_workspace_media_setup (self);
  g_signal_connect_swapped (self->stack, "notify::visible-child", G_CALLBACK (visible_page_cb), self);
  g_signal_connect_swapped (self->record_view, "section-changed", G_CALLBACK (section_changed_cb), self);
  g_signal_connect_swapped (self->record_view, "study-activated", G_CALLBACK (_hz_workspace_study_activated_cb), self);
}

GtkWidget *
hz_workspace_new (HzHubClient     *client,
                  JsonObject      *consult,
                  HzWorkspaceRole  role,
                  HzConsultLog    *log,
                  HzCall          *call)
{
  HzWorkspace *self;
  const char *user;

  g_return_val_if_fail (HZ_IS_HUB_CLIENT (client), NULL);
  g_return_val_if_fail (consult != NULL && json_object_has_member (consult, "id"), NULL);
  g_return_val_if_fail (log == NULL || HZ_IS_CONSULT_LOG (log), NULL);

  self = g_object_new (HZ_TYPE_WORKSPACE, NULL);
  self->client = g_object_ref (client);
  self->consult = json_object_ref (consult);
  self->consult_id = g_strdup (json_object_get_string_member (consult, "id"));
  self->role = role;
  self->log = log ? g_object_ref (log) : NULL;
  user = hz_hub_client_get_user_id (client);
  self->user_id = g_strdup (user ? user : "me");

  self->session = hz_shared_session_new (self->user_id);
  hz_shared_session_set_image_view (self->session, self->image_view);
  hz_shared_session_set_record_view (self->session, self->record_view);
  hz_shared_session_set_series_lookup (self->session, lookup_series, self);
  g_signal_connect (self->session, "annotation", G_CALLBACK (annotation_cb), self);
  g_signal_connect (self->session, "chat", G_CALLBACK (chat_cb), self);
  g_signal_connect (self->session, "show-resource", G_CALLBACK (show_resource_cb), self);
  g_signal_connect_swapped (self->session, "notify::presenting", G_CALLBACK (update_presenter), self);
  g_signal_connect_swapped (self->session, "notify::peer-presenting", G_CALLBACK (update_presenter), self);
  g_signal_connect_swapped (self->session, "notify::following", G_CALLBACK (update_presenter), self);
  update_presenter (self);

  _hz_workspace_opinion_setup (self);
  hz_workspace_set_call (self, call);
  hz_hub_client_get_bundle_async (client, self->consult_id, self->cancellable,
                                  bundle_cb, g_object_ref (self));
  return GTK_WIDGET (self);
}
