/* test-report.c: the PDF consult report for a fixture case, checked with
 * poppler's pdftotext and pdffonts: Chinese text extractable, the
 * fingerprint and page numbers present, fonts embedded, A4, file 0600. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <fontconfig/fontconfig.h>
#include <locale.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "hz-consult-report.h"
#include "hz-patient-record.h"
#include "hz-test-utils.h"

#define FINDINGS "劳力性胸痛 3 天，心电图 V4–V6 导联 ST 段压低 1 mm，肌钙蛋白阴性。"
#define REMARKS  "建议尽快转诊至县人民医院心内科行冠状动脉造影。"

static char *
run (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

/* pdftotext's text without line breaks and spaces: Pango may wrap a
 * sentence anywhere, and extraction puts spaces between CJK runs. */
static char *
squeeze (const char *text)
{
  GString *out = g_string_new (NULL);
  const char *p;

  for (p = text; *p; p++)
    if (*p != '\n' && *p != ' ')
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

/* HUIZHEN_REPORT_DIR=DIR keeps the generated reports, to look at. */
static void
keep_copy (const char *pdf,
           const char *name)
{
  const char *dir = g_getenv ("HUIZHEN_REPORT_DIR");
  g_autofree char *to = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;

  if (dir == NULL)
    return;
  to = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_get_contents (pdf, &data, &len, NULL));
  g_assert_true (g_file_set_contents (to, data, (gssize) len, NULL));
}

static HzConsultReport *
fixture_report (HzSigningKey     *key,
                gboolean          long_text,
                HzSignedOpinion **signed_out)
{
  g_autofree char *path = g_build_filename (g_getenv ("HUIZHEN_SOURCE_ROOT"), "tests", "data", "fhir",
                                            "wang-jianguo.json", NULL);
  g_autoptr(GBytes) bytes = hz_test_read_file (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(HzPatientRecord) record = hz_patient_record_new_from_bytes (bytes, &error);
  g_autoptr(HzOpinion) o = hz_opinion_new ();
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 22, 10, 30, 0);
  g_autoptr(HzSignedOpinion) s = NULL;
  g_autoptr(HzSignedOpinion) addendum = NULL;
  HzConsultReport *report;
  const HzReportParty requester = { "周明 Zhou Ming", "主治医师", "全科", "青山镇卫生院" };
  const HzReportParty responder = { "陈立 Chen Li", "主任医师", "心内科", "县人民医院" };
  static const char * const sexes[] = { "unknown", "male", "female", "other" };

  g_assert_no_error (error);
  hz_opinion_set_findings (o, FINDINGS);
  hz_opinion_add_diagnosis (o, "I20.0", "不稳定型心绞痛");
  hz_opinion_add_diagnosis (o, "I10", "原发性高血压");
  hz_opinion_add_diagnosis (o, "E11.9", "2型糖尿病");
  hz_opinion_set_treatment (o, "阿司匹林 100 mg 每日一次；阿托伐他汀 20 mg 每晚一次；硝酸甘油 0.5 mg 舌下含服，必要时。");
  hz_opinion_set_follow_up (o, "一周后复查心电图及肌钙蛋白。");
  hz_opinion_set_referral (o, HZ_REFERRAL_REFER, HZ_REFERRAL_URGENCY_URGENT, "县人民医院");
  if (long_text)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      guint i;
      for (i = 0; i < 120; i++)
        g_string_append_printf (text, "第%u条：患者需监测血压、血糖并记录胸痛发作情况。", i + 1);
      g_string_append (text, "全文完。");
      hz_opinion_set_text (o, text->str);
    }
  else
    hz_opinion_set_text (o, REMARKS);
  s = hz_signed_opinion_sign (o, "HZ-20261122-K7M2QX", "dr.chen", key, now, &error);
  g_assert_no_error (error);
  addendum = hz_signed_opinion_sign_addendum (s, "更正：阿托伐他汀改为 40 mg 每晚一次。", "dr.chen", key, NULL, &error);
  g_assert_no_error (error);

  report = hz_consult_report_new (s);
  hz_consult_report_set_requester (report, &requester);
  hz_consult_report_set_responder (report, &responder);
  hz_consult_report_set_patient (report, hz_patient_record_get_official_name (record),
                                 hz_patient_record_get_latin_name (record),
                                 sexes[hz_patient_record_get_sex (record)],
                                 hz_patient_record_get_age_at (record, now),
                                 hz_patient_record_get_patient_id (record));
  hz_consult_report_set_request (report, "urgent", "劳力性胸痛 3 天", "是否需要转诊行冠脉造影？");
  hz_consult_report_add_addendum (report, addendum);
  if (signed_out)
    *signed_out = g_steal_pointer (&s);
  return report;
}

static void
use_locale (const char *locale)
{
  g_unsetenv ("LANGUAGE");
  g_assert_nonnull (setlocale (LC_ALL, locale));
}

static void
test_chinese (void)
{
  g_autofree char *dir = hz_test_tmpdir ();
  g_autofree char *pdf = g_build_filename (dir, "report.pdf", NULL);
  g_autoptr(HzSigningKey) key = hz_signing_key_generate (NULL);
  g_autoptr(HzSignedOpinion) s = NULL;
  g_autoptr(HzConsultReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *flat = NULL;
  g_autofree char *fonts = NULL;
  g_autofree char *info = NULL;
  g_autofree char *grouped = NULL;
  g_autofree char *first_half = NULL;
  g_autofree char *hash = NULL;
  g_auto(GStrv) font_lines = NULL;
  GStatBuf st;
  guint i, n_fonts = 0;

  use_locale ("zh_CN.UTF-8");
  report = fixture_report (key, FALSE, &s);
  g_assert_true (hz_consult_report_write_pdf (report, pdf, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (pdf, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  text = run ((const char * const[]) { "pdftotext", "-enc", "UTF-8", pdf, "-", NULL });
  g_test_message ("%s", text);
  flat = squeeze (text);
  g_assert_nonnull (strstr (flat, "王建国"));                      /* the fixture's patient */
  g_assert_nonnull (strstr (flat, "WANGJianguo"));
  g_assert_nonnull (strstr (flat, "劳力性胸痛3天，心电图V4–V6导联ST段压低1mm，肌钙蛋白阴性。"));
  g_assert_nonnull (strstr (flat, REMARKS));
  g_assert_nonnull (strstr (flat, "I20.0不稳定型心绞痛"));
  g_assert_nonnull (strstr (flat, "青山镇卫生院"));
  g_assert_nonnull (strstr (flat, "县人民医院"));
  g_assert_nonnull (strstr (flat, "更正：阿托伐他汀改为40mg每晚一次。"));
  /* zh_CN labels, and the fingerprint as printed, grouped. */
  g_assert_nonnull (strstr (flat, "远程会诊报告"));
  g_assert_true (strstr (flat, "第1页，共1页") || strstr (flat, "第1页，共2页"));
  grouped = hz_fingerprint_format (hz_signed_opinion_get_key_fingerprint (s));
  first_half = g_strndup (grouped, 39);
  g_assert_nonnull (strstr (text, first_half));
  g_assert_nonnull (strstr (text, grouped + 40));
  hash = hz_fingerprint_format (hz_signed_opinion_get_hash (s));
  hash[39] = '\0';
  g_assert_nonnull (strstr (text, hash));
  g_assert_nonnull (strstr (text, hash + 40));

  /* A4 and every font embedded. */
  info = run ((const char * const[]) { "pdfinfo", pdf, NULL });
  g_assert_nonnull (strstr (info, "595.276 x 841.89 pts (A4)"));
  fonts = run ((const char * const[]) { "pdffonts", pdf, NULL });
  g_test_message ("%s", fonts);
  font_lines = g_strsplit (fonts, "\n", -1);
  for (i = 2; font_lines[i] && *font_lines[i]; i++)
    {
      g_auto(GStrv) split = g_strsplit_set (font_lines[i], " ", -1);
      g_autoptr(GPtrArray) cols = g_ptr_array_new ();
      g_autofree char *joined = NULL;
      const char *emb = NULL;
      guint c;

      /* name type encoding emb sub uni object ID: emb is the fifth
       * column from the end (type names contain spaces). */
      for (c = 0; split[c]; c++)
        if (*split[c])
          g_ptr_array_add (cols, split[c]);
      g_assert_cmpuint (cols->len, >=, 7);
      emb = cols->pdata[cols->len - 5];
      g_ptr_array_add (cols, NULL);
      joined = g_strjoinv (" ", (char **) cols->pdata);
      g_test_message ("font: %s", joined);
      g_assert_cmpstr (emb, ==, "yes");
      n_fonts++;
    }
  g_assert_cmpuint (n_fonts, >=, 1);
  g_assert_nonnull (strstr (fonts, "NotoSansCJK"));
  keep_copy (pdf, "report-zh_CN.pdf");
  hz_test_rmdir (dir);
}

static void
test_english_and_pages (void)
{
  g_autofree char *dir = hz_test_tmpdir ();
  g_autofree char *pdf = g_build_filename (dir, "report.pdf", NULL);
  g_autoptr(HzSigningKey) key = hz_signing_key_generate (NULL);
  g_autoptr(HzConsultReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *flat = NULL;
  g_autofree char *last = NULL;
  guint n;

  use_locale ("C.UTF-8");
  report = fixture_report (key, TRUE, NULL);
  n = hz_consult_report_get_n_pages (report);
  g_assert_cmpuint (n, >=, 2);
  g_assert_true (hz_consult_report_write_pdf (report, pdf, &error));
  g_assert_no_error (error);
  text = run ((const char * const[]) { "pdftotext", "-enc", "UTF-8", pdf, "-", NULL });
  flat = squeeze (text);
  g_assert_nonnull (strstr (flat, "RemoteConsultationReport"));
  g_assert_nonnull (strstr (flat, "王建国"));
  last = g_strdup_printf ("Page%uof%u", n, n);
  g_assert_nonnull (strstr (flat, "Page1of"));
  g_assert_nonnull (strstr (flat, last));
  /* The long remarks flowed over the pages, nothing lost. */
  g_assert_nonnull (strstr (flat, "第1条："));
  g_assert_nonnull (strstr (flat, "第120条：患者需监测血压、血糖并记录胸痛发作情况。全文完。"));

  /* Somewhere it cannot be written: a clear error. */
  g_assert_false (hz_consult_report_write_pdf (report, "/nonexistent/dir/report.pdf", &error));
  g_assert_error (error, HZ_CONSULT_REPORT_ERROR, HZ_CONSULT_REPORT_ERROR_WRITE);
  keep_copy (pdf, "report-en-long.pdf");
  hz_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  const char *localedir = g_getenv ("HUIZHEN_LOCALEDIR");
  int ret;

  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/report/chinese", test_chinese);
  g_test_add_func ("/report/english-and-pages", test_english_and_pages);
  ret = g_test_run ();
  /* Drop pango's, cairo's and fontconfig's process-wide caches, so the
   * sanitizer build sees only what we leak. */
  pango_cairo_font_map_set_default (NULL);
  cairo_debug_reset_static_data ();
  FcFini ();
  return ret;
}
