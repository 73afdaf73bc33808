/* hz-workspace-viewer.c: the image page's toolbar (tools, annotation
 * text, window presets, invert, zoom) and the "viewer" action group
 * behind it. */
#include "config.h"

#include "hz-workspace-private.h"

/* The toolbar sits beside the viewer, not inside it, so the viewer's own
 * class actions are out of its reach: this group, on the box holding
 * both, answers for them. Everything that changes the shared view goes
 * through the viewer's own actions, which tell the follower; the tool
 * is this side's alone and is bound to the property directly. */
static void
forward_cb (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  HzWorkspace *self = user_data;
  g_autofree char *name = g_strconcat ("viewer.", g_action_get_name (G_ACTION (action)), NULL);

  gtk_widget_activate_action_variant (GTK_WIDGET (self->image_view), name, parameter);
}

static void
invert_cb (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  HzWorkspace *self = user_data;

  gtk_widget_activate_action (GTK_WIDGET (self->image_view), "viewer.invert", NULL);
}

static void
invert_changed_cb (HzWorkspace *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->viewer_actions), "invert");

  g_simple_action_set_state (G_SIMPLE_ACTION (action),
                             g_variant_new_boolean (hz_image_view_get_invert (self->image_view)));
}

static void
annotation_text_cb (HzWorkspace *self)
{
  hz_image_view_set_annotation_text (self->image_view,
                                     gtk_editable_get_text (GTK_EDITABLE (self->annotation_entry)));
}

/* The next or previous series of the browser's list, from the one shown,
 * opened as a click on it would (and shown to the follower). */
static void
series_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HzWorkspace *self = HZ_WORKSPACE (widget);
  HzImageStack *shown = hz_image_view_get_stack (self->image_view);
  guint n = hz_series_browser_get_n_series (self->series_browser);
  int step = g_str_equal (action_name, "workspace.next-series") ? 1 : -1;
  int current = -1;
  int next;

  if (n == 0)
    return;
  for (guint i = 0; shown != NULL && i < n; i++)
    if (g_strcmp0 (hz_image_stack_get_series_uid (hz_series_browser_get_series (self->series_browser, i)),
                   hz_image_stack_get_series_uid (shown)) == 0)
      current = (int) i;
  next = current < 0 ? 0 : current + step;
  if (next < 0 || next >= (int) n)
    return;
  hz_workspace_open_series (self, hz_image_stack_get_series_uid (hz_series_browser_get_series (self->series_browser, next)));
}

void
_hz_workspace_viewer_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "workspace.next-series", NULL, series_action);
  gtk_widget_class_install_action (widget_class, "workspace.previous-series", NULL, series_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, GDK_CONTROL_MASK,
                                       "workspace.next-series", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, GDK_CONTROL_MASK,
                                       "workspace.previous-series", NULL);
}

void
_hz_workspace_viewer_setup (HzWorkspace *self)
{
  static const GActionEntry entries[] = {
    { "preset", forward_cb, "s", NULL, NULL, { 0 } },
    { "reset-window", forward_cb, NULL, NULL, NULL, { 0 } },
    { "zoom-in", forward_cb, NULL, NULL, NULL, { 0 } },
    { "zoom-out", forward_cb, NULL, NULL, NULL, { 0 } },
    { "zoom-fit", forward_cb, NULL, NULL, NULL, { 0 } },
    { "invert", invert_cb, NULL, "false", NULL, { 0 } },
  };
  g_autoptr(GPropertyAction) tool = g_property_action_new ("tool", self->image_view, "tool");

  self->viewer_actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->viewer_actions), entries, G_N_ELEMENTS (entries), self);
  g_action_map_add_action (G_ACTION_MAP (self->viewer_actions), G_ACTION (tool));
  gtk_widget_insert_action_group (self->image_box, "viewer", G_ACTION_GROUP (self->viewer_actions));
  g_signal_connect_object (self->image_view, "notify::invert", G_CALLBACK (invert_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->annotation_entry, "changed", G_CALLBACK (annotation_text_cb), self,
                           G_CONNECT_SWAPPED);
}
