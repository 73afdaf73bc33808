/* hz-trend-plot.h: values over time (blood pressure, glucose...) as
 * lines with their points, a value axis and dates. */
#pragma once

#include <gtk/gtk.h>

#include "hz-patient-record.h"

G_BEGIN_DECLS

#define HZ_TYPE_TREND_PLOT (hz_trend_plot_get_type ())

G_DECLARE_FINAL_TYPE (HzTrendPlot, hz_trend_plot, HZ, TREND_PLOT, GtkWidget)

GtkWidget *hz_trend_plot_new            (const char      *title);
/* @points: (element-type HzSeriesPoint) copied, sorted by time. */
void       hz_trend_plot_add_series     (HzTrendPlot     *self,
                                         const char      *label,
                                         GArray          *points,
                                         const GdkRGBA   *colour);
void       hz_trend_plot_clear          (HzTrendPlot     *self);
guint      hz_trend_plot_get_n_series   (HzTrendPlot     *self);
/* Where point @index of series @series is drawn, in widget pixels. */
gboolean   hz_trend_plot_get_point_position (HzTrendPlot *self,
                                         guint            series,
                                         guint            index,
                                         double          *x,
                                         double          *y);

G_END_DECLS
