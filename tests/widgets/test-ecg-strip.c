/* test-ecg-strip.c: the ECG grid and trace in pixels: 1 mm and 5 mm
 * lines, 25 mm/s, 10 mm/mV, gaps left empty, and the fixture's lead II. */
#include "config.h"

#include <math.h>

#include "hz-ecg-strip.h"
#include "hz-patient-record.h"
#include "hz-widget-test.h"

static gboolean
is_trace (const HzPixels *pixels, int x, int y)
{
  guint8 r, g, b;

  hz_pixels_get (pixels, x, y, &r, &g, &b);
  return r < 110 && g < 110 && b < 130;
}

static int
redness (const HzPixels *pixels, int x, int y)
{
  guint8 r, g, b;

  hz_pixels_get (pixels, x, y, &r, &g, &b);
  return (int) r - (int) g;
}

static void
test_grid_and_scale (void)
{
  HzDicomWaveform waveform = { NULL, 500, 2500, g_ptr_array_new () };
  HzDicomLead lead = { (char *) "II", (char *) "uV", g_new0 (float, 2500) };
  GtkWidget *strip = hz_ecg_strip_new ();
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(HzPixels) pixels = NULL;
  GtkWindow *window;
  int major_red, minor_red, paper_red;

  g_assert_cmpfloat_with_epsilon (hz_ecg_strip_get_pixels_per_mm (HZ_ECG_STRIP (strip)), 96 / 25.4, 1e-9);

  /* 1 mV for 10 ms at t = 1 s; nothing measured from 3 s to 3.5 s. */
  for (int i = 500; i < 505; i++)
    lead.samples[i] = 1000;
  for (int i = 1500; i < 1750; i++)
    lead.samples[i] = NAN;
  g_ptr_array_add (waveform.leads, &lead);

  hz_ecg_strip_set_pixels_per_mm (HZ_ECG_STRIP (strip), 4);
  hz_ecg_strip_set_waveform (HZ_ECG_STRIP (strip), &waveform);
  g_assert_cmpuint (hz_ecg_strip_get_n_leads (HZ_ECG_STRIP (strip)), ==, 1);
  g_assert_cmpfloat (hz_ecg_strip_time_to_x (HZ_ECG_STRIP (strip), 1.0), ==, 100);

  window = hz_widget_test_show (strip, 1000, 120);
  texture = hz_widget_test_render (strip);
  pixels = hz_widget_test_pixels (texture);

  /* Row y = 102 holds no horizontal line (102 is no multiple of 4) and
   * no trace: vertical lines every 4 px, darker every 20 px (5 mm). */
  major_red = redness (pixels, 200, 102);
  minor_red = redness (pixels, 204, 102);
  paper_red = redness (pixels, 202, 102);
  g_assert_cmpint (major_red, >, minor_red + 40);
  g_assert_cmpint (minor_red, >, paper_red + 20);
  for (int x = 120; x < 760; x += 4)
    {
      int want = x % 20 == 0 ? major_red : minor_red;

      g_assert_cmpint (abs (redness (pixels, x, 102) - want), <=, 2);
      g_assert_cmpint (abs (redness (pixels, x + 2, 102) - paper_red), <=, 2);
    }

  /* 25 mm/s: the spike at 1 s is at x = 25 mm * 4 px = 100; 10 mm/mV:
   * its 1 mV top is 40 px above the baseline (row centre, y = 60). */
  g_assert_true (is_trace (pixels, 100, 60 - 35));
  g_assert_false (is_trace (pixels, 150, 60 - 35));
  g_assert_false (is_trace (pixels, 100, 60 - 46));
  g_assert_true (is_trace (pixels, 250, 60));
  /* The gap from 3 s (x = 300) to 3.5 s (x = 350) stays empty. */
  for (int x = 305; x < 345; x++)
    g_assert_false (is_trace (pixels, x, 60));
  g_assert_true (is_trace (pixels, 360, 60));

  gtk_window_destroy (window);
  g_ptr_array_unref (waveform.leads);
  g_free (lead.samples);
}

static void
test_fixture_lead (void)
{
  g_autofree char *path = hz_widget_test_data_path ("fhir/wang-jianguo.json");
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  gsize length;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(HzPatientRecord) record = NULL;
  GListModel *observations;
  gboolean found = FALSE;
  GtkWidget *strip = hz_ecg_strip_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWindow *window;

  g_assert_true (g_file_get_contents (path, &json, &length, &error));
  bytes = g_bytes_new (json, length);
  record = hz_patient_record_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  observations = hz_patient_record_get_entries (record, HZ_RECORD_KIND_OBSERVATION);
  for (guint i = 0; i < g_list_model_get_n_items (observations) && !found; i++)
    {
      g_autoptr(HzRecordEntry) entry = g_list_model_get_item (observations, i);

      found = hz_ecg_strip_set_observation (HZ_ECG_STRIP (strip), hz_record_entry_get_observation (entry));
    }
  g_assert_true (found);
  g_assert_cmpuint (hz_ecg_strip_get_n_leads (HZ_ECG_STRIP (strip)), ==, 1);

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), strip);
  window = hz_widget_test_show (scroller, 1000, 140);
  g_free (hz_widget_test_screenshot (strip, "ecg-strip"));
  gtk_window_destroy (window);
}

int
main (int argc, char *argv[])
{
  const char *lang = argc > 1 && argv[argc - 1][0] != '-' ? argv[--argc] : NULL;

  hz_widget_test_init (&argc, &argv, lang);
  g_test_add_func ("/widgets/ecg-strip/grid-and-scale", test_grid_and_scale);
  g_test_add_func ("/widgets/ecg-strip/fixture-lead", test_fixture_lead);
  return g_test_run ();
}
