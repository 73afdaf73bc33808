/* hz-widget-test.c: helpers for the widget tests: set-up, showing a widget
 * at an exact size, rendering it to pixels, waiting, screenshots. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "hz-widget-test.h"

static char *test_lang;

void
hz_widget_test_init (int          *argc,
                     char       ***argv,
                     const char   *lang)
{
  const char *localedir = g_getenv ("HUIZHEN_LOCALEDIR");

  test_lang = g_strdup (lang ? lang : "en");
  if (g_strcmp0 (lang, "zh_CN") == 0)
    {
      g_setenv ("LC_ALL", "zh_CN.UTF-8", TRUE);
      g_setenv ("LANGUAGE", "zh_CN", TRUE);
    }
  else if (lang != NULL)
    {
      g_setenv ("LC_ALL", "C.UTF-8", TRUE);
      g_unsetenv ("LANGUAGE");
    }
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  g_test_init (argc, argv, NULL);
  /* Fixed rendering and fonts for comparable pixels: no animations. */
  g_setenv ("GTK_A11Y", "none", FALSE);
  gtk_disable_setlocale ();
  gtk_init ();
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
}

const char *
hz_widget_test_lang (void)
{
  return test_lang;
}

char *
hz_widget_test_data_path (const char *relative)
{
  const char *root = g_getenv ("HUIZHEN_SOURCE_ROOT");

  g_assert_nonnull (root);
  return g_build_filename (root, "tests", "data", relative, NULL);
}

void
hz_widget_test_iterate (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

gboolean
hz_widget_test_wait (gboolean (*done) (gpointer data),
                     gpointer   data)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!done (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  return TRUE;
}

typedef struct {
  GtkWidget *child;
  int        width;
  int        height;
} ShowWait;

static gboolean
allocated (gpointer data)
{
  ShowWait *wait = data;

  return gtk_widget_get_mapped (wait->child)
         && gtk_widget_get_width (wait->child) == wait->width
         && gtk_widget_get_height (wait->child) == wait->height;
}

GtkWindow *
hz_widget_test_show (GtkWidget *child,
                     int        width,
                     int        height)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  ShowWait wait = { child, width, height };

  /* No decorations: the child gets the whole window, to the pixel. */
  gtk_window_set_decorated (window, FALSE);
  gtk_window_set_resizable (window, FALSE);
  gtk_widget_set_size_request (child, width, height);
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  if (!hz_widget_test_wait (allocated, &wait))
    g_error ("the test window was not shown at %dx%d (got %dx%d)", width, height,
             gtk_widget_get_width (child), gtk_widget_get_height (child));
  hz_widget_test_iterate (50);
  return window;
}

static void
after_paint_cb (GdkFrameClock *clock,
                gboolean      *painted)
{
  *painted = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

/* What the window really painted last: GtkWidgetPaintable hands out the
 * widget's render node of the last frame, so draw one first. */
static GdkTexture *
render (GtkWidget *widget,
        gboolean   with_background)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  GtkSnapshot *snapshot;
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gboolean painted = FALSE;
  gulong handler;

  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &painted);
  /* Twice: a frame that changed the layout (a page switched, a size
   * measured anew) can leave the next one to draw the result. */
  for (int i = 0; i < 2; i++)
    {
      painted = FALSE;
      gtk_widget_queue_draw (widget);
      if (!hz_widget_test_wait (is_true, &painted))
        g_error ("no frame was painted");
    }
  g_signal_handler_disconnect (clock, handler);

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  if (with_background)
    {
      /* The window's background (libadwaita's window_bg_color) under
       * the widget, as the user sees it; the widget's own node has
       * none where the widget draws none. */
      GdkRGBA window_bg = { 0xfa / 255.0, 0xfa / 255.0, 0xfa / 255.0, 1 };

      gtk_snapshot_append_color (snapshot, &window_bg,
                                 &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                      gtk_widget_get_height (widget)));
    }
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int w = gtk_widget_get_width (widget);
  int h = gtk_widget_get_height (widget);

  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
}

GdkTexture *
hz_widget_test_render (GtkWidget *widget)
{
  return render (widget, FALSE);
}

HzPixels *
hz_widget_test_pixels (GdkTexture *texture)
{
  HzPixels *pixels = g_new0 (HzPixels, 1);

  pixels->width = gdk_texture_get_width (texture);
  pixels->height = gdk_texture_get_height (texture);
  pixels->stride = (gsize) pixels->width * 4;
  pixels->data = g_malloc (pixels->stride * pixels->height);
  gdk_texture_download (texture, pixels->data, pixels->stride);
  return pixels;
}

void
hz_pixels_free (HzPixels *pixels)
{
  if (pixels == NULL)
    return;
  g_free (pixels->data);
  g_free (pixels);
}

void
hz_pixels_get (const HzPixels *pixels,
               int             x,
               int             y,
               guint8         *r,
               guint8         *g,
               guint8         *b)
{
  const guint8 *p;

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, pixels->width);
  g_assert_cmpint (y, <, pixels->height);
  p = pixels->data + (gsize) y * pixels->stride + (gsize) x * 4;
  /* Cairo's ARGB32 in memory order on little-endian machines. */
  *b = p[0];
  *g = p[1];
  *r = p[2];
}

char *
hz_widget_test_screenshot (GtkWidget  *widget,
                           const char *name)
{
  g_autoptr(GdkTexture) texture = render (widget, TRUE);
  g_autofree char *dir = g_build_filename (g_getenv ("HUIZHEN_BUILD_ROOT") ? g_getenv ("HUIZHEN_BUILD_ROOT") : ".",
                                           "tests", "screenshots", NULL);
  g_autofree char *file = g_strdup_printf ("%s-%s.png", name, test_lang);
  char *path = g_build_filename (dir, file, NULL);

  g_mkdir_with_parents (dir, 0700);
  if (!gdk_texture_save_to_png (texture, path))
    g_error ("could not save %s", path);
  g_test_message ("screenshot: %s", path);
  return path;
}

GtkWidget *
hz_widget_test_find_button (GtkWidget  *root,
                            const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), label) == 0)
        return child;
      if ((found = hz_widget_test_find_button (child, label)) != NULL)
        return found;
    }
  return NULL;
}
