/* hz-dicom-waveform.c: multiplexed waveforms (PS3.3 C.10.9) such as the
 * 12-lead ECG a township clinic sends with a chest-pain consult, decoded
 * into one series of microvolts per lead. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hz-dicom-dataset-private.h"
#include "hz-dicom-waveform.h"

#define TAG_WAVEFORM_SEQ      HZ_DICOM_TAG (0x5400, 0x0100)
#define TAG_N_CHANNELS        HZ_DICOM_TAG (0x003a, 0x0005)
#define TAG_N_SAMPLES         HZ_DICOM_TAG (0x003a, 0x0010)
#define TAG_SAMPLING_FREQ     HZ_DICOM_TAG (0x003a, 0x001a)
#define TAG_GROUP_LABEL       HZ_DICOM_TAG (0x003a, 0x0020)
#define TAG_CHANNEL_DEF_SEQ   HZ_DICOM_TAG (0x003a, 0x0200)
#define TAG_CHANNEL_LABEL     HZ_DICOM_TAG (0x003a, 0x0203)
#define TAG_CHANNEL_SOURCE    HZ_DICOM_TAG (0x003a, 0x0208)
#define TAG_SENSITIVITY       HZ_DICOM_TAG (0x003a, 0x0210)
#define TAG_SENSITIVITY_UNITS HZ_DICOM_TAG (0x003a, 0x0211)
#define TAG_CORRECTION        HZ_DICOM_TAG (0x003a, 0x0212)
#define TAG_BASELINE          HZ_DICOM_TAG (0x003a, 0x0213)
#define TAG_CODE_VALUE        HZ_DICOM_TAG (0x0008, 0x0100)
#define TAG_CODE_MEANING      HZ_DICOM_TAG (0x0008, 0x0104)
#define TAG_BITS_ALLOCATED    HZ_DICOM_TAG (0x5400, 0x1004)
#define TAG_INTERPRETATION    HZ_DICOM_TAG (0x5400, 0x1006)
#define TAG_WAVEFORM_DATA     HZ_DICOM_TAG (0x5400, 0x1010)

/* Decoded samples of one group, as floats. */
#define MAX_WAVEFORM_BYTES    (256u * 1024 * 1024)

static void
lead_free (gpointer data)
{
  HzDicomLead *lead = data;

  g_free (lead->label);
  g_free (lead->units);
  g_free (lead->samples);
  g_free (lead);
}

void
hz_dicom_waveform_free (HzDicomWaveform *waveform)
{
  if (waveform == NULL)
    return;
  g_free (waveform->label);
  g_clear_pointer (&waveform->leads, g_ptr_array_unref);
  g_free (waveform);
}

const HzDicomLead *
hz_dicom_waveform_find_lead (HzDicomWaveform *waveform,
                             const char      *label)
{
  guint i;

  for (i = 0; i < waveform->leads->len; i++)
    {
      const HzDicomLead *lead = g_ptr_array_index (waveform->leads, i);

      if (g_strcmp0 (lead->label, label) == 0)
        return lead;
    }
  return NULL;
}

static gboolean
fail (GError **error, guint group, const char *why)
{
  g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_MALFORMED,
               _("Waveform group %u cannot be read: %s"), group + 1, why);
  return FALSE;
}

/* Voltage units to microvolts; anything else keeps its own unit. */
static double
unit_factor (const char *code, char **units)
{
  static const struct { const char *code; double factor; } volts[] = {
    { "uV", 1 }, { "mV", 1e3 }, { "V", 1e6 }, { "nV", 1e-3 },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (volts); i++)
    if (g_strcmp0 (code, volts[i].code) == 0)
      {
        *units = g_strdup ("uV");
        return volts[i].factor;
      }
  *units = g_strdup (code ? code : "");
  return 1;
}

static gboolean
read_channel (HzDicomDataset *def, guint index, HzDicomLead *lead, double *scale, double *baseline)
{
  HzDicomDataset *source = hz_dicom_dataset_get_item (def, TAG_CHANNEL_SOURCE, 0);
  HzDicomDataset *unit = hz_dicom_dataset_get_item (def, TAG_SENSITIVITY_UNITS, 0);
  g_autofree char *code = unit ? hz_dicom_dataset_get_string (unit, TAG_CODE_VALUE) : NULL;
  double sensitivity = 1, correction = 1;

  lead->label = source ? hz_dicom_dataset_get_string (source, TAG_CODE_MEANING) : NULL;
  if (lead->label == NULL || *lead->label == '\0')
    {
      g_free (lead->label);
      lead->label = hz_dicom_dataset_get_string (def, TAG_CHANNEL_LABEL);
    }
  if (lead->label == NULL || *lead->label == '\0')
    {
      g_free (lead->label);
      lead->label = g_strdup_printf ("%u", index + 1);
    }
  /* Sensitivity is optional (raw counts); a present but zero one is not. */
  if (hz_dicom_dataset_get_double (def, TAG_SENSITIVITY, 0, &sensitivity) && sensitivity == 0)
    return FALSE;
  if (!hz_dicom_dataset_get_double (def, TAG_CORRECTION, 0, &correction))
    correction = 1;
  if (!hz_dicom_dataset_get_double (def, TAG_BASELINE, 0, baseline))
    *baseline = 0;
  *scale = sensitivity * correction * unit_factor (code, &lead->units);
  return TRUE;
}

static HzDicomWaveform *
read_group (HzDicomDataset *item, guint group, GError **error)
{
  g_autoptr(HzDicomWaveform) wf = g_new0 (HzDicomWaveform, 1);
  g_autofree char *interpretation = hz_dicom_dataset_get_string (item, TAG_INTERPRETATION);
  g_autofree double *scale = NULL;
  g_autofree double *baseline = NULL;
  gint64 n_channels, n_samples, bits;
  const guint8 *data;
  gsize length = 0, bytes, s;
  gboolean is_signed, big_endian;
  guint c;

  if (!hz_dicom_dataset_get_int (item, TAG_N_CHANNELS, 0, &n_channels) || n_channels < 1 || n_channels > 1024)
    return fail (error, group, _("no valid number of channels")), NULL;
  if (!hz_dicom_dataset_get_int (item, TAG_N_SAMPLES, 0, &n_samples) || n_samples < 1)
    return fail (error, group, _("no valid number of samples")), NULL;
  if (!hz_dicom_dataset_get_double (item, TAG_SAMPLING_FREQ, 0, &wf->sampling_frequency)
      || !(wf->sampling_frequency > 0))
    return fail (error, group, _("no valid sampling frequency")), NULL;
  if (!hz_dicom_dataset_get_int (item, TAG_BITS_ALLOCATED, 0, &bits) || (bits != 8 && bits != 16))
    return fail (error, group, _("bits allocated must be 8 or 16")), NULL;
  if (g_strcmp0 (interpretation, "SS") == 0 || g_strcmp0 (interpretation, "SB") == 0)
    is_signed = TRUE;
  else if (g_strcmp0 (interpretation, "US") == 0 || g_strcmp0 (interpretation, "UB") == 0)
    is_signed = FALSE;
  else
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_UNSUPPORTED,
                   _("Waveform sample interpretation %s is not supported"),
                   interpretation ? interpretation : "?");
      return NULL;
    }
  if ((guint64) n_samples * (guint64) n_channels * sizeof (float) > MAX_WAVEFORM_BYTES)
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_TOO_LARGE,
                   _("The waveform is larger than %u MiB"), MAX_WAVEFORM_BYTES >> 20);
      return NULL;
    }
  bytes = (gsize) bits / 8;
  data = hz_dicom_dataset_get_raw (item, TAG_WAVEFORM_DATA, &length);
  if (data == NULL || length < (gsize) n_samples * (gsize) n_channels * bytes)
    return fail (error, group, _("the waveform data is shorter than its samples")), NULL;
  if (hz_dicom_dataset_get_n_items (item, TAG_CHANNEL_DEF_SEQ) != (guint) n_channels)
    return fail (error, group, _("the channel definitions do not match the number of channels")), NULL;
  big_endian = g_strcmp0 (hz_dicom_dataset_get_transfer_syntax (item), HZ_DICOM_TS_EXPLICIT_BE) == 0
               && g_strcmp0 (hz_dicom_dataset_get_vr (item, TAG_WAVEFORM_DATA), "OB") != 0;

  wf->label = hz_dicom_dataset_get_string (item, TAG_GROUP_LABEL);
  wf->n_samples = (guint) n_samples;
  wf->leads = g_ptr_array_new_with_free_func (lead_free);
  scale = g_new (double, n_channels);
  baseline = g_new (double, n_channels);
  for (c = 0; c < n_channels; c++)
    {
      HzDicomLead *lead = g_new0 (HzDicomLead, 1);

      g_ptr_array_add (wf->leads, lead);
      if (!read_channel (hz_dicom_dataset_get_item (item, TAG_CHANNEL_DEF_SEQ, c), c, lead, &scale[c], &baseline[c]))
        return fail (error, group, _("a channel has a sensitivity of zero")), NULL;
      lead->samples = g_new (float, n_samples);
    }

  /* Samples are multiplexed: all channels of sample 0, then of sample 1. */
  for (s = 0; s < (gsize) n_samples; s++)
    for (c = 0; c < n_channels; c++)
      {
        const guint8 *p = data + (s * (gsize) n_channels + c) * bytes;
        HzDicomLead *lead = g_ptr_array_index (wf->leads, c);
        double raw, value;

        if (bytes == 1)
          raw = is_signed ? (double) (gint8) p[0] : (double) p[0];
        else
          {
            guint16 v = hz_dicom_read_u16 (p, big_endian);
            raw = is_signed ? (double) (gint16) v : (double) v;
          }
        value = (raw + baseline[c]) * scale[c];
        lead->samples[s] = (float) CLAMP (value, -G_MAXFLOAT, G_MAXFLOAT);
      }
  return g_steal_pointer (&wf);
}

GPtrArray *
hz_dicom_waveform_read (HzDicomDataset  *dataset,
                        GError         **error)
{
  g_autoptr(GPtrArray) groups = NULL;
  guint i, n;

  g_return_val_if_fail (HZ_IS_DICOM_DATASET (dataset), NULL);

  n = hz_dicom_dataset_get_n_items (dataset, TAG_WAVEFORM_SEQ);
  if (n == 0)
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_MISSING, _("The file holds no waveform"));
      return NULL;
    }
  groups = g_ptr_array_new_with_free_func ((GDestroyNotify) hz_dicom_waveform_free);
  for (i = 0; i < n; i++)
    {
      HzDicomWaveform *wf = read_group (hz_dicom_dataset_get_item (dataset, TAG_WAVEFORM_SEQ, i), i, error);

      if (wf == NULL)
        return NULL;
      g_ptr_array_add (groups, wf);
    }
  return g_steal_pointer (&groups);
}
