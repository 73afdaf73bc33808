/* hz-image-view-draw.c: how the image viewer draws: the windowed slice as
 * a texture, annotations and the other doctor's pointer, and the slice,
 * zoom and window figures in a corner.
 *
 * Every frame of a scroll goes through here, so it stays cheap: the
 * slice is a cached texture, text goes through GTK's glyph cache, and
 * the cairo node for lines covers only the annotations' own area rather
 * than the whole view (a full-view cairo surface is rasterised on the
 * CPU and uploaded on every frame). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "hz-image-view-private.h"

#define ARROW_HEAD   14.0
#define LABEL_PAD    4.0

static const GdkRGBA annotation_colour = { 1, 0.9, 0.3, 1 };
static const GdkRGBA outline_colour = { 0, 0, 0, 0.85 };

/* A label with a dark outline so that it reads on any grey. */
static void
append_label (HzImageView *self,
              GtkSnapshot *snapshot,
              const char  *text,
              double       x,
              double       y)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  static const int offsets[][2] = { { -1, 0 }, { 1, 0 }, { 0, -1 }, { 0, 1 } };

  for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
    {
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + offsets[i][0], y + offsets[i][1]));
      gtk_snapshot_append_layout (snapshot, layout, &outline_colour);
      gtk_snapshot_restore (snapshot);
    }
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, &annotation_colour);
  gtk_snapshot_restore (snapshot);
}

static char *
annotation_label (HzImageView        *self,
                  const HzAnnotation *a)
{
  if (a->kind == HZ_ANNOTATION_LENGTH)
    {
      gboolean in_mm;
      double length = hz_image_view_measure (self, a, &in_mm);

      return in_mm ? g_strdup_printf (_("%.1f mm"), length) : g_strdup_printf (_("%.1f px"), length);
    }
  return g_strdup (a->text);
}

static void
stroke_annotation (HzImageView        *self,
                   cairo_t            *cr,
                   const HzAnnotation *a)
{
  double x1, y1, x2, y2, angle;

  hz_image_view_image_to_widget (self, a->x1, a->y1, &x1, &y1);
  hz_image_view_image_to_widget (self, a->x2, a->y2, &x2, &y2);
  if (a->kind == HZ_ANNOTATION_TEXT)
    return;

  /* Dark under light, like the labels. */
  for (int pass = 0; pass < 2; pass++)
    {
      gdk_cairo_set_source_rgba (cr, pass ? &annotation_colour : &outline_colour);
      cairo_set_line_width (cr, pass ? 2 : 4);
      cairo_move_to (cr, x1, y1);
      cairo_line_to (cr, x2, y2);
      cairo_stroke (cr);
    }
  if (a->kind == HZ_ANNOTATION_LENGTH)
    {
      cairo_arc (cr, x1, y1, 3, 0, 2 * G_PI);
      cairo_fill (cr);
      cairo_arc (cr, x2, y2, 3, 0, 2 * G_PI);
      cairo_fill (cr);
      return;
    }
  angle = atan2 (y2 - y1, x2 - x1);
  cairo_move_to (cr, x2, y2);
  cairo_line_to (cr, x2 - ARROW_HEAD * cos (angle - 0.4), y2 - ARROW_HEAD * sin (angle - 0.4));
  cairo_line_to (cr, x2 - ARROW_HEAD * cos (angle + 0.4), y2 - ARROW_HEAD * sin (angle + 0.4));
  cairo_close_path (cr);
  cairo_fill (cr);
}

/* Where an annotation's label goes, in widget pixels. */
static void
label_position (HzImageView        *self,
                const HzAnnotation *a,
                double             *x,
                double             *y)
{
  switch (a->kind)
    {
    case HZ_ANNOTATION_LENGTH:
      hz_image_view_image_to_widget (self, a->x2, a->y2, x, y);
      *x += 6;
      *y += 2;
      break;
    case HZ_ANNOTATION_ARROW:
      hz_image_view_image_to_widget (self, a->x1, a->y1, x, y);
      *x += LABEL_PAD;
      *y += LABEL_PAD;
      break;
    case HZ_ANNOTATION_TEXT:
    default:
      hz_image_view_image_to_widget (self, a->x1, a->y1, x, y);
      break;
    }
}

static void
grow (graphene_rect_t *area,
      gboolean        *any,
      double           x,
      double           y,
      double           margin)
{
  graphene_rect_t r = GRAPHENE_RECT_INIT (x - margin, y - margin, 2 * margin, 2 * margin);

  if (*any)
    graphene_rect_union (area, &r, area);
  else
    *area = r;
  *any = TRUE;
}

static void
append_overlay (HzImageView *self,
                GtkSnapshot *snapshot,
                int          width,
                int          height)
{
  const char *series = self->stack ? hz_image_stack_get_series_uid (self->stack) : NULL;
  g_autoptr(GPtrArray) shown = g_ptr_array_new ();
  HzAnnotation drawing = { NULL, self->drawing_kind, NULL, self->slice,
                           self->draw_x1, self->draw_y1, self->draw_x2, self->draw_y2,
                           self->annotation_text };
  graphene_rect_t area, bounds = GRAPHENE_RECT_INIT (0, 0, width, height);
  gboolean any = FALSE;
  double centre, window_width;

  for (guint i = 0; i < self->annotations->len; i++)
    {
      HzAnnotation *a = g_ptr_array_index (self->annotations, i);

      if (a->slice == self->slice && (series == NULL || g_strcmp0 (a->series_uid, series) == 0))
        g_ptr_array_add (shown, a);
    }
  if (self->drawing)
    g_ptr_array_add (shown, &drawing);

  /* Lines and the pointer in one cairo node, only as large as they are. */
  for (guint i = 0; i < shown->len; i++)
    {
      HzAnnotation *a = g_ptr_array_index (shown, i);
      double x, y;

      if (a->kind == HZ_ANNOTATION_TEXT)
        continue;
      hz_image_view_image_to_widget (self, a->x1, a->y1, &x, &y);
      grow (&area, &any, x, y, ARROW_HEAD + 4);
      hz_image_view_image_to_widget (self, a->x2, a->y2, &x, &y);
      grow (&area, &any, x, y, ARROW_HEAD + 4);
    }
  if (self->remote_visible)
    {
      double x, y;

      hz_image_view_image_to_widget (self, self->remote_x, self->remote_y, &x, &y);
      grow (&area, &any, x, y, 14);
    }
  if (any && graphene_rect_intersection (&area, &bounds, &area))
    {
      cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &area);

      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      for (guint i = 0; i < shown->len; i++)
        stroke_annotation (self, cr, g_ptr_array_index (shown, i));
      if (self->remote_visible)
        {
          double x, y;

          hz_image_view_image_to_widget (self, self->remote_x, self->remote_y, &x, &y);
          cairo_set_line_width (cr, 3);
          cairo_set_source_rgba (cr, 0, 0, 0, 0.7);
          cairo_arc (cr, x, y, 10, 0, 2 * G_PI);
          cairo_stroke (cr);
          cairo_set_line_width (cr, 2);
          cairo_set_source_rgb (cr, 0.2, 0.8, 1.0);
          cairo_arc (cr, x, y, 10, 0, 2 * G_PI);
          cairo_stroke (cr);
          cairo_arc (cr, x, y, 2.5, 0, 2 * G_PI);
          cairo_fill (cr);
        }
      cairo_destroy (cr);
    }

  for (guint i = 0; i < shown->len; i++)
    {
      HzAnnotation *a = g_ptr_array_index (shown, i);
      g_autofree char *label = annotation_label (self, a);
      double x, y;

      if (label == NULL)
        continue;
      label_position (self, a, &x, &y);
      append_label (self, snapshot, label, x, y);
    }

  if (self->stack != NULL)
    {
      g_autofree char *slice = g_strdup_printf (_("Slice %u / %u"), self->slice + 1,
                                                hz_image_stack_get_n_slices (self->stack));
      g_autofree char *zoom = g_strdup_printf (_("Zoom %.0f%%"), self->zoom * 100);

      append_label (self, snapshot, slice, 8, 6);
      append_label (self, snapshot, zoom, 8, 26);
      if (hz_image_view_get_effective_window (self, &centre, &window_width))
        {
          g_autofree char *window = g_strdup_printf (_("W %.0f / L %.0f"), window_width, centre);
          append_label (self, snapshot, window, 8, 46);
        }
    }
}

static void
append_message (HzImageView *self,
                GtkSnapshot *snapshot,
                const char  *text)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  GdkRGBA white = { 1, 1, 1, 1 };
  int w, h;

  pango_layout_set_width (layout, MAX (1, gtk_widget_get_width (GTK_WIDGET (self)) - 24) * PANGO_SCALE);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_get_pixel_size (layout, &w, &h);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (12, (gtk_widget_get_height (GTK_WIDGET (self)) - h) / 2.0));
  gtk_snapshot_append_layout (snapshot, layout, &white);
  gtk_snapshot_restore (snapshot);
}

void
_hz_image_view_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  HzImageView *self = HZ_IMAGE_VIEW (widget);
  int w = gtk_widget_get_width (widget);
  int h = gtk_widget_get_height (widget);
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, w, h);
  GdkRGBA black = { 0, 0, 0, 1 };
  GdkTexture *texture = NULL;

  gtk_snapshot_append_color (snapshot, &black, &bounds);
  if (self->stack == NULL)
    return;

  if (self->window_width > 0)
    {
      HzDicomWindow window = { self->window_centre, self->window_width };
      texture = hz_image_stack_get_texture (self->stack, self->slice, &window, self->invert);
    }
  else
    texture = hz_image_stack_get_texture (self->stack, self->slice, NULL, self->invert);
  _hz_image_view_update_loading (self);
  /* While the next slice decodes, the last one stays: no black flash. */
  if (texture != NULL)
    g_set_object (&self->shown, texture);

  gtk_snapshot_push_clip (snapshot, &bounds);
  if (self->shown != NULL)
    {
      double x1, y1, x2, y2;

      hz_image_view_image_to_widget (self, 0, 0, &x1, &y1);
      hz_image_view_image_to_widget (self, gdk_texture_get_width (self->shown),
                                     gdk_texture_get_height (self->shown), &x2, &y2);
      gtk_snapshot_append_texture (snapshot, self->shown, &GRAPHENE_RECT_INIT (x1, y1, x2 - x1, y2 - y1));
    }
  if (hz_image_stack_get_decode_error (self->stack, self->slice, NULL))
    append_message (self, snapshot, _("This image could not be decoded."));
  else if (texture == NULL && self->shown == NULL)
    append_message (self, snapshot, _("Loading image…"));
  append_overlay (self, snapshot, w, h);
  gtk_snapshot_pop (snapshot);
}
