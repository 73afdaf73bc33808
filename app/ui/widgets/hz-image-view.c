/* hz-image-view.c: the image viewer's state and drawing. The state is a
 * set of properties that maps one to one onto HzSharedViewState, so what
 * the presenter sees can be reproduced on the follower's screen. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "hz-dicom-window.h"
#include "hz-image-view-private.h"

G_DEFINE_FINAL_TYPE (HzImageView, hz_image_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STACK,
  PROP_SLICE,
  PROP_N_SLICES,
  PROP_WINDOW_CENTRE,
  PROP_WINDOW_WIDTH,
  PROP_ZOOM,
  PROP_PAN_X,
  PROP_PAN_Y,
  PROP_INVERT,
  PROP_TOOL,
  PROP_ANNOTATION_TEXT,
  PROP_LOADING,
  N_PROPS
};

enum {
  VIEW_CHANGED,
  ANNOTATION_ADDED,
  ANNOTATION_REMOVED,
  POINTER_MOVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

GType
hz_image_tool_get_type (void)
{
  static gsize type_id = 0;
  static const GEnumValue values[] = {
    { HZ_IMAGE_TOOL_PAN, "HZ_IMAGE_TOOL_PAN", "pan" },
    { HZ_IMAGE_TOOL_WINDOW, "HZ_IMAGE_TOOL_WINDOW", "window" },
    { HZ_IMAGE_TOOL_MEASURE, "HZ_IMAGE_TOOL_MEASURE", "measure" },
    { HZ_IMAGE_TOOL_ARROW, "HZ_IMAGE_TOOL_ARROW", "arrow" },
    { HZ_IMAGE_TOOL_TEXT, "HZ_IMAGE_TOOL_TEXT", "text" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type_id))
    g_once_init_leave (&type_id, g_enum_register_static ("HzImageTool", values));
  return type_id;
}

GtkWidget *
hz_image_view_new (void)
{
  return g_object_new (HZ_TYPE_IMAGE_VIEW, NULL);
}

/* ---- geometry --------------------------------------------------------- */

static void
image_size (HzImageView *self,
            double      *columns,
            double      *rows)
{
  if (self->stack != NULL && hz_image_stack_get_n_slices (self->stack) > 0)
    {
      *columns = hz_image_stack_get_columns (self->stack, self->slice);
      *rows = hz_image_stack_get_rows (self->stack, self->slice);
    }
  else
    {
      *columns = 1;
      *rows = 1;
    }
}

/* Screen pixels per image pixel. */
static double
view_scale (HzImageView *self)
{
  double columns, rows;
  int w = gtk_widget_get_width (GTK_WIDGET (self));
  int h = gtk_widget_get_height (GTK_WIDGET (self));

  image_size (self, &columns, &rows);
  if (w <= 0 || h <= 0)
    return self->zoom;
  return MIN (w / columns, h / rows) * self->zoom;
}

void
hz_image_view_image_to_widget (HzImageView *self,
                               double       ix,
                               double       iy,
                               double      *wx,
                               double      *wy)
{
  double columns, rows, scale = view_scale (self);

  image_size (self, &columns, &rows);
  *wx = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0 + (ix - columns / 2 - self->pan_x) * scale;
  *wy = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0 + (iy - rows / 2 - self->pan_y) * scale;
}

void
hz_image_view_widget_to_image (HzImageView *self,
                               double       wx,
                               double       wy,
                               double      *ix,
                               double      *iy)
{
  double columns, rows, scale = view_scale (self);

  image_size (self, &columns, &rows);
  *ix = (wx - gtk_widget_get_width (GTK_WIDGET (self)) / 2.0) / scale + columns / 2 + self->pan_x;
  *iy = (wy - gtk_widget_get_height (GTK_WIDGET (self)) / 2.0) / scale + rows / 2 + self->pan_y;
}

/* ---- state ------------------------------------------------------------ */

void
_hz_image_view_update_loading (HzImageView *self)
{
  gboolean loading = self->stack != NULL
                     && hz_image_stack_get_frame (self->stack, self->slice) == NULL
                     && !hz_image_stack_get_decode_error (self->stack, self->slice, NULL);

  if (loading != self->loading)
    {
      self->loading = loading;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
    }
}

static void
slice_decoded_cb (HzImageStack *stack,
                  guint         slice,
                  HzImageView  *self)
{
  if (slice == self->slice)
    {
      _hz_image_view_update_loading (self);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

void
hz_image_view_set_stack (HzImageView  *self,
                         HzImageStack *stack)
{
  g_return_if_fail (HZ_IS_IMAGE_VIEW (self));

  if (self->stack == stack)
    return;
  if (self->stack != NULL)
    g_clear_signal_handler (&self->decoded_handler, self->stack);
  g_set_object (&self->stack, stack);
  if (stack != NULL)
    self->decoded_handler = g_signal_connect (stack, "slice-decoded", G_CALLBACK (slice_decoded_cb), self);

  g_object_freeze_notify (G_OBJECT (self));
  self->slice = 0;
  self->window_centre = 0;
  self->window_width = 0;
  self->zoom = 1;
  self->pan_x = self->pan_y = 0;
  self->invert = FALSE;
  /* Annotations stay: each names its series, and the presenter may come
   * back to this one. */
  g_clear_object (&self->shown);
  for (guint i = PROP_STACK; i <= PROP_INVERT; i++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[i]);
  _hz_image_view_update_loading (self);
  g_object_thaw_notify (G_OBJECT (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

HzImageStack *
hz_image_view_get_stack (HzImageView *self)
{
  g_return_val_if_fail (HZ_IS_IMAGE_VIEW (self), NULL);
  return self->stack;
}

guint
hz_image_view_get_slice (HzImageView *self)
{
  g_return_val_if_fail (HZ_IS_IMAGE_VIEW (self), 0);
  return self->slice;
}

void
hz_image_view_set_slice (HzImageView *self,
                         guint        slice)
{
  guint n;

  g_return_if_fail (HZ_IS_IMAGE_VIEW (self));

  n = self->stack ? hz_image_stack_get_n_slices (self->stack) : 1;
  slice = MIN (slice, n - 1);
  if (slice == self->slice)
    return;
  self->slice = slice;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SLICE]);
  _hz_image_view_update_loading (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
hz_image_view_set_window (HzImageView *self,
                          double       centre,
                          double       width)
{
  g_return_if_fail (HZ_IS_IMAGE_VIEW (self));

  if (!isfinite (centre) || !isfinite (width))
    return;
  if (width <= 0)
    centre = 0, width = 0;
  if (centre == self->window_centre && width == self->window_width)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  if (centre != self->window_centre)
    {
      self->window_centre = centre;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WINDOW_CENTRE]);
    }
  if (width != self->window_width)
    {
      self->window_width = width;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WINDOW_WIDTH]);
    }
  g_object_thaw_notify (G_OBJECT (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
hz_image_view_get_effective_window (HzImageView *self,
                                    double      *centre,
                                    double      *width)
{
  HzDicomWindow window;

  g_return_val_if_fail (HZ_IS_IMAGE_VIEW (self), FALSE);

  if (self->window_width > 0)
    {
      *centre = self->window_centre;
      *width = self->window_width;
      return TRUE;
    }
  if (self->stack == NULL || !hz_image_stack_get_default_window (self->stack, self->slice, &window))
    return FALSE;
  *centre = window.centre;
  *width = window.width;
  return TRUE;
}

gboolean
hz_image_view_apply_preset (HzImageView *self,
                            const char  *preset_id)
{
  HzDicomPreset preset;
  HzDicomWindow window;

  g_return_val_if_fail (HZ_IS_IMAGE_VIEW (self), FALSE);

  if (!hz_dicom_preset_from_id (preset_id, &preset))
    return FALSE;
  window = hz_dicom_preset_get_window (preset);
  hz_image_view_set_window (self, window.centre, window.width);
  return TRUE;
}

double
hz_image_view_get_zoom (HzImageView *self)
{
  g_return_val_if_fail (HZ_IS_IMAGE_VIEW (self), 1);
  return self->zoom;
}

void
hz_image_view_set_zoom (HzImageView *self,
                        double       zoom)
{
  g_return_if_fail (HZ_IS_IMAGE_VIEW (self));

  if (!isfinite (zoom))
    return;
  zoom = CLAMP (zoom, HZ_SHARED_VIEW_MIN_ZOOM, HZ_SHARED_VIEW_MAX_ZOOM);
  if (zoom == self->zoom)
    return;
  self->zoom = zoom;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
hz_image_view_set_pan (HzImageView *self,
                       double       pan_x,
                       double       pan_y)
{
  g_return_if_fail (HZ_IS_IMAGE_VIEW (self));

  if (!isfinite (pan_x) || !isfinite (pan_y))
    return;
  pan_x = CLAMP (pan_x, -HZ_SHARED_VIEW_MAX_COORD, HZ_SHARED_VIEW_MAX_COORD);
  pan_y = CLAMP (pan_y, -HZ_SHARED_VIEW_MAX_COORD, HZ_SHARED_VIEW_MAX_COORD);
  g_object_freeze_notify (G_OBJECT (self));
  if (pan_x != self->pan_x)
    {
      self->pan_x = pan_x;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAN_X]);
    }
  if (pan_y != self->pan_y)
    {
      self->pan_y = pan_y;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAN_Y]);
    }
  g_object_thaw_notify (G_OBJECT (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
hz_image_view_get_invert (HzImageView *self)
{
  g_return_val_if_fail (HZ_IS_IMAGE_VIEW (self), FALSE);
  return self->invert;
}

void
hz_image_view_set_invert (HzImageView *self,
                          gboolean     invert)
{
  g_return_if_fail (HZ_IS_IMAGE_VIEW (self));

  invert = !!invert;
  if (invert == self->invert)
    return;
  self->invert = invert;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INVERT]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
hz_image_view_set_tool (HzImageView *self,
                        HzImageTool  tool)
{
  g_return_if_fail (HZ_IS_IMAGE_VIEW (self));

  if (tool == self->tool)
    return;
  self->tool = tool;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOOL]);
}

void
hz_image_view_set_annotation_text (HzImageView *self,
                                   const char  *text)
{
  g_return_if_fail (HZ_IS_IMAGE_VIEW (self));

  if (g_strcmp0 (text, self->annotation_text) == 0)
    return;
  g_free (self->annotation_text);
  self->annotation_text = g_strdup (text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANNOTATION_TEXT]);
}

gboolean
hz_image_view_get_loading (HzImageView *self)
{
  g_return_val_if_fail (HZ_IS_IMAGE_VIEW (self), FALSE);
  return self->loading;
}

HzSharedViewState *
hz_image_view_get_state (HzImageView *self)
{
  HzSharedViewState *state;

  g_return_val_if_fail (HZ_IS_IMAGE_VIEW (self), NULL);

  state = hz_shared_view_state_new ();
  if (self->stack != NULL && hz_image_stack_get_series_uid (self->stack) != NULL)
    {
      state->resource = HZ_SHARED_RESOURCE_SERIES;
      state->resource_id = g_strdup (hz_image_stack_get_series_uid (self->stack));
    }
  state->slice = self->slice;
  state->has_window = self->window_width > 0;
  state->window_centre = state->has_window ? self->window_centre : 0;
  state->window_width = state->has_window ? self->window_width : 1;
  state->zoom = self->zoom;
  state->pan_x = self->pan_x;
  state->pan_y = self->pan_y;
  state->invert = self->invert;
  return state;
}

gboolean
hz_image_view_apply_state (HzImageView             *self,
                           const HzSharedViewState *state)
{
  g_return_val_if_fail (HZ_IS_IMAGE_VIEW (self), FALSE);
  g_return_val_if_fail (state != NULL, FALSE);

  if (state->resource != HZ_SHARED_RESOURCE_SERIES || self->stack == NULL
      || g_strcmp0 (state->resource_id, hz_image_stack_get_series_uid (self->stack)) != 0)
    return FALSE;
  g_object_freeze_notify (G_OBJECT (self));
  hz_image_view_set_slice (self, state->slice);
  if (state->has_window)
    hz_image_view_set_window (self, state->window_centre, state->window_width);
  else
    hz_image_view_set_window (self, 0, 0);
  hz_image_view_set_zoom (self, state->zoom);
  hz_image_view_set_pan (self, state->pan_x, state->pan_y);
  hz_image_view_set_invert (self, state->invert);
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

/* ---- annotations ------------------------------------------------------ */

static guint
find_annotation (HzImageView *self,
                 const char  *id)
{
  for (guint i = 0; i < self->annotations->len; i++)
    {
      HzAnnotation *a = g_ptr_array_index (self->annotations, i);

      if (g_strcmp0 (a->id, id) == 0)
        return i;
    }
  return G_MAXUINT;
}

void
hz_image_view_add_annotation (HzImageView        *self,
                              const HzAnnotation *annotation)
{
  guint i;

  g_return_if_fail (HZ_IS_IMAGE_VIEW (self));
  g_return_if_fail (annotation != NULL && annotation->id != NULL);

  /* The same id again replaces: a peer may resend after a reconnect. */
  i = find_annotation (self, annotation->id);
  if (i != G_MAXUINT)
    g_ptr_array_remove_index (self->annotations, i);
  g_ptr_array_add (self->annotations, hz_annotation_copy (annotation));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
hz_image_view_remove_annotation (HzImageView *self,
                                 const char  *id)
{
  guint i;

  g_return_val_if_fail (HZ_IS_IMAGE_VIEW (self), FALSE);

  i = find_annotation (self, id);
  if (i == G_MAXUINT)
    return FALSE;
  g_ptr_array_remove_index (self->annotations, i);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

GPtrArray *
hz_image_view_get_annotations (HzImageView *self)
{
  g_return_val_if_fail (HZ_IS_IMAGE_VIEW (self), NULL);
  return self->annotations;
}

void
_hz_image_view_add_own_annotation (HzImageView  *self,
                                   HzAnnotation *annotation)
{
  g_free (annotation->id);
  annotation->id = g_strdup_printf ("%s-%u", self->id_prefix, ++self->id_counter);
  g_free (annotation->series_uid);
  annotation->series_uid = g_strdup (self->stack ? hz_image_stack_get_series_uid (self->stack) : NULL);
  if (annotation->series_uid == NULL)
    annotation->series_uid = g_strdup ("local");
  annotation->slice = self->slice;
  hz_image_view_add_annotation (self, annotation);
  g_ptr_array_add (self->own_annotations, g_strdup (annotation->id));
  g_signal_emit (self, signals[ANNOTATION_ADDED], 0, annotation);
}

void
_hz_image_view_remove_own_annotation (HzImageView *self)
{
  g_autofree char *id = NULL;

  if (self->own_annotations->len == 0)
    return;
  id = g_ptr_array_steal_index (self->own_annotations, self->own_annotations->len - 1);
  if (hz_image_view_remove_annotation (self, id))
    g_signal_emit (self, signals[ANNOTATION_REMOVED], 0, id);
}

double
hz_image_view_measure (HzImageView        *self,
                       const HzAnnotation *annotation,
                       gboolean           *in_mm)
{
  double row_mm = 1, column_mm = 1;
  gboolean have;

  g_return_val_if_fail (HZ_IS_IMAGE_VIEW (self), 0);

  have = self->stack != NULL
         && hz_image_stack_get_pixel_spacing (self->stack, MIN (annotation->slice,
                                                                hz_image_stack_get_n_slices (self->stack) - 1),
                                              &row_mm, &column_mm);
  if (in_mm != NULL)
    *in_mm = have;
  /* PixelSpacing is (row spacing, column spacing): y first, then x. */
  return hypot ((annotation->x2 - annotation->x1) * column_mm,
                (annotation->y2 - annotation->y1) * row_mm);
}

void
hz_image_view_set_remote_pointer (HzImageView *self,
                                  gboolean     visible,
                                  double       x,
                                  double       y)
{
  g_return_if_fail (HZ_IS_IMAGE_VIEW (self));

  self->remote_visible = visible && isfinite (x) && isfinite (y);
  self->remote_x = x;
  self->remote_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
_hz_image_view_user_changed (HzImageView *self)
{
  g_signal_emit (self, signals[VIEW_CHANGED], 0);
}

void
_hz_image_view_zoom_at (HzImageView *self,
                        double       zoom,
                        double       wx,
                        double       wy)
{
  double ix, iy, columns, rows, scale;

  /* Keep the image point under the pointer where it is. */
  hz_image_view_widget_to_image (self, wx, wy, &ix, &iy);
  hz_image_view_set_zoom (self, zoom);
  scale = view_scale (self);
  image_size (self, &columns, &rows);
  hz_image_view_set_pan (self,
                         ix - (wx - gtk_widget_get_width (GTK_WIDGET (self)) / 2.0) / scale - columns / 2,
                         iy - (wy - gtk_widget_get_height (GTK_WIDGET (self)) / 2.0) / scale - rows / 2);
}

/* ---- GObject ---------------------------------------------------------- */

static void
hz_image_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  HzImageView *self = HZ_IMAGE_VIEW (object);

  switch (prop_id)
    {
    case PROP_STACK: g_value_set_object (value, self->stack); break;
    case PROP_SLICE: g_value_set_uint (value, self->slice); break;
    case PROP_N_SLICES: g_value_set_uint (value, self->stack ? hz_image_stack_get_n_slices (self->stack) : 0); break;
    case PROP_WINDOW_CENTRE: g_value_set_double (value, self->window_centre); break;
    case PROP_WINDOW_WIDTH: g_value_set_double (value, self->window_width); break;
    case PROP_ZOOM: g_value_set_double (value, self->zoom); break;
    case PROP_PAN_X: g_value_set_double (value, self->pan_x); break;
    case PROP_PAN_Y: g_value_set_double (value, self->pan_y); break;
    case PROP_INVERT: g_value_set_boolean (value, self->invert); break;
    case PROP_TOOL: g_value_set_enum (value, self->tool); break;
    case PROP_ANNOTATION_TEXT: g_value_set_string (value, self->annotation_text); break;
    case PROP_LOADING: g_value_set_boolean (value, self->loading); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hz_image_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  HzImageView *self = HZ_IMAGE_VIEW (object);

  switch (prop_id)
    {
    case PROP_STACK: hz_image_view_set_stack (self, g_value_get_object (value)); break;
    case PROP_SLICE: hz_image_view_set_slice (self, g_value_get_uint (value)); break;
    case PROP_WINDOW_CENTRE: hz_image_view_set_window (self, g_value_get_double (value), self->window_width); break;
    case PROP_WINDOW_WIDTH: hz_image_view_set_window (self, self->window_centre, g_value_get_double (value)); break;
    case PROP_ZOOM: hz_image_view_set_zoom (self, g_value_get_double (value)); break;
    case PROP_PAN_X: hz_image_view_set_pan (self, g_value_get_double (value), self->pan_y); break;
    case PROP_PAN_Y: hz_image_view_set_pan (self, self->pan_x, g_value_get_double (value)); break;
    case PROP_INVERT: hz_image_view_set_invert (self, g_value_get_boolean (value)); break;
    case PROP_TOOL: hz_image_view_set_tool (self, g_value_get_enum (value)); break;
    case PROP_ANNOTATION_TEXT: hz_image_view_set_annotation_text (self, g_value_get_string (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hz_image_view_dispose (GObject *object)
{
  HzImageView *self = HZ_IMAGE_VIEW (object);

  if (self->stack != NULL)
    g_clear_signal_handler (&self->decoded_handler, self->stack);
  g_clear_object (&self->stack);
  g_clear_object (&self->shown);
  G_OBJECT_CLASS (hz_image_view_parent_class)->dispose (object);
}

static void
hz_image_view_finalize (GObject *object)
{
  HzImageView *self = HZ_IMAGE_VIEW (object);

  g_clear_pointer (&self->annotations, g_ptr_array_unref);
  g_clear_pointer (&self->own_annotations, g_ptr_array_unref);
  g_free (self->annotation_text);
  g_free (self->id_prefix);
  G_OBJECT_CLASS (hz_image_view_parent_class)->finalize (object);
}

static void
hz_image_view_class_init (HzImageViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = hz_image_view_get_property;
  object_class->set_property = hz_image_view_set_property;
  object_class->dispose = hz_image_view_dispose;
  object_class->finalize = hz_image_view_finalize;
  widget_class->snapshot = _hz_image_view_snapshot;

  properties[PROP_STACK] = g_param_spec_object ("stack", NULL, NULL, HZ_TYPE_IMAGE_STACK, rw);
  properties[PROP_SLICE] = g_param_spec_uint ("slice", NULL, NULL, 0, HZ_SHARED_VIEW_MAX_SLICE, 0, rw);
  properties[PROP_N_SLICES] = g_param_spec_uint ("n-slices", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_WINDOW_CENTRE] = g_param_spec_double ("window-centre", NULL, NULL,
                                                        -HZ_SHARED_VIEW_MAX_WINDOW, HZ_SHARED_VIEW_MAX_WINDOW, 0, rw);
  properties[PROP_WINDOW_WIDTH] = g_param_spec_double ("window-width", NULL, NULL,
                                                       -1, HZ_SHARED_VIEW_MAX_WINDOW, 0, rw);
  properties[PROP_ZOOM] = g_param_spec_double ("zoom", NULL, NULL,
                                               HZ_SHARED_VIEW_MIN_ZOOM, HZ_SHARED_VIEW_MAX_ZOOM, 1, rw);
  properties[PROP_PAN_X] = g_param_spec_double ("pan-x", NULL, NULL,
                                                -HZ_SHARED_VIEW_MAX_COORD, HZ_SHARED_VIEW_MAX_COORD, 0, rw);
  properties[PROP_PAN_Y] = g_param_spec_double ("pan-y", NULL, NULL,
                                                -HZ_SHARED_VIEW_MAX_COORD, HZ_SHARED_VIEW_MAX_COORD, 0, rw);
  properties[PROP_INVERT] = g_param_spec_boolean ("invert", NULL, NULL, FALSE, rw);
  properties[PROP_TOOL] = g_param_spec_enum ("tool", NULL, NULL, HZ_TYPE_IMAGE_TOOL, HZ_IMAGE_TOOL_PAN, rw);
  properties[PROP_ANNOTATION_TEXT] = g_param_spec_string ("annotation-text", NULL, NULL, NULL, rw);
  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HzImageView::view-changed:
   * The user changed the view: send hz_image_view_get_state() to the follower.
   */
  signals[VIEW_CHANGED] =
    g_signal_new ("view-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[ANNOTATION_ADDED] =
    g_signal_new ("annotation-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  HZ_TYPE_ANNOTATION | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[ANNOTATION_REMOVED] =
    g_signal_new ("annotation-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * HzImageView::pointer-moved:
   * @x, @y: image pixels; @visible: FALSE when the pointer left the view
   */
  signals[POINTER_MOVED] =
    g_signal_new ("pointer-moved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_DOUBLE, G_TYPE_DOUBLE, G_TYPE_BOOLEAN);

  gtk_widget_class_set_css_name (widget_class, "hz-image-view");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  _hz_image_view_class_init_input (widget_class);
}

static void
hz_image_view_init (HzImageView *self)
{
  self->zoom = 1;
  self->annotations = g_ptr_array_new_with_free_func ((GDestroyNotify) hz_annotation_free);
  self->own_annotations = g_ptr_array_new_with_free_func (g_free);
  /* Random enough that the two doctors' ids never meet. */
  self->id_prefix = g_strdup_printf ("a%08x", g_random_int ());
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Medical image"),
                                  -1);
  _hz_image_view_init_input (self);
}
