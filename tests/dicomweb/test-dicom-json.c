/* test-dicom-json.c: QIDO-RS answers in the DICOM JSON model. */
#include "config.h"

#include <string.h>

#include "hz-dicom-json.h"
#include "hz-dicomweb-error.h"

static void
test_studies (void)
{
  const char *json =
    "[{\"0020000D\":{\"vr\":\"UI\",\"Value\":[\"1.2.3\"]},"
    "  \"00100010\":{\"vr\":\"PN\",\"Value\":[{\"Alphabetic\":\"WANG^JIANGUO\",\"Ideographic\":\"王^建国\",\"Phonetic\":\"wang^jian guo\"}]},"
    "  \"00100020\":{\"vr\":\"LO\",\"Value\":[\"QS-000731\"]},"
    "  \"00080061\":{\"vr\":\"CS\",\"Value\":[\"CT\",\"SR\"]},"
    "  \"00201206\":{\"vr\":\"IS\",\"Value\":[2]},"
    "  \"00201208\":{\"vr\":\"IS\",\"Value\":[\"48\"]},"
    "  \"00081030\":{\"vr\":\"LO\"}},"
    " {\"00100020\":{\"vr\":\"LO\",\"Value\":[\"no study UID: skipped\"]}},"
    " {\"0020000D\":{\"vr\":\"UI\",\"Value\":[\"1.2.4\"]},"
    "  \"00100010\":{\"vr\":\"PN\",\"Value\":[{\"Alphabetic\":\"LI^XIUYING\",\"Ideographic\":\"^\"}]},"
    "  \"00201208\":{\"vr\":\"IS\",\"Value\":[{\"oops\":1}]}},"
    " {\"0020000D\":{\"vr\":\"UI\",\"Value\":[\"1.2.5\"]},"
    "  \"00100010\":{\"vr\":\"PN\",\"Value\":[\"ZHANG^XIAOMING=张^小明\"]}},"
    " 42]";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) studies = hz_dicom_json_parse_studies (json, strlen (json), &error);
  HzDicomwebStudy *s;

  g_assert_no_error (error);
  g_assert_cmpuint (studies->len, ==, 3);
  s = g_ptr_array_index (studies, 0);
  g_assert_cmpstr (s->study_instance_uid, ==, "1.2.3");
  g_assert_cmpstr (s->patient_id, ==, "QS-000731");
  g_assert_cmpstr (s->patient_name.alphabetic, ==, "WANG^JIANGUO");
  g_assert_cmpstr (s->patient_name.ideographic, ==, "王^建国");
  g_assert_cmpstr (s->patient_name.phonetic, ==, "wang^jian guo");
  g_assert_cmpuint (g_strv_length (s->modalities), ==, 2);
  g_assert_cmpint (s->n_series, ==, 2);
  g_assert_cmpint (s->n_instances, ==, 48);
  g_assert_null (s->study_description);

  s = g_ptr_array_index (studies, 1);
  g_assert_cmpstr (s->patient_name.alphabetic, ==, "LI^XIUYING");
  g_assert_null (s->patient_name.ideographic);   /* Orthanc's empty "^" */
  g_assert_cmpint (s->n_instances, ==, -1);
  g_assert_cmpint (s->n_series, ==, -1);
  g_assert_nonnull (s->modalities);

  s = g_ptr_array_index (studies, 2);
  g_assert_cmpstr (s->patient_name.alphabetic, ==, "ZHANG^XIAOMING");
  g_assert_cmpstr (s->patient_name.ideographic, ==, "张^小明");
}

static void
test_instances (void)
{
  const char *json =
    "[{\"00080018\":{\"vr\":\"UI\",\"Value\":[\"1.2.3.4\"]},"
    "  \"0020000E\":{\"vr\":\"UI\",\"Value\":[\"1.2.3.9\"]},"
    "  \"00200013\":{\"vr\":\"IS\",\"Value\":[7]},"
    "  \"00280010\":{\"vr\":\"US\",\"Value\":[512]}},"
    " {\"00080018\":{\"vr\":\"UI\",\"Value\":[\"../etc/passwd\"]}}]";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) instances = hz_dicom_json_parse_instances (json, strlen (json), &error);
  HzDicomwebInstance *i;

  g_assert_no_error (error);
  /* A UID that is no UID would end up in a URL and a file name: dropped. */
  g_assert_cmpuint (instances->len, ==, 1);
  i = g_ptr_array_index (instances, 0);
  g_assert_cmpstr (i->sop_instance_uid, ==, "1.2.3.4");
  g_assert_cmpstr (i->series_instance_uid, ==, "1.2.3.9");
  g_assert_cmpint (i->instance_number, ==, 7);
  g_assert_cmpint (i->rows, ==, 512);
  g_assert_cmpint (i->columns, ==, -1);
}

static void
test_errors (void)
{
  const char *bad[] = { "{", "{\"a\":1}", "\"text\"", "[1,2", NULL };
  g_autoptr(GPtrArray) empty = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) r = hz_dicom_json_parse_series (bad[i], strlen (bad[i]), &error);
      g_assert_null (r);
      g_assert_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_BAD_RESPONSE);
      g_clear_error (&error);
    }
  /* 204 No Content: nothing found. */
  empty = hz_dicom_json_parse_series ("", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (empty->len, ==, 0);
}

static void
test_uids (void)
{
  g_assert_true (hz_dicom_uid_is_valid ("1.2.840.10008.5.1.4.1.1.2"));
  g_assert_true (hz_dicom_uid_is_valid ("0"));
  g_assert_false (hz_dicom_uid_is_valid (""));
  g_assert_false (hz_dicom_uid_is_valid (NULL));
  g_assert_false (hz_dicom_uid_is_valid ("1..2"));
  g_assert_false (hz_dicom_uid_is_valid (".1"));
  g_assert_false (hz_dicom_uid_is_valid ("1."));
  g_assert_false (hz_dicom_uid_is_valid ("1.2/3"));
  g_assert_false (hz_dicom_uid_is_valid ("1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23.24.25.26"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dicomweb/json/studies", test_studies);
  g_test_add_func ("/dicomweb/json/instances", test_instances);
  g_test_add_func ("/dicomweb/json/errors", test_errors);
  g_test_add_func ("/dicomweb/json/uids", test_uids);
  return g_test_run ();
}
