/* fuzz-fhir-bundle.c: any bytes in, a clear error or a patient record
 * that can be walked end to end; never a crash, never a warning on the
 * console (the replay runs with fatal warnings). */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "hz-patient-record.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Touch everything the UI would draw, so reads of freed or unset
 * memory show up under the sanitizers. */
static void
walk (HzPatientRecord *record)
{
  GListModel *timeline = hz_patient_record_get_timeline (record);
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 22, 12, 0, 0);
  g_autoptr(GArray) series = hz_patient_record_get_series (record, NULL, "8480-6");
  GPtrArray *warnings = hz_patient_record_get_warnings (record);
  guint n = g_list_model_get_n_items (timeline);

  (void) hz_patient_record_get_age_at (record, now);
  (void) hz_patient_record_has_high_risk_allergy (record);
  (void) hz_patient_record_get_national_id (record);
  for (guint i = 1; i < series->len; i++)
    if (g_array_index (series, HzSeriesPoint, i - 1).time_us > g_array_index (series, HzSeriesPoint, i).time_us)
      abort ();  /* series are for plotting: oldest first */
  for (guint i = 0; i < warnings->len; i++)
    {
      HzFhirWarning *warning = g_ptr_array_index (warnings, i);
      if (warning->message == NULL)
        abort ();  /* every warning must say what is wrong */
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HzRecordEntry) entry = g_list_model_get_item (timeline, i);
      const HzFhirObservation *obs = hz_record_entry_get_observation (entry);
      g_autofree char *title = NULL;

      g_object_get (entry, "title", &title, NULL);
      (void) hz_record_entry_get_summary (entry);
      for (guint j = 0; obs && obs->components && j < obs->components->len; j++)
        {
          const HzFhirObservation *comp = g_ptr_array_index (obs->components, j);
          if (comp->sampled_data)
            {
              gsize len;
              const float *values = hz_sampled_data_get_values (comp->sampled_data, &len);
              for (gsize k = 0; k < len; k++)
                if (isinf (values[k]))
                  abort ();  /* a sample is a number or a gap (NaN) */
            }
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(HzPatientRecord) record = hz_patient_record_new_from_bytes (bytes, &error);

  if (record == NULL)
    {
      if (error == NULL || error->domain != HZ_FHIR_ERROR)
        abort ();  /* a refusal must say why, in our domain */
      return 0;
    }
  if (error != NULL)
    abort ();
  walk (record);
  return 0;
}
