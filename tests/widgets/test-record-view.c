/* test-record-view.c: the record view on the fixture patients: the
 * allergy banner, abnormal values flagged, sections by id, trends; in
 * state and in rendered pixels, with screenshots in both languages. */
#include "config.h"

#include <string.h>

#include "hz-allergy-banner.h"
#include "hz-record-rows.h"
#include "hz-record-view.h"
#include "hz-trend-plot.h"
#include "hz-widget-test.h"

static HzPatientRecord *
load_record (const char *name)
{
  g_autofree char *relative = g_strdup_printf ("fhir/%s.json", name);
  g_autofree char *path = hz_widget_test_data_path (relative);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GBytes) bytes = NULL;
  HzPatientRecord *record;
  gsize length;

  g_assert_true (g_file_get_contents (path, &json, &length, &error));
  bytes = g_bytes_new (json, length);
  record = hz_patient_record_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  return record;
}

/* Fixed "now" so the ages in screenshots do not drift. */
static GDateTime *
consult_day (void)
{
  return g_date_time_new_utc (2026, 11, 22, 10, 0, 0);
}

static void
collect (GtkWidget *widget,
         GType      type,
         GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect (child, type, found);
}

static gboolean
has_text (GtkWidget  *root,
          const char *needle)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  collect (root, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (strstr (gtk_label_get_text (g_ptr_array_index (labels, i)), needle))
      return TRUE;
  return FALSE;
}

/* Count of pixels within @widget's area of the rendered @root that are
 * the error red (libadwaita's #c01c28 and its relatives). */
static guint
count_red (GtkWidget      *root,
           const HzPixels *pixels,
           GtkWidget      *widget)
{
  graphene_rect_t bounds;
  guint red = 0;

  g_assert_true (gtk_widget_compute_bounds (widget, root, &bounds));
  for (int y = (int) bounds.origin.y; y < (int) (bounds.origin.y + bounds.size.height); y++)
    for (int x = (int) bounds.origin.x; x < (int) (bounds.origin.x + bounds.size.width); x++)
      {
        guint8 r, g, b;

        if (x < 0 || y < 0 || x >= pixels->width || y >= pixels->height)
          continue;
        hz_pixels_get (pixels, x, y, &r, &g, &b);
        red += r > 150 && g < 90 && b < 90;
      }
  return red;
}

static void
test_high_risk_banner (void)
{
  g_autoptr(HzPatientRecord) record = load_record ("zhang-xiaoming");
  g_autoptr(GDateTime) day = consult_day ();
  GtkWidget *view = hz_record_view_new ();
  GtkWidget *banner = hz_record_view_get_allergy_banner (HZ_RECORD_VIEW (view));
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(HzPixels) pixels = NULL;
  graphene_rect_t bounds;
  GtkWindow *window;

  hz_record_view_set_record (HZ_RECORD_VIEW (view), record, day);
  g_assert_true (hz_allergy_banner_get_high_risk (HZ_ALLERGY_BANNER (banner)));
  g_assert_cmpuint (hz_allergy_banner_get_n_allergies (HZ_ALLERGY_BANNER (banner)), ==, 1);
  g_assert_true (has_text (banner, "头孢类"));
  hz_record_view_show_section (HZ_RECORD_VIEW (view), "allergies");

  window = hz_widget_test_show (view, 1000, 640);
  g_assert_true (gtk_widget_get_mapped (banner));
  /* At the very top, across the whole width. */
  g_assert_true (gtk_widget_compute_bounds (banner, view, &bounds));
  g_assert_cmpfloat (bounds.origin.y, ==, 0);
  g_assert_cmpfloat (bounds.size.width, ==, 1000);
  texture = hz_widget_test_render (view);
  pixels = hz_widget_test_pixels (texture);
  /* Mostly red: the background, not a thin line. */
  g_assert_cmpuint (count_red (view, pixels, banner), >, bounds.size.width * bounds.size.height / 2);
  g_free (hz_widget_test_screenshot (view, "record-view-allergy"));
  gtk_window_destroy (window);
}

static void
test_banner_other_patients (void)
{
  g_autoptr(HzPatientRecord) wang = load_record ("wang-jianguo");
  g_autoptr(HzPatientRecord) li = load_record ("li-xiuying");
  GtkWidget *banner = hz_allergy_banner_new ();

  g_object_ref_sink (banner);
  /* Penicillin, low criticality: shown, but not as high risk. */
  hz_allergy_banner_set_record (HZ_ALLERGY_BANNER (banner), wang);
  g_assert_true (gtk_widget_get_visible (banner));
  g_assert_false (hz_allergy_banner_get_high_risk (HZ_ALLERGY_BANNER (banner)));
  g_assert_true (has_text (banner, "Penicillin"));
  /* No allergy recorded: no banner. */
  hz_allergy_banner_set_record (HZ_ALLERGY_BANNER (banner), li);
  g_assert_false (gtk_widget_get_visible (banner));
  g_object_unref (banner);
}

static void
test_abnormal_labs_flagged (void)
{
  g_autoptr(HzPatientRecord) record = load_record ("wang-jianguo");
  g_autoptr(GDateTime) day = consult_day ();
  GtkWidget *view = hz_record_view_new ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(HzPixels) pixels = NULL;
  const char *high = hz_record_rows_flag_text (HZ_FHIR_FLAG_HIGH);
  GtkWidget *labs;
  GtkWindow *window;
  guint flagged = 0;

  hz_record_view_set_record (HZ_RECORD_VIEW (view), record, day);
  g_assert_true (hz_record_view_show_section (HZ_RECORD_VIEW (view), "labs"));
  window = hz_widget_test_show (view, 1000, 700);
  texture = hz_widget_test_render (view);
  pixels = hz_widget_test_pixels (texture);

  labs = hz_record_view_get_section_widget (HZ_RECORD_VIEW (view), "labs");
  g_assert_true (has_text (labs, "Fasting glucose"));
  collect (labs, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = g_ptr_array_index (labels, i);
      GtkWidget *flag_box = gtk_widget_get_parent (label);

      if (g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), high) != 0)
        continue;
      flagged++;
      /* Word, icon and colour together. */
      g_assert_true (gtk_widget_has_css_class (flag_box, "hz-flag"));
      g_assert_true (GTK_IS_IMAGE (gtk_widget_get_first_child (flag_box)));
      g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (gtk_widget_get_first_child (flag_box))), ==,
                       "dialog-warning-symbolic");
      g_assert_true (gtk_widget_get_mapped (label));
      g_assert_cmpuint (count_red (view, pixels, label), >, 10);
    }
  /* Glucose, HbA1c, cholesterol and hs-TnI are high in the fixture. */
  g_assert_cmpuint (flagged, ==, 4);
  g_free (hz_widget_test_screenshot (view, "record-view-labs"));
  gtk_window_destroy (window);
}

static void
count_sections (HzRecordView *view,
                const char   *id,
                GPtrArray    *seen)
{
  g_ptr_array_add (seen, g_strdup (id));
}

static void
study_cb (HzRecordView *view,
          const char   *uid,
          char        **out)
{
  g_free (*out);
  *out = g_strdup (uid);
}

static void
test_sections_and_trends (void)
{
  g_autofree char *study = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(HzPatientRecord) record = load_record ("wang-jianguo");
  g_autoptr(GDateTime) day = consult_day ();
  GtkWidget *view = hz_record_view_new ();
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) plots = g_ptr_array_new ();
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(HzPixels) pixels = NULL;
  GtkWidget *stack, *plot;
  GtkWindow *window;
  double x, y;
  guint8 r, g, b;

  hz_record_view_set_record (HZ_RECORD_VIEW (view), record, day);
  g_signal_connect (view, "section-changed", G_CALLBACK (count_sections), seen);
  for (guint i = 0; hz_record_view_get_section_ids ()[i]; i++)
    {
      const char *id = hz_record_view_get_section_ids ()[i];

      g_assert_nonnull (hz_record_view_get_section_widget (HZ_RECORD_VIEW (view), id));
      g_assert_true (hz_record_view_show_section (HZ_RECORD_VIEW (view), id));
      g_assert_cmpstr (hz_record_view_get_section (HZ_RECORD_VIEW (view)), ==, id);
    }
  g_assert_false (hz_record_view_show_section (HZ_RECORD_VIEW (view), "nonsense"));
  g_assert_cmpuint (seen->len, ==, 0);

  /* The user's choice in the sidebar is signalled. */
  stack = gtk_widget_get_parent (hz_record_view_get_section_widget (HZ_RECORD_VIEW (view), "trends"));
  gtk_stack_set_visible_child_name (GTK_STACK (stack), "trends");
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, "trends");

  window = hz_widget_test_show (view, 1000, 700);
  collect (hz_record_view_get_section_widget (HZ_RECORD_VIEW (view), "trends"), HZ_TYPE_TREND_PLOT, plots);
  g_assert_cmpuint (plots->len, >=, 1);
  plot = g_ptr_array_index (plots, 0);
  g_assert_cmpstr (gtk_widget_get_name (plot), ==, "blood-pressure");
  g_assert_cmpuint (hz_trend_plot_get_n_series (HZ_TREND_PLOT (plot)), ==, 2);
  texture = hz_widget_test_render (plot);
  pixels = hz_widget_test_pixels (texture);
  /* The third systolic reading (166 mmHg, the newest) is a red dot, above
   * the third diastolic one (101 mmHg), a blue dot. */
  g_assert_true (hz_trend_plot_get_point_position (HZ_TREND_PLOT (plot), 0, 2, &x, &y));
  hz_pixels_get (pixels, (int) x, (int) y, &r, &g, &b);
  g_assert_cmpint (r, >, 150);
  g_assert_cmpint (g, <, 80);
  {
    double x2, y2;

    g_assert_true (hz_trend_plot_get_point_position (HZ_TREND_PLOT (plot), 1, 2, &x2, &y2));
    g_assert_cmpfloat (x2, ==, x);
    g_assert_cmpfloat (y2, >, y);
    hz_pixels_get (pixels, (int) x2, (int) y2, &r, &g, &b);
    g_assert_cmpint (b, >, 150);
    g_assert_cmpint (r, <, 80);
  }
  g_free (hz_widget_test_screenshot (view, "record-view-trends"));

  /* Choosing the imaging study asks for it to be opened. */
  g_signal_connect (view, "study-activated", G_CALLBACK (study_cb), &study);
  collect (hz_record_view_get_section_widget (HZ_RECORD_VIEW (view), "imaging"), GTK_TYPE_LIST_BOX_ROW, rows);
  g_assert_cmpuint (rows->len, ==, 1);
  g_signal_emit_by_name (g_ptr_array_index (rows, 0), "activate");
  g_assert_cmpstr (study, ==, "1.2.826.0.1.3680043.10.1078.2.1");
  hz_record_view_show_section (HZ_RECORD_VIEW (view), "ecg");
  g_free (hz_widget_test_screenshot (view, "record-view-ecg"));
  gtk_window_destroy (window);
}

static gboolean
thumbnail_ready (gpointer data)
{
  return gtk_picture_get_paintable (GTK_PICTURE (data)) != NULL;
}

/* A photo carried inline in a DocumentReference shows as a thumbnail. */
static void
test_document_photo (void)
{
  guint8 red[8 * 8 * 4];
  g_autoptr(GBytes) pixels = NULL;
  g_autoptr(GdkTexture) source = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autofree char *base64 = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GBytes) bundle = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HzPatientRecord) record = NULL;
  g_autoptr(GPtrArray) pictures = g_ptr_array_new ();
  GtkWidget *view = hz_record_view_new ();
  GdkPaintable *thumbnail;
  GtkWindow *window;

  for (guint i = 0; i < sizeof red; i += 4)
    red[i] = 0xe0, red[i + 1] = 0x20, red[i + 2] = 0x20, red[i + 3] = 0xff;
  pixels = g_bytes_new (red, sizeof red);
  source = gdk_memory_texture_new (8, 8, GDK_MEMORY_R8G8B8A8, pixels, 8 * 4);
  png = gdk_texture_save_to_png_bytes (source);
  base64 = g_base64_encode (g_bytes_get_data (png, NULL), g_bytes_get_size (png));
  json = g_strdup_printf ("{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": ["
                          "{\"resource\": {\"resourceType\": \"Patient\", \"id\": \"P1\","
                          " \"name\": [{\"text\": \"测试\"}]}},"
                          "{\"resource\": {\"resourceType\": \"DocumentReference\", \"id\": \"D1\","
                          " \"status\": \"current\", \"subject\": {\"reference\": \"Patient/P1\"},"
                          " \"description\": \"皮损照片 Lesion photo\","
                          " \"content\": [{\"attachment\": {\"contentType\": \"image/png\","
                          " \"data\": \"%s\"}}]}}]}", base64);
  bundle = g_bytes_new (json, strlen (json));
  record = hz_patient_record_new_from_bytes (bundle, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (hz_patient_record_get_entries (record, HZ_RECORD_KIND_DOCUMENT)), ==, 1);

  hz_record_view_set_record (HZ_RECORD_VIEW (view), record, NULL);
  hz_record_view_show_section (HZ_RECORD_VIEW (view), "documents");
  window = hz_widget_test_show (view, 800, 500);
  collect (hz_record_view_get_section_widget (HZ_RECORD_VIEW (view), "documents"), GTK_TYPE_PICTURE, pictures);
  g_assert_cmpuint (pictures->len, ==, 1);
  g_assert_true (hz_widget_test_wait (thumbnail_ready, g_ptr_array_index (pictures, 0)));
  thumbnail = gtk_picture_get_paintable (g_ptr_array_index (pictures, 0));
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (thumbnail), ==, 8);
  g_free (hz_widget_test_screenshot (view, "record-view-documents"));
  gtk_window_destroy (window);
}

int
main (int argc, char *argv[])
{
  const char *lang = argc > 1 && argv[argc - 1][0] != '-' ? argv[--argc] : NULL;

  hz_widget_test_init (&argc, &argv, lang);
  g_test_add_func ("/widgets/record-view/high-risk-banner", test_high_risk_banner);
  g_test_add_func ("/widgets/record-view/banner-other-patients", test_banner_other_patients);
  g_test_add_func ("/widgets/record-view/abnormal-labs-flagged", test_abnormal_labs_flagged);
  g_test_add_func ("/widgets/record-view/sections-and-trends", test_sections_and_trends);
  g_test_add_func ("/widgets/record-view/document-photo", test_document_photo);
  return g_test_run ();
}
