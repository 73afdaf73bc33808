/* test-video-paintable.c: frames pushed as BGRA bytes show in a
 * GtkPicture with the right colours; only the newest frame is kept and
 * the bytes are not copied. */
#include "config.h"

#include "hz-video-paintable.h"
#include "hz-widget-test.h"

typedef struct {
  guint8   *data;
  gboolean *freed;
} Frame;

/* Stands for the GstBuffer unmap of the real call engine. */
static void
frame_free (gpointer user_data)
{
  Frame *frame = user_data;

  *frame->freed = TRUE;
  g_free (frame->data);
  g_free (frame);
}

static GBytes *
solid_frame (int      width,
             int      height,
             gsize    stride,
             guint8   r,
             guint8   g,
             guint8   b,
             gboolean *freed)
{
  guint8 *data = g_malloc0 (stride * height);
  Frame *frame = g_new0 (Frame, 1);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = data + y * stride + x * 4;

        p[0] = b;
        p[1] = g;
        p[2] = r;
        p[3] = 255;
      }
  *freed = FALSE;
  frame->data = data;
  frame->freed = freed;
  return g_bytes_new_with_free_func (data, stride * height, frame_free, frame);
}

static void
count (GdkPaintable *paintable,
       guint        *n)
{
  (*n)++;
}

static void
test_frames (void)
{
  g_autoptr(HzVideoPaintable) paintable = hz_video_paintable_new ();
  GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (paintable));
  gboolean freed1 = FALSE, freed2 = FALSE;
  g_autoptr(GBytes) frame1 = NULL;
  g_autoptr(GBytes) frame2 = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(HzPixels) pixels = NULL;
  guint sizes = 0, contents = 0;
  GtkWindow *window;
  guint8 r, g, b;
  const guint8 *data1;

  g_signal_connect (paintable, "invalidate-size", G_CALLBACK (count), &sizes);
  g_signal_connect (paintable, "invalidate-contents", G_CALLBACK (count), &contents);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (GDK_PAINTABLE (paintable)), ==, 0);

  /* A padded stride, as GStreamer's video frames often have. */
  frame1 = solid_frame (64, 48, 64 * 4 + 32, 0xc0, 0x40, 0x20, &freed1);
  data1 = g_bytes_get_data (frame1, NULL);
  hz_video_paintable_push_frame (paintable, frame1, 64, 48, 64 * 4 + 32);
  g_assert_cmpuint (sizes, ==, 1);
  g_assert_cmpuint (contents, ==, 1);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (GDK_PAINTABLE (paintable)), ==, 64);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (GDK_PAINTABLE (paintable)), ==, 48);

  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  window = hz_widget_test_show (picture, 128, 96);
  texture = hz_widget_test_render (picture);
  pixels = hz_widget_test_pixels (texture);
  hz_pixels_get (pixels, 64, 48, &r, &g, &b);
  g_assert_cmpuint (r, ==, 0xc0);
  g_assert_cmpuint (g, ==, 0x40);
  g_assert_cmpuint (b, ==, 0x20);

  /* Wrapped, not copied: the texture holds the very bytes. */
  {
    g_autofree guint8 *down = g_malloc (64 * 48 * 4);

    gdk_texture_download (hz_video_paintable_get_texture (paintable), down, 64 * 4);
    g_assert_cmpmem (down, 4, data1, 4);
  }

  /* The second frame, same size: contents only; the first is let go as
   * soon as nothing draws it any more. */
  g_bytes_unref (g_steal_pointer (&frame1));
  frame2 = solid_frame (64, 48, 64 * 4, 0x10, 0xd0, 0x30, &freed2);
  hz_video_paintable_push_frame (paintable, frame2, 64, 48, 64 * 4);
  g_assert_cmpuint (sizes, ==, 1);
  g_assert_cmpuint (contents, ==, 2);
  g_assert_cmpuint (hz_video_paintable_get_n_frames (paintable), ==, 2);
  g_clear_object (&texture);
  g_clear_pointer (&pixels, hz_pixels_free);
  texture = hz_widget_test_render (picture);
  pixels = hz_widget_test_pixels (texture);
  hz_pixels_get (pixels, 64, 48, &r, &g, &b);
  g_assert_cmpuint (g, ==, 0xd0);
  g_assert_cmpuint (r, ==, 0x10);
  g_free (hz_widget_test_screenshot (picture, "video-paintable"));

  /* Camera off. */
  hz_video_paintable_clear (paintable);
  g_assert_null (hz_video_paintable_get_texture (paintable));
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (GDK_PAINTABLE (paintable)), ==, 0);
  gtk_window_destroy (window);
}

/* Off screen, nothing but the paintable holds a frame: pushing the next
 * one lets the previous go at once, so frames never pile up. */
static void
test_keeps_newest_only (void)
{
  g_autoptr(HzVideoPaintable) paintable = hz_video_paintable_new ();
  gboolean freed[3];

  for (int i = 0; i < 3; i++)
    {
      GBytes *frame = solid_frame (32, 16, 32 * 4, i * 50, 0, 0, &freed[i]);

      hz_video_paintable_push_frame (paintable, frame, 32, 16, 32 * 4);
      g_bytes_unref (frame);
      g_assert_false (freed[i]);
      if (i > 0)
        g_assert_true (freed[i - 1]);
    }
  hz_video_paintable_clear (paintable);
  g_assert_true (freed[2]);
}

int
main (int argc, char *argv[])
{
  hz_widget_test_init (&argc, &argv, NULL);
  g_test_add_func ("/widgets/video-paintable/frames", test_frames);
  g_test_add_func ("/widgets/video-paintable/keeps-newest-only", test_keeps_newest_only);
  return g_test_run ();
}
