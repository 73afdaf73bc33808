/* test-icd10.c: the bundled ICD-10 list and its search. */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "hz-icd10-catalogue.h"
#include "hz-opinion.h"

static const char *
nth_code (GPtrArray *hits,
          guint      i)
{
  g_assert_cmpuint (i, <, hits->len);
  return ((const HzIcd10Entry *) hits->pdata[i])->code;
}

static gboolean
has_code (GPtrArray  *hits,
          const char *code)
{
  guint i;

  for (i = 0; i < hits->len; i++)
    if (strcmp (((const HzIcd10Entry *) hits->pdata[i])->code, code) == 0)
      return TRUE;
  return FALSE;
}

static void
test_bundled (void)
{
  HzIcd10Catalogue *c = hz_icd10_catalogue_get_default ();
  const HzIcd10Entry *e;
  guint i;

  g_assert_cmpuint (hz_icd10_catalogue_get_n_entries (c), >=, 300);
  e = hz_icd10_catalogue_lookup (c, "I20.0");
  g_assert_nonnull (e);
  g_assert_cmpstr (e->name_zh, ==, "不稳定型心绞痛");
  g_assert_cmpstr (e->name_en, ==, "Unstable angina");
  g_assert_true (hz_icd10_catalogue_lookup (c, "i200") == e);
  g_assert_null (hz_icd10_catalogue_lookup (c, "X99.9"));
  g_assert_null (hz_icd10_catalogue_lookup (c, "I20-0"));

  /* Every code is a code the opinion accepts. */
  {
    g_autoptr(GPtrArray) all = hz_icd10_catalogue_search (c, "a", 0);
    for (i = 0; i < all->len; i++)
      g_assert_true (hz_icd10_code_is_valid (nth_code (all, i)));
  }
}

/* Every ICD-10 code in the fixture FHIR bundles is in the list, with the
 * bundle's Chinese name first in its display text. */
static void
test_fixture_codes (void)
{
  static const char * const bundles[] = { "wang-jianguo.json", "li-xiuying.json", "zhang-xiaoming.json" };
  HzIcd10Catalogue *c = hz_icd10_catalogue_get_default ();
  guint i, found = 0;

  for (i = 0; i < G_N_ELEMENTS (bundles); i++)
    {
      g_autofree char *path = g_build_filename (g_getenv ("HUIZHEN_SOURCE_ROOT"), "tests", "data", "fhir", bundles[i], NULL);
      g_autofree char *text = NULL;
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(JsonNode) all = NULL;
      JsonArray *lists;
      guint j, k;

      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      root = json_from_string (text, NULL);
      g_assert_nonnull (root);
      /* Through JSON-Path, independent of the FHIR reader. */
      all = json_path_query ("$..coding", root, NULL);
      lists = json_node_get_array (all);
      for (j = 0; j < json_array_get_length (lists); j++)
        {
          JsonArray *list = json_array_get_array_element (lists, j);
          for (k = 0; k < json_array_get_length (list); k++)
            {
              JsonObject *coding = json_array_get_object_element (list, k);
              const char *code = json_object_get_string_member_with_default (coding, "code", "");
              const HzIcd10Entry *e;

              if (!g_str_has_suffix (json_object_get_string_member_with_default (coding, "system", ""), "/icd-10"))
                continue;
              g_test_message ("%s: %s", bundles[i], code);
              e = hz_icd10_catalogue_lookup (c, code);
              g_assert_nonnull (e);
              /* The bundles write "中文 English". */
              g_assert_true (g_str_has_prefix (json_object_get_string_member (coding, "display"), e->name_zh));
              found++;
            }
        }
    }
  g_assert_cmpuint (found, >=, 5);
}

static void
test_search_code (void)
{
  HzIcd10Catalogue *c = hz_icd10_catalogue_get_default ();
  g_autoptr(GPtrArray) exact = hz_icd10_catalogue_search (c, "I10", 10);
  g_autoptr(GPtrArray) prefix = hz_icd10_catalogue_search (c, "i2", 50);
  g_autoptr(GPtrArray) dotless = hz_icd10_catalogue_search (c, "J189", 5);
  g_autoptr(GPtrArray) limited = hz_icd10_catalogue_search (c, "I", 3);
  guint i;

  g_assert_cmpstr (nth_code (exact, 0), ==, "I10");
  /* Prefix I2: I20.0 … I27.9, in code order among equal lengths. */
  g_assert_cmpuint (prefix->len, >=, 10);
  for (i = 0; i < prefix->len; i++)
    g_assert_true (g_str_has_prefix (nth_code (prefix, i), "I2"));
  g_assert_cmpstr (nth_code (prefix, 0), ==, "I20.0");
  g_assert_cmpstr (nth_code (dotless, 0), ==, "J18.9");
  g_assert_cmpuint (limited->len, ==, 3);
}

static void
test_search_chinese (void)
{
  HzIcd10Catalogue *c = hz_icd10_catalogue_get_default ();
  g_autoptr(GPtrArray) angina = hz_icd10_catalogue_search (c, "心绞痛", 10);
  g_autoptr(GPtrArray) pneumonia = hz_icd10_catalogue_search (c, "肺炎", 20);
  g_autoptr(GPtrArray) diabetes = hz_icd10_catalogue_search (c, " 糖尿病 ", 20);
  g_autoptr(GPtrArray) none = hz_icd10_catalogue_search (c, "不存在的病名", 20);

  /* A name starting with the query beats one containing it; the shorter,
   * more general name first. */
  g_assert_cmpstr (nth_code (angina, 0), ==, "I20.9");   /* 心绞痛 */
  g_assert_true (has_code (angina, "I20.0"));            /* 不稳定型心绞痛 */
  g_assert_true (has_code (angina, "I20.1"));
  g_assert_cmpstr (nth_code (pneumonia, 0), ==, "J18.9");  /* 肺炎 */
  g_assert_true (has_code (pneumonia, "J15.7"));           /* 肺炎支原体肺炎 */
  g_assert_true (has_code (pneumonia, "J69.0"));           /* 吸入性肺炎 */
  g_assert_cmpstr (nth_code (diabetes, 0), ==, "E14.9");   /* 糖尿病 */
  g_assert_true (has_code (diabetes, "E11.9"));
  g_assert_true (has_code (diabetes, "O24.4"));
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_search_english (void)
{
  HzIcd10Catalogue *c = hz_icd10_catalogue_get_default ();
  g_autoptr(GPtrArray) angina = hz_icd10_catalogue_search (c, "ANGINA", 10);
  g_autoptr(GPtrArray) hyper = hz_icd10_catalogue_search (c, "hypertension", 20);
  g_autoptr(GPtrArray) words = hz_icd10_catalogue_search (c, "fracture femur", 20);
  g_autoptr(GPtrArray) empty = hz_icd10_catalogue_search (c, "   ", 20);

  g_assert_true (has_code (angina, "I20.0"));
  g_assert_true (has_code (angina, "I20.9"));
  g_assert_true (has_code (hyper, "I10"));
  g_assert_true (has_code (hyper, "O13"));
  /* Case-insensitive; a name starting with the word beats one merely
   * containing it. */
  g_assert_cmpstr (nth_code (angina, 0), ==, "I20.9");   /* Angina pectoris, unspecified */
  g_assert_cmpstr (nth_code (angina, 1), ==, "I20.1");   /* Angina pectoris with documented spasm */
  g_assert_cmpstr (nth_code (angina, 2), ==, "I20.0");   /* Unstable angina */
  g_assert_true (has_code (words, "S72.0"));
  g_assert_cmpuint (empty->len, ==, 0);
}

static void
test_bad_data (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzIcd10Catalogue) c = NULL;
  const char *two = "# two entries\n\nI10\t原发性高血压\tEssential (primary) hypertension\r\n"
                    "J18.9\t肺炎\tPneumonia, unspecified";

  c = hz_icd10_catalogue_new_from_data ("# comment\nI10\t原发性高血压\n", 27, &error);
  g_assert_null (c);
  g_assert_error (error, HZ_ICD10_CATALOGUE_ERROR, HZ_ICD10_CATALOGUE_ERROR_FORMAT);
  g_clear_error (&error);
  c = hz_icd10_catalogue_new_from_data ("\xff\tx\ty\n", 6, &error);
  g_assert_null (c);
  g_assert_error (error, HZ_ICD10_CATALOGUE_ERROR, HZ_ICD10_CATALOGUE_ERROR_FORMAT);
  g_clear_error (&error);
  c = hz_icd10_catalogue_new_from_data (two, strlen (two), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hz_icd10_catalogue_get_n_entries (c), ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/icd10/bundled", test_bundled);
  g_test_add_func ("/icd10/fixture-codes", test_fixture_codes);
  g_test_add_func ("/icd10/search-code", test_search_code);
  g_test_add_func ("/icd10/search-chinese", test_search_chinese);
  g_test_add_func ("/icd10/search-english", test_search_english);
  g_test_add_func ("/icd10/bad-data", test_bad_data);
  return g_test_run ();
}
