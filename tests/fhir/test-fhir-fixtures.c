/* test-fhir-fixtures.c: the three case bundles read into patient records,
 * checked against what the fixtures say. */
#include "config.h"

#include <math.h>

#include "hz-patient-record.h"
#include "hz-test-utils.h"

#define LOINC "http://loinc.org"

static HzPatientRecord *
load_case (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".json", NULL);
  g_autofree char *path = g_build_filename (g_getenv ("HUIZHEN_SOURCE_ROOT"), "tests", "data", "fhir", file, NULL);
  g_autoptr(GBytes) bytes = hz_test_read_file (path);
  g_autoptr(GError) error = NULL;
  HzPatientRecord *record = hz_patient_record_new_from_bytes (bytes, &error);

  g_assert_no_error (error);
  g_assert_nonnull (record);
  /* the fixtures are clean: anything listed here is a reader bug */
  g_assert_cmpuint (hz_patient_record_get_warnings (record)->len, ==, 0);
  return record;
}

static GDateTime *
day (int y, int m, int d)
{
  return g_date_time_new_utc (y, m, d, 12, 0, 0);
}

static HzRecordEntry *
entry_at (HzPatientRecord *record,
          HzRecordKind     kind,
          guint            i)
{
  GListModel *list = hz_patient_record_get_entries (record, kind);
  g_autoptr(HzRecordEntry) entry = g_list_model_get_item (list, i);

  g_assert_nonnull (entry);
  return entry;  /* the list keeps it alive */
}

static void
assert_date (GDateTime  *date,
             const char *iso_utc)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autofree char *text = NULL;

  g_assert_nonnull (date);
  utc = g_date_time_to_utc (date);
  text = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
  g_assert_cmpstr (text, ==, iso_utc);
}

static void
test_wang_patient (void)
{
  g_autoptr(HzPatientRecord) record = load_case ("wang-jianguo");
  g_autoptr(GDateTime) consult_day = day (2026, 11, 20);
  g_autoptr(GDateTime) day_before_birthday = day (2026, 3, 17);
  g_autoptr(GDateTime) birthday = day (2026, 3, 18);
  g_autofree char *latin = NULL;
  GPtrArray *ids;
  HzFhirIdentifier *id;

  g_assert_cmpstr (hz_patient_record_get_bundle_type (record), ==, "collection");
  g_assert_cmpstr (hz_patient_record_get_patient_id (record), ==, "QS-000731");
  g_assert_cmpstr (hz_patient_record_get_official_name (record), ==, "王建国");
  g_assert_cmpstr (hz_patient_record_get_latin_name (record), ==, "WANG Jianguo");
  g_assert_cmpint (hz_patient_record_get_sex (record), ==, HZ_FHIR_SEX_MALE);
  g_assert_cmpstr (hz_patient_record_get_birth_date (record), ==, "1964-03-18");
  g_assert_cmpint (hz_patient_record_get_age_at (record, consult_day), ==, 62);
  g_assert_cmpint (hz_patient_record_get_age_at (record, day_before_birthday), ==, 61);
  g_assert_cmpint (hz_patient_record_get_age_at (record, birthday), ==, 62);

  g_assert_cmpstr (hz_patient_record_get_national_id (record), ==, "340700196403180000");
  g_assert_cmpstr (hz_patient_record_get_health_card (record), ==, "HC3407000731");
  ids = hz_patient_record_get_identifiers (record);
  g_assert_cmpuint (ids->len, ==, 2);
  id = g_ptr_array_index (ids, 0);
  g_assert_cmpstr (id->system, ==, "urn:oid:2.16.156.10011.1.1");
  g_assert_cmpstr (id->type_code, ==, "NI");
  g_assert_cmpstr (id->type_text, ==, "居民身份证 National ID");
  id = g_ptr_array_index (ids, 1);
  g_assert_cmpstr (id->system, ==, "urn:huizhen:health-card");
  g_assert_cmpstr (id->type_code, ==, "MC");

  /* the same through properties, as the UI binds them */
  g_object_get (record, "latin-name", &latin, NULL);
  g_assert_cmpstr (latin, ==, "WANG Jianguo");
  g_assert_nonnull (hz_patient_record_get_patient_raw (record));
}

static void
test_wang_problems_medications_allergies (void)
{
  g_autoptr(HzPatientRecord) record = load_case ("wang-jianguo");
  const HzFhirProblem *problem;
  const HzFhirMedication *med;
  const HzFhirAllergy *allergy;
  HzRecordEntry *entry;

  g_assert_cmpuint (g_list_model_get_n_items (hz_patient_record_get_entries (record, HZ_RECORD_KIND_ENCOUNTER)), ==, 1);
  entry = entry_at (record, HZ_RECORD_KIND_ENCOUNTER, 0);
  g_assert_cmpstr (hz_record_entry_get_encounter (entry)->class_code, ==, "AMB");
  g_assert_true (g_str_has_prefix (hz_record_entry_get_encounter (entry)->reason, "胸闷"));
  assert_date (hz_record_entry_get_date (entry), "2026-11-20T00:40:00Z");

  g_assert_cmpuint (g_list_model_get_n_items (hz_patient_record_get_entries (record, HZ_RECORD_KIND_PROBLEM)), ==, 3);
  entry = entry_at (record, HZ_RECORD_KIND_PROBLEM, 0);
  problem = hz_record_entry_get_problem (entry);
  g_assert_nonnull (problem);
  g_assert_null (hz_record_entry_get_allergy (entry));
  g_assert_cmpstr (problem->code, ==, "I10");
  g_assert_cmpstr (problem->code_system, ==, "http://hl7.org/fhir/sid/icd-10");
  g_assert_cmpstr (problem->display, ==, "原发性高血压 Essential hypertension");
  g_assert_cmpstr (problem->display_zh, ==, "原发性高血压");
  g_assert_cmpstr (problem->display_en, ==, "Essential hypertension");
  g_assert_cmpstr (problem->clinical_status, ==, "active");
  g_assert_cmpint (problem->onset_precision, ==, HZ_FHIR_PRECISION_DAY);
  assert_date (problem->onset, "2015-06-01T00:00:00Z");
  problem = hz_record_entry_get_problem (entry_at (record, HZ_RECORD_KIND_PROBLEM, 1));
  g_assert_cmpstr (problem->code, ==, "E11.9");
  g_assert_cmpstr (problem->display_zh, ==, "2型糖尿病");
  g_assert_cmpstr (problem->display_en, ==, "Type 2 diabetes mellitus");

  g_assert_cmpuint (g_list_model_get_n_items (hz_patient_record_get_entries (record, HZ_RECORD_KIND_MEDICATION)), ==, 2);
  med = hz_record_entry_get_medication (entry_at (record, HZ_RECORD_KIND_MEDICATION, 1));
  g_assert_cmpstr (med->drug, ==, "盐酸二甲双胍片 Metformin 500 mg");
  g_assert_cmpstr (med->dosage_text, ==, "500 mg 口服 每日两次 twice daily");
  g_assert_cmpstr (med->status, ==, "active");
  g_assert_false (med->is_request);

  g_assert_cmpuint (g_list_model_get_n_items (hz_patient_record_get_entries (record, HZ_RECORD_KIND_ALLERGY)), ==, 1);
  entry = entry_at (record, HZ_RECORD_KIND_ALLERGY, 0);
  allergy = hz_record_entry_get_allergy (entry);
  g_assert_cmpstr (allergy->substance, ==, "青霉素 Penicillin");
  g_assert_cmpint (allergy->criticality, ==, HZ_ALLERGY_CRITICALITY_LOW);
  g_assert_cmpstr (allergy->manifestation, ==, "皮疹 Rash");
  g_assert_cmpstr (allergy->clinical_status, ==, "active");
  g_assert_false (allergy->is_high_risk);
  g_assert_false (hz_record_entry_get_is_high_risk (entry));
  g_assert_false (hz_patient_record_has_high_risk_allergy (record));
}

static void
test_wang_observations (void)
{
  g_autoptr(HzPatientRecord) record = load_case ("wang-jianguo");
  const HzFhirObservation *obs;
  HzRecordEntry *entry;

  g_assert_cmpuint (g_list_model_get_n_items (hz_patient_record_get_entries (record, HZ_RECORD_KIND_OBSERVATION)), ==, 10);

  entry = hz_patient_record_lookup (record, "Observation", "lab-QS-000731-4");
  g_assert_nonnull (entry);
  obs = hz_record_entry_get_observation (entry);
  g_assert_cmpstr (obs->code, ==, "2345-7");
  g_assert_cmpstr (obs->category, ==, "laboratory");
  g_assert_cmpint (obs->value_kind, ==, HZ_FHIR_VALUE_QUANTITY);
  g_assert_cmpfloat_with_epsilon (obs->value, 8.9, 1e-9);
  g_assert_cmpstr (obs->unit, ==, "mmol/L");
  g_assert_cmpint (obs->flag, ==, HZ_FHIR_FLAG_HIGH);
  g_assert_false (obs->flag_computed);
  g_assert_true (isnan (obs->range_low) && isnan (obs->range_high));
  g_assert_true (hz_record_entry_get_is_abnormal (entry));
  g_assert_cmpstr (hz_record_entry_get_summary (entry), ==, "8.9 mmol/L");
  g_assert_cmpint (hz_record_entry_get_date_precision (entry), ==, HZ_FHIR_PRECISION_TIME);

  /* no flag and no range: nothing to judge by */
  entry = hz_patient_record_lookup (record, "Observation", "vs-QS-000731-8");
  obs = hz_record_entry_get_observation (entry);
  g_assert_cmpint (obs->flag, ==, HZ_FHIR_FLAG_NONE);
  g_assert_false (hz_record_entry_get_is_abnormal (entry));

  entry = hz_patient_record_lookup (record, "Observation", "bp-QS-000731-1");
  obs = hz_record_entry_get_observation (entry);
  g_assert_cmpstr (obs->code, ==, "85354-9");
  g_assert_cmpint (obs->value_kind, ==, HZ_FHIR_VALUE_NONE);
  g_assert_cmpuint (obs->components->len, ==, 2);
  g_assert_cmpstr (((HzFhirObservation *) g_ptr_array_index (obs->components, 1))->code, ==, "8462-4");
  g_assert_cmpstr (hz_record_entry_get_summary (entry), ==,
                   "Systolic blood pressure 158 mmHg; Diastolic blood pressure 96 mmHg");
}

static void
assert_series (HzPatientRecord *record,
               const char      *system,
               const char      *code,
               const double    *expected,
               guint            n)
{
  g_autoptr(GArray) series = hz_patient_record_get_series (record, system, code);

  g_assert_cmpuint (series->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      HzSeriesPoint *p = &g_array_index (series, HzSeriesPoint, i);
      g_assert_cmpfloat (p->value, ==, expected[i]);
      if (i > 0)
        g_assert_cmpint (p->time_us, >, g_array_index (series, HzSeriesPoint, i - 1).time_us);
    }
}

static void
test_wang_bp_series (void)
{
  g_autoptr(HzPatientRecord) record = load_case ("wang-jianguo");
  static const double systolic[] = { 158, 149, 166 };
  static const double diastolic[] = { 96, 92, 101 };
  g_autoptr(GArray) series = NULL;
  HzSeriesPoint *first;

  assert_series (record, LOINC, "8480-6", systolic, 3);
  assert_series (record, NULL, "8462-4", diastolic, 3);
  assert_series (record, "http://snomed.info/sct", "8480-6", NULL, 0);

  series = hz_patient_record_get_series (record, LOINC, "8480-6");
  first = &g_array_index (series, HzSeriesPoint, 0);
  g_assert_cmpint (first->time_us, ==, G_GINT64_CONSTANT (1778374800) * G_USEC_PER_SEC);  /* 2026-05-10T01:00Z */
  g_assert_cmpstr (first->unit, ==, "mmHg");
  g_assert_cmpstr (first->resource_id, ==, "bp-QS-000731-1");
}

static void
test_wang_ecg (void)
{
  g_autoptr(HzPatientRecord) record = load_case ("wang-jianguo");
  static const float first_uv[] = { 0, -6, 10, 2, 3, -10, 15, -1 };
  HzRecordEntry *entry = hz_patient_record_lookup (record, "Observation", "ecg-QS-000731");
  const HzFhirObservation *obs, *lead;
  HzSampledData *sd;
  const float *values;
  gsize n_values;

  g_assert_nonnull (entry);
  obs = hz_record_entry_get_observation (entry);
  g_assert_cmpstr (obs->code, ==, "131328");
  g_assert_cmpuint (obs->components->len, ==, 1);
  lead = g_ptr_array_index (obs->components, 0);
  g_assert_cmpstr (lead->display, ==, "MDC_ECG_ELEC_POTL_II");
  g_assert_cmpint (lead->value_kind, ==, HZ_FHIR_VALUE_SAMPLED_DATA);
  sd = lead->sampled_data;
  g_assert_nonnull (sd);
  g_assert_cmpfloat (hz_sampled_data_get_period_ms (sd), ==, 2);
  g_assert_cmpfloat (hz_sampled_data_get_rate_hz (sd), ==, 500);
  g_assert_cmpfloat (hz_sampled_data_get_factor (sd), ==, 1);
  g_assert_cmpfloat (hz_sampled_data_get_origin (sd), ==, 0);
  g_assert_true (isnan (hz_sampled_data_get_lower_limit (sd)));
  g_assert_cmpstr (hz_sampled_data_get_unit (sd), ==, "uV");
  g_assert_cmpuint (hz_sampled_data_get_dimensions (sd), ==, 1);
  g_assert_cmpuint (hz_sampled_data_get_n_samples (sd), ==, 5000);  /* 10 s at 500 Hz */
  g_assert_cmpuint (hz_sampled_data_get_n_gaps (sd), ==, 0);
  values = hz_sampled_data_get_values (sd, &n_values);
  g_assert_cmpuint (n_values, ==, 5000);
  for (guint i = 0; i < G_N_ELEMENTS (first_uv); i++)
    g_assert_cmpfloat (values[i], ==, first_uv[i]);
  g_assert_cmpfloat (hz_sampled_data_get_value (sd, 0, 4999), ==, -51);
  g_assert_true (isnan (hz_sampled_data_get_value (sd, 0, 5000)));
  g_assert_true (isnan (hz_sampled_data_get_value (sd, 1, 0)));
  g_assert_cmpstr (hz_record_entry_get_summary (entry), ==,
                   "MDC_ECG_ELEC_POTL_II waveform, 5000 samples at 500 Hz");
}

static void
test_wang_imaging_and_timeline (void)
{
  g_autoptr(HzPatientRecord) record = load_case ("wang-jianguo");
  const HzFhirImagingStudy *study;
  const HzFhirSeries *series;
  GListModel *timeline;
  g_autoptr(HzRecordEntry) first = NULL;
  g_autoptr(HzRecordEntry) last = NULL;
  GDateTime *previous = NULL;
  guint n;

  study = hz_record_entry_get_imaging_study (entry_at (record, HZ_RECORD_KIND_IMAGING, 0));
  g_assert_cmpstr (study->study_uid, ==, "1.2.826.0.1.3680043.10.1078.2.1");
  g_assert_cmpstr (study->modalities, ==, "CT");
  g_assert_cmpuint (study->n_series, ==, 1);
  g_assert_cmpuint (study->n_instances, ==, 48);
  series = g_ptr_array_index (study->series, 0);
  g_assert_cmpstr (series->uid, ==, "1.2.826.0.1.3680043.10.1078.3.2");
  g_assert_cmpuint (series->n_instances, ==, 48);

  timeline = hz_patient_record_get_timeline (record);
  n = g_list_model_get_n_items (timeline);
  g_assert_cmpuint (n, ==, 18);  /* 1 + 3 + 2 + 1 + 10 + 1; the allergy has no date and goes last */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HzRecordEntry) entry = g_list_model_get_item (timeline, i);
      GDateTime *date = hz_record_entry_get_date (entry);
      if (date == NULL)
        {
          g_assert_cmpint (hz_record_entry_get_kind (entry), ==, HZ_RECORD_KIND_ALLERGY);
          g_assert_cmpuint (i, ==, n - 1);
          continue;
        }
      if (previous)
        g_assert_cmpint (g_date_time_compare (previous, date), <=, 0);
      previous = date;
    }
  first = g_list_model_get_item (timeline, 0);
  g_assert_cmpstr (hz_record_entry_get_id (first), ==, "cond-QS-000731-0");
  last = g_list_model_get_item (timeline, n - 2);
  g_assert_cmpint (hz_record_entry_get_kind (last), ==, HZ_RECORD_KIND_IMAGING);
  /* the timeline is built once and kept */
  g_assert_true (timeline == hz_patient_record_get_timeline (record));
}

static void
test_li_xiuying (void)
{
  g_autoptr(HzPatientRecord) record = load_case ("li-xiuying");
  g_autoptr(GDateTime) consult_day = day (2026, 11, 21);
  const HzFhirObservation *obs;
  const HzFhirImagingStudy *study;

  g_assert_cmpstr (hz_patient_record_get_official_name (record), ==, "李秀英");
  g_assert_cmpstr (hz_patient_record_get_latin_name (record), ==, "LI Xiuying");
  g_assert_cmpint (hz_patient_record_get_sex (record), ==, HZ_FHIR_SEX_FEMALE);
  g_assert_cmpint (hz_patient_record_get_age_at (record, consult_day), ==, 45);
  g_assert_cmpstr (hz_patient_record_get_national_id (record), ==, "340700198107020000");
  g_assert_cmpuint (g_list_model_get_n_items (hz_patient_record_get_entries (record, HZ_RECORD_KIND_ALLERGY)), ==, 0);
  g_assert_false (hz_patient_record_has_high_risk_allergy (record));
  g_assert_cmpstr (hz_record_entry_get_problem (entry_at (record, HZ_RECORD_KIND_PROBLEM, 0))->code, ==, "L30.9");
  obs = hz_record_entry_get_observation (entry_at (record, HZ_RECORD_KIND_OBSERVATION, 0));
  g_assert_cmpstr (obs->code, ==, "8310-5");
  g_assert_cmpfloat_with_epsilon (obs->value, 36.6, 1e-9);
  g_assert_cmpstr (obs->unit, ==, "Cel");
  study = hz_record_entry_get_imaging_study (entry_at (record, HZ_RECORD_KIND_IMAGING, 0));
  g_assert_cmpstr (study->study_uid, ==, "1.2.826.0.1.3680043.10.1078.2.51");
  g_assert_cmpstr (study->modalities, ==, "XC");
  g_assert_cmpuint (g_list_model_get_n_items (hz_patient_record_get_timeline (record)), ==, 5);
}

static void
test_zhang_xiaoming (void)
{
  g_autoptr(HzPatientRecord) record = load_case ("zhang-xiaoming");
  g_autoptr(GDateTime) consult_day = day (2026, 11, 22);
  HzRecordEntry *entry;
  const HzFhirAllergy *allergy;
  gboolean high_risk = FALSE;
  g_autoptr(GArray) spo2 = NULL;

  g_assert_cmpstr (hz_patient_record_get_official_name (record), ==, "张小明");
  g_assert_cmpstr (hz_patient_record_get_latin_name (record), ==, "ZHANG Xiaoming");
  g_assert_cmpint (hz_patient_record_get_age_at (record, consult_day), ==, 8);
  g_assert_cmpstr (hz_patient_record_get_health_card (record), ==, "HC3407002056");

  entry = entry_at (record, HZ_RECORD_KIND_ALLERGY, 0);
  allergy = hz_record_entry_get_allergy (entry);
  g_assert_cmpstr (allergy->substance, ==, "头孢类 Cephalosporins");
  g_assert_cmpint (allergy->criticality, ==, HZ_ALLERGY_CRITICALITY_HIGH);
  g_assert_cmpstr (allergy->manifestation, ==, "荨麻疹 Urticaria");
  g_assert_true (allergy->is_high_risk);
  g_object_get (entry, "is-high-risk", &high_risk, NULL);
  g_assert_true (high_risk);
  g_assert_true (hz_patient_record_has_high_risk_allergy (record));

  spo2 = hz_patient_record_get_series (record, LOINC, "59408-5");
  g_assert_cmpuint (spo2->len, ==, 1);
  g_assert_cmpfloat (g_array_index (spo2, HzSeriesPoint, 0).value, ==, 92);
  g_assert_cmpstr (g_array_index (spo2, HzSeriesPoint, 0).unit, ==, "%");
  g_assert_cmpstr (hz_record_entry_get_problem (entry_at (record, HZ_RECORD_KIND_PROBLEM, 0))->display_en, ==,
                   "Pneumonia, unspecified");
  g_assert_cmpstr (hz_record_entry_get_imaging_study (entry_at (record, HZ_RECORD_KIND_IMAGING, 0))->modalities,
                   ==, "CR");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/fhir/wang-jianguo/patient", test_wang_patient);
  g_test_add_func ("/core/fhir/wang-jianguo/problems-medications-allergies", test_wang_problems_medications_allergies);
  g_test_add_func ("/core/fhir/wang-jianguo/observations", test_wang_observations);
  g_test_add_func ("/core/fhir/wang-jianguo/bp-series", test_wang_bp_series);
  g_test_add_func ("/core/fhir/wang-jianguo/ecg", test_wang_ecg);
  g_test_add_func ("/core/fhir/wang-jianguo/imaging-timeline", test_wang_imaging_and_timeline);
  g_test_add_func ("/core/fhir/li-xiuying", test_li_xiuying);
  g_test_add_func ("/core/fhir/zhang-xiaoming", test_zhang_xiaoming);

  return g_test_run ();
}
