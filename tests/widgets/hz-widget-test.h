/* hz-widget-test.h: helpers for the widget tests: set-up, showing a widget
 * at an exact size, rendering it to pixels, waiting, screenshots. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct {
  int     width;
  int     height;
  gsize   stride;
  guint8 *data;     /* B8G8R8A8 premultiplied (GDK's download format), little-endian */
} HzPixels;

/* gtk_init, translations from the build tree, the locale from @lang
 * ("en" or "zh_CN"; NULL: the environment's). */
void         hz_widget_test_init          (int          *argc,
                                           char       ***argv,
                                           const char   *lang);
/* A window of exactly @width x @height around @child, shown, with the
 * child allocated that size. */
GtkWindow   *hz_widget_test_show          (GtkWidget    *child,
                                           int           width,
                                           int           height);
void         hz_widget_test_iterate       (guint         ms);
/* Waits (up to 20 s) until @done returns TRUE. */
gboolean     hz_widget_test_wait          (gboolean    (*done) (gpointer data),
                                           gpointer      data);
GdkTexture  *hz_widget_test_render        (GtkWidget    *widget);
HzPixels    *hz_widget_test_pixels        (GdkTexture   *texture);
void         hz_pixels_free               (HzPixels     *pixels);
/* Channel values at (x, y). */
void         hz_pixels_get                (const HzPixels *pixels,
                                           int           x,
                                           int           y,
                                           guint8       *r,
                                           guint8       *g,
                                           guint8       *b);
/* Saves into tests/screenshots/ of the build dir; returns the path. */
char        *hz_widget_test_screenshot    (GtkWidget    *widget,
                                           const char   *name);
const char  *hz_widget_test_lang          (void);
/* The first button under @root (depth first) whose label is @label. */
GtkWidget   *hz_widget_test_find_button   (GtkWidget    *root,
                                           const char   *label);
char        *hz_widget_test_data_path     (const char   *relative);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzPixels, hz_pixels_free)

G_END_DECLS
