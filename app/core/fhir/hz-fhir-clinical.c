/* hz-fhir-clinical.c: encounters, problems, medications and allergies
 * from their FHIR resources. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "hz-fhir-readers-private.h"

void
hz_fhir_identifier_free (HzFhirIdentifier *self)
{
  if (self == NULL)
    return;
  g_free (self->system);
  g_free (self->value);
  g_free (self->type_code);
  g_free (self->type_text);
  g_free (self);
}

void
hz_fhir_encounter_free (HzFhirEncounter *self)
{
  g_free (self->class_code);
  g_free (self->class_display);
  g_free (self->status);
  g_free (self->reason);
  g_free (self->service_provider);
  g_clear_pointer (&self->start, g_date_time_unref);
  g_clear_pointer (&self->end, g_date_time_unref);
  g_free (self);
}

void
hz_fhir_problem_free (HzFhirProblem *self)
{
  g_free (self->code);
  g_free (self->code_system);
  g_free (self->display);
  g_free (self->display_zh);
  g_free (self->display_en);
  g_free (self->clinical_status);
  g_free (self->onset_text);
  g_clear_pointer (&self->onset, g_date_time_unref);
  g_free (self);
}

void
hz_fhir_medication_free (HzFhirMedication *self)
{
  g_free (self->drug);
  g_free (self->dose);
  g_free (self->route);
  g_free (self->frequency);
  g_free (self->dosage_text);
  g_free (self->status);
  g_free (self);
}

void
hz_fhir_allergy_free (HzFhirAllergy *self)
{
  g_free (self->substance);
  g_free (self->clinical_status);
  g_free (self->category);
  g_free (self->manifestation);
  g_free (self->severity);
  g_free (self);
}

static gboolean
is_cjk (gunichar c)
{
  return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF)
         || (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x2FA1F);
}

/* Clinic systems here write displays as "原发性高血压 Essential
 * hypertension": Chinese first, then English. Split such a text at the
 * first space after which no Chinese follows, so the UI can show the
 * half that fits the user's language. Text that is not of that shape
 * leaves both halves NULL. */
void
_hz_fhir_split_bilingual (const char  *text,
                          char       **zh,
                          char       **en)
{
  const char *p, *split = NULL;
  gboolean seen_cjk = FALSE;

  *zh = *en = NULL;
  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return;
  for (p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (is_cjk (c))
        {
          seen_cjk = TRUE;
          split = NULL;
        }
      else if (c == ' ' && seen_cjk && split == NULL)
        split = p;
    }
  if (split == NULL || split[1] == '\0')
    return;
  *zh = g_strstrip (g_strndup (text, split - text));
  *en = g_strstrip (g_strdup (split + 1));
}

static char *
concept_member_text (HzFhirReader *reader,
                     JsonObject   *object,
                     const char   *member)
{
  return hz_fhir_reader_concept_text (reader, hz_fhir_reader_get_object (reader, object, member));
}

static char *
concept_member_code (HzFhirReader *reader,
                     JsonObject   *object,
                     const char   *member)
{
  JsonObject *concept = hz_fhir_reader_get_object (reader, object, member);
  const char *code = NULL;

  if (hz_fhir_reader_concept_coding (reader, concept, NULL, NULL, &code, NULL))
    return g_strdup (code);
  return hz_fhir_reader_concept_text (reader, concept);
}

/* texts of the CodeableConcepts in a list, joined for one line */
static char *
join_concepts (HzFhirReader *reader,
               JsonArray    *array,
               const char   *member,
               GPtrArray    *into)
{
  guint i, n = array ? json_array_get_length (array) : 0;
  g_autoptr(GPtrArray) texts = into ? g_ptr_array_ref (into) : g_ptr_array_new_with_free_func (g_free);

  for (i = 0; i < n; i++)
    {
      char *text = hz_fhir_reader_concept_text (reader, hz_fhir_reader_array_object (reader, array, i, member));
      if (text)
        g_ptr_array_add (texts, text);
    }
  if (into || texts->len == 0)
    return NULL;
  g_ptr_array_add (texts, NULL);
  return g_strjoinv (", ", (char **) texts->pdata);
}

void
_hz_fhir_read_encounter (HzFhirReader  *reader,
                         JsonObject    *resource,
                         HzRecordEntry *entry)
{
  HzFhirEncounter *enc = g_new0 (HzFhirEncounter, 1);
  JsonObject *klass = hz_fhir_reader_get_object (reader, resource, "class");
  JsonObject *period = hz_fhir_reader_get_object (reader, resource, "period");
  JsonObject *provider = hz_fhir_reader_get_object (reader, resource, "serviceProvider");
  HzFhirPrecision precision = HZ_FHIR_PRECISION_NONE;
  g_autofree char *summary = NULL;

  _hz_record_entry_set_detail (entry, enc, (GDestroyNotify) hz_fhir_encounter_free);
  enc->class_code = g_strdup (hz_fhir_reader_get_string (reader, klass, "code"));
  enc->class_display = g_strdup (hz_fhir_reader_get_string (reader, klass, "display"));
  enc->status = g_strdup (hz_fhir_reader_get_string (reader, resource, "status"));
  enc->reason = join_concepts (reader, hz_fhir_reader_get_array (reader, resource, "reasonCode"),
                               "reasonCode", NULL);
  enc->service_provider = g_strdup (hz_fhir_reader_get_string (reader, provider, "display"));
  enc->start = hz_fhir_reader_get_datetime (reader, period, "start", &precision);
  enc->end = hz_fhir_reader_get_datetime (reader, period, "end", NULL);

  summary = g_strjoin (" · ", enc->reason ? enc->reason : "",
                       enc->service_provider ? enc->service_provider : "", NULL);
  _hz_record_entry_set_text (entry, enc->class_display ? enc->class_display : enc->class_code,
                             g_strstrip (summary));
  _hz_record_entry_set_date (entry, enc->start, precision);
}

void
_hz_fhir_read_condition (HzFhirReader  *reader,
                         JsonObject    *resource,
                         HzRecordEntry *entry)
{
  HzFhirProblem *problem = g_new0 (HzFhirProblem, 1);
  JsonObject *code = hz_fhir_reader_get_object (reader, resource, "code");
  const char *system = NULL, *value = NULL, *display = NULL;
  g_autofree char *summary = NULL;

  _hz_record_entry_set_detail (entry, problem, (GDestroyNotify) hz_fhir_problem_free);
  /* ICD-10 first; a national edition keeps the same codes */
  if (hz_fhir_reader_concept_coding (reader, code, "http://hl7.org/fhir/sid/icd-10", &system, &value, &display))
    {
      problem->code = g_strdup (value);
      problem->code_system = g_strdup (system);
    }
  problem->display = hz_fhir_reader_concept_text (reader, code);
  if (!json_object_has_member (resource, "code"))
    hz_fhir_reader_warn (reader, _("the problem has no code"));
  _hz_fhir_split_bilingual (problem->display, &problem->display_zh, &problem->display_en);
  problem->clinical_status = concept_member_code (reader, resource, "clinicalStatus");

  problem->onset = hz_fhir_reader_get_datetime (reader, resource, "onsetDateTime", &problem->onset_precision);
  if (problem->onset == NULL)
    problem->onset = hz_fhir_reader_period_start (reader, resource, "onsetPeriod", &problem->onset_precision);
  problem->onset_text = g_strdup (hz_fhir_reader_get_string (reader, resource, "onsetString"));

  summary = g_strjoin (" · ", problem->code ? problem->code : "",
                       problem->clinical_status ? problem->clinical_status : "", NULL);
  _hz_record_entry_set_text (entry, problem->display, g_strstrip (summary));
  _hz_record_entry_set_date (entry, problem->onset, problem->onset_precision);
}

static void
read_dosage (HzFhirReader     *reader,
             JsonObject       *dosage,
             HzFhirMedication *med)
{
  JsonObject *timing = hz_fhir_reader_get_object (reader, dosage, "timing");
  JsonObject *dose_and_rate = hz_fhir_reader_first_object (reader, dosage, "doseAndRate");
  JsonObject *dose = hz_fhir_reader_get_object (reader, dose_and_rate, "doseQuantity");

  med->dosage_text = g_strdup (hz_fhir_reader_get_string (reader, dosage, "text"));
  med->route = concept_member_text (reader, dosage, "route");
  med->frequency = concept_member_text (reader, timing, "code");
  if (dose != NULL)
    {
      double value;
      const char *unit;
      g_autofree char *number = NULL;

      hz_fhir_reader_quantity (reader, dose, &value, &unit);
      number = hz_fhir_format_number (value);
      med->dose = unit ? g_strdup_printf ("%s %s", number, unit) : g_steal_pointer (&number);
    }
}

/* MedicationStatement and MedicationRequest differ only in where they
 * keep the dosage and the date. */
void
_hz_fhir_read_medication (HzFhirReader  *reader,
                          JsonObject    *resource,
                          HzRecordEntry *entry)
{
  HzFhirMedication *med = g_new0 (HzFhirMedication, 1);
  HzFhirPrecision precision = HZ_FHIR_PRECISION_NONE;
  g_autoptr(GDateTime) date = NULL;
  JsonObject *dosage;

  _hz_record_entry_set_detail (entry, med, (GDestroyNotify) hz_fhir_medication_free);
  med->is_request = g_strcmp0 (hz_record_entry_get_resource_type (entry), "MedicationRequest") == 0;
  med->status = g_strdup (hz_fhir_reader_get_string (reader, resource, "status"));
  med->drug = concept_member_text (reader, resource, "medicationCodeableConcept");
  if (med->drug == NULL)
    {
      const char *display = NULL;
      hz_fhir_reader_reference (reader, resource, "medicationReference", &display);
      med->drug = g_strdup (display);
    }
  if (med->drug == NULL)
    hz_fhir_reader_warn (reader, _("the medication does not say which drug"));

  dosage = hz_fhir_reader_first_object (reader, resource, med->is_request ? "dosageInstruction" : "dosage");
  if (dosage)
    read_dosage (reader, dosage, med);

  if (med->is_request)
    date = hz_fhir_reader_get_datetime (reader, resource, "authoredOn", &precision);
  else
    {
      date = hz_fhir_reader_get_datetime (reader, resource, "effectiveDateTime", &precision);
      if (date == NULL)
        date = hz_fhir_reader_period_start (reader, resource, "effectivePeriod", &precision);
    }

  _hz_record_entry_set_text (entry, med->drug, med->dosage_text ? med->dosage_text : med->dose);
  _hz_record_entry_set_date (entry, date, precision);
}

static HzAllergyCriticality
parse_criticality (HzFhirReader *reader,
                   const char   *text)
{
  if (text == NULL)
    return HZ_ALLERGY_CRITICALITY_UNKNOWN;
  if (strcmp (text, "high") == 0)
    return HZ_ALLERGY_CRITICALITY_HIGH;
  if (strcmp (text, "low") == 0)
    return HZ_ALLERGY_CRITICALITY_LOW;
  if (strcmp (text, "unable-to-assess") == 0)
    return HZ_ALLERGY_CRITICALITY_UNABLE_TO_ASSESS;
  hz_fhir_reader_warn (reader, _("the allergy’s criticality is not one of low, high or unable-to-assess"));
  return HZ_ALLERGY_CRITICALITY_UNKNOWN;
}

static int
severity_rank (const char *severity)
{
  if (g_strcmp0 (severity, "severe") == 0)
    return 3;
  if (g_strcmp0 (severity, "moderate") == 0)
    return 2;
  if (g_strcmp0 (severity, "mild") == 0)
    return 1;
  return 0;
}

void
_hz_fhir_read_allergy (HzFhirReader  *reader,
                       JsonObject    *resource,
                       HzRecordEntry *entry)
{
  HzFhirAllergy *allergy = g_new0 (HzFhirAllergy, 1);
  JsonArray *categories = hz_fhir_reader_get_array (reader, resource, "category");
  JsonArray *reactions = hz_fhir_reader_get_array (reader, resource, "reaction");
  g_autoptr(GPtrArray) manifestations = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) category_names = g_ptr_array_new ();
  HzFhirPrecision precision = HZ_FHIR_PRECISION_NONE;
  g_autoptr(GDateTime) date = NULL;
  guint i, n;

  _hz_record_entry_set_detail (entry, allergy, (GDestroyNotify) hz_fhir_allergy_free);
  allergy->substance = concept_member_text (reader, resource, "code");
  if (allergy->substance == NULL)
    hz_fhir_reader_warn (reader, _("the allergy does not say to what"));
  allergy->clinical_status = concept_member_code (reader, resource, "clinicalStatus");
  allergy->criticality = parse_criticality (reader, hz_fhir_reader_get_string (reader, resource, "criticality"));

  n = categories ? json_array_get_length (categories) : 0;
  for (i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (categories, i);
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_ptr_array_add (category_names, (gpointer) json_node_get_string (node));
      else
        hz_fhir_reader_warn (reader, _("“%s” should be %s"), "category", _("a list of strings"));
    }
  if (category_names->len > 0)
    {
      g_ptr_array_add (category_names, NULL);
      allergy->category = g_strjoinv (", ", (char **) category_names->pdata);
    }

  n = reactions ? json_array_get_length (reactions) : 0;
  for (i = 0; i < n; i++)
    {
      JsonObject *reaction = hz_fhir_reader_array_object (reader, reactions, i, "reaction");
      const char *severity = hz_fhir_reader_get_string (reader, reaction, "severity");

      if (reaction == NULL)
        continue;
      join_concepts (reader, hz_fhir_reader_get_array (reader, reaction, "manifestation"),
                     "manifestation", manifestations);
      if (severity_rank (severity) > severity_rank (allergy->severity))
        {
          g_free (allergy->severity);
          allergy->severity = g_strdup (severity);
        }
    }
  if (manifestations->len > 0)
    {
      g_ptr_array_add (manifestations, NULL);
      allergy->manifestation = g_strjoinv (", ", (char **) manifestations->pdata);
    }

  allergy->is_high_risk = allergy->criticality == HZ_ALLERGY_CRITICALITY_HIGH
                          || severity_rank (allergy->severity) == 3;

  date = hz_fhir_reader_get_datetime (reader, resource, "recordedDate", &precision);
  if (date == NULL)
    date = hz_fhir_reader_get_datetime (reader, resource, "onsetDateTime", &precision);

  _hz_record_entry_set_text (entry, allergy->substance, allergy->manifestation);
  _hz_record_entry_set_date (entry, date, precision);
  _hz_record_entry_set_flags (entry, allergy->is_high_risk, FALSE);
}
