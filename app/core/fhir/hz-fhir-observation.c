/* hz-fhir-observation.c: vital signs, lab values and waveforms from FHIR
 * Observations, with their components, ranges and abnormal flags. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "hz-fhir-readers-private.h"
#include "hz-sampled-data-private.h"

void
hz_fhir_observation_free (HzFhirObservation *self)
{
  if (self == NULL)
    return;
  g_free (self->code_system);
  g_free (self->code);
  g_free (self->display);
  g_free (self->category);
  g_free (self->unit);
  g_free (self->value_text);
  g_clear_pointer (&self->sampled_data, hz_sampled_data_unref);
  g_clear_pointer (&self->components, g_ptr_array_unref);
  g_free (self);
}

gboolean
hz_fhir_flag_is_abnormal (HzFhirFlag flag)
{
  return flag != HZ_FHIR_FLAG_NONE && flag != HZ_FHIR_FLAG_NORMAL;
}

/* v3 ObservationInterpretation codes, reduced to what the UI colours.
 * The finer ones (H>, <, W, ...) fold into their nearest neighbour. */
static HzFhirFlag
flag_from_code (const char *code)
{
  static const struct { const char *code; HzFhirFlag flag; } map[] = {
    { "N", HZ_FHIR_FLAG_NORMAL },
    { "L", HZ_FHIR_FLAG_LOW }, { "<", HZ_FHIR_FLAG_LOW }, { "LU", HZ_FHIR_FLAG_LOW },
    { "H", HZ_FHIR_FLAG_HIGH }, { ">", HZ_FHIR_FLAG_HIGH }, { "HU", HZ_FHIR_FLAG_HIGH },
    { "LL", HZ_FHIR_FLAG_CRITICAL_LOW },
    { "HH", HZ_FHIR_FLAG_CRITICAL_HIGH },
    { "A", HZ_FHIR_FLAG_ABNORMAL }, { "AA", HZ_FHIR_FLAG_ABNORMAL },
    { "POS", HZ_FHIR_FLAG_ABNORMAL }, { "DET", HZ_FHIR_FLAG_ABNORMAL },
    { "NEG", HZ_FHIR_FLAG_NORMAL }, { "ND", HZ_FHIR_FLAG_NORMAL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_strcmp0 (code, map[i].code) == 0)
      return map[i].flag;
  return HZ_FHIR_FLAG_NONE;
}

static void
read_interpretation (HzFhirReader      *reader,
                     JsonObject        *object,
                     HzFhirObservation *obs)
{
  JsonObject *concept = hz_fhir_reader_first_object (reader, object, "interpretation");
  const char *code = NULL;

  if (concept == NULL)
    return;
  if (hz_fhir_reader_concept_coding (reader, concept,
                                     "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                                     NULL, &code, NULL))
    obs->flag = flag_from_code (code);
  if (obs->flag == HZ_FHIR_FLAG_NONE)
    hz_fhir_reader_warn (reader, _("the interpretation code is not one we know; it is ignored"));
}

static void
read_range (HzFhirReader      *reader,
            JsonObject        *object,
            HzFhirObservation *obs)
{
  JsonObject *range = hz_fhir_reader_first_object (reader, object, "referenceRange");

  obs->range_low = hz_fhir_reader_get_number (reader, hz_fhir_reader_get_object (reader, range, "low"), "value");
  obs->range_high = hz_fhir_reader_get_number (reader, hz_fhir_reader_get_object (reader, range, "high"), "value");
}

/* Only when the bundle gave no flag: the laboratory knows better than a
 * comparison with one range (age, sex, method). Critical limits are
 * not in a reference range, so this never says LL or HH. */
static void
compute_flag (HzFhirObservation *obs)
{
  if (obs->flag != HZ_FHIR_FLAG_NONE || obs->value_kind != HZ_FHIR_VALUE_QUANTITY || isnan (obs->value))
    return;
  if (isnan (obs->range_low) && isnan (obs->range_high))
    return;
  if (!isnan (obs->range_low) && obs->value < obs->range_low)
    obs->flag = HZ_FHIR_FLAG_LOW;
  else if (!isnan (obs->range_high) && obs->value > obs->range_high)
    obs->flag = HZ_FHIR_FLAG_HIGH;
  else
    obs->flag = HZ_FHIR_FLAG_NORMAL;
  obs->flag_computed = TRUE;
}

static void
read_value (HzFhirReader      *reader,
            JsonObject        *object,
            HzFhirObservation *obs)
{
  JsonObject *quantity = hz_fhir_reader_get_object (reader, object, "valueQuantity");
  JsonObject *concept = hz_fhir_reader_get_object (reader, object, "valueCodeableConcept");
  JsonObject *sampled = hz_fhir_reader_get_object (reader, object, "valueSampledData");
  const char *string = hz_fhir_reader_get_string (reader, object, "valueString");
  const char *unit = NULL;
  gint64 integer;

  obs->value = NAN;
  if (quantity)
    {
      obs->value_kind = HZ_FHIR_VALUE_QUANTITY;
      hz_fhir_reader_quantity (reader, quantity, &obs->value, &unit);
      obs->unit = g_strdup (unit);
      /* a value of the wrong type has been warned about already */
      if (!json_object_has_member (quantity, "value"))
        hz_fhir_reader_warn (reader, _("the measured value is missing"));
    }
  else if (hz_fhir_reader_get_int (reader, object, "valueInteger", &integer))
    {
      obs->value_kind = HZ_FHIR_VALUE_QUANTITY;
      obs->value = (double) integer;
    }
  else if (string)
    {
      obs->value_kind = HZ_FHIR_VALUE_STRING;
      obs->value_text = g_strdup (string);
    }
  else if (concept)
    {
      obs->value_kind = HZ_FHIR_VALUE_CONCEPT;
      obs->value_text = hz_fhir_reader_concept_text (reader, concept);
    }
  else if (sampled)
    {
      obs->value_kind = HZ_FHIR_VALUE_SAMPLED_DATA;
      obs->sampled_data = _hz_sampled_data_parse (reader, sampled);
      obs->unit = g_strdup (hz_sampled_data_get_unit (obs->sampled_data));
    }
}

static HzFhirObservation *
read_observation (HzFhirReader *reader,
                  JsonObject   *object)
{
  HzFhirObservation *obs = g_new0 (HzFhirObservation, 1);
  JsonObject *code = hz_fhir_reader_get_object (reader, object, "code");
  const char *system = NULL, *value = NULL;

  /* LOINC first: it is what series are keyed by */
  if (hz_fhir_reader_concept_coding (reader, code, "http://loinc.org", &system, &value, NULL))
    {
      obs->code_system = g_strdup (system);
      obs->code = g_strdup (value);
    }
  obs->display = hz_fhir_reader_concept_text (reader, code);
  if (!json_object_has_member (object, "code"))
    hz_fhir_reader_warn (reader, _("an observation has no code"));
  read_value (reader, object, obs);
  read_range (reader, object, obs);
  read_interpretation (reader, object, obs);
  compute_flag (obs);
  return obs;
}

static void
append_value (GString                 *out,
              const HzFhirObservation *obs)
{
  switch (obs->value_kind)
    {
    case HZ_FHIR_VALUE_QUANTITY:
      {
        g_autofree char *number = hz_fhir_format_number (obs->value);
        g_string_append (out, number);
        if (obs->unit)
          g_string_append_printf (out, " %s", obs->unit);
      }
      break;
    case HZ_FHIR_VALUE_STRING:
    case HZ_FHIR_VALUE_CONCEPT:
      if (obs->value_text)
        g_string_append (out, obs->value_text);
      break;
    case HZ_FHIR_VALUE_SAMPLED_DATA:
      {
        char rate[G_ASCII_DTOSTR_BUF_SIZE];
        HzSampledData *sd = obs->sampled_data;

        g_ascii_formatd (rate, sizeof rate, "%g", hz_sampled_data_get_rate_hz (sd));
        /* TRANSLATORS: a waveform; %u is the number of samples, %s the rate */
        g_string_append_printf (out, _("waveform, %u samples at %s Hz"),
                                hz_sampled_data_get_n_samples (sd), rate);
      }
      break;
    case HZ_FHIR_VALUE_NONE:
    default:
      break;
    }
}

/* "158 mmHg" for a value; for a panel, each component after its name. */
static char *
summarize (const HzFhirObservation *obs)
{
  GString *out = g_string_new (NULL);

  append_value (out, obs);
  for (guint i = 0; obs->components && i < obs->components->len; i++)
    {
      const HzFhirObservation *comp = g_ptr_array_index (obs->components, i);

      if (out->len > 0)
        g_string_append (out, "; ");
      if (comp->display)
        g_string_append_printf (out, "%s ", comp->display);
      append_value (out, comp);
    }
  return g_string_free (out, FALSE);
}

void
_hz_fhir_read_observation (HzFhirReader  *reader,
                           JsonObject    *resource,
                           HzRecordEntry *entry)
{
  HzFhirObservation *obs = read_observation (reader, resource);
  JsonArray *components = hz_fhir_reader_get_array (reader, resource, "component");
  JsonObject *category = hz_fhir_reader_first_object (reader, resource, "category");
  const char *category_code = NULL;
  HzFhirPrecision precision = HZ_FHIR_PRECISION_NONE;
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *summary = NULL;
  gboolean abnormal;
  guint i, n = components ? json_array_get_length (components) : 0;

  _hz_record_entry_set_detail (entry, obs, (GDestroyNotify) hz_fhir_observation_free);
  if (hz_fhir_reader_concept_coding (reader, category, NULL, NULL, &category_code, NULL))
    obs->category = g_strdup (category_code);

  abnormal = hz_fhir_flag_is_abnormal (obs->flag);
  obs->components = g_ptr_array_new_with_free_func ((GDestroyNotify) hz_fhir_observation_free);
  for (i = 0; i < n; i++)
    {
      JsonObject *object = hz_fhir_reader_array_object (reader, components, i, "component");
      HzFhirObservation *comp;

      if (object == NULL)
        continue;
      comp = read_observation (reader, object);
      abnormal = abnormal || hz_fhir_flag_is_abnormal (comp->flag);
      g_ptr_array_add (obs->components, comp);
    }
  if (obs->value_kind == HZ_FHIR_VALUE_NONE && !json_object_has_member (resource, "component")
      && !json_object_has_member (resource, "dataAbsentReason"))
    hz_fhir_reader_warn (reader, _("the observation has no value"));

  date = hz_fhir_reader_get_datetime (reader, resource, "effectiveDateTime", &precision);
  if (date == NULL)
    date = hz_fhir_reader_get_datetime (reader, resource, "effectiveInstant", &precision);
  if (date == NULL)
    date = hz_fhir_reader_period_start (reader, resource, "effectivePeriod", &precision);
  if (date == NULL)
    date = hz_fhir_reader_get_datetime (reader, resource, "issued", &precision);

  summary = summarize (obs);
  _hz_record_entry_set_text (entry, obs->display, summary);
  _hz_record_entry_set_date (entry, date, precision);
  _hz_record_entry_set_flags (entry, FALSE, abnormal);
}
