/* test-fhir-robust.c: bundles that are wrong in the ways real exports
 * are, built in the test from the fixtures: each must read, list what is
 * wrong, and leave gaps rather than guesses. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "hz-patient-record.h"
#include "hz-test-utils.h"

/* A fixture as a JSON tree we may edit. */
static JsonNode *
load_fixture (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".json", NULL);
  g_autofree char *path = g_build_filename (g_getenv ("HUIZHEN_SOURCE_ROOT"), "tests", "data", "fhir", file, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  return node;
}

static JsonArray *
entries_of (JsonNode *bundle)
{
  return json_object_get_array_member (json_node_get_object (bundle), "entry");
}

static JsonObject *
resource (JsonNode   *bundle,
          const char *id)
{
  JsonArray *entries = entries_of (bundle);

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *res = json_object_get_object_member (json_array_get_object_element (entries, i), "resource");
      if (g_strcmp0 (json_object_get_string_member_with_default (res, "id", NULL), id) == 0)
        return res;
    }
  g_assert_not_reached ();
}

static void
add_entry (JsonNode   *bundle,
           const char *resource_json)
{
  JsonObject *entry = json_object_new ();

  json_object_set_member (entry, "resource", parse (resource_json));
  json_array_add_object_element (entries_of (bundle), entry);
}

static void
set_member (JsonObject *object,
            const char *member,
            const char *value_json)
{
  json_object_set_member (object, member, parse (value_json));
}

static HzPatientRecord *
record_from_node (JsonNode *bundle)
{
  char *text = json_to_string (bundle, FALSE);
  g_autoptr(GBytes) bytes = g_bytes_new_take (text, strlen (text));
  g_autoptr(GError) error = NULL;
  HzPatientRecord *record;

  record = hz_patient_record_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_nonnull (record);
  return record;
}

static HzPatientRecord *
record_from_string (const char *json)
{
  g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));
  g_autoptr(GError) error = NULL;
  HzPatientRecord *record = hz_patient_record_new_from_bytes (bytes, &error);

  g_assert_no_error (error);
  return record;
}

/* Exactly one warning about resource id whose message holds needle. */
static void
assert_warning (HzPatientRecord *record,
                const char      *resource_id,
                const char      *needle)
{
  GPtrArray *warnings = hz_patient_record_get_warnings (record);
  guint found = 0;

  for (guint i = 0; i < warnings->len; i++)
    {
      HzFhirWarning *w = g_ptr_array_index (warnings, i);
      if (g_strcmp0 (w->resource_id, resource_id) == 0 && strstr (w->message, needle))
        found++;
    }
  if (found != 1)
    {
      for (guint i = 0; i < warnings->len; i++)
        {
          HzFhirWarning *w = g_ptr_array_index (warnings, i);
          g_printerr ("warning: %s/%s: %s\n", w->resource_type, w->resource_id, w->message);
        }
      g_error ("expected one warning about %s with “%s”, found %u", resource_id, needle, found);
    }
}

static void
assert_refused (const char *text,
                gssize      length,
                int         code)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, length < 0 ? strlen (text) : (gsize) length);
  g_autoptr(GError) error = NULL;
  g_autoptr(HzPatientRecord) record = hz_patient_record_new_from_bytes (bytes, &error);

  g_assert_null (record);
  g_assert_error (error, HZ_FHIR_ERROR, code);
  g_assert_cmpstr (error->message, !=, "");
}

static void
test_not_a_bundle (void)
{
  g_autoptr(GString) deep = g_string_new ("{\"resourceType\":\"Bundle\",\"x\":");
  g_autofree char *huge = NULL;
  g_autoptr(GBytes) huge_bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HzPatientRecord) record = NULL;

  assert_refused ("", 0, HZ_FHIR_ERROR_NOT_JSON);
  assert_refused ("this is not JSON", -1, HZ_FHIR_ERROR_NOT_JSON);
  assert_refused ("{\"resourceType\": \"Bundle\",", -1, HZ_FHIR_ERROR_NOT_JSON);
  assert_refused ("{\"resourceType\": \"Bun\xff\xfe\"}", -1, HZ_FHIR_ERROR_NOT_JSON);
  assert_refused ("[{\"resourceType\": \"Bundle\"}]", -1, HZ_FHIR_ERROR_NOT_OBJECT);
  assert_refused ("\"Bundle\"", -1, HZ_FHIR_ERROR_NOT_OBJECT);
  assert_refused ("{\"resourceType\": \"Patient\", \"id\": \"x\"}", -1, HZ_FHIR_ERROR_NOT_BUNDLE);
  assert_refused ("{\"resourceType\": 7}", -1, HZ_FHIR_ERROR_NOT_BUNDLE);
  assert_refused ("{\"type\": \"collection\", \"entry\": []}", -1, HZ_FHIR_ERROR_NOT_BUNDLE);

  for (int i = 0; i < 200; i++)
    g_string_append_c (deep, '[');
  for (int i = 0; i < 200; i++)
    g_string_append_c (deep, ']');
  g_string_append_c (deep, '}');
  assert_refused (deep->str, -1, HZ_FHIR_ERROR_TOO_DEEP);

  huge = g_malloc (HZ_FHIR_MAX_BYTES + 1);
  memset (huge, ' ', HZ_FHIR_MAX_BYTES + 1);
  huge_bytes = g_bytes_new_take (g_steal_pointer (&huge), HZ_FHIR_MAX_BYTES + 1);
  record = hz_patient_record_new_from_bytes (huge_bytes, &error);
  g_assert_null (record);
  g_assert_error (error, HZ_FHIR_ERROR, HZ_FHIR_ERROR_TOO_LARGE);
}

static void
test_empty_bundle (void)
{
  g_autoptr(HzPatientRecord) record =
    record_from_string ("{\"resourceType\": \"Bundle\", \"id\": \"b\"}");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_assert_null (hz_patient_record_get_official_name (record));
  g_assert_cmpint (hz_patient_record_get_age_at (record, now), ==, -1);
  g_assert_cmpuint (g_list_model_get_n_items (hz_patient_record_get_timeline (record)), ==, 0);
  assert_warning (record, "b", "does not say what type");
  assert_warning (record, "b", "holds no patient");
  g_assert_cmpuint (hz_patient_record_get_warnings (record)->len, ==, 2);
}

static void
test_unknown_resource (void)
{
  g_autoptr(JsonNode) bundle = load_fixture ("wang-jianguo");
  g_autoptr(HzPatientRecord) record = NULL;
  g_autoptr(HzRecordEntry) other = NULL;
  JsonNode *raw;

  add_entry (bundle, "{\"resourceType\": \"FamilyMemberHistory\", \"id\": \"fmh-1\","
                     " \"status\": \"completed\", \"futureField\": {\"a\": [1, 2]}}");
  set_member (resource (bundle, "QS-000731"), "futureField", "[\"kept\"]");
  set_member (resource (bundle, "lab-QS-000731-4"), "_valueQuantity", "{\"extension\": []}");
  record = record_from_node (bundle);

  g_assert_cmpuint (hz_patient_record_get_warnings (record)->len, ==, 0);
  g_assert_cmpstr (hz_patient_record_get_official_name (record), ==, "王建国");
  g_assert_cmpuint (g_list_model_get_n_items (hz_patient_record_get_entries (record, HZ_RECORD_KIND_OTHER)), ==, 1);
  other = g_list_model_get_item (hz_patient_record_get_entries (record, HZ_RECORD_KIND_OTHER), 0);
  g_assert_cmpstr (hz_record_entry_get_resource_type (other), ==, "FamilyMemberHistory");
  g_assert_cmpstr (hz_record_entry_get_id (other), ==, "fmh-1");
  raw = hz_record_entry_get_raw (other);
  g_assert_true (json_object_has_member (json_node_get_object (raw), "futureField"));
  /* kept, but not part of what the timeline shows */
  g_assert_cmpuint (g_list_model_get_n_items (hz_patient_record_get_timeline (record)), ==, 18);
  g_assert_true (json_object_has_member (json_node_get_object (hz_patient_record_get_patient_raw (record)),
                                         "futureField"));
}

static void
test_wrong_types (void)
{
  g_autoptr(JsonNode) bundle = load_fixture ("wang-jianguo");
  g_autoptr(HzPatientRecord) record = NULL;
  g_autoptr(GArray) systolic = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  JsonObject *bp = resource (bundle, "bp-QS-000731-2");
  JsonObject *quantity;
  const HzFhirObservation *obs;
  HzRecordEntry *entry;

  /* a string where a number belongs, inside a panel component */
  quantity = json_object_get_object_member (
    json_array_get_object_element (json_object_get_array_member (bp, "component"), 0), "valueQuantity");
  set_member (quantity, "value", "\"149\"");
  set_member (resource (bundle, "QS-000731"), "birthDate", "19640318");
  set_member (resource (bundle, "QS-000731"), "name", "\"王建国\"");
  set_member (resource (bundle, "alg-QS-000731-0"), "criticality", "\"very\"");
  set_member (resource (bundle, "lab-QS-000731-5"), "effectiveDateTime", "\"yesterday\"");
  set_member (resource (bundle, "bp-QS-000731-3"), "component", "{\"not\": \"a list\"}");
  set_member (resource (bundle, "img-QS-000731-QS20261120001"), "numberOfInstances", "\"48\"");
  set_member (resource (bundle, "cond-QS-000731-0"), "code", "[1, 2]");
  json_object_remove_member (json_object_get_object_member (resource (bundle, "vs-QS-000731-8"), "valueQuantity"),
                             "value");
  record = record_from_node (bundle);

  assert_warning (record, "bp-QS-000731-2", "“value” should be a number");
  assert_warning (record, "QS-000731", "“birthDate” should be a string");
  assert_warning (record, "QS-000731", "“name” should be a list");
  assert_warning (record, "QS-000731", "has no name");
  assert_warning (record, "alg-QS-000731-0", "criticality");
  assert_warning (record, "lab-QS-000731-5", "“effectiveDateTime” is not a valid date");
  assert_warning (record, "bp-QS-000731-3", "“component” should be a list");
  assert_warning (record, "img-QS-000731-QS20261120001", "“numberOfInstances” should be a whole number");
  assert_warning (record, "cond-QS-000731-0", "“code” should be an object");
  assert_warning (record, "vs-QS-000731-8", "measured value is missing");
  /* one warning per fault: a wrong type is not also reported missing */
  g_assert_cmpuint (hz_patient_record_get_warnings (record)->len, ==, 10);

  /* gaps, not guesses */
  g_assert_null (hz_patient_record_get_official_name (record));
  g_assert_cmpint (hz_patient_record_get_age_at (record, now), ==, -1);
  g_assert_cmpint (hz_record_entry_get_allergy (hz_patient_record_lookup (record, "AllergyIntolerance", "alg-QS-000731-0"))->criticality,
                   ==, HZ_ALLERGY_CRITICALITY_UNKNOWN);
  entry = hz_patient_record_lookup (record, "Observation", "bp-QS-000731-2");
  obs = hz_record_entry_get_observation (entry);
  g_assert_true (isnan (((HzFhirObservation *) g_ptr_array_index (obs->components, 0))->value));
  g_assert_null (hz_record_entry_get_date (hz_patient_record_lookup (record, "Observation", "lab-QS-000731-5")));
  g_assert_cmpuint (hz_record_entry_get_imaging_study (hz_patient_record_lookup (record, "ImagingStudy", "img-QS-000731-QS20261120001"))->n_instances,
                    ==, 0);
  g_assert_null (hz_record_entry_get_problem (hz_patient_record_lookup (record, "Condition", "cond-QS-000731-0"))->code);

  /* the broken value drops out of the series; so does the panel without components */
  systolic = hz_patient_record_get_series (record, "http://loinc.org", "8480-6");
  g_assert_cmpuint (systolic->len, ==, 1);
  g_assert_cmpfloat (g_array_index (systolic, HzSeriesPoint, 0).value, ==, 158);
}

static void
test_broken_references (void)
{
  g_autoptr(JsonNode) bundle = load_fixture ("wang-jianguo");
  g_autoptr(HzPatientRecord) record = NULL;
  const HzFhirReport *report;

  set_member (resource (bundle, "vs-QS-000731-9"), "subject", "{\"reference\": \"Patient/QS-999999\"}");
  set_member (resource (bundle, "med-QS-000731-0"), "subject", "{\"reference\": \"Encounter/enc-QS-000731\"}");
  set_member (resource (bundle, "cond-QS-000731-1"), "subject", "{\"reference\": \"QS-000731\"}");
  add_entry (bundle, "{\"resourceType\": \"DiagnosticReport\", \"id\": \"rep-1\", \"status\": \"final\","
                     " \"code\": {\"text\": \"血生化 Chemistry panel\"},"
                     " \"subject\": {\"reference\": \"Patient/QS-000731\"},"
                     " \"effectiveDateTime\": \"2026-11-20T10:00:00+08:00\","
                     " \"conclusion\": \"血糖及血脂升高 Raised glucose and lipids\","
                     " \"result\": [{\"reference\": \"Observation/lab-QS-000731-4\"},"
                     "              {\"reference\": \"Observation/lab-gone\"},"
                     "              {\"reference\": \"Patient/QS-000731\"},"
                     "              {\"reference\": \"#inline\"}]}");
  record = record_from_node (bundle);

  assert_warning (record, "vs-QS-000731-9", "Patient/QS-999999, which is not in the bundle");
  assert_warning (record, "med-QS-000731-0", "not a patient");
  assert_warning (record, "cond-QS-000731-1", "not in the bundle");
  assert_warning (record, "rep-1", "Observation/lab-gone is not an observation");
  assert_warning (record, "rep-1", "Patient/QS-000731 is not an observation");
  g_assert_cmpuint (hz_patient_record_get_warnings (record)->len, ==, 5);

  report = hz_record_entry_get_report (hz_patient_record_lookup (record, "DiagnosticReport", "rep-1"));
  g_assert_cmpstr (report->conclusion, ==, "血糖及血脂升高 Raised glucose and lipids");
  g_assert_cmpuint (report->result_ids->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (report->result_ids, 0), ==, "lab-QS-000731-4");
  /* what a broken reference points from is still shown */
  g_assert_nonnull (hz_patient_record_lookup (record, "Observation", "vs-QS-000731-9"));
}

static void
test_missing_fields (void)
{
  g_autoptr(JsonNode) bundle = load_fixture ("zhang-xiaoming");
  g_autoptr(HzPatientRecord) record = NULL;
  GListModel *timeline;
  g_autoptr(HzRecordEntry) last = NULL;
  JsonObject *obs = resource (bundle, "vs-QS-002056-5");
  const HzFhirObservation *detail;

  json_object_remove_member (resource (bundle, "QS-002056"), "birthDate");
  json_object_remove_member (resource (bundle, "QS-002056"), "identifier");
  json_object_remove_member (resource (bundle, "QS-002056"), "gender");
  json_object_remove_member (obs, "effectiveDateTime");
  json_object_remove_member (obs, "valueQuantity");
  json_object_remove_member (obs, "code");
  json_object_remove_member (resource (bundle, "alg-QS-002056-0"), "code");
  json_object_remove_member (resource (bundle, "alg-QS-002056-0"), "reaction");
  json_object_remove_member (resource (bundle, "img-QS-002056-QS20261122003"), "identifier");
  json_object_remove_member (resource (bundle, "med-QS-002056-0"), "medicationCodeableConcept");
  record = record_from_node (bundle);

  g_assert_null (hz_patient_record_get_national_id (record));
  g_assert_null (hz_patient_record_get_birth_date (record));
  g_assert_cmpint (hz_patient_record_get_sex (record), ==, HZ_FHIR_SEX_UNKNOWN);
  assert_warning (record, "vs-QS-002056-5", "has no value");
  assert_warning (record, "vs-QS-002056-5", "has no code");
  assert_warning (record, "alg-QS-002056-0", "does not say to what");
  assert_warning (record, "img-QS-002056-QS20261122003", "no Study Instance UID");
  assert_warning (record, "med-QS-002056-0", "which drug");

  detail = hz_record_entry_get_observation (hz_patient_record_lookup (record, "Observation", "vs-QS-002056-5"));
  g_assert_null (detail->code);
  g_assert_true (isnan (detail->value));
  /* still high risk: the criticality is what counts */
  g_assert_true (hz_patient_record_has_high_risk_allergy (record));
  g_assert_null (hz_record_entry_get_allergy (hz_patient_record_lookup (record, "AllergyIntolerance", "alg-QS-002056-0"))->manifestation);

  timeline = hz_patient_record_get_timeline (record);
  last = g_list_model_get_item (timeline, g_list_model_get_n_items (timeline) - 1);
  g_assert_null (hz_record_entry_get_date (last));
}

static void
test_searchset (void)
{
  g_autoptr(HzPatientRecord) record = record_from_string (
    "{\"resourceType\": \"Bundle\", \"id\": \"s\", \"type\": \"searchset\", \"total\": 3, \"entry\": ["
    " {\"fullUrl\": \"https://hub.example/fhir/Patient/p1\", \"search\": {\"mode\": \"match\"},"
    "  \"resource\": {\"resourceType\": \"Patient\", \"id\": \"p1\", \"gender\": \"female\", \"birthDate\": \"1981-07\","
    "   \"name\": [{\"use\": \"official\", \"family\": \"Li\", \"given\": [\"Xiuying\"],"
    "              \"extension\": [{\"url\": \"http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation\", \"valueCode\": \"ABC\"}]},"
    "             {\"family\": \"李\", \"given\": [\"秀英\"]}]}},"
    " {\"fullUrl\": \"https://hub.example/fhir/Observation/o1\", \"search\": {\"mode\": \"include\"},"
    "  \"resource\": {\"resourceType\": \"Observation\", \"id\": \"o1\", \"status\": \"final\","
    "   \"code\": {\"coding\": [{\"system\": \"http://loinc.org\", \"code\": \"2345-7\"}]},"
    "   \"subject\": {\"reference\": \"https://hub.example/fhir/Patient/p1/_history/3\"},"
    "   \"effectiveDateTime\": \"2026-11-01\","
    "   \"valueQuantity\": {\"value\": 3.1, \"code\": \"mmol/L\"},"
    "   \"referenceRange\": [{\"low\": {\"value\": 3.9}, \"high\": {\"value\": 6.1}}]}},"
    " {\"fullUrl\": \"urn:uuid:0b6a2c2e-1111-4c1e-9d7a-000000000001\", \"search\": {\"mode\": \"include\"},"
    "  \"resource\": {\"resourceType\": \"MedicationRequest\", \"id\": \"m1\", \"status\": \"active\","
    "   \"medicationReference\": {\"display\": \"Amlodipine 5 mg\"}, \"subject\": {\"reference\": \"Patient/p1\"},"
    "   \"authoredOn\": \"2026-10-30\","
    "   \"dosageInstruction\": [{\"route\": {\"text\": \"oral\"}, \"timing\": {\"code\": {\"text\": \"QD\"}},"
    "     \"doseAndRate\": [{\"doseQuantity\": {\"value\": 5, \"unit\": \"mg\"}}]}]}},"
    " {\"search\": {\"mode\": \"outcome\"},"
    "  \"resource\": {\"resourceType\": \"OperationOutcome\", \"issue\": [{\"severity\": \"information\"}]}}]}");
  g_autoptr(GDateTime) when = g_date_time_new_utc (2026, 11, 22, 0, 0, 0);
  const HzFhirObservation *obs;
  const HzFhirMedication *med;
  HzRecordEntry *entry;

  g_assert_cmpuint (hz_patient_record_get_warnings (record)->len, ==, 0);
  g_assert_cmpstr (hz_patient_record_get_bundle_type (record), ==, "searchset");
  g_assert_cmpstr (hz_patient_record_get_patient_id (record), ==, "p1");
  /* a name marked alphabetic is the Latin one even when it is official */
  g_assert_cmpstr (hz_patient_record_get_latin_name (record), ==, "Li Xiuying");
  g_assert_cmpstr (hz_patient_record_get_official_name (record), ==, "李秀英");
  g_assert_cmpint (hz_patient_record_get_age_at (record, when), ==, 45);

  entry = hz_patient_record_lookup (record, "Observation", "o1");
  obs = hz_record_entry_get_observation (entry);
  g_assert_cmpfloat (obs->range_low, ==, 3.9);
  g_assert_cmpfloat (obs->range_high, ==, 6.1);
  g_assert_cmpint (obs->flag, ==, HZ_FHIR_FLAG_LOW);
  g_assert_true (obs->flag_computed);
  g_assert_true (hz_record_entry_get_is_abnormal (entry));
  g_assert_cmpstr (obs->display, ==, "2345-7");
  g_assert_cmpint (hz_record_entry_get_date_precision (entry), ==, HZ_FHIR_PRECISION_DAY);

  med = hz_record_entry_get_medication (hz_patient_record_lookup (record, "MedicationRequest", "m1"));
  g_assert_true (med->is_request);
  g_assert_cmpstr (med->drug, ==, "Amlodipine 5 mg");
  g_assert_cmpstr (med->dose, ==, "5 mg");
  g_assert_cmpstr (med->route, ==, "oral");
  g_assert_cmpstr (med->frequency, ==, "QD");
  g_assert_cmpuint (g_list_model_get_n_items (hz_patient_record_get_entries (record, HZ_RECORD_KIND_OTHER)), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (hz_patient_record_get_timeline (record)), ==, 2);
}

static void
test_document_bundle (void)
{
  g_autoptr(HzPatientRecord) record = record_from_string (
    "{\"resourceType\": \"Bundle\", \"id\": \"d\", \"type\": \"document\", \"entry\": ["
    " {\"fullUrl\": \"urn:uuid:c0000000-0000-4000-8000-000000000001\","
    "  \"resource\": {\"resourceType\": \"Composition\", \"id\": \"c1\", \"status\": \"final\", \"title\": \"Referral\","
    "   \"subject\": {\"reference\": \"urn:uuid:c0000000-0000-4000-8000-000000000002\"}}},"
    " {\"fullUrl\": \"urn:uuid:c0000000-0000-4000-8000-000000000002\","
    "  \"resource\": {\"resourceType\": \"Patient\", \"id\": \"p\", \"name\": [{\"text\": \"赵六\"}]}},"
    " {\"resource\": {\"resourceType\": \"DocumentReference\", \"id\": \"doc1\", \"status\": \"current\","
    "   \"subject\": {\"reference\": \"urn:uuid:c0000000-0000-4000-8000-000000000002\"},"
    "   \"date\": \"2026-11-21T14:20:00+08:00\", \"description\": \"Referral letter\","
    "   \"content\": [{\"attachment\": {\"contentType\": \"text/plain\", \"data\": \"aGVsbG8=\", \"title\": \"letter.txt\"}}]}},"
    " {\"resource\": {\"resourceType\": \"Media\", \"id\": \"photo1\", \"status\": \"completed\","
    "   \"subject\": {\"reference\": \"Patient/p\"}, \"createdDateTime\": \"2026-11-21T14:15:00+08:00\","
    "   \"content\": {\"contentType\": \"image/jpeg\", \"url\": \"https://hub.example/att/1\", \"title\": \"forearm\"}}},"
    " {\"resource\": {\"resourceType\": \"DocumentReference\", \"id\": \"doc2\", \"status\": \"current\","
    "   \"content\": [{\"attachment\": {\"contentType\": \"application/pdf\"}}]}}]}");
  const HzFhirDocument *doc;
  g_autoptr(HzRecordEntry) first = NULL;

  g_assert_cmpstr (hz_patient_record_get_bundle_type (record), ==, "document");
  g_assert_cmpstr (hz_patient_record_get_official_name (record), ==, "赵六");
  g_assert_null (hz_patient_record_get_latin_name (record));
  assert_warning (record, "doc2", "neither a URL nor data");
  g_assert_cmpuint (hz_patient_record_get_warnings (record)->len, ==, 1);

  doc = hz_record_entry_get_document (hz_patient_record_lookup (record, "DocumentReference", "doc1"));
  g_assert_cmpstr (doc->title, ==, "letter.txt");
  g_assert_cmpstr (doc->description, ==, "Referral letter");
  g_assert_cmpstr (doc->content_type, ==, "text/plain");
  g_assert_null (doc->url);
  g_assert_cmpuint (doc->data_size, ==, 5);
  doc = hz_record_entry_get_document (hz_patient_record_lookup (record, "Media", "photo1"));
  g_assert_cmpstr (doc->url, ==, "https://hub.example/att/1");
  g_assert_cmpstr (doc->content_type, ==, "image/jpeg");
  g_assert_cmpuint (doc->data_size, ==, 0);

  g_assert_cmpuint (g_list_model_get_n_items (hz_patient_record_get_entries (record, HZ_RECORD_KIND_DOCUMENT)), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (hz_patient_record_get_entries (record, HZ_RECORD_KIND_OTHER)), ==, 1);
  first = g_list_model_get_item (hz_patient_record_get_timeline (record), 0);
  g_assert_cmpstr (hz_record_entry_get_id (first), ==, "photo1");
}

static void
test_sampled_data_and_flags (void)
{
  g_autoptr(HzPatientRecord) record = record_from_string (
    "{\"resourceType\": \"Bundle\", \"id\": \"w\", \"type\": \"collection\", \"entry\": ["
    " {\"resource\": {\"resourceType\": \"Patient\", \"id\": \"p\"}},"
    " {\"resource\": {\"resourceType\": \"Observation\", \"id\": \"wave\", \"code\": {\"text\": \"two leads\"},"
    "   \"valueSampledData\": {\"origin\": {\"value\": 10, \"code\": \"mV\"}, \"period\": 4, \"factor\": 2,"
    "     \"lowerLimit\": -100, \"upperLimit\": 100, \"dimensions\": 2, \"data\": \"1 E 3 L U 0x10 5\"}}},"
    " {\"resource\": {\"resourceType\": \"Observation\", \"id\": \"k\", \"code\": {\"text\": \"K\"},"
    "   \"valueQuantity\": {\"value\": 7.2}, \"interpretation\": [{\"coding\": [{\"code\": \"HH\"}]}]}},"
    " {\"resource\": {\"resourceType\": \"Observation\", \"id\": \"na\", \"code\": {\"text\": \"Na\"},"
    "   \"valueQuantity\": {\"value\": 140}, \"referenceRange\": [{\"low\": {\"value\": 135}, \"high\": {\"value\": 145}}]}},"
    " {\"resource\": {\"resourceType\": \"Observation\", \"id\": \"cul\", \"code\": {\"text\": \"Culture\"},"
    "   \"valueCodeableConcept\": {\"coding\": [{\"code\": \"POS\", \"display\": \"Positive\"}]},"
    "   \"interpretation\": [{\"coding\": [{\"code\": \"A\"}]}]}},"
    " {\"resource\": {\"resourceType\": \"Observation\", \"id\": \"note\", \"code\": {\"text\": \"Note\"},"
    "   \"valueString\": \"咳嗽 cough\", \"interpretation\": [{\"coding\": [{\"code\": \"ZZ\"}]}]}},"
    " {\"resource\": {\"resourceType\": \"AllergyIntolerance\", \"id\": \"a\", \"criticality\": \"low\","
    "   \"category\": [\"medication\", \"food\"], \"code\": {\"text\": \"Peanut\"},"
    "   \"reaction\": [{\"severity\": \"mild\", \"manifestation\": [{\"text\": \"Itch\"}]},"
    "                 {\"severity\": \"severe\", \"manifestation\": [{\"text\": \"Anaphylaxis\"}, {\"text\": \"Wheeze\"}]}]}}]}");
  const HzFhirObservation *obs;
  const HzFhirAllergy *allergy;
  HzSampledData *sd;

  obs = hz_record_entry_get_observation (hz_patient_record_lookup (record, "Observation", "wave"));
  sd = obs->sampled_data;
  g_assert_cmpuint (hz_sampled_data_get_dimensions (sd), ==, 2);
  g_assert_cmpuint (hz_sampled_data_get_n_samples (sd), ==, 3);  /* 7 values, the last frame partial */
  g_assert_cmpuint (hz_sampled_data_get_n_gaps (sd), ==, 4);      /* E, L, U and the hex */
  g_assert_cmpfloat (hz_sampled_data_get_rate_hz (sd), ==, 250);
  g_assert_cmpfloat (hz_sampled_data_get_lower_limit (sd), ==, -100);
  g_assert_cmpfloat (hz_sampled_data_get_upper_limit (sd), ==, 100);
  g_assert_cmpstr (hz_sampled_data_get_unit (sd), ==, "mV");
  g_assert_cmpfloat (hz_sampled_data_get_value (sd, 0, 0), ==, 12);  /* 10 + 2 * 1 */
  g_assert_true (isnan (hz_sampled_data_get_value (sd, 1, 0)));
  g_assert_cmpfloat (hz_sampled_data_get_value (sd, 0, 1), ==, 16);
  g_assert_true (isnan (hz_sampled_data_get_value (sd, 1, 1)));
  g_assert_true (isnan (hz_sampled_data_get_value (sd, 0, 2)));
  assert_warning (record, "wave", "1 waveform value is not a number");
  assert_warning (record, "wave", "do not divide evenly");

  g_assert_cmpint (hz_record_entry_get_observation (hz_patient_record_lookup (record, "Observation", "k"))->flag,
                   ==, HZ_FHIR_FLAG_CRITICAL_HIGH);
  obs = hz_record_entry_get_observation (hz_patient_record_lookup (record, "Observation", "na"));
  g_assert_cmpint (obs->flag, ==, HZ_FHIR_FLAG_NORMAL);
  g_assert_true (obs->flag_computed);
  obs = hz_record_entry_get_observation (hz_patient_record_lookup (record, "Observation", "cul"));
  g_assert_cmpint (obs->value_kind, ==, HZ_FHIR_VALUE_CONCEPT);
  g_assert_cmpstr (obs->value_text, ==, "Positive");
  g_assert_cmpint (obs->flag, ==, HZ_FHIR_FLAG_ABNORMAL);
  obs = hz_record_entry_get_observation (hz_patient_record_lookup (record, "Observation", "note"));
  g_assert_cmpint (obs->value_kind, ==, HZ_FHIR_VALUE_STRING);
  g_assert_cmpstr (obs->value_text, ==, "咳嗽 cough");
  g_assert_cmpint (obs->flag, ==, HZ_FHIR_FLAG_NONE);
  assert_warning (record, "note", "interpretation code");

  /* low criticality, but a severe reaction once: the UI must flag it */
  allergy = hz_record_entry_get_allergy (hz_patient_record_lookup (record, "AllergyIntolerance", "a"));
  g_assert_cmpstr (allergy->category, ==, "medication, food");
  g_assert_cmpstr (allergy->severity, ==, "severe");
  g_assert_cmpstr (allergy->manifestation, ==, "Itch, Anaphylaxis, Wheeze");
  g_assert_true (allergy->is_high_risk);
  assert_warning (record, "p", "has no name");
  g_assert_cmpuint (hz_patient_record_get_warnings (record)->len, ==, 4);
}

/* A float holds an ECG in µV with room to spare; anything beyond it is
 * no measurement, and a drawing widget must never meet infinity. */
static void
test_waveform_overflow (void)
{
  g_autoptr(HzPatientRecord) record = record_from_string (
    "{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": ["
    " {\"resource\": {\"resourceType\": \"Observation\", \"id\": \"w\", \"code\": {\"text\": \"w\"},"
    "   \"valueSampledData\": {\"origin\": {\"value\": 0}, \"period\": 2, \"factor\": 1e30,"
    "     \"data\": \"1 1e10 -1e300\"}}}]}");
  HzSampledData *sd = hz_record_entry_get_observation (hz_patient_record_lookup (record, "Observation", "w"))->sampled_data;

  g_assert_cmpuint (hz_sampled_data_get_n_samples (sd), ==, 3);
  g_assert_cmpfloat (hz_sampled_data_get_value (sd, 0, 0), ==, 1e30f);
  g_assert_true (isnan (hz_sampled_data_get_value (sd, 0, 1)));
  g_assert_true (isnan (hz_sampled_data_get_value (sd, 0, 2)));
  g_assert_cmpuint (hz_sampled_data_get_n_gaps (sd), ==, 2);
}

static void
test_two_patients_and_bad_entries (void)
{
  g_autoptr(JsonNode) bundle = load_fixture ("li-xiuying");
  g_autoptr(HzPatientRecord) record = NULL;
  JsonArray *entries = entries_of (bundle);

  add_entry (bundle, "{\"resourceType\": \"Patient\", \"id\": \"other\"}");
  add_entry (bundle, "{\"resourceType\": \"Observation\", \"id\": \"x\", \"subject\": {\"reference\": \"Patient/other\"},"
                     " \"code\": {\"text\": \"x\"}, \"valueString\": \"y\"}");
  add_entry (bundle, "{\"id\": \"no-type\"}");
  json_array_add_string_element (entries, "not an entry");
  json_array_add_object_element (entries, json_object_new ());
  set_member (json_node_get_object (bundle), "type", "\"transaction\"");
  record = record_from_node (bundle);

  g_assert_cmpstr (hz_patient_record_get_patient_id (record), ==, "QS-001284");
  assert_warning (record, "other", "more than one patient");
  assert_warning (record, "x", "another patient");
  assert_warning (record, "case-QS-001284", "has no resourceType");
  assert_warning (record, "case-QS-001284", "not an object");
  assert_warning (record, "case-QS-001284", "holds no resource");
  assert_warning (record, "case-QS-001284", "“transaction” is read as a collection");
  g_assert_cmpuint (hz_patient_record_get_warnings (record)->len, ==, 6);
}

static void
test_warning_limit (void)
{
  g_autoptr(GString) json = g_string_new ("{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": [");
  g_autoptr(HzPatientRecord) record = NULL;
  GPtrArray *warnings;

  for (int i = 0; i < 1000; i++)
    g_string_append_printf (json, "%s{\"resource\": {\"resourceType\": \"Observation\", \"id\": \"o%d\", \"code\": 1}}",
                            i ? "," : "", i);
  g_string_append (json, "]}");
  record = record_from_string (json->str);
  warnings = hz_patient_record_get_warnings (record);
  g_assert_cmpuint (warnings->len, ==, 501);
  g_assert_null (((HzFhirWarning *) g_ptr_array_index (warnings, 500))->resource_id);
  g_assert_cmpuint (g_list_model_get_n_items (hz_patient_record_get_entries (record, HZ_RECORD_KIND_OBSERVATION)), ==, 1000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/fhir/robust/not-a-bundle", test_not_a_bundle);
  g_test_add_func ("/core/fhir/robust/empty-bundle", test_empty_bundle);
  g_test_add_func ("/core/fhir/robust/unknown-resource", test_unknown_resource);
  g_test_add_func ("/core/fhir/robust/wrong-types", test_wrong_types);
  g_test_add_func ("/core/fhir/robust/broken-references", test_broken_references);
  g_test_add_func ("/core/fhir/robust/missing-fields", test_missing_fields);
  g_test_add_func ("/core/fhir/robust/searchset", test_searchset);
  g_test_add_func ("/core/fhir/robust/document", test_document_bundle);
  g_test_add_func ("/core/fhir/robust/sampled-data-and-flags", test_sampled_data_and_flags);
  g_test_add_func ("/core/fhir/robust/waveform-overflow", test_waveform_overflow);
  g_test_add_func ("/core/fhir/robust/two-patients-bad-entries", test_two_patients_and_bad_entries);
  g_test_add_func ("/core/fhir/robust/warning-limit", test_warning_limit);

  return g_test_run ();
}
