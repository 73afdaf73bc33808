/* hz-trend-plot.c: values over time as lines with their points, a value
 * axis and dates. Small and plain: a few measurements a year is what a
 * township record holds, and each point must be readable. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "hz-trend-plot.h"
#include "hz-widgets-style.h"

#define MARGIN_LEFT   52
#define MARGIN_RIGHT  16
#define MARGIN_TOP    34
#define MARGIN_BOTTOM 30

typedef struct {
  char   *label;
  char   *unit;
  GdkRGBA colour;
  GArray *points;   /* of HzSeriesPoint; unit/resource_id not kept */
} Series;

struct _HzTrendPlot
{
  GtkWidget  parent_instance;

  char      *title;
  GPtrArray *series;
};

G_DEFINE_FINAL_TYPE (HzTrendPlot, hz_trend_plot, GTK_TYPE_WIDGET)

static void
series_free (gpointer data)
{
  Series *series = data;

  g_free (series->label);
  g_free (series->unit);
  g_array_unref (series->points);
  g_free (series);
}

GtkWidget *
hz_trend_plot_new (const char *title)
{
  HzTrendPlot *self = g_object_new (HZ_TYPE_TREND_PLOT, NULL);

  self->title = g_strdup (title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  return GTK_WIDGET (self);
}

static int
compare_points (gconstpointer a,
                gconstpointer b)
{
  const HzSeriesPoint *pa = a, *pb = b;

  return pa->time_us < pb->time_us ? -1 : pa->time_us > pb->time_us;
}

void
hz_trend_plot_add_series (HzTrendPlot   *self,
                          const char    *label,
                          GArray        *points,
                          const GdkRGBA *colour)
{
  Series *series;

  g_return_if_fail (HZ_IS_TREND_PLOT (self));
  g_return_if_fail (points != NULL);

  series = g_new0 (Series, 1);
  series->label = g_strdup (label);
  series->colour = *colour;
  series->points = g_array_sized_new (FALSE, FALSE, sizeof (HzSeriesPoint), points->len);
  for (guint i = 0; i < points->len; i++)
    {
      HzSeriesPoint point = g_array_index (points, HzSeriesPoint, i);

      if (!isfinite (point.value))
        continue;
      if (series->unit == NULL && point.unit != NULL)
        series->unit = g_strdup (point.unit);
      point.unit = NULL;
      point.resource_id = NULL;
      g_array_append_val (series->points, point);
    }
  g_array_sort (series->points, compare_points);
  g_ptr_array_add (self->series, series);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
hz_trend_plot_clear (HzTrendPlot *self)
{
  g_return_if_fail (HZ_IS_TREND_PLOT (self));
  g_ptr_array_set_size (self->series, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
hz_trend_plot_get_n_series (HzTrendPlot *self)
{
  g_return_val_if_fail (HZ_IS_TREND_PLOT (self), 0);
  return self->series->len;
}

typedef struct {
  gint64 t0, t1;
  double v0, v1;
  double x0, x1, y0, y1;   /* the plot area */
} Frame;

/* Axis ranges with some air around the values, rounded to whole steps. */
static gboolean
compute_frame (HzTrendPlot *self,
               Frame       *frame,
               double      *step)
{
  gboolean any = FALSE;
  double span, raw;

  frame->t0 = G_MAXINT64;
  frame->t1 = G_MININT64;
  frame->v0 = INFINITY;
  frame->v1 = -INFINITY;
  for (guint s = 0; s < self->series->len; s++)
    {
      Series *series = g_ptr_array_index (self->series, s);

      for (guint i = 0; i < series->points->len; i++)
        {
          HzSeriesPoint *p = &g_array_index (series->points, HzSeriesPoint, i);

          frame->t0 = MIN (frame->t0, p->time_us);
          frame->t1 = MAX (frame->t1, p->time_us);
          frame->v0 = MIN (frame->v0, p->value);
          frame->v1 = MAX (frame->v1, p->value);
          any = TRUE;
        }
    }
  if (!any)
    return FALSE;
  if (frame->t1 == frame->t0)
    {
      frame->t0 -= (gint64) G_USEC_PER_SEC * 86400;
      frame->t1 += (gint64) G_USEC_PER_SEC * 86400;
    }
  span = MAX (frame->v1 - frame->v0, fabs (frame->v1) * 0.1 + 1);
  raw = span / 4;
  *step = pow (10, floor (log10 (raw)));
  /* 1, 2, 5 or 10 times a power of ten: at most about five lines. */
  if (raw / *step > 5)
    *step *= 10;
  else if (raw / *step > 2)
    *step *= 5;
  else if (raw / *step > 1)
    *step *= 2;
  frame->v0 = floor ((frame->v0 - span * 0.1) / *step) * *step;
  frame->v1 = ceil ((frame->v1 + span * 0.1) / *step) * *step;

  frame->x0 = MARGIN_LEFT;
  frame->x1 = MAX (MARGIN_LEFT + 1, gtk_widget_get_width (GTK_WIDGET (self)) - MARGIN_RIGHT);
  frame->y0 = MARGIN_TOP;
  frame->y1 = MAX (MARGIN_TOP + 1, gtk_widget_get_height (GTK_WIDGET (self)) - MARGIN_BOTTOM);
  return TRUE;
}

static void
to_pixels (const Frame         *frame,
           const HzSeriesPoint *p,
           double              *x,
           double              *y)
{
  *x = frame->x0 + (frame->x1 - frame->x0) * (double) (p->time_us - frame->t0) / (double) (frame->t1 - frame->t0);
  *y = frame->y1 - (frame->y1 - frame->y0) * (p->value - frame->v0) / (frame->v1 - frame->v0);
}

gboolean
hz_trend_plot_get_point_position (HzTrendPlot *self,
                                  guint        series_index,
                                  guint        index,
                                  double      *x,
                                  double      *y)
{
  Frame frame;
  double step;
  Series *series;

  g_return_val_if_fail (HZ_IS_TREND_PLOT (self), FALSE);

  if (series_index >= self->series->len || !compute_frame (self, &frame, &step))
    return FALSE;
  series = g_ptr_array_index (self->series, series_index);
  if (index >= series->points->len)
    return FALSE;
  to_pixels (&frame, &g_array_index (series->points, HzSeriesPoint, index), x, y);
  return TRUE;
}

static void
show_text (HzTrendPlot *self,
           cairo_t     *cr,
           const char  *text,
           double       x,
           double       y,
           double       xalign)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - w * xalign, y - h / 2.0);
  pango_cairo_show_layout (cr, layout);
}

static void
hz_trend_plot_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  HzTrendPlot *self = HZ_TREND_PLOT (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA fg;
  Frame frame;
  double step, legend_x;
  cairo_t *cr;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_cairo_set_source_rgba (cr, &fg);
  if (self->title)
    show_text (self, cr, self->title, 8, 12, 0);

  if (!compute_frame (self, &frame, &step))
    {
      show_text (self, cr, _("No measurements"), width / 2.0, height / 2.0, 0.5);
      cairo_destroy (cr);
      return;
    }

  /* Value grid and its labels. */
  cairo_set_line_width (cr, 1);
  for (double v = frame.v0; v <= frame.v1 + step / 2; v += step)
    {
      double y = round (frame.y1 - (frame.y1 - frame.y0) * (v - frame.v0) / (frame.v1 - frame.v0)) + 0.5;
      g_autofree char *text = g_strdup_printf ("%g", v);

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.15);
      cairo_move_to (cr, frame.x0, y);
      cairo_line_to (cr, frame.x1, y);
      cairo_stroke (cr);
      gdk_cairo_set_source_rgba (cr, &fg);
      show_text (self, cr, text, frame.x0 - 6, y, 1);
    }

  /* Dates under the points of the first series, as many as fit side by
   * side, from the oldest. */
  {
    Series *first_series = g_ptr_array_index (self->series, 0);
    double last_right = -1e9;

    for (guint i = 0; i < first_series->points->len; i++)
      {
        HzSeriesPoint *p = &g_array_index (first_series->points, HzSeriesPoint, i);
        g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (p->time_us / G_USEC_PER_SEC);
        g_autofree char *date = when ? g_date_time_format (when, "%Y-%m-%d") : NULL;
        gboolean last = i + 1 == first_series->points->len;
        double x, y, xalign = i == 0 ? 0 : last ? 1 : 0.5;
        int tw = 0, th;

        if (date == NULL)
          continue;
        to_pixels (&frame, p, &x, &y);
        {
          g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, date);
          pango_layout_get_pixel_size (layout, &tw, &th);
        }
        if (!last && x - tw * xalign < last_right + 12)
          continue;
        if (last && x - tw < last_right + 12 && i > 0)
          continue;
        gdk_cairo_set_source_rgba (cr, &fg);
        show_text (self, cr, date, x, frame.y1 + 15, xalign);
        last_right = x + tw * (1 - xalign);
      }
  }

  /* The series, with a legend along the top. */
  legend_x = frame.x1;
  for (guint s = self->series->len; s-- > 0;)
    {
      Series *series = g_ptr_array_index (self->series, s);
      g_autofree char *legend = series->unit ? g_strdup_printf ("%s (%s)", series->label, series->unit)
                                             : g_strdup (series->label);
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, legend);
      int w, h;

      gdk_cairo_set_source_rgba (cr, &series->colour);
      cairo_set_line_width (cr, 2.5);
      for (guint i = 0; i < series->points->len; i++)
        {
          double x, y;

          to_pixels (&frame, &g_array_index (series->points, HzSeriesPoint, i), &x, &y);
          if (i == 0)
            cairo_move_to (cr, x, y);
          else
            cairo_line_to (cr, x, y);
        }
      cairo_stroke (cr);
      for (guint i = 0; i < series->points->len; i++)
        {
          double x, y;

          to_pixels (&frame, &g_array_index (series->points, HzSeriesPoint, i), &x, &y);
          cairo_arc (cr, x, y, 4.5, 0, 2 * G_PI);
          cairo_fill (cr);
        }

      pango_layout_get_pixel_size (layout, &w, &h);
      legend_x -= w;
      cairo_rectangle (cr, legend_x - 16, 12 - 5, 10, 10);
      cairo_fill (cr);
      gdk_cairo_set_source_rgba (cr, &fg);
      cairo_move_to (cr, legend_x, 12 - h / 2.0);
      pango_cairo_show_layout (cr, layout);
      legend_x -= 28;
    }
  cairo_destroy (cr);
}

static void
hz_trend_plot_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = 240, *natural = 480;
  else
    *minimum = 160, *natural = 220;
}

static void
hz_trend_plot_finalize (GObject *object)
{
  HzTrendPlot *self = HZ_TREND_PLOT (object);

  g_clear_pointer (&self->series, g_ptr_array_unref);
  g_free (self->title);
  G_OBJECT_CLASS (hz_trend_plot_parent_class)->finalize (object);
}

static void
hz_trend_plot_class_init (HzTrendPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = hz_trend_plot_finalize;
  widget_class->snapshot = hz_trend_plot_snapshot;
  widget_class->measure = hz_trend_plot_measure;
  gtk_widget_class_set_css_name (widget_class, "hz-trend-plot");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
hz_trend_plot_init (HzTrendPlot *self)
{
  hz_widgets_style_ensure ();
  self->series = g_ptr_array_new_with_free_func (series_free);
  gtk_widget_add_css_class (GTK_WIDGET (self), "hz-trend-plot");
}
