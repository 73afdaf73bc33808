/* test-image-view.c: the image viewer on the fixture CT, CR and photo,
 * checked on its state and on the pixels it renders. */
#include "config.h"

#include <math.h>

#include "dicom-test-writer.h"
#include "hz-dicom-image.h"
#include "hz-dicom-window.h"
#include "hz-image-view-private.h"
#include "hz-series-browser.h"
#include "hz-widget-test.h"

#define TAG_SERIES_UID HZ_DICOM_TAG (0x0020, 0x000e)

static HzImageStack *
load_series (const char *case_dir)
{
  g_autofree char *dir_path = hz_widget_test_data_path (case_dir);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) datasets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *uid = NULL;
  g_autoptr(GError) error = NULL;
  HzImageStack *stack;
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      HzDicomDataset *dataset;

      if (!g_str_has_suffix (name, ".dcm"))
        continue;
      dataset = hz_dicom_dataset_new_from_file (path, &error);
      g_assert_no_error (error);
      if (uid == NULL)
        uid = hz_dicom_dataset_get_string (dataset, TAG_SERIES_UID);
      g_ptr_array_add (datasets, dataset);
    }
  stack = hz_image_stack_new (uid, datasets, &error);
  g_assert_no_error (error);
  return stack;
}

static gboolean
not_loading (gpointer data)
{
  return !hz_image_view_get_loading (HZ_IMAGE_VIEW (data));
}

static void
wait_slice (HzImageView *view)
{
  /* Drawing is what asks for the slice. */
  gtk_widget_queue_draw (GTK_WIDGET (view));
  hz_widget_test_iterate (20);
  g_assert_true (hz_widget_test_wait (not_loading, view));
  hz_widget_test_iterate (20);
}

/* The display value the core decoder gives for pixel (x, y) of @slice. */
static guint8 *
core_render (HzImageStack        *stack,
             guint                slice,
             const HzDicomWindow *window)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzDicomImage) image = hz_dicom_image_new (hz_image_stack_get_dataset (stack, slice), &error);
  const HzDicomFrame *frame = hz_image_stack_get_frame (stack, slice);
  gsize length;

  g_assert_no_error (error);
  g_assert_nonnull (frame);
  return hz_dicom_frame_render (frame, hz_dicom_image_get_rescale_slope (image),
                                hz_dicom_image_get_rescale_intercept (image), window, &length);
}

/* Every rendered pixel of a 1:1 view against the core's value, within
 * one step of rounding in the GPU's or cairo's blending. */
static void
assert_matches_core (HzPixels     *pixels,
                     const guint8 *expected,
                     int           columns,
                     int           offset_x,
                     int           offset_y,
                     gboolean      invert)
{
  guint mismatches = 0;

  for (int y = 70; y < pixels->height; y += 7)
    for (int x = 0; x < pixels->width; x += 5)
      {
        guint8 r, g, b;
        int want = expected[(gsize) (y + offset_y) * columns + (x + offset_x)];

        if (invert)
          want = 255 - want;
        hz_pixels_get (pixels, x, y, &r, &g, &b);
        if (abs ((int) r - want) > 1 || r != g || g != b)
          {
            if (mismatches++ < 5)
              g_test_message ("pixel %d,%d: %u %u %u, want %d", x, y, r, g, b, want);
          }
      }
  g_assert_cmpuint (mismatches, ==, 0);
}

static void
test_ct_window_and_presets (void)
{
  g_autoptr(HzImageStack) stack = load_series ("dicom/wang-jianguo");
  GtkWidget *view = hz_image_view_new ();
  GtkWindow *window;
  HzDicomWindow lung = hz_dicom_preset_get_window (HZ_DICOM_PRESET_LUNG);
  HzDicomWindow mediastinum = hz_dicom_preset_get_window (HZ_DICOM_PRESET_MEDIASTINUM);
  g_autofree guint8 *expected_default = NULL;
  g_autofree guint8 *expected_mediastinum = NULL;
  g_autoptr(HzPixels) first = NULL;
  g_autoptr(HzPixels) second = NULL;
  g_autoptr(GdkTexture) t1 = NULL;
  g_autoptr(GdkTexture) t2 = NULL;
  double centre, width;
  guint differing = 0;

  g_assert_cmpuint (hz_image_stack_get_n_slices (stack), ==, 48);
  hz_image_view_set_stack (HZ_IMAGE_VIEW (view), stack);
  window = hz_widget_test_show (view, 256, 256);
  hz_image_view_set_slice (HZ_IMAGE_VIEW (view), 20);
  wait_slice (HZ_IMAGE_VIEW (view));

  /* The file's own window first: the fixture says lung. */
  g_assert_true (hz_image_view_get_effective_window (HZ_IMAGE_VIEW (view), &centre, &width));
  g_assert_cmpfloat (centre, ==, -600);
  g_assert_cmpfloat (width, ==, 1500);
  t1 = hz_widget_test_render (view);
  first = hz_widget_test_pixels (t1);
  expected_default = core_render (stack, 20, &(HzDicomWindow) { centre, width });
  assert_matches_core (first, expected_default, 256, 0, 0, FALSE);

  /* Mediastinum differs, and again matches the core's windowing. */
  g_assert_true (hz_image_view_apply_preset (HZ_IMAGE_VIEW (view), "mediastinum"));
  wait_slice (HZ_IMAGE_VIEW (view));
  t2 = hz_widget_test_render (view);
  second = hz_widget_test_pixels (t2);
  expected_mediastinum = core_render (stack, 20, &mediastinum);
  assert_matches_core (second, expected_mediastinum, 256, 0, 0, FALSE);
  for (gsize i = 0; i < first->stride * first->height; i++)
    differing += first->data[i] != second->data[i];
  g_assert_cmpuint (differing, >, 1000);

  /* And the lung preset gives the lung pixels back. */
  g_assert_true (hz_image_view_apply_preset (HZ_IMAGE_VIEW (view), "lung"));
  g_clear_object (&t2);
  g_clear_pointer (&second, hz_pixels_free);
  t2 = hz_widget_test_render (view);
  second = hz_widget_test_pixels (t2);
  g_clear_pointer (&expected_mediastinum, g_free);
  expected_mediastinum = core_render (stack, 20, &lung);
  assert_matches_core (second, expected_mediastinum, 256, 0, 0, FALSE);

  /* Invert flips every pixel. */
  hz_image_view_set_invert (HZ_IMAGE_VIEW (view), TRUE);
  g_clear_object (&t2);
  g_clear_pointer (&second, hz_pixels_free);
  t2 = hz_widget_test_render (view);
  second = hz_widget_test_pixels (t2);
  assert_matches_core (second, expected_mediastinum, 256, 0, 0, TRUE);

  gtk_window_destroy (window);
}

static void
test_monochrome1 (void)
{
  g_autoptr(HzImageStack) stack = load_series ("dicom/zhang-xiaoming");
  GtkWidget *view = hz_image_view_new ();
  GtkWindow *window;
  g_autofree guint8 *expected = NULL;
  g_autoptr(HzPixels) pixels = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  const HzDicomFrame *frame;
  double ix, iy;
  guint lighter = 0, checked = 0;

  hz_image_view_set_stack (HZ_IMAGE_VIEW (view), stack);
  window = hz_widget_test_show (view, 256, 256);
  /* 1024 pixels fitted into 256 is zoom 1 at a quarter scale; zoom 4
   * shows the centre at one screen pixel per image pixel. */
  hz_image_view_set_zoom (HZ_IMAGE_VIEW (view), 4);
  wait_slice (HZ_IMAGE_VIEW (view));
  hz_image_view_widget_to_image (HZ_IMAGE_VIEW (view), 0, 0, &ix, &iy);
  g_assert_cmpfloat (ix, ==, 384);
  g_assert_cmpfloat (iy, ==, 384);

  texture = hz_widget_test_render (view);
  pixels = hz_widget_test_pixels (texture);
  {
    HzDicomWindow own;

    /* The file's own window, as the viewer starts with. */
    g_assert_true (hz_image_stack_get_default_window (stack, 0, &own));
    expected = core_render (stack, 0, &own);
  }
  assert_matches_core (pixels, expected, 1024, 384, 384, FALSE);

  /* Independently of the core: in MONOCHROME1 a larger stored value is
   * darker. Compare pairs of pixels in the rendered view. */
  frame = hz_image_stack_get_frame (stack, 0);
  g_assert_cmpstr (frame->photometric, ==, "MONOCHROME1");
  for (int y = 70; y < 250; y += 9)
    for (int x = 1; x < 250; x += 11)
      {
        gint32 a = frame->values[(gsize) (384 + y) * 1024 + 384 + x];
        gint32 b = frame->values[(gsize) (384 + y) * 1024 + 384 + x + 5];
        guint8 ra, ga, ba, rb, gb, bb;

        if (abs (a - b) < 200)
          continue;
        hz_pixels_get (pixels, x, y, &ra, &ga, &ba);
        hz_pixels_get (pixels, x + 5, y, &rb, &gb, &bb);
        checked++;
        if ((a > b) == (ra < rb) || ra == rb)
          lighter++;
      }
  g_assert_cmpuint (checked, >, 5);
  g_assert_cmpuint (lighter, ==, checked);
  gtk_window_destroy (window);
}

static void
test_colour (void)
{
  g_autoptr(HzImageStack) stack = load_series ("dicom/li-xiuying");
  GtkWidget *view = hz_image_view_new ();
  GtkWindow *window;
  g_autoptr(HzPixels) pixels = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  guint coloured = 0;

  g_assert_true (hz_image_stack_is_colour (stack, 0));
  hz_image_view_set_stack (HZ_IMAGE_VIEW (view), stack);
  window = hz_widget_test_show (view, 400, 300);
  wait_slice (HZ_IMAGE_VIEW (view));
  texture = hz_widget_test_render (view);
  pixels = hz_widget_test_pixels (texture);
  for (int y = 80; y < 300; y += 10)
    for (int x = 0; x < 400; x += 10)
      {
        guint8 r, g, b;

        hz_pixels_get (pixels, x, y, &r, &g, &b);
        coloured += abs ((int) r - (int) b) > 20;
      }
  g_assert_cmpuint (coloured, >, 50);
  gtk_window_destroy (window);
}

static void
count_changes (HzImageView *view,
               guint       *count)
{
  (*count)++;
}

/* The core of the two-window test: the presenter's state travels as a
 * data channel message and the follower draws exactly the same. */
static void
test_shared_state_two_views (void)
{
  g_autoptr(HzImageStack) stack_a = load_series ("dicom/wang-jianguo");
  g_autoptr(HzImageStack) stack_b = load_series ("dicom/wang-jianguo");
  GtkWidget *a = hz_image_view_new ();
  GtkWidget *b = hz_image_view_new ();
  GtkWindow *wa, *wb;
  g_autoptr(HzSharedViewState) state = NULL;
  g_autoptr(HzSharedMessage) message = hz_shared_message_new (HZ_SHARED_MESSAGE_VIEW);
  g_autoptr(HzSharedMessage) received = NULL;
  g_autoptr(HzSharedMessage) add = hz_shared_message_new (HZ_SHARED_MESSAGE_ANNOTATION_ADD);
  g_autoptr(HzSharedMessage) add_received = NULL;
  g_autoptr(HzSharedViewState) state_b = NULL;
  g_autoptr(GdkTexture) ta = NULL;
  g_autoptr(GdkTexture) tb = NULL;
  g_autoptr(HzPixels) pa = NULL;
  g_autoptr(HzPixels) pb = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *add_text = NULL;
  guint changes = 0, differing = 0;
  HzAnnotation *annotation;

  hz_image_view_set_stack (HZ_IMAGE_VIEW (a), stack_a);
  hz_image_view_set_stack (HZ_IMAGE_VIEW (b), stack_b);
  wa = hz_widget_test_show (a, 320, 300);
  wb = hz_widget_test_show (b, 320, 300);
  g_signal_connect (a, "view-changed", G_CALLBACK (count_changes), &changes);

  /* The presenter: scrolls by keys (user actions: signalled)... */
  hz_image_view_set_slice (HZ_IMAGE_VIEW (a), 18);
  g_assert_cmpuint (changes, ==, 0);
  g_assert_true (gtk_widget_activate_action (a, "viewer.next-slice", NULL));
  g_assert_true (gtk_widget_activate_action (a, "viewer.next-slice", NULL));
  g_assert_true (gtk_widget_activate_action (a, "viewer.preset", "s", "lung"));
  g_assert_true (gtk_widget_activate_action (a, "viewer.zoom-in", NULL));
  g_assert_cmpuint (changes, ==, 4);
  g_assert_cmpuint (hz_image_view_get_slice (HZ_IMAGE_VIEW (a)), ==, 20);
  /* Panning by keys moves the image by a tenth of the view. */
  {
    double x0, y0, x1, y1;

    hz_image_view_image_to_widget (HZ_IMAGE_VIEW (a), 100, 100, &x0, &y0);
    g_assert_true (gtk_widget_activate_action (a, "viewer.pan", "s", "left"));
    hz_image_view_image_to_widget (HZ_IMAGE_VIEW (a), 100, 100, &x1, &y1);
    g_assert_cmpfloat_with_epsilon (x1 - x0, -32, 1e-6);
    g_assert_cmpfloat_with_epsilon (y1, y0, 1e-6);
    g_assert_cmpuint (changes, ==, 5);
  }
  /* ...zooms further and pans. */
  hz_image_view_set_zoom (HZ_IMAGE_VIEW (a), 2.5);
  hz_image_view_set_pan (HZ_IMAGE_VIEW (a), 14.5, -9.25);

  annotation = hz_annotation_new (HZ_ANNOTATION_ARROW, "dr.zhou-1");
  annotation->series_uid = g_strdup (hz_image_stack_get_series_uid (stack_a));
  annotation->slice = 20;
  annotation->x1 = 150; annotation->y1 = 100;
  annotation->x2 = 170; annotation->y2 = 120;
  annotation->text = g_strdup ("结节");
  add->annotation = annotation;
  hz_image_view_add_annotation (HZ_IMAGE_VIEW (a), annotation);

  state = hz_image_view_get_state (HZ_IMAGE_VIEW (a));
  g_assert_cmpint (state->resource, ==, HZ_SHARED_RESOURCE_SERIES);
  g_assert_cmpstr (state->resource_id, ==, "1.2.826.0.1.3680043.10.1078.3.2");
  g_assert_cmpuint (state->slice, ==, 20);
  g_assert_true (state->has_window);
  g_assert_cmpfloat (state->window_centre, ==, -600);
  g_assert_cmpfloat (state->window_width, ==, 1500);
  g_assert_cmpfloat (state->zoom, ==, 2.5);

  /* Over the wire. */
  message->seq = 1;
  message->view = hz_shared_view_state_copy (state);
  text = hz_shared_message_serialize (message, &error);
  g_assert_no_error (error);
  add_text = hz_shared_message_serialize (add, &error);
  g_assert_no_error (error);
  received = hz_shared_message_parse (text, -1, &error);
  g_assert_no_error (error);
  add_received = hz_shared_message_parse (add_text, -1, &error);
  g_assert_no_error (error);

  /* The follower. */
  g_assert_true (hz_image_view_apply_state (HZ_IMAGE_VIEW (b), received->view));
  hz_image_view_add_annotation (HZ_IMAGE_VIEW (b), add_received->annotation);
  state_b = hz_image_view_get_state (HZ_IMAGE_VIEW (b));
  g_assert_true (hz_shared_view_state_equal (state, state_b));
  g_assert_cmpuint (hz_image_view_get_annotations (HZ_IMAGE_VIEW (b))->len, ==, 1);

  wait_slice (HZ_IMAGE_VIEW (a));
  wait_slice (HZ_IMAGE_VIEW (b));
  ta = hz_widget_test_render (a);
  tb = hz_widget_test_render (b);
  pa = hz_widget_test_pixels (ta);
  pb = hz_widget_test_pixels (tb);
  g_assert_cmpint (pa->width, ==, pb->width);
  for (gsize i = 0; i < pa->stride * pa->height; i++)
    differing += abs ((int) pa->data[i] - (int) pb->data[i]) > 1;
  g_assert_cmpuint (differing, ==, 0);

  /* A state for another series is not applied. */
  g_free (received->view->resource_id);
  received->view->resource_id = g_strdup ("1.2.3.4");
  g_assert_false (hz_image_view_apply_state (HZ_IMAGE_VIEW (b), received->view));

  g_free (hz_widget_test_screenshot (a, "image-view"));
  gtk_window_destroy (wa);
  gtk_window_destroy (wb);
}

static void
test_measurement (void)
{
  g_autoptr(HzImageStack) stack = load_series ("dicom/wang-jianguo");
  GtkWidget *view = hz_image_view_new ();
  g_autoptr(HzAnnotation) length = hz_annotation_new (HZ_ANNOTATION_LENGTH, "m1");
  double row_mm, column_mm, mm;
  gboolean in_mm;

  g_object_ref_sink (view);
  hz_image_view_set_stack (HZ_IMAGE_VIEW (view), stack);
  g_assert_true (hz_image_stack_get_pixel_spacing (stack, 0, &row_mm, &column_mm));
  g_assert_cmpfloat (row_mm, >, 0.1);

  length->series_uid = g_strdup (hz_image_stack_get_series_uid (stack));
  length->x1 = 10; length->y1 = 20;
  length->x2 = 110; length->y2 = 20;
  mm = hz_image_view_measure (HZ_IMAGE_VIEW (view), length, &in_mm);
  g_assert_true (in_mm);
  g_assert_cmpfloat_with_epsilon (mm, 100 * column_mm, 1e-9);

  /* Vertical lines use the row spacing; a 3-4-5 triangle. */
  length->x2 = 10 + 30; length->y2 = 20 + 40;
  mm = hz_image_view_measure (HZ_IMAGE_VIEW (view), length, &in_mm);
  g_assert_cmpfloat_with_epsilon (mm, hypot (30 * column_mm, 40 * row_mm), 1e-9);
  g_object_unref (view);
}

/* A frame that does not decode (a corrupt JPEG, say) ends the loading
 * with a message in the view instead of a hang or a crash. */
static void
test_undecodable_frame (void)
{
  static const guint8 garbage[] = { 0xff, 0xd8, 0xff, 0xdb, 0x00, 0x02, 0x13, 0x37, 0xff, 0xd9 };
  g_autoptr(GBytes) fragment = g_bytes_new_static (garbage, sizeof garbage);
  const GBytes *fragments[] = { fragment };
  g_autoptr(GPtrArray) datasets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(HzImageStack) stack = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *view = hz_image_view_new ();
  GtkWindow *window;
  TestWriter w;

  tw_init (&w, "1.2.840.10008.1.2.4.50", TRUE);
  tw_u16 (&w, 0x0028, 0x0002, 1);
  tw_string (&w, 0x0028, 0x0004, "CS", "MONOCHROME2");
  tw_u16 (&w, 0x0028, 0x0010, 64);
  tw_u16 (&w, 0x0028, 0x0011, 64);
  tw_u16 (&w, 0x0028, 0x0100, 8);
  tw_u16 (&w, 0x0028, 0x0101, 8);
  tw_u16 (&w, 0x0028, 0x0102, 7);
  tw_u16 (&w, 0x0028, 0x0103, 0);
  tw_encapsulated (&w, fragments, 1);
  bytes = tw_finish (&w);
  g_ptr_array_add (datasets, hz_dicom_dataset_new_from_bytes (bytes, &error));
  g_assert_no_error (error);
  stack = hz_image_stack_new ("1.2.3.4", datasets, &error);
  g_assert_no_error (error);

  hz_image_view_set_stack (HZ_IMAGE_VIEW (view), stack);
  window = hz_widget_test_show (view, 200, 200);
  wait_slice (HZ_IMAGE_VIEW (view));
  g_assert_false (hz_image_view_get_loading (HZ_IMAGE_VIEW (view)));
  g_assert_true (hz_image_stack_get_decode_error (stack, 0, &error));
  g_assert_nonnull (error);
  g_assert_null (hz_image_stack_get_frame (stack, 0));
  g_clear_error (&error);
  g_object_unref (hz_widget_test_render (view));
  gtk_window_destroy (window);
}

static void
count_added (HzImageView  *view,
             HzAnnotation *annotation,
             GPtrArray    *ids)
{
  g_ptr_array_add (ids, g_strdup (annotation->id));
}

static void
count_removed (HzImageView *view,
               const char  *id,
               GPtrArray   *ids)
{
  g_ptr_array_add (ids, g_strdup (id));
}

/* The user's own annotations are signalled for the peer, get ids of
 * their own, and ctrl+z takes the newest back; the peer's are not. */
static void
test_own_annotations (void)
{
  g_autoptr(HzImageStack) stack = load_series ("dicom/wang-jianguo");
  GtkWidget *view = hz_image_view_new ();
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(HzAnnotation) mine = hz_annotation_new (HZ_ANNOTATION_TEXT, NULL);
  g_autoptr(HzAnnotation) theirs = hz_annotation_new (HZ_ANNOTATION_TEXT, "peer-1");
  HzAnnotation *stored;

  g_object_ref_sink (view);
  hz_image_view_set_stack (HZ_IMAGE_VIEW (view), stack);
  hz_image_view_set_slice (HZ_IMAGE_VIEW (view), 5);
  g_signal_connect (view, "annotation-added", G_CALLBACK (count_added), added);
  g_signal_connect (view, "annotation-removed", G_CALLBACK (count_removed), removed);

  theirs->series_uid = g_strdup (hz_image_stack_get_series_uid (stack));
  theirs->text = g_strdup ("对方 peer");
  hz_image_view_add_annotation (HZ_IMAGE_VIEW (view), theirs);
  g_assert_cmpuint (added->len, ==, 0);

  mine->text = g_strdup ("我的 mine");
  mine->x1 = 12;
  _hz_image_view_add_own_annotation (HZ_IMAGE_VIEW (view), mine);
  g_assert_cmpuint (added->len, ==, 1);
  g_assert_cmpuint (hz_image_view_get_annotations (HZ_IMAGE_VIEW (view))->len, ==, 2);
  stored = g_ptr_array_index (hz_image_view_get_annotations (HZ_IMAGE_VIEW (view)), 1);
  g_assert_cmpstr (stored->id, ==, g_ptr_array_index (added, 0));
  g_assert_cmpstr (stored->series_uid, ==, hz_image_stack_get_series_uid (stack));
  g_assert_cmpuint (stored->slice, ==, 5);

  /* Undo removes mine, never theirs. */
  g_assert_true (gtk_widget_activate_action (view, "viewer.undo-annotation", NULL));
  g_assert_cmpuint (removed->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (removed, 0), ==, g_ptr_array_index (added, 0));
  g_assert_true (gtk_widget_activate_action (view, "viewer.undo-annotation", NULL));
  g_assert_cmpuint (removed->len, ==, 1);
  g_assert_cmpuint (hz_image_view_get_annotations (HZ_IMAGE_VIEW (view))->len, ==, 1);
  g_assert_true (hz_image_view_remove_annotation (HZ_IMAGE_VIEW (view), "peer-1"));
  g_object_unref (view);
}

static gboolean
thumbnails_done (gpointer data)
{
  HzSeriesBrowser *browser = data;

  for (guint i = 0; i < hz_series_browser_get_n_series (browser); i++)
    if (!hz_series_browser_has_thumbnail (browser, i))
      return FALSE;
  return TRUE;
}

static void
activated_cb (HzSeriesBrowser *browser,
              HzImageStack    *stack,
              HzImageView     *view)
{
  hz_image_view_set_stack (view, stack);
}

static void
collect_rows (GtkWidget *widget,
              GPtrArray *rows)
{
  if (GTK_IS_LIST_BOX_ROW (widget))
    g_ptr_array_add (rows, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_rows (c, rows);
}

/* The browser and the viewer side by side, as in the workspace: the
 * thumbnails appear, choosing one opens it, and the screenshot shows a
 * measured nodule with an arrow on the lung window. */
static void
test_series_browser (void)
{
  g_autoptr(HzImageStack) ct = load_series ("dicom/wang-jianguo");
  g_autoptr(HzImageStack) cr = load_series ("dicom/zhang-xiaoming");
  g_autoptr(HzImageStack) photo = load_series ("dicom/li-xiuying");
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(HzAnnotation) length = hz_annotation_new (HZ_ANNOTATION_LENGTH, "m1");
  g_autoptr(HzAnnotation) arrow = hz_annotation_new (HZ_ANNOTATION_ARROW, "a1");
  GtkWidget *pane = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *browser = hz_series_browser_new ();
  GtkWidget *view = hz_image_view_new ();
  GtkWindow *window;

  hz_series_browser_add_series (HZ_SERIES_BROWSER (browser), ct, "胸部平扫 Chest without contrast", "CT");
  hz_series_browser_add_series (HZ_SERIES_BROWSER (browser), cr, "胸部正位 Chest PA", "CR");
  hz_series_browser_add_series (HZ_SERIES_BROWSER (browser), photo, "前臂皮损 Forearm lesion", "XC");
  g_assert_cmpuint (hz_series_browser_get_n_series (HZ_SERIES_BROWSER (browser)), ==, 3);
  g_signal_connect (browser, "series-activated", G_CALLBACK (activated_cb), view);

  gtk_widget_set_size_request (browser, 320, -1);
  gtk_widget_set_hexpand (view, TRUE);
  gtk_box_append (GTK_BOX (pane), browser);
  gtk_box_append (GTK_BOX (pane), gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  gtk_box_append (GTK_BOX (pane), view);
  window = hz_widget_test_show (pane, 1000, 600);
  g_assert_true (hz_widget_test_wait (thumbnails_done, browser));

  /* The user chooses the CT. */
  collect_rows (browser, rows);
  g_assert_cmpuint (rows->len, ==, 3);
  g_signal_emit_by_name (gtk_widget_get_parent (g_ptr_array_index (rows, 0)), "row-activated",
                         g_ptr_array_index (rows, 0));
  g_assert_true (hz_image_view_get_stack (HZ_IMAGE_VIEW (view)) == ct);
  g_assert_true (hz_series_browser_select (HZ_SERIES_BROWSER (browser), hz_image_stack_get_series_uid (ct)));

  hz_image_view_set_slice (HZ_IMAGE_VIEW (view), 21);
  hz_image_view_apply_preset (HZ_IMAGE_VIEW (view), "lung");
  length->series_uid = g_strdup (hz_image_stack_get_series_uid (ct));
  length->slice = 21;
  length->x1 = 150; length->y1 = 110; length->x2 = 175; length->y2 = 110;
  hz_image_view_add_annotation (HZ_IMAGE_VIEW (view), length);
  arrow->series_uid = g_strdup (hz_image_stack_get_series_uid (ct));
  arrow->slice = 21;
  arrow->x1 = 200; arrow->y1 = 60; arrow->x2 = 170; arrow->y2 = 100;
  arrow->text = g_strdup ("结节 nodule");
  hz_image_view_add_annotation (HZ_IMAGE_VIEW (view), arrow);
  hz_image_view_set_remote_pointer (HZ_IMAGE_VIEW (view), TRUE, 120, 160);
  wait_slice (HZ_IMAGE_VIEW (view));
  g_free (hz_widget_test_screenshot (pane, "image-viewer"));

  /* The MONOCHROME1 radiograph and the colour photo too. */
  g_signal_emit_by_name (gtk_widget_get_parent (g_ptr_array_index (rows, 1)), "row-activated",
                         g_ptr_array_index (rows, 1));
  wait_slice (HZ_IMAGE_VIEW (view));
  g_free (hz_widget_test_screenshot (pane, "image-viewer-cr"));
  g_signal_emit_by_name (gtk_widget_get_parent (g_ptr_array_index (rows, 2)), "row-activated",
                         g_ptr_array_index (rows, 2));
  wait_slice (HZ_IMAGE_VIEW (view));
  g_free (hz_widget_test_screenshot (pane, "image-viewer-photo"));
  gtk_window_destroy (window);
}

int
main (int argc, char *argv[])
{
  const char *lang = argc > 1 && argv[argc - 1][0] != '-' ? argv[--argc] : NULL;

  hz_widget_test_init (&argc, &argv, lang);
  g_test_add_func ("/widgets/image-view/series-browser", test_series_browser);
  g_test_add_func ("/widgets/image-view/undecodable-frame", test_undecodable_frame);
  g_test_add_func ("/widgets/image-view/own-annotations", test_own_annotations);
  g_test_add_func ("/widgets/image-view/ct-window-and-presets", test_ct_window_and_presets);
  g_test_add_func ("/widgets/image-view/monochrome1", test_monochrome1);
  g_test_add_func ("/widgets/image-view/colour", test_colour);
  g_test_add_func ("/widgets/image-view/shared-state-two-views", test_shared_state_two_views);
  g_test_add_func ("/widgets/image-view/measurement", test_measurement);
  return g_test_run ();
}
