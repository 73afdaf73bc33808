/* bench-viewer.c: frame time of HzImageView scrolling a 512x512 CT stack,
 * one slice per displayed frame, on this machine's GTK renderer (GL on
 * Mesa llvmpipe under Xvfb, or GSK_RENDERER=cairo).
 *
 * The stack is the fixture CT (48 slices of 256x256) scaled up to 512x512
 * and written as explicit VR little endian Part-10 data sets here. All
 * slices are decoded first (as the viewer's prefetch does while the user
 * looks at the first slice), then three passes scroll back and forth:
 *   first sight   a new window: every slice windowed and uploaded once;
 *   again         the same window: textures from the viewer's cache;
 *   window drag   the window changes on every frame, as while dragging it:
 *                 every frame re-windows its slice.
 * For each frame it measures the work (from the frame clock's update
 * phase, where the slice changes, to the end of its paint) and the
 * interval between painted frames, and prints median, p95, p99, max and
 * the share of frames within the 16.7 ms of a 60 Hz display. It asserts
 * nothing about time. */
#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <stdlib.h>

#include "dicom-test-writer.h"
#include "hz-dicom-image.h"
#include "hz-image-view.h"

#define SIZE        512
#define SERIES_UID  "1.2.826.0.1.3680043.10.1078.9.2"
#define DISPLAY_MS  (1000.0 / 60)

typedef struct {
  HzImageView *view;
  guint        n_slices;
  guint        frame;          /* frames so far in this pass */
  guint        n_frames;       /* frames to run in this pass */
  gboolean     drag_window;
  gint64       update_start;
  gint64       last_paint;
  GArray      *work_ms;        /* of double */
  GArray      *interval_ms;
  gboolean     done;
} Pass;

static GBytes *
upscaled_slice (HzDicomDataset *source,
                guint           index)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzDicomImage) image = hz_dicom_image_new (source, &error);
  g_autoptr(HzDicomFrame) frame = NULL;
  g_autofree gint16 *pixels = g_new (gint16, SIZE * SIZE);
  g_autofree char *number = g_strdup_printf ("%u", index + 1);
  g_autofree char *intercept = NULL;
  TestWriter w;

  if (image == NULL)
    g_error ("fixture: %s", error->message);
  frame = hz_dicom_image_decode_frame (image, 0, &error);
  if (frame == NULL)
    g_error ("fixture: %s", error->message);
  /* Bilinear, so the 512 stack has real detail at every pixel. */
  for (guint y = 0; y < SIZE; y++)
    for (guint x = 0; x < SIZE; x++)
      {
        double sx = (x + 0.5) * frame->columns / SIZE - 0.5, sy = (y + 0.5) * frame->rows / SIZE - 0.5;
        int x0 = CLAMP ((int) floor (sx), 0, (int) frame->columns - 2);
        int y0 = CLAMP ((int) floor (sy), 0, (int) frame->rows - 2);
        double fx = CLAMP (sx - x0, 0, 1), fy = CLAMP (sy - y0, 0, 1);
        const gint32 *v = frame->values;
        guint c = frame->columns;
        double value = (1 - fy) * ((1 - fx) * v[y0 * c + x0] + fx * v[y0 * c + x0 + 1])
                       + fy * ((1 - fx) * v[(y0 + 1) * c + x0] + fx * v[(y0 + 1) * c + x0 + 1]);

        pixels[y * SIZE + x] = (gint16) lround (value);
      }
  intercept = g_strdup_printf ("%g", hz_dicom_image_get_rescale_intercept (image));

  tw_init (&w, "1.2.840.10008.1.2.1", TRUE);
  tw_string (&w, 0x0008, 0x0060, "CS", "CT");
  tw_string (&w, 0x0020, 0x000e, "UI", SERIES_UID);
  tw_string (&w, 0x0020, 0x0013, "IS", number);
  tw_u16 (&w, 0x0028, 0x0002, 1);
  tw_string (&w, 0x0028, 0x0004, "CS", "MONOCHROME2");
  tw_u16 (&w, 0x0028, 0x0010, SIZE);
  tw_u16 (&w, 0x0028, 0x0011, SIZE);
  tw_string (&w, 0x0028, 0x0030, "DS", "0.5\\0.5");
  tw_u16 (&w, 0x0028, 0x0100, 16);
  tw_u16 (&w, 0x0028, 0x0101, 16);
  tw_u16 (&w, 0x0028, 0x0102, 15);
  tw_u16 (&w, 0x0028, 0x0103, 1);
  tw_string (&w, 0x0028, 0x1050, "DS", "40");
  tw_string (&w, 0x0028, 0x1051, "DS", "400");
  tw_string (&w, 0x0028, 0x1052, "DS", intercept);
  tw_string (&w, 0x0028, 0x1053, "DS", "1");
  tw_element (&w, 0x7fe0, 0x0010, "OW", pixels, SIZE * SIZE * 2);
  return tw_finish (&w);
}

static HzImageStack *
make_stack (const char *fixture_dir)
{
  g_autoptr(GDir) dir = g_dir_open (fixture_dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) datasets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  HzImageStack *stack;
  const char *name;

  if (dir == NULL)
    g_error ("no fixture directory %s", fixture_dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".dcm"))
      g_ptr_array_add (names, g_build_filename (fixture_dir, name, NULL));
  g_ptr_array_sort (names, (GCompareFunc) (void (*) (void)) g_strcmp0);
  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr(HzDicomDataset) source = hz_dicom_dataset_new_from_file (g_ptr_array_index (names, i), &error);
      g_autoptr(GBytes) bytes = NULL;
      HzDicomDataset *dataset;

      if (source == NULL)
        g_error ("%s", error->message);
      bytes = upscaled_slice (source, i);
      dataset = hz_dicom_dataset_new_from_bytes (bytes, &error);
      if (dataset == NULL)
        g_error ("%s", error->message);
      g_ptr_array_add (datasets, dataset);
    }
  stack = hz_image_stack_new (SERIES_UID, datasets, &error);
  if (stack == NULL)
    g_error ("%s", error->message);
  return stack;
}

/* Slice for frame @i of a back-and-forth scroll. */
static guint
slice_for_frame (guint i,
                 guint n)
{
  guint period = 2 * (n - 1);
  guint k = i % period;

  return k < n ? k : period - k;
}

static void
update_cb (GdkFrameClock *clock,
           Pass          *pass)
{
  if (pass->done)
    return;
  pass->update_start = g_get_monotonic_time ();
  hz_image_view_set_slice (pass->view, slice_for_frame (pass->frame + 1, pass->n_slices));
  if (pass->drag_window)
    hz_image_view_set_window (pass->view, 40 + (pass->frame % 50), 400 + 2 * (pass->frame % 50));
}

static void
after_paint_cb (GdkFrameClock *clock,
                Pass          *pass)
{
  gint64 now = g_get_monotonic_time ();

  if (pass->done || pass->update_start == 0)
    return;
  {
    double work = (now - pass->update_start) / 1000.0;
    g_array_append_val (pass->work_ms, work);
  }
  if (pass->last_paint != 0)
    {
      double interval = (now - pass->last_paint) / 1000.0;
      g_array_append_val (pass->interval_ms, interval);
    }
  pass->last_paint = now;
  pass->update_start = 0;
  if (++pass->frame >= pass->n_frames)
    pass->done = TRUE;
  else
    gtk_widget_queue_draw (GTK_WIDGET (pass->view));
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
report (const char *what,
        GArray     *values)
{
  guint n = values->len, within = 0;
  double *v;

  if (n == 0)
    return;
  g_array_sort (values, compare_doubles);
  v = (double *) values->data;
  for (guint i = 0; i < n; i++)
    within += v[i] <= DISPLAY_MS;
  g_print ("  %-16s n=%3u  median %6.2f  p95 %6.2f  p99 %6.2f  max %6.2f ms  within 16.7 ms: %5.1f %%\n",
           what, n, v[n / 2], v[MIN (n - 1, n * 95 / 100)], v[MIN (n - 1, n * 99 / 100)], v[n - 1],
           100.0 * within / n);
}

static void
run_pass (HzImageView *view,
          guint        n_slices,
          const char  *name,
          gboolean     drag_window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (view));
  Pass pass = { view, n_slices, 0, 3 * 2 * (n_slices - 1), drag_window, 0, 0,
                g_array_new (FALSE, FALSE, sizeof (double)),
                g_array_new (FALSE, FALSE, sizeof (double)), FALSE };
  gulong update = g_signal_connect (clock, "update", G_CALLBACK (update_cb), &pass);
  gulong paint = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &pass);

  /* Keep the frame clock's update phase running, so every frame asks
   * for the next slice like a continuous scroll. */
  gdk_frame_clock_begin_updating (clock);
  gtk_widget_queue_draw (GTK_WIDGET (view));
  while (!pass.done)
    g_main_context_iteration (NULL, TRUE);
  gdk_frame_clock_end_updating (clock);
  g_signal_handler_disconnect (clock, update);
  g_signal_handler_disconnect (clock, paint);

  g_print ("%s\n", name);
  report ("frame work", pass.work_ms);
  report ("frame interval", pass.interval_ms);
  g_array_unref (pass.work_ms);
  g_array_unref (pass.interval_ms);
}

int
main (int argc, char *argv[])
{
  g_autofree char *fixture = NULL;
  g_autoptr(HzImageStack) stack = NULL;
  GtkWidget *view;
  GtkWindow *window;
  gint64 t0;
  guint n, pending;

  fixture = argc > 1 ? g_strdup (argv[1])
                     : g_build_filename (g_getenv ("HUIZHEN_SOURCE_ROOT") ? g_getenv ("HUIZHEN_SOURCE_ROOT") : ".",
                                         "tests", "data", "dicom", "wang-jianguo", NULL);
  gtk_init ();
  adw_init ();

  t0 = g_get_monotonic_time ();
  stack = make_stack (fixture);
  n = hz_image_stack_get_n_slices (stack);
  g_print ("stack: %u slices of %dx%d, 16-bit signed, built in %.1f s\n", n, SIZE, SIZE,
           (g_get_monotonic_time () - t0) / 1e6);

  view = hz_image_view_new ();
  hz_image_view_set_stack (HZ_IMAGE_VIEW (view), stack);
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_decorated (window, FALSE);
  gtk_widget_set_size_request (view, 800, 800);
  gtk_window_set_child (window, view);
  gtk_window_present (window);

  /* Everything decoded first: the viewer prefetches while one looks at
   * the first slice, and decoding is not what this measures. */
  t0 = g_get_monotonic_time ();
  do
    {
      pending = 0;
      for (guint i = 0; i < n; i++)
        pending += hz_image_stack_get_frame (stack, i) == NULL;
      if (pending > 0)
        g_main_context_iteration (NULL, TRUE);
    }
  while (pending > 0);
  g_print ("decoded all slices off the main thread in %.2f s\n", (g_get_monotonic_time () - t0) / 1e6);
  while (!gtk_widget_get_mapped (view))
    g_main_context_iteration (NULL, TRUE);

  g_print ("renderer: %s, view %dx%d, one slice per frame, %u frames a pass\n",
           G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))),
           gtk_widget_get_width (view), gtk_widget_get_height (view), 3 * 2 * (n - 1));
  hz_image_view_set_window (HZ_IMAGE_VIEW (view), -600, 1500);
  run_pass (HZ_IMAGE_VIEW (view), n, "first sight (window each slice once, upload)", FALSE);
  run_pass (HZ_IMAGE_VIEW (view), n, "again (cached textures)", FALSE);
  run_pass (HZ_IMAGE_VIEW (view), n, "window drag (re-window every frame)", TRUE);

  gtk_window_destroy (window);
  return 0;
}
