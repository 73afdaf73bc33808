/* hz-series-browser.h: the image series of a study as a list with
 * thumbnails; activating one opens it in the viewer. */
#pragma once

#include <gtk/gtk.h>

#include "hz-image-stack.h"

G_BEGIN_DECLS

#define HZ_TYPE_SERIES_BROWSER (hz_series_browser_get_type ())

G_DECLARE_FINAL_TYPE (HzSeriesBrowser, hz_series_browser, HZ, SERIES_BROWSER, GtkWidget)

GtkWidget    *hz_series_browser_new          (void);
/* The thumbnail (the middle slice at its own window) appears when that
 * slice is decoded. */
void          hz_series_browser_add_series   (HzSeriesBrowser *self,
                                              HzImageStack    *stack,
                                              const char      *description,
                                              const char      *modality);
void          hz_series_browser_clear        (HzSeriesBrowser *self);
guint         hz_series_browser_get_n_series (HzSeriesBrowser *self);
HzImageStack *hz_series_browser_get_series   (HzSeriesBrowser *self,
                                              guint            index);
/* Marks the series shown (the presenter's, say); emits nothing. */
gboolean      hz_series_browser_select       (HzSeriesBrowser *self,
                                              const char      *series_uid);
/* Whether series @index has its thumbnail yet. */
gboolean      hz_series_browser_has_thumbnail (HzSeriesBrowser *self,
                                              guint            index);

G_END_DECLS
