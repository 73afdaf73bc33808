/* test-dicom-dataset.c: the Part 10 element stream, text and names. */
#include "config.h"

#include <string.h>

#include "dicom-test-writer.h"
#include "hz-dicom-dataset.h"
#include "hz-dicom-person-name.h"

#define TAG_PATIENT_NAME HZ_DICOM_TAG (0x0010, 0x0010)

static char *
fixture (const char *relative)
{
  const char *root = g_getenv ("HUIZHEN_SOURCE_ROOT");

  g_assert_nonnull (root);
  return g_build_filename (root, "tests", "data", "dicom", relative, NULL);
}

static HzDicomDataset *
load_fixture (const char *relative)
{
  g_autofree char *path = fixture (relative);
  g_autoptr(GError) error = NULL;
  HzDicomDataset *ds = hz_dicom_dataset_new_from_file (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ds);
  return ds;
}

static GBytes *
fixture_bytes (const char *relative)
{
  g_autofree char *path = fixture (relative);
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_bytes_new_take (g_steal_pointer (&data), len);
}

static void
check_ct_header (HzDicomDataset *ds)
{
  g_autofree char *name = hz_dicom_dataset_get_string (ds, TAG_PATIENT_NAME);
  g_autofree char *institution = hz_dicom_dataset_get_string (ds, HZ_DICOM_TAG (0x0008, 0x0080));
  g_autofree char *modality = hz_dicom_dataset_get_string (ds, HZ_DICOM_TAG (0x0008, 0x0060));
  g_autofree char *explanation = hz_dicom_dataset_get_string_at (ds, HZ_DICOM_TAG (0x0028, 0x1055), 1);
  gint64 rows = 0, pixel_rep = 0;
  double centre = 0, intercept = 0;
  gsize len = 0;

  g_assert_cmpstr (name, ==, "WANG^JIANGUO=王^建国");
  g_assert_cmpstr (institution, ==, "青山镇卫生院");
  g_assert_cmpstr (modality, ==, "CT");
  g_assert_cmpstr (explanation, ==, "MEDIASTINUM");
  g_assert_true (hz_dicom_dataset_get_int (ds, HZ_DICOM_TAG (0x0028, 0x0010), 0, &rows));
  g_assert_cmpint (rows, ==, 256);
  g_assert_true (hz_dicom_dataset_get_int (ds, HZ_DICOM_TAG (0x0028, 0x0103), 0, &pixel_rep));
  g_assert_cmpint (pixel_rep, ==, 1);
  g_assert_cmpuint (hz_dicom_dataset_get_n_values (ds, HZ_DICOM_TAG (0x0028, 0x1050)), ==, 2);
  g_assert_true (hz_dicom_dataset_get_double (ds, HZ_DICOM_TAG (0x0028, 0x1050), 0, &centre));
  g_assert_cmpfloat (centre, ==, -600.0);
  g_assert_true (hz_dicom_dataset_get_double (ds, HZ_DICOM_TAG (0x0028, 0x1052), 0, &intercept));
  g_assert_cmpfloat (intercept, ==, -1024.0);
  g_assert_false (hz_dicom_dataset_get_double (ds, HZ_DICOM_TAG (0x0028, 0x1050), 2, &centre));
  g_assert_nonnull (hz_dicom_dataset_get_raw (ds, HZ_DICOM_TAG_PIXEL_DATA, &len));
  g_assert_cmpuint (len, ==, 256 * 256 * 2);
}

static void
test_fixtures (void)
{
  /* The fixtures alternate: odd slices explicit, even slices implicit VR. */
  g_autoptr(HzDicomDataset) explicit_ds = load_fixture ("wang-jianguo/CT0001.dcm");
  g_autoptr(HzDicomDataset) implicit_ds = load_fixture ("wang-jianguo/CT0002.dcm");

  g_assert_cmpstr (hz_dicom_dataset_get_transfer_syntax (explicit_ds), ==, HZ_DICOM_TS_EXPLICIT_LE);
  g_assert_cmpstr (hz_dicom_dataset_get_transfer_syntax (implicit_ds), ==, HZ_DICOM_TS_IMPLICIT_LE);
  g_assert_true (hz_dicom_dataset_has_preamble (explicit_ds));
  check_ct_header (explicit_ds);
  check_ct_header (implicit_ds);
  g_assert_cmpstr (hz_dicom_dataset_get_vr (implicit_ds, TAG_PATIENT_NAME), ==, "PN");
}

static void
test_encapsulated_fixture (void)
{
  g_autoptr(HzDicomDataset) ds = load_fixture ("li-xiuying/SC0001.dcm");
  const guint8 *frag;
  gsize len = 0;

  g_assert_cmpstr (hz_dicom_dataset_get_transfer_syntax (ds), ==, HZ_DICOM_TS_JPEG_BASELINE);
  g_assert_true (hz_dicom_dataset_is_encapsulated (ds, HZ_DICOM_TAG_PIXEL_DATA));
  g_assert_cmpuint (hz_dicom_dataset_get_n_fragments (ds, HZ_DICOM_TAG_PIXEL_DATA), ==, 1);
  frag = hz_dicom_dataset_get_fragment (ds, HZ_DICOM_TAG_PIXEL_DATA, 0, &len);
  g_assert_cmpuint (len, ==, 51242);
  g_assert_cmpint (frag[0], ==, 0xff);
  g_assert_cmpint (frag[1], ==, 0xd8);  /* a JPEG start-of-image */
}

/* The same data set without the preamble, and without the meta header too. */
static void
test_no_preamble (void)
{
  g_autoptr(GBytes) whole = fixture_bytes ("wang-jianguo/CT0002.dcm");
  g_autoptr(GBytes) no_preamble = g_bytes_new_from_bytes (whole, 128, g_bytes_get_size (whole) - 128);
  g_autoptr(GError) error = NULL;
  g_autoptr(HzDicomDataset) a = NULL;
  g_autoptr(HzDicomDataset) b = NULL;
  g_autoptr(GBytes) bare = NULL;
  g_autoptr(HzDicomDataset) full = hz_dicom_dataset_new_from_bytes (whole, &error);
  gsize meta_end;
  gint64 group_length = 0;

  g_assert_no_error (error);
  a = hz_dicom_dataset_new_from_bytes (no_preamble, &error);
  g_assert_no_error (error);
  g_assert_false (hz_dicom_dataset_has_preamble (a));
  check_ct_header (a);

  g_assert_true (hz_dicom_dataset_get_int (full, HZ_DICOM_TAG (0x0002, 0x0000), 0, &group_length));
  meta_end = 132 + 12 + (gsize) group_length;
  bare = g_bytes_new_from_bytes (whole, meta_end, g_bytes_get_size (whole) - meta_end);
  b = hz_dicom_dataset_new_from_bytes (bare, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hz_dicom_dataset_get_transfer_syntax (b), ==, HZ_DICOM_TS_IMPLICIT_LE);
  check_ct_header (b);
}

static HzDicomDataset *
parse (GBytes *bytes, GError **error)
{
  return hz_dicom_dataset_new_from_bytes (bytes, error);
}

static void
test_sequences (void)
{
  const char *syntaxes[] = { HZ_DICOM_TS_EXPLICIT_LE, HZ_DICOM_TS_IMPLICIT_LE };
  guint s;

  for (s = 0; s < G_N_ELEMENTS (syntaxes); s++)
    {
      TestWriter w;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(HzDicomDataset) ds = NULL;
      HzDicomDataset *item, *inner;
      g_autofree char *meaning = NULL;
      g_autofree char *after = NULL;
      gint64 channels = 0;

      tw_init (&w, syntaxes[s], TRUE);
      tw_string (&w, 0x0008, 0x0005, "CS", "ISO_IR 192");
      tw_sequence (&w, 0x5400, 0x0100);
      tw_item (&w);
      tw_u16 (&w, 0x003a, 0x0005, 12);
      tw_sequence (&w, 0x003a, 0x0200);
      tw_item (&w);
      tw_string (&w, 0x0008, 0x0104, "LO", "导联 II");
      tw_item_end (&w);
      tw_sequence_end (&w);
      tw_item_end (&w);
      tw_item (&w);
      tw_item_end (&w);
      tw_sequence_end (&w);
      tw_string (&w, 0x5400, 0x1006, "CS", "SS");
      bytes = tw_finish (&w);

      ds = parse (bytes, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (hz_dicom_dataset_get_n_items (ds, HZ_DICOM_TAG (0x5400, 0x0100)), ==, 2);
      item = hz_dicom_dataset_get_item (ds, HZ_DICOM_TAG (0x5400, 0x0100), 0);
      g_assert_true (hz_dicom_dataset_get_int (item, HZ_DICOM_TAG (0x003a, 0x0005), 0, &channels));
      g_assert_cmpint (channels, ==, 12);
      inner = hz_dicom_dataset_get_item (item, HZ_DICOM_TAG (0x003a, 0x0200), 0);
      g_assert_nonnull (inner);
      meaning = hz_dicom_dataset_get_string (inner, HZ_DICOM_TAG (0x0008, 0x0104));
      g_assert_cmpstr (meaning, ==, "导联 II");
      g_assert_null (hz_dicom_dataset_get_item (ds, HZ_DICOM_TAG (0x5400, 0x0100), 2));
      after = hz_dicom_dataset_get_string (ds, HZ_DICOM_TAG (0x5400, 0x1006));
      g_assert_cmpstr (after, ==, "SS");  /* parsing went on after the sequence */
    }
}

/* A defined-length sequence holding a defined-length item. */
static void
test_defined_length_sequence (void)
{
  static const guint8 data[] = {
    0x08, 0x00, 0x05, 0x00, 'C', 'S', 0x0a, 0x00, 'I', 'S', 'O', '_', 'I', 'R', ' ', '1', '9', '2',
    0x08, 0x00, 0x40, 0x11, 'S', 'Q', 0, 0, 22, 0, 0, 0,
      0xfe, 0xff, 0x00, 0xe0, 14, 0, 0, 0,
        0x08, 0x00, 0x50, 0x11, 'U', 'I', 6, 0, '1', '.', '2', '.', '3', 0,
    0x10, 0x00, 0x20, 0x00, 'L', 'O', 4, 0, 'Q', 'S', '-', '1',
  };
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, sizeof data);
  g_autoptr(GError) error = NULL;
  g_autoptr(HzDicomDataset) ds = parse (bytes, &error);
  g_autofree char *uid = NULL;
  g_autofree char *id = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (hz_dicom_dataset_get_transfer_syntax (ds), ==, HZ_DICOM_TS_EXPLICIT_LE);
  uid = hz_dicom_dataset_get_string (hz_dicom_dataset_get_item (ds, HZ_DICOM_TAG (0x0008, 0x1140), 0),
                                     HZ_DICOM_TAG (0x0008, 0x1150));
  g_assert_cmpstr (uid, ==, "1.2.3");
  id = hz_dicom_dataset_get_string (ds, HZ_DICOM_TAG (0x0010, 0x0020));
  g_assert_cmpstr (id, ==, "QS-1");
}

static char *
name_in_charset (const char *charset, const char *raw)
{
  TestWriter w;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HzDicomDataset) ds = NULL;

  tw_init (&w, HZ_DICOM_TS_EXPLICIT_LE, TRUE);
  if (charset)
    tw_string (&w, 0x0008, 0x0005, "CS", charset);
  tw_string (&w, 0x0010, 0x0010, "PN", raw);
  bytes = tw_finish (&w);
  ds = parse (bytes, &error);
  g_assert_no_error (error);
  return hz_dicom_dataset_get_string (ds, TAG_PATIENT_NAME);
}

static void
test_charsets (void)
{
  g_autofree char *utf8 = name_in_charset ("ISO_IR 192", "WANG^JIANGUO=王^建国");
  /* 王^建国 in GB18030 / GBK: D5 FD 5E BD A8 B9 FA */
  g_autofree char *gb18030 = name_in_charset ("GB18030", "WANG^JIANGUO=\xcd\xf5^\xbd\xa8\xb9\xfa");
  g_autofree char *gbk = name_in_charset ("GBK", "WANG^JIANGUO=\xcd\xf5^\xbd\xa8\xb9\xfa");
  /* ISO 2022 IR 58: GB 2312 behind ESC $ ) A, back to ASCII with ESC ( B. */
  g_autofree char *ir58 = name_in_charset ("\\ISO 2022 IR 58",
                                           "WANG^JIANGUO=\x1b$)A\xcd\xf5^\x1b$)A\xbd\xa8\xb9\xfa");
  g_autofree char *ascii = name_in_charset (NULL, "MULLER^HANS");
  g_autofree char *latin = name_in_charset ("ISO_IR 100", "M\xfcLLER^HANS");
  g_autofree char *broken = name_in_charset ("ISO_IR 192", "WANG\xff^JIANGUO");
  /* A GBK trail byte may be 0x5C, the DICOM value separator: 乗 is 81 5C. */
  g_autofree char *trail = NULL;
  TestWriter w;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(HzDicomDataset) ds = NULL;

  g_assert_cmpstr (utf8, ==, "WANG^JIANGUO=王^建国");
  g_assert_cmpstr (gb18030, ==, "WANG^JIANGUO=王^建国");
  g_assert_cmpstr (gbk, ==, "WANG^JIANGUO=王^建国");
  g_assert_cmpstr (ir58, ==, "WANG^JIANGUO=王^建国");
  g_assert_cmpstr (ascii, ==, "MULLER^HANS");
  g_assert_cmpstr (latin, ==, "MüLLER^HANS");
  g_assert_true (g_utf8_validate (broken, -1, NULL));
  g_assert_true (g_str_has_prefix (broken, "WANG"));

  tw_init (&w, HZ_DICOM_TS_EXPLICIT_LE, TRUE);
  tw_string (&w, 0x0008, 0x0005, "CS", "GBK");
  tw_string (&w, 0x0008, 0x1030, "LO", "\x81\x5c\\B");
  bytes = tw_finish (&w);
  ds = parse (bytes, NULL);
  g_assert_nonnull (ds);
  g_assert_cmpuint (hz_dicom_dataset_get_n_values (ds, HZ_DICOM_TAG (0x0008, 0x1030)), ==, 2);
  trail = hz_dicom_dataset_get_string_at (ds, HZ_DICOM_TAG (0x0008, 0x1030), 0);
  g_assert_cmpstr (trail, ==, "乗");
}

static void
test_person_name (void)
{
  g_autoptr(HzDicomPersonName) pn = hz_dicom_person_name_new ("WANG^JIANGUO=王^建国=wang^jian guo");
  g_autoptr(HzDicomPersonName) latin = hz_dicom_person_name_new ("Smith^John^^Dr.");
  g_autoptr(HzDicomPersonName) only_ideo = hz_dicom_person_name_new ("=张^小明");
  g_autofree char *display = hz_dicom_person_name_to_display (pn);
  g_autofree char *ideo = hz_dicom_person_name_format_group (pn, HZ_DICOM_PN_IDEOGRAPHIC);
  g_autofree char *latin_display = hz_dicom_person_name_to_display (latin);
  g_autofree char *only_display = hz_dicom_person_name_to_display (only_ideo);

  g_assert_cmpstr (hz_dicom_person_name_get_group (pn, HZ_DICOM_PN_ALPHABETIC), ==, "WANG^JIANGUO");
  g_assert_cmpstr (hz_dicom_person_name_get_group (pn, HZ_DICOM_PN_IDEOGRAPHIC), ==, "王^建国");
  g_assert_cmpstr (hz_dicom_person_name_get_group (pn, HZ_DICOM_PN_PHONETIC), ==, "wang^jian guo");
  g_assert_cmpstr (hz_dicom_person_name_get_component (pn, HZ_DICOM_PN_IDEOGRAPHIC, HZ_DICOM_PN_FAMILY), ==, "王");
  g_assert_cmpstr (hz_dicom_person_name_get_component (pn, HZ_DICOM_PN_IDEOGRAPHIC, HZ_DICOM_PN_GIVEN), ==, "建国");
  g_assert_cmpstr (ideo, ==, "王建国");
  g_assert_cmpstr (display, ==, "王建国 (WANG JIANGUO)");
  g_assert_cmpstr (latin_display, ==, "Dr. Smith John");
  g_assert_cmpstr (only_display, ==, "张小明");
  g_assert_cmpstr (hz_dicom_person_name_get_group (only_ideo, HZ_DICOM_PN_PHONETIC), ==, "");
}

static void
assert_refused (GBytes *bytes, gint code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzDicomDataset) ds = parse (bytes, &error);

  g_assert_null (ds);
  g_assert_error (error, HZ_DICOM_ERROR, code);
  g_assert_nonnull (error->message);
}

static void
test_bad_input (void)
{
  g_autoptr(GBytes) whole = fixture_bytes ("wang-jianguo/CT0001.dcm");
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) text = g_bytes_new_static ("hello, this is not DICOM at all\n", 32);
  g_autoptr(GBytes) cut = g_bytes_new_from_bytes (whole, 0, g_bytes_get_size (whole) - 1000);
  TestWriter w;
  g_autoptr(GBytes) deep = NULL;
  g_autoptr(GBytes) unclosed = NULL;
  g_autoptr(GBytes) huge = NULL;
  static const guint8 long_item[] = {
    0x08, 0x00, 0x40, 0x11, 'S', 'Q', 0, 0, 16, 0, 0, 0,
      0xfe, 0xff, 0x00, 0xe0, 0x00, 0x01, 0, 0,  /* item longer than its sequence */
        0x08, 0x00, 0x50, 0x11, 'U', 'I', 0, 0,
  };
  g_autoptr(GBytes) item_too_long = g_bytes_new_static (long_item, sizeof long_item);
  gsize size = g_bytes_get_size (whole), at;
  guint i;

  assert_refused (empty, HZ_DICOM_ERROR_NOT_DICOM);
  assert_refused (text, HZ_DICOM_ERROR_NOT_DICOM);
  assert_refused (cut, HZ_DICOM_ERROR_TRUNCATED);
  assert_refused (item_too_long, HZ_DICOM_ERROR_MALFORMED);

  /* Cut anywhere in the header: a clear error or a shorter data set, never a crash. */
  for (at = 0; at < 1200 && at < size; at += 7)
    {
      g_autoptr(GBytes) part = g_bytes_new_from_bytes (whole, 0, at);
      g_autoptr(GError) error = NULL;
      g_autoptr(HzDicomDataset) ds = parse (part, &error);

      g_assert_true ((ds == NULL) != (error == NULL));
    }

  tw_init (&w, HZ_DICOM_TS_EXPLICIT_LE, TRUE);
  for (i = 0; i < 40; i++)
    {
      tw_sequence (&w, 0x0040, 0xa730);
      tw_item (&w);
    }
  deep = tw_finish (&w);
  assert_refused (deep, HZ_DICOM_ERROR_TOO_DEEP);

  tw_init (&w, HZ_DICOM_TS_EXPLICIT_LE, TRUE);
  tw_sequence (&w, 0x0040, 0xa730);
  tw_item (&w);
  tw_string (&w, 0x0008, 0x0104, "LO", "never closed");
  unclosed = tw_finish (&w);
  assert_refused (unclosed, HZ_DICOM_ERROR_TRUNCATED);

  {
    static const guint8 beyond[] = {
      0x08, 0x00, 0x60, 0x00, 'C', 'S', 2, 0, 'C', 'T',
      0xe0, 0x7f, 0x10, 0x00, 'O', 'W', 0, 0, 0x00, 0x00, 0x00, 0x80, 1, 2, 3, 4,
    };
    huge = g_bytes_new_static (beyond, sizeof beyond);
    assert_refused (huge, HZ_DICOM_ERROR_TRUNCATED);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/dicom/dataset/fixtures", test_fixtures);
  g_test_add_func ("/core/dicom/dataset/encapsulated", test_encapsulated_fixture);
  g_test_add_func ("/core/dicom/dataset/no-preamble", test_no_preamble);
  g_test_add_func ("/core/dicom/dataset/sequences", test_sequences);
  g_test_add_func ("/core/dicom/dataset/defined-length-sequence", test_defined_length_sequence);
  g_test_add_func ("/core/dicom/dataset/charsets", test_charsets);
  g_test_add_func ("/core/dicom/dataset/person-name", test_person_name);
  g_test_add_func ("/core/dicom/dataset/bad-input", test_bad_input);

  return g_test_run ();
}
