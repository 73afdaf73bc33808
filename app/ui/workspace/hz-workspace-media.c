/* hz-workspace-media.c: the self-view (the call's local-frame in a small
 * picture over the remote video) and the Devices menu (cameras and
 * microphones from the call's device list, switched in the live call). */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hz-call-devices.h"
#include "hz-workspace-private.h"

static void
on_local_frame (HzCall             *call,
                const HzVideoFrame *frame,
                HzWorkspace        *self)
{
  hz_video_paintable_push_frame (self->local_video, frame->pixels, frame->width, frame->height, frame->stride);
  if (!hz_call_get_camera_off (call))
    gtk_stack_set_visible_child_name (self->self_stack, "picture");
}

void
_hz_workspace_media_attach (HzWorkspace *self,
                            HzCall      *call)
{
  hz_video_paintable_clear (self->local_video);
  gtk_stack_set_visible_child_name (self->self_stack, "icon");
  if (call != NULL)
    self->call_ids[HZ_WORKSPACE_CALL_LOCAL_FRAME] =
      g_signal_connect (call, "local-frame", G_CALLBACK (on_local_frame), self);
}

/* The camera went off (no more local frames come) or on again. */
void
_hz_workspace_media_camera_changed (HzWorkspace *self,
                                    gboolean     off)
{
  gtk_image_set_from_icon_name (self->self_icon, off ? "camera-disabled-symbolic" : "camera-web-symbolic");
  if (off)
    gtk_stack_set_visible_child_name (self->self_stack, "icon");
  gtk_widget_set_opacity (self->self_frame, off ? 0.5 : 1.0);
}

static void
switch_source (HzWorkspace   *self,
               GSimpleAction *action,
               GVariant      *parameter,
               gboolean       video)
{
  const char *spec = g_variant_get_string (parameter, NULL);
  g_autoptr(GError) error = NULL;
  gboolean done;

  if (self->call == NULL)
    return;
  done = video ? hz_call_switch_video_source (self->call, spec, &error)
               : hz_call_switch_audio_source (self->call, spec, &error);
  if (!done)
    {
      g_autofree char *text = g_strdup_printf (video ? _("The camera could not be switched: %s")
                                                     : _("The microphone could not be switched: %s"),
                                               error->message);

      g_message ("%s source %s not taken: %s", video ? "video" : "audio", spec, error->message);
      gtk_label_set_text (self->call_status_label, text);
      return;
    }
  g_simple_action_set_state (action, g_variant_new_string (spec));
}

static void
video_source_cb (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  switch_source (user_data, action, parameter, TRUE);
}

static void
audio_source_cb (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  switch_source (user_data, action, parameter, FALSE);
}

static GMenu *
device_section (HzCallDeviceKind kind,
                const char      *action)
{
  g_autoptr(GPtrArray) devices = hz_call_list_devices (kind);
  GMenu *section = g_menu_new ();

  for (guint i = 0; i < devices->len; i++)
    {
      HzCallDevice *device = g_ptr_array_index (devices, i);
      g_autoptr(GMenuItem) item = g_menu_item_new (device->name, NULL);

      g_menu_item_set_action_and_target_value (item, action, g_variant_new_string (device->id));
      g_menu_append_item (section, item);
    }
  return section;
}

/* Asked afresh each time the menu opens: a camera plugged in during the
 * call shows up. */
GMenuModel *
_hz_workspace_devices_menu (HzWorkspace *self)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) cameras = device_section (HZ_CALL_DEVICE_VIDEO, "devices.video-source");
  g_autoptr(GMenu) microphones = device_section (HZ_CALL_DEVICE_AUDIO, "devices.audio-source");

  g_menu_append_section (menu, _("Cameras"), G_MENU_MODEL (cameras));
  g_menu_append_section (menu, _("Microphones"), G_MENU_MODEL (microphones));
  return G_MENU_MODEL (menu);
}

static void
create_popup_cb (GtkMenuButton *button,
                 gpointer       user_data)
{
  g_autoptr(GMenuModel) menu = _hz_workspace_devices_menu (user_data);

  gtk_menu_button_set_menu_model (button, menu);
}

void
_hz_workspace_media_set_live (HzWorkspace *self,
                              gboolean     live)
{
  const char *names[] = { "video-source", "audio-source" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->device_actions),
                                                                              names[i])), live);
  gtk_widget_set_sensitive (GTK_WIDGET (self->devices_button), live);
}

void
_hz_workspace_media_setup (HzWorkspace *self)
{
  const GActionEntry entries[] = {
    { "video-source", video_source_cb, "s", "''", NULL, { 0 } },
    { "audio-source", audio_source_cb, "s", "''", NULL, { 0 } },
  };

  self->local_video = hz_video_paintable_new ();
  gtk_image_set_from_paintable (self->self_picture, GDK_PAINTABLE (self->local_video));
  self->device_actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->device_actions), entries, G_N_ELEMENTS (entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "devices", G_ACTION_GROUP (self->device_actions));
  gtk_menu_button_set_create_popup_func (self->devices_button, create_popup_cb, self, NULL);
}
