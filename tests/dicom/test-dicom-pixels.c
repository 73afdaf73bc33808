/* test-dicom-pixels.c: pixel layouts built by hand, windows, RLE and
 * the refusals that keep hostile headers from costing memory. */
#include "config.h"

#include <string.h>

#include "dicom-test-writer.h"
#include "hz-dicom-image.h"
#include "hz-dicom-window.h"

typedef struct {
  guint rows, columns, samples, alloc, stored, high_bit, rep, planar, frames;
  const char *photometric;
} Layout;

static void
write_layout (TestWriter *w, const Layout *l)
{
  char frames[16];

  tw_u16 (w, 0x0028, 0x0002, l->samples);
  tw_string (w, 0x0028, 0x0004, "CS", l->photometric);
  if (l->samples > 1)
    tw_u16 (w, 0x0028, 0x0006, l->planar);
  if (l->frames > 1)
    {
      g_snprintf (frames, sizeof frames, "%u", l->frames);
      tw_string (w, 0x0028, 0x0008, "IS", frames);
    }
  tw_u16 (w, 0x0028, 0x0010, l->rows);
  tw_u16 (w, 0x0028, 0x0011, l->columns);
  tw_u16 (w, 0x0028, 0x0100, l->alloc);
  tw_u16 (w, 0x0028, 0x0101, l->stored);
  tw_u16 (w, 0x0028, 0x0102, l->high_bit);
  tw_u16 (w, 0x0028, 0x0103, l->rep);
}

static HzDicomImage *
image_from (const Layout *l, const void *pixels, gsize length, GError **error)
{
  TestWriter w;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(HzDicomDataset) ds = NULL;

  tw_init (&w, "1.2.840.10008.1.2.1", TRUE);
  write_layout (&w, l);
  tw_element (&w, 0x7fe0, 0x0010, l->alloc > 8 ? "OW" : "OB", pixels, length);
  bytes = tw_finish (&w);
  ds = hz_dicom_dataset_new_from_bytes (bytes, error);
  g_assert_nonnull (ds);
  return hz_dicom_image_new (ds, error);
}

static HzDicomFrame *
decode_one (const Layout *l, const void *pixels, gsize length, guint index)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzDicomImage) image = image_from (l, pixels, length, &error);
  HzDicomFrame *frame;

  g_assert_no_error (error);
  frame = hz_dicom_image_decode_frame (image, index, &error);
  g_assert_no_error (error);
  return frame;
}

/* Bits above the high bit carry garbage (an old overlay); they must go,
 * and the sign must come from bit 11. */
static void
test_bits_stored (void)
{
  static const guint16 words[] = { 0xf800, 0x07ff, 0xa123, 0x0fff, 0x0000, 0x5801 };
  Layout signed12 = { 2, 3, 1, 16, 12, 11, 1, 0, 1, "MONOCHROME2" };
  Layout unsigned12 = { 2, 3, 1, 16, 12, 11, 0, 0, 1, "MONOCHROME2" };
  Layout shifted = { 2, 3, 1, 16, 12, 15, 1, 0, 1, "MONOCHROME2" };  /* high bit 15: values sit in the top bits */
  guint8 le[12];
  guint i;
  g_autoptr(HzDicomFrame) s = NULL;
  g_autoptr(HzDicomFrame) u = NULL;
  g_autoptr(HzDicomFrame) h = NULL;

  for (i = 0; i < 6; i++)
    {
      le[2 * i] = words[i] & 0xff;
      le[2 * i + 1] = words[i] >> 8;
    }
  s = decode_one (&signed12, le, sizeof le, 0);
  g_assert_cmpint (s->values[0], ==, -2048);
  g_assert_cmpint (s->values[1], ==, 2047);
  g_assert_cmpint (s->values[2], ==, 0x123);
  g_assert_cmpint (s->values[3], ==, -1);
  g_assert_cmpint (s->values[4], ==, 0);
  g_assert_cmpint (s->values[5], ==, -2047);
  g_assert_true (s->is_signed);
  g_assert_cmpuint (s->bits_allocated, ==, 16);

  u = decode_one (&unsigned12, le, sizeof le, 0);
  g_assert_cmpint (u->values[0], ==, 2048);
  g_assert_cmpint (u->values[2], ==, 0x123);
  g_assert_cmpint (u->values[3], ==, 4095);

  h = decode_one (&shifted, le, sizeof le, 0);
  g_assert_cmpint (h->values[0], ==, -128);   /* 0xf80 */
  g_assert_cmpint (h->values[2], ==, -1518);  /* 0xa12 */
  g_assert_cmpint (h->values[5], ==, 0x580);
}

static void
test_signed_8bit_and_frames (void)
{
  static const guint8 data[] = { 0x80, 0x7f, 0xff, 0x01, 10, 20, 30, 40 };
  Layout l = { 2, 2, 1, 8, 8, 7, 1, 0, 2, "MONOCHROME1" };
  g_autoptr(HzDicomFrame) first = decode_one (&l, data, sizeof data, 0);
  g_autoptr(HzDicomFrame) second = decode_one (&l, data, sizeof data, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(HzDicomImage) image = image_from (&l, data, sizeof data, &error);
  g_autoptr(HzDicomFrame) third = NULL;

  g_assert_cmpint (first->values[0], ==, -128);
  g_assert_cmpint (first->values[1], ==, 127);
  g_assert_cmpint (first->values[2], ==, -1);
  g_assert_cmpint (second->values[3], ==, 40);
  g_assert_cmpstr (second->photometric, ==, "MONOCHROME1");
  g_assert_cmpuint (hz_dicom_image_get_n_frames (image), ==, 2);
  third = hz_dicom_image_decode_frame (image, 2, &error);
  g_assert_null (third);
  g_assert_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_MISSING);
}

static void
test_colour (void)
{
  /* Two pixels: pure red and mid grey, in each layout. */
  static const guint8 rgb[] = { 255, 0, 0, 128, 128, 128 };
  static const guint8 planar[] = { 255, 128, 0, 128, 0, 128 };
  /* YCbCr of red (76, 85, 255) and grey (128, 128, 128). */
  static const guint8 ybr[] = { 76, 85, 255, 128, 128, 128 };
  /* 4:2:2 shares chroma across the pair: Y1 Y2 Cb Cr. */
  static const guint8 ybr422[] = { 76, 128, 128, 128 };
  Layout l = { 1, 2, 3, 8, 8, 7, 0, 0, 1, "RGB" };
  g_autoptr(HzDicomFrame) a = decode_one (&l, rgb, sizeof rgb, 0);
  g_autoptr(HzDicomFrame) b = NULL;
  g_autoptr(HzDicomFrame) c = NULL;
  g_autoptr(HzDicomFrame) d = NULL;
  gint32 expected_422[] = { 76, 76, 76, 128, 128, 128 };
  guint i;

  l.planar = 1;
  b = decode_one (&l, planar, sizeof planar, 0);
  l.planar = 0;
  l.photometric = "YBR_FULL";
  c = decode_one (&l, ybr, sizeof ybr, 0);
  l.photometric = "YBR_FULL_422";
  d = decode_one (&l, ybr422, sizeof ybr422, 0);

  for (i = 0; i < 6; i++)
    {
      g_assert_cmpint (a->values[i], ==, rgb[i]);
      g_assert_cmpint (b->values[i], ==, rgb[i]);
      g_assert_cmpint (ABS (c->values[i] - rgb[i]), <=, 1);
      g_assert_cmpint (d->values[i], ==, expected_422[i]);
    }
  g_assert_cmpstr (c->photometric, ==, "RGB");
  g_assert_cmpuint (c->samples_per_pixel, ==, 3);
}

static guint8 *
render (const Layout *l, const void *pixels, gsize length, const HzDicomWindow *w,
        double slope, double intercept)
{
  g_autoptr(HzDicomFrame) frame = decode_one (l, pixels, length, 0);
  gsize n = 0;
  guint8 *out = hz_dicom_frame_render (frame, slope, intercept, w, &n);

  g_assert_cmpuint (n, ==, (gsize) l->rows * l->columns * l->samples);
  return out;
}

static void
test_window (void)
{
  /* Stored 0..3000 with intercept -1024: HU -1024, -600, 40, 1976. */
  static const guint16 stored[] = { 0, 424, 1064, 3000 };
  Layout l = { 2, 2, 1, 16, 16, 15, 0, 0, 1, "MONOCHROME2" };
  HzDicomWindow lung = hz_dicom_preset_get_window (HZ_DICOM_PRESET_LUNG);
  HzDicomWindow mediastinum = hz_dicom_preset_get_window (HZ_DICOM_PRESET_MEDIASTINUM);
  g_autofree guint8 *a = render (&l, stored, sizeof stored, &lung, 1, -1024);
  g_autofree guint8 *b = render (&l, stored, sizeof stored, &mediastinum, 1, -1024);
  g_autofree guint8 *c = NULL;
  g_autofree guint8 *d = NULL;
  HzDicomPreset preset;

  g_assert_cmpint (a[0], ==, 55);   /* -1024 HU lies inside the lung window (-1350..150) */
  g_assert_cmpint (a[1], ==, 128);  /* -600 HU is the lung window's centre */
  g_assert_cmpint (a[3], ==, 255);
  g_assert_cmpint (b[0], ==, 0);
  g_assert_cmpint (b[2], ==, 128);  /* 40 HU is the mediastinal centre */
  g_assert_cmpint (b[3], ==, 255);

  /* No window: the frame's own range. MONOCHROME1 inverts it. */
  c = render (&l, stored, sizeof stored, NULL, 1, 0);
  g_assert_cmpint (c[0], ==, 0);
  g_assert_cmpint (c[3], ==, 255);
  l.photometric = "MONOCHROME1";
  d = render (&l, stored, sizeof stored, NULL, 1, 0);
  g_assert_cmpint (d[0], ==, 255);
  g_assert_cmpint (d[3], ==, 0);

  g_assert_true (hz_dicom_preset_from_id ("soft-tissue", &preset));
  g_assert_cmpint (preset, ==, HZ_DICOM_PRESET_SOFT_TISSUE);
  g_assert_false (hz_dicom_preset_from_id ("kidney", &preset));
  g_assert_cmpfloat (hz_dicom_preset_get_window (HZ_DICOM_PRESET_BONE).width, >, 1000);
  g_assert_cmpfloat (hz_dicom_preset_get_window (HZ_DICOM_PRESET_BRAIN).width, <, 100);
}

static GBytes *
rle_frame (const guint8 *const *segments, const gsize *lengths, guint n)
{
  GByteArray *out = g_byte_array_new ();
  guint32 header[16] = { n };
  guint32 offset = 64;
  guint i;

  for (i = 0; i < n; i++)
    {
      header[1 + i] = GUINT32_TO_LE (offset);
      offset += (guint32) lengths[i];
    }
  header[0] = GUINT32_TO_LE (n);
  g_byte_array_append (out, (const guint8 *) header, 64);
  for (i = 0; i < n; i++)
    g_byte_array_append (out, segments[i], (guint) lengths[i]);
  return g_byte_array_free_to_bytes (out);
}

static HzDicomImage *
rle_image (const Layout *l, GBytes *frame)
{
  TestWriter w;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(HzDicomDataset) ds = NULL;
  g_autoptr(GError) error = NULL;
  const GBytes *fragments[] = { frame };
  HzDicomImage *image;

  tw_init (&w, "1.2.840.10008.1.2.5", TRUE);
  write_layout (&w, l);
  tw_encapsulated (&w, fragments, 1);
  bytes = tw_finish (&w);
  ds = hz_dicom_dataset_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  image = hz_dicom_image_new (ds, &error);
  g_assert_no_error (error);
  return image;
}

static void
test_rle (void)
{
  /* 16-bit, 2x2: high bytes 0x01 x4 (a run), low bytes 1,2,3,4 (literal). */
  static const guint8 high[] = { 0xfd, 0x01 };
  static const guint8 low[] = { 0x03, 1, 2, 3, 4 };
  static const guint8 short_low[] = { 0x02, 1, 2, 3 };
  const guint8 *good[] = { high, low };
  const guint8 *bad[] = { high, short_low };
  gsize good_len[] = { sizeof high, sizeof low };
  gsize bad_len[] = { sizeof high, sizeof short_low };
  Layout l = { 2, 2, 1, 16, 16, 15, 0, 0, 1, "MONOCHROME2" };
  g_autoptr(GBytes) good_frame = rle_frame (good, good_len, 2);
  g_autoptr(GBytes) bad_frame = rle_frame (bad, bad_len, 2);
  g_autoptr(GBytes) one_segment = rle_frame (good, good_len, 1);
  g_autoptr(HzDicomImage) a = rle_image (&l, good_frame);
  g_autoptr(HzDicomImage) b = rle_image (&l, bad_frame);
  g_autoptr(HzDicomImage) c = rle_image (&l, one_segment);
  g_autoptr(HzDicomFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;

  frame = hz_dicom_image_decode_frame (a, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (frame->values[0], ==, 0x0101);
  g_assert_cmpint (frame->values[3], ==, 0x0104);

  g_assert_null (hz_dicom_image_decode_frame (b, 0, &error));
  g_assert_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_CODEC);
  g_assert_null (hz_dicom_image_decode_frame (c, 0, &error2));
  g_assert_error (error2, HZ_DICOM_ERROR, HZ_DICOM_ERROR_CODEC);
}

static void
test_refusals (void)
{
  static const guint8 tiny[8] = { 0 };
  Layout huge = { 65535, 65535, 3, 16, 16, 15, 0, 0, 1, "RGB" };
  Layout odd_bits = { 2, 2, 1, 12, 12, 11, 0, 0, 1, "MONOCHROME2" };
  Layout stored_over = { 2, 2, 1, 8, 9, 8, 0, 0, 1, "MONOCHROME2" };
  Layout palette = { 2, 2, 1, 8, 8, 7, 0, 0, 1, "PALETTE COLOR" };
  Layout short_data = { 64, 64, 1, 16, 16, 15, 0, 0, 1, "MONOCHROME2" };
  struct { const Layout *l; gint code; } cases[] = {
    { &huge, HZ_DICOM_ERROR_TOO_LARGE },
    { &odd_bits, HZ_DICOM_ERROR_UNSUPPORTED },
    { &stored_over, HZ_DICOM_ERROR_UNSUPPORTED },
    { &palette, HZ_DICOM_ERROR_MISSING },      /* a palette image without its tables */
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(HzDicomImage) image = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) e = NULL;
      g_autoptr(HzDicomImage) img = image_from (cases[i].l, tiny, sizeof tiny, &e);

      g_assert_null (img);
      g_assert_error (e, HZ_DICOM_ERROR, cases[i].code);
    }

  image = image_from (&short_data, tiny, sizeof tiny, &error);
  g_assert_no_error (error);
  g_assert_null (hz_dicom_image_decode_frame (image, 0, &error));
  g_assert_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_TRUNCATED);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/dicom/pixels/bits-stored", test_bits_stored);
  g_test_add_func ("/core/dicom/pixels/signed-8bit-frames", test_signed_8bit_and_frames);
  g_test_add_func ("/core/dicom/pixels/colour", test_colour);
  g_test_add_func ("/core/dicom/pixels/window", test_window);
  g_test_add_func ("/core/dicom/pixels/rle", test_rle);
  g_test_add_func ("/core/dicom/pixels/refusals", test_refusals);

  return g_test_run ();
}
