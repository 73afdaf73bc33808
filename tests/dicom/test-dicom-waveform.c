/* test-dicom-waveform.c: a synthetic 12-lead ECG, decoded into leads. */
#include "config.h"

#include <math.h>

#include "dicom-test-writer.h"
#include "hz-dicom-waveform.h"

static const char *const lead_names[12] = {
  "Lead I", "Lead II", "Lead III", "Lead aVR", "Lead aVL", "Lead aVF",
  "Lead V1", "Lead V2", "Lead V3", "Lead V4", "Lead V5", "Lead V6",
};

#define N_SAMPLES 50

/* Raw sample s of channel c: a signed ramp with a distinct slope per lead. */
static gint16
raw_sample (guint c, guint s)
{
  return (gint16) ((gint) s * (gint) (c + 1) - 200);
}

static void
write_channel (TestWriter *w, const char *meaning, const char *sensitivity, const char *unit,
               const char *correction, const char *baseline)
{
  tw_item (w);
  tw_sequence (w, 0x003a, 0x0208);   /* ChannelSourceSequence */
  tw_item (w);
  tw_string (w, 0x0008, 0x0100, "SH", "5.6.3-9-1");
  tw_string (w, 0x0008, 0x0102, "SH", "SCPECG");
  tw_string (w, 0x0008, 0x0104, "LO", meaning);
  tw_item_end (w);
  tw_sequence_end (w);
  tw_string (w, 0x003a, 0x0210, "DS", sensitivity);
  tw_sequence (w, 0x003a, 0x0211);   /* ChannelSensitivityUnitsSequence */
  tw_item (w);
  tw_string (w, 0x0008, 0x0100, "SH", unit);
  tw_string (w, 0x0008, 0x0102, "SH", "UCUM");
  tw_item_end (w);
  tw_sequence_end (w);
  tw_string (w, 0x003a, 0x0212, "DS", correction);
  tw_string (w, 0x003a, 0x0213, "DS", baseline);
  tw_item_end (w);
}

static GBytes *
make_ecg (const char *syntax, gboolean truncate_data, const char *interpretation)
{
  TestWriter w;
  g_autofree gint16 *data = g_new (gint16, 12 * N_SAMPLES);
  gint8 rhythm[2 * 4] = { -128, 127, 0, 1, 5, -5, 10, -10 };
  guint c, s;

  for (s = 0; s < N_SAMPLES; s++)
    for (c = 0; c < 12; c++)
      data[s * 12 + c] = GINT16_TO_LE (raw_sample (c, s));

  tw_init (&w, syntax, TRUE);
  tw_string (&w, 0x0008, 0x0005, "CS", "ISO_IR 192");
  tw_string (&w, 0x0008, 0x0060, "CS", "ECG");
  tw_string (&w, 0x0010, 0x0010, "PN", "WANG^JIANGUO=王^建国");
  tw_sequence (&w, 0x5400, 0x0100);
  /* Group 1: twelve leads at 500 Hz, 16-bit signed. */
  tw_item (&w);
  tw_u16 (&w, 0x003a, 0x0005, 12);
  tw_u32 (&w, 0x003a, 0x0010, N_SAMPLES);
  tw_string (&w, 0x003a, 0x001a, "DS", "500");
  tw_string (&w, 0x003a, 0x0020, "SH", "RHYTHM");
  tw_sequence (&w, 0x003a, 0x0200);
  for (c = 0; c < 12; c++)
    {
      /* Lead I in microvolts; the others in millivolts, with a correction
       * factor and a baseline, as some carts write them. */
      if (c == 0)
        write_channel (&w, lead_names[c], "2.5", "uV", "1", "0");
      else
        write_channel (&w, lead_names[c], "0.005", "mV", "0.5", "10");
    }
  tw_sequence_end (&w);
  tw_u16 (&w, 0x5400, 0x1004, 16);
  tw_string (&w, 0x5400, 0x1006, "CS", interpretation);
  tw_element (&w, 0x5400, 0x1010, "OW", data, (truncate_data ? 11 : 12) * N_SAMPLES * sizeof (gint16));
  tw_item_end (&w);
  /* Group 2: two 8-bit channels at 250 Hz, labels only. */
  tw_item (&w);
  tw_u16 (&w, 0x003a, 0x0005, 2);
  tw_u32 (&w, 0x003a, 0x0010, 4);
  tw_string (&w, 0x003a, 0x001a, "DS", "250");
  tw_sequence (&w, 0x003a, 0x0200);
  for (c = 0; c < 2; c++)
    {
      tw_item (&w);
      tw_string (&w, 0x003a, 0x0203, "SH", c == 0 ? "PULSE" : "RESP");
      tw_item_end (&w);
    }
  tw_sequence_end (&w);
  tw_u16 (&w, 0x5400, 0x1004, 8);
  tw_string (&w, 0x5400, 0x1006, "CS", "SB");
  tw_element (&w, 0x5400, 0x1010, "OB", rhythm, sizeof rhythm);
  tw_item_end (&w);
  tw_sequence_end (&w);
  return tw_finish (&w);
}

static void
check_ecg (const char *syntax)
{
  g_autoptr(GBytes) bytes = make_ecg (syntax, FALSE, "SS");
  g_autoptr(GError) error = NULL;
  g_autoptr(HzDicomDataset) ds = hz_dicom_dataset_new_from_bytes (bytes, &error);
  g_autoptr(GPtrArray) groups = NULL;
  HzDicomWaveform *ecg, *aux;
  const HzDicomLead *lead;
  guint c, s;

  g_assert_no_error (error);
  groups = hz_dicom_waveform_read (ds, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (groups->len, ==, 2);

  ecg = g_ptr_array_index (groups, 0);
  g_assert_cmpfloat (ecg->sampling_frequency, ==, 500.0);
  g_assert_cmpuint (ecg->n_samples, ==, N_SAMPLES);
  g_assert_cmpstr (ecg->label, ==, "RHYTHM");
  g_assert_cmpuint (ecg->leads->len, ==, 12);
  for (c = 0; c < 12; c++)
    {
      lead = g_ptr_array_index (ecg->leads, c);
      g_assert_cmpstr (lead->label, ==, lead_names[c]);
      g_assert_cmpstr (lead->units, ==, "uV");
      for (s = 0; s < N_SAMPLES; s++)
        {
          double raw = raw_sample (c, s);
          /* (raw + baseline) × sensitivity × correction, mV to µV */
          double expected = c == 0 ? raw * 2.5 : (raw + 10) * 0.005 * 0.5 * 1000;
          g_assert_cmpfloat_with_epsilon (lead->samples[s], expected, 1e-3);
        }
    }
  lead = hz_dicom_waveform_find_lead (ecg, "Lead II");
  g_assert_nonnull (lead);
  g_assert_cmpfloat_with_epsilon (lead->samples[0], (-200 + 10) * 2.5, 1e-3);
  g_assert_null (hz_dicom_waveform_find_lead (ecg, "Lead X"));

  aux = g_ptr_array_index (groups, 1);
  g_assert_cmpfloat (aux->sampling_frequency, ==, 250.0);
  g_assert_cmpuint (aux->leads->len, ==, 2);
  lead = g_ptr_array_index (aux->leads, 1);
  g_assert_cmpstr (lead->label, ==, "RESP");
  g_assert_cmpfloat (lead->samples[0], ==, 127.0);  /* no sensitivity: raw counts */
  lead = g_ptr_array_index (aux->leads, 0);
  g_assert_cmpfloat (lead->samples[0], ==, -128.0);
  g_assert_cmpfloat (lead->samples[3], ==, 10.0);
}

static void
test_twelve_lead (void)
{
  check_ecg ("1.2.840.10008.1.2.1");
  check_ecg ("1.2.840.10008.1.2");
}

static void
test_bad_waveforms (void)
{
  g_autoptr(GBytes) truncated = make_ecg ("1.2.840.10008.1.2.1", TRUE, "SS");
  g_autoptr(GBytes) mulaw = make_ecg ("1.2.840.10008.1.2.1", FALSE, "MB");
  g_autoptr(HzDicomDataset) a = hz_dicom_dataset_new_from_bytes (truncated, NULL);
  g_autoptr(HzDicomDataset) b = hz_dicom_dataset_new_from_bytes (mulaw, NULL);
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_autoptr(GError) e3 = NULL;
  TestWriter w;
  g_autoptr(GBytes) none = NULL;
  g_autoptr(HzDicomDataset) c = NULL;

  g_assert_nonnull (a);
  g_assert_null (hz_dicom_waveform_read (a, &e1));
  g_assert_error (e1, HZ_DICOM_ERROR, HZ_DICOM_ERROR_MALFORMED);
  g_assert_null (hz_dicom_waveform_read (b, &e2));
  g_assert_error (e2, HZ_DICOM_ERROR, HZ_DICOM_ERROR_UNSUPPORTED);

  tw_init (&w, "1.2.840.10008.1.2.1", TRUE);
  tw_string (&w, 0x0008, 0x0060, "CS", "CT");
  none = tw_finish (&w);
  c = hz_dicom_dataset_new_from_bytes (none, NULL);
  g_assert_null (hz_dicom_waveform_read (c, &e3));
  g_assert_error (e3, HZ_DICOM_ERROR, HZ_DICOM_ERROR_MISSING);
}

/* Writes the synthetic ECG where the fuzz corpus and the CLI test can use it. */
static void
test_write_sample (void)
{
  const char *out = g_getenv ("HZ_WRITE_ECG");
  g_autoptr(GBytes) bytes = make_ecg ("1.2.840.10008.1.2.1", FALSE, "SS");

  if (out == NULL)
    {
      g_test_skip ("set HZ_WRITE_ECG=FILE to write the sample ECG");
      return;
    }
  g_assert_true (g_file_set_contents (out, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), NULL));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/dicom/waveform/twelve-lead", test_twelve_lead);
  g_test_add_func ("/core/dicom/waveform/bad", test_bad_waveforms);
  g_test_add_func ("/core/dicom/waveform/write-sample", test_write_sample);

  return g_test_run ();
}
