/* hz-record-timeline.c: the record in time order, and series of one
 * measurement (say systolic pressure) for plotting. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "hz-patient-record-private.h"

/* Undated entries go last; the sort is stable, so ties keep bundle order. */
static int
compare_by_date (gconstpointer a,
                 gconstpointer b)
{
  GDateTime *da = hz_record_entry_get_date (*(HzRecordEntry * const *) a);
  GDateTime *db = hz_record_entry_get_date (*(HzRecordEntry * const *) b);

  if (da == NULL || db == NULL)
    return (da == NULL) - (db == NULL);
  return g_date_time_compare (da, db);
}

/**
 * hz_patient_record_get_timeline:
 *
 * Everything the record shows (not the resources it does not
 * understand), oldest first.
 *
 * Returns: (transfer none): a list of HzRecordEntry
 */
GListModel *
hz_patient_record_get_timeline (HzPatientRecord *self)
{
  g_autoptr(GPtrArray) all = NULL;

  g_return_val_if_fail (HZ_IS_PATIENT_RECORD (self), NULL);

  if (self->timeline)
    return G_LIST_MODEL (self->timeline);

  all = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint kind = 0; kind < HZ_RECORD_N_KINDS; kind++)
    {
      GListModel *list = G_LIST_MODEL (self->lists[kind]);
      guint n = g_list_model_get_n_items (list);

      if (kind == HZ_RECORD_KIND_OTHER)
        continue;
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (all, g_list_model_get_item (list, i));
    }
  g_ptr_array_sort (all, compare_by_date);

  self->timeline = g_list_store_new (HZ_TYPE_RECORD_ENTRY);
  g_list_store_splice (self->timeline, 0, 0, all->pdata, all->len);
  return G_LIST_MODEL (self->timeline);
}

static gboolean
code_matches (const HzFhirObservation *obs,
              const char              *system,
              const char              *code)
{
  return g_strcmp0 (obs->code, code) == 0
         && (system == NULL || g_strcmp0 (obs->code_system, system) == 0);
}

static void
add_point (GArray                  *series,
           const HzFhirObservation *obs,
           GDateTime               *date,
           const char              *resource_id)
{
  HzSeriesPoint point;

  if (obs->value_kind != HZ_FHIR_VALUE_QUANTITY || isnan (obs->value))
    return;
  point.time_us = g_date_time_to_unix (date) * G_USEC_PER_SEC + g_date_time_get_microsecond (date);
  point.value = obs->value;
  point.unit = obs->unit;
  point.resource_id = resource_id;
  g_array_append_val (series, point);
}

static int
compare_points (gconstpointer a,
                gconstpointer b)
{
  const HzSeriesPoint *pa = a, *pb = b;

  return (pa->time_us > pb->time_us) - (pa->time_us < pb->time_us);
}

/**
 * hz_patient_record_get_series:
 * @system: (nullable): the code system, e.g. "http://loinc.org"; %NULL for any
 * @code: e.g. "8480-6" for systolic pressure
 *
 * Every numeric value recorded under @code, oldest first: whole
 * Observations and components of panels alike (8480-6 inside 85354-9
 * blood-pressure panels). Values without a time cannot be plotted and
 * are left out. Only the coding each observation is shown by (LOINC
 * when it has one) is matched.
 *
 * Returns: (transfer full) (element-type HzSeriesPoint): the points,
 *   valid while the record lives
 */
GArray *
hz_patient_record_get_series (HzPatientRecord *self,
                              const char      *system,
                              const char      *code)
{
  GListModel *observations;
  GArray *series;
  guint n;

  g_return_val_if_fail (HZ_IS_PATIENT_RECORD (self), NULL);
  g_return_val_if_fail (code != NULL, NULL);

  series = g_array_new (FALSE, FALSE, sizeof (HzSeriesPoint));
  observations = G_LIST_MODEL (self->lists[HZ_RECORD_KIND_OBSERVATION]);
  n = g_list_model_get_n_items (observations);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HzRecordEntry) entry = g_list_model_get_item (observations, i);
      const HzFhirObservation *obs = hz_record_entry_get_observation (entry);
      GDateTime *date = hz_record_entry_get_date (entry);
      const char *id = hz_record_entry_get_id (entry);

      if (date == NULL)
        continue;
      if (code_matches (obs, system, code))
        add_point (series, obs, date, id);
      for (guint j = 0; obs->components && j < obs->components->len; j++)
        {
          const HzFhirObservation *comp = g_ptr_array_index (obs->components, j);
          if (code_matches (comp, system, code))
            add_point (series, comp, date, id);
        }
    }
  g_array_sort (series, compare_points);
  return series;
}
