/* hz-image-view-input.c: what the user does to the image viewer: wheel,
 * keys, drags and the actions behind them. Every change made here is the
 * user's, so each ends in ::view-changed for the follower. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "hz-image-view-private.h"

#define ZOOM_STEP 1.25
#define PAGE_SLICES 10

static void
step_slice (HzImageView *self,
            int          delta)
{
  guint n = self->stack ? hz_image_stack_get_n_slices (self->stack) : 0;
  gint64 target = (gint64) self->slice + delta;

  if (n == 0)
    return;
  target = CLAMP (target, 0, (gint64) n - 1);
  if ((guint) target == self->slice)
    return;
  hz_image_view_set_slice (self, (guint) target);
  _hz_image_view_user_changed (self);
}

static void
slice_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  HzImageView *self = HZ_IMAGE_VIEW (widget);
  guint n = self->stack ? hz_image_stack_get_n_slices (self->stack) : 0;

  if (g_str_equal (action_name, "viewer.next-slice"))
    step_slice (self, 1);
  else if (g_str_equal (action_name, "viewer.previous-slice"))
    step_slice (self, -1);
  else if (g_str_equal (action_name, "viewer.next-page"))
    step_slice (self, PAGE_SLICES);
  else if (g_str_equal (action_name, "viewer.previous-page"))
    step_slice (self, -PAGE_SLICES);
  else if (g_str_equal (action_name, "viewer.first-slice"))
    step_slice (self, -(int) self->slice);
  else if (g_str_equal (action_name, "viewer.last-slice") && n > 0)
    step_slice (self, (int) (n - 1 - self->slice));
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HzImageView *self = HZ_IMAGE_VIEW (widget);
  double cx = gtk_widget_get_width (widget) / 2.0;
  double cy = gtk_widget_get_height (widget) / 2.0;

  if (g_str_equal (action_name, "viewer.zoom-in"))
    _hz_image_view_zoom_at (self, self->zoom * ZOOM_STEP, cx, cy);
  else if (g_str_equal (action_name, "viewer.zoom-out"))
    _hz_image_view_zoom_at (self, self->zoom / ZOOM_STEP, cx, cy);
  else
    {
      hz_image_view_set_zoom (self, 1);
      hz_image_view_set_pan (self, 0, 0);
    }
  _hz_image_view_user_changed (self);
}

/* Shift+arrows move the image by a tenth of the view: the keyboard can
 * do what a drag does. */
static void
pan_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  HzImageView *self = HZ_IMAGE_VIEW (widget);
  double ix0, iy0, ix1, iy1, dx = 0, dy = 0;
  const char *direction = g_variant_get_string (parameter, NULL);

  hz_image_view_widget_to_image (self, 0, 0, &ix0, &iy0);
  hz_image_view_widget_to_image (self, gtk_widget_get_width (widget) / 10.0,
                                 gtk_widget_get_height (widget) / 10.0, &ix1, &iy1);
  if (g_str_equal (direction, "left"))
    dx = -(ix1 - ix0);
  else if (g_str_equal (direction, "right"))
    dx = ix1 - ix0;
  else if (g_str_equal (direction, "up"))
    dy = -(iy1 - iy0);
  else if (g_str_equal (direction, "down"))
    dy = iy1 - iy0;
  else
    return;
  /* Moving the image left shows what is to its right. */
  hz_image_view_set_pan (self, self->pan_x - dx, self->pan_y - dy);
  _hz_image_view_user_changed (self);
}

static void
window_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HzImageView *self = HZ_IMAGE_VIEW (widget);

  if (g_str_equal (action_name, "viewer.invert"))
    hz_image_view_set_invert (self, !self->invert);
  else if (g_str_equal (action_name, "viewer.reset-window"))
    hz_image_view_set_window (self, 0, 0);
  else if (!hz_image_view_apply_preset (self, g_variant_get_string (parameter, NULL)))
    return;
  _hz_image_view_user_changed (self);
}

static void
tool_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HzImageView *self = HZ_IMAGE_VIEW (widget);
  GEnumClass *enum_class = g_type_class_ref (HZ_TYPE_IMAGE_TOOL);
  GEnumValue *value = g_enum_get_value_by_nick (enum_class, g_variant_get_string (parameter, NULL));

  if (value != NULL)
    hz_image_view_set_tool (self, value->value);
  g_type_class_unref (enum_class);
}

static void
undo_annotation_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  _hz_image_view_remove_own_annotation (HZ_IMAGE_VIEW (widget));
}

/* ---- pointer ---------------------------------------------------------- */

static gboolean
scroll_cb (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           HzImageView              *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (dy == 0)
    return FALSE;
  if (state & GDK_CONTROL_MASK)
    {
      _hz_image_view_zoom_at (self, self->zoom * pow (ZOOM_STEP, -dy), self->pointer_wx, self->pointer_wy);
      _hz_image_view_user_changed (self);
    }
  else
    step_slice (self, dy > 0 ? 1 : -1);
  return TRUE;
}

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           HzImageView              *self)
{
  double ix, iy;

  self->pointer_wx = x;
  self->pointer_wy = y;
  hz_image_view_widget_to_image (self, x, y, &ix, &iy);
  g_signal_emit_by_name (self, "pointer-moved", ix, iy, TRUE);
}

static void
leave_cb (GtkEventControllerMotion *controller,
          HzImageView              *self)
{
  g_signal_emit_by_name (self, "pointer-moved", 0.0, 0.0, FALSE);
}

static void
drag_begin_cb (GtkGestureDrag *gesture,
               double          x,
               double          y,
               HzImageView    *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));

  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->drag_tool = button == GDK_BUTTON_SECONDARY ? HZ_IMAGE_TOOL_WINDOW : self->tool;
  self->drag_pan_x = self->pan_x;
  self->drag_pan_y = self->pan_y;
  if (!hz_image_view_get_effective_window (self, &self->drag_centre, &self->drag_width))
    self->drag_centre = 0, self->drag_width = 0;
  hz_image_view_widget_to_image (self, x, y, &self->draw_x1, &self->draw_y1);
  self->draw_x2 = self->draw_x1;
  self->draw_y2 = self->draw_y1;

  switch (self->drag_tool)
    {
    case HZ_IMAGE_TOOL_MEASURE:
      self->drawing = TRUE;
      self->drawing_kind = HZ_ANNOTATION_LENGTH;
      break;
    case HZ_IMAGE_TOOL_ARROW:
      self->drawing = TRUE;
      self->drawing_kind = HZ_ANNOTATION_ARROW;
      break;
    case HZ_IMAGE_TOOL_PAN:
    case HZ_IMAGE_TOOL_WINDOW:
    case HZ_IMAGE_TOOL_TEXT:
      break;
    }
}

static void
drag_update_cb (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                HzImageView    *self)
{
  double x0, y0;

  gtk_gesture_drag_get_start_point (gesture, &x0, &y0);
  switch (self->drag_tool)
    {
    case HZ_IMAGE_TOOL_PAN:
      {
        double scale, ix0, iy0, ix1, iy1;

        /* Measured with the pan the drag began with, so the image
         * follows the pointer exactly. */
        hz_image_view_widget_to_image (self, 0, 0, &ix0, &iy0);
        hz_image_view_widget_to_image (self, 1, 0, &ix1, &iy1);
        scale = ix1 - ix0;
        hz_image_view_set_pan (self, self->drag_pan_x - dx * scale, self->drag_pan_y - dy * scale);
        _hz_image_view_user_changed (self);
      }
      break;
    case HZ_IMAGE_TOOL_WINDOW:
      if (self->drag_width > 0)
        {
          /* Right: wider; down: brighter level. Proportional to the
           * starting width so that both a 80 HU brain window and a
           * 1500 HU lung window move at a usable pace. */
          double width = MAX (1, self->drag_width * exp (dx / 200.0));
          double centre = self->drag_centre + dy * self->drag_width / 400.0;

          hz_image_view_set_window (self, centre, width);
          _hz_image_view_user_changed (self);
        }
      break;
    case HZ_IMAGE_TOOL_MEASURE:
    case HZ_IMAGE_TOOL_ARROW:
      hz_image_view_widget_to_image (self, x0 + dx, y0 + dy, &self->draw_x2, &self->draw_y2);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      break;
    case HZ_IMAGE_TOOL_TEXT:
      break;
    }
}

static void
drag_end_cb (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             HzImageView    *self)
{
  g_autoptr(HzAnnotation) annotation = NULL;
  double x0, y0;

  gtk_gesture_drag_get_start_point (gesture, &x0, &y0);
  switch (self->drag_tool)
    {
    case HZ_IMAGE_TOOL_MEASURE:
    case HZ_IMAGE_TOOL_ARROW:
      self->drawing = FALSE;
      hz_image_view_widget_to_image (self, x0 + dx, y0 + dy, &self->draw_x2, &self->draw_y2);
      /* A click is no line. */
      if (hypot (dx, dy) >= 4)
        {
          annotation = hz_annotation_new (self->drawing_kind, NULL);
          annotation->x1 = self->draw_x1;
          annotation->y1 = self->draw_y1;
          annotation->x2 = self->draw_x2;
          annotation->y2 = self->draw_y2;
          if (self->drawing_kind == HZ_ANNOTATION_ARROW && self->annotation_text && *self->annotation_text)
            annotation->text = g_strdup (self->annotation_text);
          _hz_image_view_add_own_annotation (self, annotation);
        }
      gtk_widget_queue_draw (GTK_WIDGET (self));
      break;
    case HZ_IMAGE_TOOL_TEXT:
      if (hypot (dx, dy) < 4 && self->annotation_text != NULL && *self->annotation_text)
        {
          annotation = hz_annotation_new (HZ_ANNOTATION_TEXT, NULL);
          annotation->x1 = annotation->x2 = self->draw_x1;
          annotation->y1 = annotation->y2 = self->draw_y1;
          annotation->text = g_strdup (self->annotation_text);
          _hz_image_view_add_own_annotation (self, annotation);
        }
      break;
    case HZ_IMAGE_TOOL_PAN:
    case HZ_IMAGE_TOOL_WINDOW:
      break;
    }
}

static void
add_drag (HzImageView *self,
          guint        button)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), button);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
}

void
_hz_image_view_init_input (HzImageView *self)
{
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL
                                                               | GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  GtkEventController *motion = gtk_event_controller_motion_new ();

  g_signal_connect (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  add_drag (self, GDK_BUTTON_PRIMARY);
  add_drag (self, GDK_BUTTON_SECONDARY);
}

void
_hz_image_view_class_init_input (GtkWidgetClass *widget_class)
{
  static const char * const slice_actions[] = {
    "viewer.next-slice", "viewer.previous-slice", "viewer.next-page",
    "viewer.previous-page", "viewer.first-slice", "viewer.last-slice",
  };

  for (guint i = 0; i < G_N_ELEMENTS (slice_actions); i++)
    gtk_widget_class_install_action (widget_class, slice_actions[i], NULL, slice_action);
  gtk_widget_class_install_action (widget_class, "viewer.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "viewer.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "viewer.zoom-fit", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "viewer.pan", "s", pan_action);
  gtk_widget_class_install_action (widget_class, "viewer.invert", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "viewer.reset-window", NULL, window_action);
  gtk_widget_class_install_action (widget_class, "viewer.preset", "s", window_action);
  gtk_widget_class_install_action (widget_class, "viewer.tool", "s", tool_action);
  gtk_widget_class_install_action (widget_class, "viewer.undo-annotation", NULL, undo_annotation_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, 0, "viewer.next-slice", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "viewer.next-slice", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, 0, "viewer.previous-slice", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "viewer.previous-slice", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, 0, "viewer.next-page", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, 0, "viewer.previous-page", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, 0, "viewer.first-slice", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_End, 0, "viewer.last-slice", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "viewer.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "viewer.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "viewer.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "viewer.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_SHIFT_MASK, "viewer.pan", "s", "left");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_SHIFT_MASK, "viewer.pan", "s", "right");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_SHIFT_MASK, "viewer.pan", "s", "up");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_SHIFT_MASK, "viewer.pan", "s", "down");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, 0, "viewer.invert", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, 0, "viewer.reset-window", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, 0, "viewer.preset", "s", "lung");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, 0, "viewer.preset", "s", "mediastinum");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, 0, "viewer.preset", "s", "bone");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_4, 0, "viewer.preset", "s", "brain");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "viewer.undo-annotation", NULL);
  /* The toolbar's tools by their initials, as most viewers have them. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, 0, "viewer.tool", "s", "window");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, 0, "viewer.tool", "s", "pan");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, 0, "viewer.tool", "s", "measure");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, 0, "viewer.tool", "s", "arrow");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, 0, "viewer.tool", "s", "text");
}
