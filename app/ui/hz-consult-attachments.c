/* hz-consult-attachments.c: HzConsultAttachments: the request's files as
 * the hub lists them (name, type, size), each with a Download button
 * that asks where to save it (GtkFileChooserNative: GTK 4.8 has no
 * GtkFileDialog) and writes what the hub sends there. */
#include "config.h"

#include <glib/gi18n.h>

#include "hz-consult-attachments.h"

struct _HzConsultAttachments
{
  GtkWidget     parent_instance;

  GtkLabel     *status_label;
  GtkListBox   *list_box;

  HzHubClient  *client;
  char         *consult_id;
  JsonArray    *items;
  GCancellable *cancellable;
  gboolean      loading;
};

G_DEFINE_FINAL_TYPE (HzConsultAttachments, hz_consult_attachments, GTK_TYPE_WIDGET)

static const char *
item_str (JsonObject *item,
          const char *member)
{
  JsonNode *node = item ? json_object_get_member (item, member) : NULL;

  if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

static const char *
type_label (const char *content_type)
{
  if (g_strcmp0 (content_type, "image/jpeg") == 0)
    return _("JPEG photo");
  if (g_strcmp0 (content_type, "image/png") == 0)
    return _("PNG image");
  if (g_strcmp0 (content_type, "application/pdf") == 0)
    return _("PDF document");
  if (g_strcmp0 (content_type, "application/dicom") == 0)
    return _("DICOM file");
  return content_type ? content_type : "";
}

/* A name for a file the hub knows by its hash only. */
static char *
file_name (JsonObject *item)
{
  const char *name = item_str (item, "filename");
  const char *type = item_str (item, "content_type");
  const char *sha = item_str (item, "sha256");
  const char *ext = g_strcmp0 (type, "image/jpeg") == 0 ? ".jpg"
                    : g_strcmp0 (type, "image/png") == 0 ? ".png"
                    : g_strcmp0 (type, "application/pdf") == 0 ? ".pdf" : ".dcm";
  g_autofree char *base = NULL;

  if (name && *name)
    {
      /* Only the last part: a name from the hub must not pick the folder. */
      base = g_path_get_basename (name);
      if (g_strcmp0 (base, ".") != 0 && g_strcmp0 (base, "..") != 0 && g_strcmp0 (base, "/") != 0)
        return g_steal_pointer (&base);
    }
  return g_strdup_printf ("%.12s%s", sha ? sha : "attachment", ext);
}

JsonObject *
hz_consult_attachments_get_item (HzConsultAttachments *self,
                                 guint                 index)
{
  if (self->items == NULL || index >= json_array_get_length (self->items))
    return NULL;
  return json_array_get_object_element (self->items, index);
}

guint
hz_consult_attachments_get_count (HzConsultAttachments *self)
{
  return self->items ? json_array_get_length (self->items) : 0;
}

gboolean
hz_consult_attachments_is_loading (HzConsultAttachments *self)
{
  return self->loading;
}

static void
clear_rows (HzConsultAttachments *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))))
    gtk_list_box_remove (self->list_box, child);
}

static void
show_status (HzConsultAttachments *self,
             const char           *text)
{
  gtk_label_set_label (self->status_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->list_box), FALSE);
}

static void
fill (HzConsultAttachments *self)
{
  guint n = hz_consult_attachments_get_count (self);

  clear_rows (self);
  if (n == 0)
    {
      show_status (self, _("No files attached"));
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      JsonObject *item = json_array_get_object_element (self->items, i);
      g_autofree char *name = file_name (item);
      g_autofree char *size = g_format_size ((guint64) MAX (json_object_get_int_member_with_default (item, "size", 0), 0));
      /* TRANSLATORS: an attachment's type, then its size, e.g. "PDF document · 1.2 MB" */
      g_autofree char *subtitle = g_strdup_printf (_("%s · %s"), type_label (item_str (item, "content_type")), size);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_from_icon_name ("document-save-symbolic");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, _("Download…"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Download…"), -1);
      gtk_widget_add_css_class (button, "flat");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "attachments.download");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "u", i);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      gtk_list_box_append (self->list_box, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->list_box), TRUE);
}

static void
list_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(HzConsultAttachments) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) items = hz_hub_client_list_attachments_finish (HZ_HUB_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loading = FALSE;
  if (items == NULL)
    {
      /* TRANSLATORS: %s says why, e.g. "The hub cannot be reached." */
      g_autofree char *text = g_strdup_printf (_("The list of attachments could not be loaded: %s"), error->message);
      show_status (self, text);
      return;
    }
  g_clear_pointer (&self->items, json_array_unref);
  self->items = g_steal_pointer (&items);
  fill (self);
}

void
hz_consult_attachments_load (HzConsultAttachments *self,
                             const char           *consult_id)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->items, json_array_unref);
  g_free (self->consult_id);
  self->consult_id = g_strdup (consult_id);
  self->loading = FALSE;
  clear_rows (self);
  show_status (self, _("No files attached"));
  if (self->client == NULL || consult_id == NULL)
    return;
  self->loading = TRUE;
  hz_hub_client_list_attachments_async (self->client, consult_id, self->cancellable, list_cb, g_object_ref (self));
}

void
hz_consult_attachments_set_client (HzConsultAttachments *self,
                                   HzHubClient          *client)
{
  g_set_object (&self->client, client);
}

/* Saving */

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
downloaded_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(GBytes) bytes = hz_hub_client_download_attachment_finish (HZ_HUB_CLIENT (source), result, &error);
  GFile *file = g_task_get_task_data (task);

  if (bytes == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* Patient data: readable by this user only, wherever it is saved. */
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                       g_task_get_cancellable (task), written_cb, g_object_ref (task));
}

void
hz_consult_attachments_save_async (HzConsultAttachments *self,
                                   guint                 index,
                                   GFile                *file,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  JsonObject *item = hz_consult_attachments_get_item (self, index);

  g_task_set_source_tag (task, hz_consult_attachments_save_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  if (item == NULL || self->client == NULL || item_str (item, "sha256") == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("There is no such attachment."));
      return;
    }
  hz_hub_client_download_attachment_async (self->client, self->consult_id, item_str (item, "sha256"),
                                           cancellable, downloaded_cb, g_steal_pointer (&task));
}

gboolean
hz_consult_attachments_save_finish (HzConsultAttachments *self,
                                    GAsyncResult         *result,
                                    GError              **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  HzConsultAttachments *self = HZ_CONSULT_ATTACHMENTS (source);
  g_autoptr(GError) error = NULL;
  GtkWidget *window;
  g_autofree char *text = NULL;

  if (hz_consult_attachments_save_finish (self, result, &error))
    text = g_strdup (_("Attachment saved."));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  else
    /* TRANSLATORS: %s says why */
    text = g_strdup_printf (_("The attachment could not be saved: %s"), error->message);
  window = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_WINDOW);
  if (window)
    gtk_widget_activate_action (window, "win.toast", "s", text);
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  g_autoptr(HzConsultAttachments) self = user_data;
  g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (chooser), "hz-index"));

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  if (response == GTK_RESPONSE_ACCEPT && file)
    hz_consult_attachments_save_async (self, index, file, self->cancellable, saved_cb, NULL);
}

static void
download_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  HzConsultAttachments *self = HZ_CONSULT_ATTACHMENTS (widget);
  guint index = g_variant_get_uint32 (parameter);
  JsonObject *item = hz_consult_attachments_get_item (self, index);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;

  if (item == NULL)
    return;
  name = file_name (item);
  chooser = gtk_file_chooser_native_new (_("Save the Attachment"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data (G_OBJECT (chooser), "hz-index", GUINT_TO_POINTER (index));
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
hz_consult_attachments_dispose (GObject *object)
{
  HzConsultAttachments *self = HZ_CONSULT_ATTACHMENTS (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HZ_TYPE_CONSULT_ATTACHMENTS);
  {
    GtkWidget *child;
    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
      gtk_widget_unparent (child);
  }
  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->items, json_array_unref);
  g_clear_pointer (&self->consult_id, g_free);
  G_OBJECT_CLASS (hz_consult_attachments_parent_class)->dispose (object);
}

static void
hz_consult_attachments_class_init (HzConsultAttachmentsClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = hz_consult_attachments_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cn/huizhen/Huizhen/hz-consult-attachments.ui");
  gtk_widget_class_bind_template_child (widget_class, HzConsultAttachments, status_label);
  gtk_widget_class_bind_template_child (widget_class, HzConsultAttachments, list_box);
  gtk_widget_class_install_action (widget_class, "attachments.download", "u", download_action);
}

static void
hz_consult_attachments_init (HzConsultAttachments *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}
