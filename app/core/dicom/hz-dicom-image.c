/* hz-dicom-image.c: the image pixel module, frame by frame: native pixel
 * data unpacked here, compressed frames handed to hz-dicom-codecs-*.c,
 * then all of them masked to BitsStored and sign-extended the same way.
 *
 * The inner loops are written out per sample size, without callbacks per
 * pixel: a 1024x1024 CR decodes in a few milliseconds. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hz-dicom-codecs.h"
#include "hz-dicom-dataset-private.h"
#include "hz-dicom-image.h"
#include "hz-dicom-palette.h"

#define TAG_SAMPLES     HZ_DICOM_TAG (0x0028, 0x0002)
#define TAG_PHOTOMETRIC HZ_DICOM_TAG (0x0028, 0x0004)
#define TAG_PLANAR      HZ_DICOM_TAG (0x0028, 0x0006)
#define TAG_N_FRAMES    HZ_DICOM_TAG (0x0028, 0x0008)
#define TAG_ROWS        HZ_DICOM_TAG (0x0028, 0x0010)
#define TAG_COLUMNS     HZ_DICOM_TAG (0x0028, 0x0011)
#define TAG_BITS_ALLOC  HZ_DICOM_TAG (0x0028, 0x0100)
#define TAG_BITS_STORED HZ_DICOM_TAG (0x0028, 0x0101)
#define TAG_HIGH_BIT    HZ_DICOM_TAG (0x0028, 0x0102)
#define TAG_PIXEL_REP   HZ_DICOM_TAG (0x0028, 0x0103)
#define TAG_WIN_CENTRE  HZ_DICOM_TAG (0x0028, 0x1050)
#define TAG_WIN_WIDTH   HZ_DICOM_TAG (0x0028, 0x1051)
#define TAG_INTERCEPT   HZ_DICOM_TAG (0x0028, 0x1052)
#define TAG_SLOPE       HZ_DICOM_TAG (0x0028, 0x1053)

/* No real image has more frames; a bigger count is a corrupt header. */
#define MAX_FRAMES      100000

typedef enum {
  SYNTAX_NATIVE,
  SYNTAX_RLE,
  SYNTAX_JPEG,
  SYNTAX_JPEG_LOSSLESS,
  SYNTAX_J2K,
  SYNTAX_JPEGLS,
} Syntax;

struct _HzDicomImage
{
  GObject         parent_instance;

  HzDicomDataset *dataset;
  HzDicomLayout   layout;
  guint           high_bit;
  guint           planar;
  guint           n_frames;
  char           *photometric;
  Syntax          syntax;
  double          slope;
  double          intercept;
  GArray         *windows;   /* HzDicomWindow */
  HzDicomPalette *palette;   /* PALETTE COLOR only */
};

G_DEFINE_FINAL_TYPE (HzDicomImage, hz_dicom_image, G_TYPE_OBJECT)

static void
hz_dicom_image_finalize (GObject *object)
{
  HzDicomImage *self = HZ_DICOM_IMAGE (object);

  g_clear_object (&self->dataset);
  g_clear_pointer (&self->photometric, g_free);
  g_clear_pointer (&self->windows, g_array_unref);
  g_clear_pointer (&self->palette, _hz_dicom_palette_free);

  G_OBJECT_CLASS (hz_dicom_image_parent_class)->finalize (object);
}

static void
hz_dicom_image_class_init (HzDicomImageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hz_dicom_image_finalize;
}

static void
hz_dicom_image_init (HzDicomImage *self)
{
  self->windows = g_array_new (FALSE, FALSE, sizeof (HzDicomWindow));
}

static gboolean
get_required (HzDicomDataset *ds, guint32 tag, const char *name, gint64 min, gint64 max,
              gint64 *value, GError **error)
{
  if (!hz_dicom_dataset_get_int (ds, tag, 0, value))
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_MISSING,
                   _("The image has no %s"), name);
      return FALSE;
    }
  if (*value < min || *value > max)
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_UNSUPPORTED,
                   _("The image’s %s (%lld) is out of range"), name, (long long) *value);
      return FALSE;
    }
  return TRUE;
}

static gboolean
pick_syntax (HzDicomImage *self, GError **error)
{
  const char *ts = hz_dicom_dataset_get_transfer_syntax (self->dataset);
  gboolean encapsulated = hz_dicom_dataset_is_encapsulated (self->dataset, HZ_DICOM_TAG_PIXEL_DATA);

  if (!encapsulated)
    self->syntax = SYNTAX_NATIVE;
  else if (g_strcmp0 (ts, HZ_DICOM_TS_RLE) == 0)
    self->syntax = SYNTAX_RLE;
  else if (g_strcmp0 (ts, HZ_DICOM_TS_JPEG_BASELINE) == 0 || g_strcmp0 (ts, HZ_DICOM_TS_JPEG_EXTENDED) == 0)
    self->syntax = SYNTAX_JPEG;
  else if (g_strcmp0 (ts, HZ_DICOM_TS_JPEG_LOSSLESS) == 0 || g_strcmp0 (ts, HZ_DICOM_TS_JPEG_LOSSLESS_SV1) == 0)
    self->syntax = SYNTAX_JPEG_LOSSLESS;
  else if (g_strcmp0 (ts, HZ_DICOM_TS_J2K_LOSSLESS) == 0 || g_strcmp0 (ts, HZ_DICOM_TS_J2K) == 0)
    self->syntax = SYNTAX_J2K;
  else if (g_strcmp0 (ts, HZ_DICOM_TS_JPEG_LS_LOSSLESS) == 0 || g_strcmp0 (ts, HZ_DICOM_TS_JPEG_LS_NEAR) == 0)
    self->syntax = SYNTAX_JPEGLS;
  else
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_UNSUPPORTED,
                   _("Pixel data in transfer syntax %s cannot be decoded"), ts ? ts : "?");
      return FALSE;
    }
  return TRUE;
}

static void
read_windows (HzDicomImage *self)
{
  guint i, n = hz_dicom_dataset_get_n_values (self->dataset, TAG_WIN_CENTRE);

  for (i = 0; i < n && i < 16; i++)
    {
      HzDicomWindow w;

      if (hz_dicom_dataset_get_double (self->dataset, TAG_WIN_CENTRE, i, &w.centre)
          && hz_dicom_dataset_get_double (self->dataset, TAG_WIN_WIDTH, i, &w.width)
          && w.width >= 1)
        g_array_append_val (self->windows, w);
    }
}

HzDicomImage *
hz_dicom_image_new (HzDicomDataset  *dataset,
                    GError         **error)
{
  g_autoptr(HzDicomImage) self = g_object_new (HZ_TYPE_DICOM_IMAGE, NULL);
  gint64 rows, columns, samples, alloc, stored, high_bit, rep, planar = 0, frames = 1;
  guint64 frame_values;

  g_return_val_if_fail (HZ_IS_DICOM_DATASET (dataset), NULL);
  self->dataset = g_object_ref (dataset);

  if (!hz_dicom_dataset_contains (dataset, HZ_DICOM_TAG_PIXEL_DATA))
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_MISSING, _("The file holds no image"));
      return NULL;
    }
  if (!get_required (dataset, TAG_ROWS, "Rows", 1, 65535, &rows, error)
      || !get_required (dataset, TAG_COLUMNS, "Columns", 1, 65535, &columns, error)
      || !get_required (dataset, TAG_SAMPLES, "SamplesPerPixel", 1, 3, &samples, error)
      || !get_required (dataset, TAG_BITS_ALLOC, "BitsAllocated", 8, 32, &alloc, error)
      || !get_required (dataset, TAG_BITS_STORED, "BitsStored", 1, alloc, &stored, error)
      || !get_required (dataset, TAG_PIXEL_REP, "PixelRepresentation", 0, 1, &rep, error))
    return NULL;
  if (!hz_dicom_dataset_get_int (dataset, TAG_HIGH_BIT, 0, &high_bit))
    high_bit = stored - 1;
  if (alloc % 8 != 0 || alloc == 24 || samples == 2 || high_bit < stored - 1 || high_bit >= alloc)
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_UNSUPPORTED,
                   _("Unsupported pixel layout: %d samples of %d bits, %d stored, high bit %d"),
                   (int) samples, (int) alloc, (int) stored, (int) high_bit);
      return NULL;
    }
  if (hz_dicom_dataset_contains (dataset, TAG_PLANAR)
      && !get_required (dataset, TAG_PLANAR, "PlanarConfiguration", 0, 1, &planar, error))
    return NULL;
  if (hz_dicom_dataset_contains (dataset, TAG_N_FRAMES)
      && !get_required (dataset, TAG_N_FRAMES, "NumberOfFrames", 1, MAX_FRAMES, &frames, error))
    return NULL;

  self->photometric = hz_dicom_dataset_get_string (dataset, TAG_PHOTOMETRIC);
  if (self->photometric == NULL)
    self->photometric = g_strdup (samples == 1 ? "MONOCHROME2" : "RGB");
  if (samples == 1 ? !(g_str_equal (self->photometric, "MONOCHROME1") || g_str_equal (self->photometric, "MONOCHROME2")
                       || g_str_equal (self->photometric, "PALETTE COLOR"))
                   : !(g_str_equal (self->photometric, "RGB") || g_str_has_prefix (self->photometric, "YBR_")))
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_UNSUPPORTED,
                   _("Photometric interpretation %s with %d samples per pixel is not supported"),
                   self->photometric, (int) samples);
      return NULL;
    }

  /* A palette image decodes to three samples per stored one. */
  frame_values = (guint64) rows * (guint64) columns * (guint64) (samples == 1 && g_str_equal (self->photometric, "PALETTE COLOR") ? 3 : samples);
  if (frame_values * (guint64) (alloc / 8) > HZ_DICOM_MAX_FRAME_BYTES
      || frame_values * sizeof (gint32) > HZ_DICOM_MAX_FRAME_BYTES)
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_TOO_LARGE,
                   _("A frame of %d × %d would need more than %u MiB"),
                   (int) columns, (int) rows, HZ_DICOM_MAX_FRAME_BYTES >> 20);
      return NULL;
    }

  self->layout.rows = (guint) rows;
  self->layout.columns = (guint) columns;
  self->layout.samples = (guint) samples;
  self->layout.bits_allocated = (guint) alloc;
  self->layout.bits_stored = (guint) stored;
  self->layout.is_signed = rep == 1;
  self->layout.ybr = g_str_has_prefix (self->photometric, "YBR_");
  self->high_bit = (guint) high_bit;
  self->planar = (guint) planar;
  self->n_frames = (guint) frames;
  if (!hz_dicom_dataset_get_double (dataset, TAG_SLOPE, 0, &self->slope) || self->slope == 0)
    self->slope = 1;
  if (!hz_dicom_dataset_get_double (dataset, TAG_INTERCEPT, 0, &self->intercept))
    self->intercept = 0;
  read_windows (self);
  if (g_str_equal (self->photometric, "PALETTE COLOR"))
    {
      self->palette = _hz_dicom_palette_new (dataset, rep == 1, error);
      if (self->palette == NULL)
        return NULL;
    }

  if (!pick_syntax (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

HzDicomDataset *hz_dicom_image_get_dataset (HzDicomImage *self) { return self->dataset; }
guint hz_dicom_image_get_rows (HzDicomImage *self) { return self->layout.rows; }
guint hz_dicom_image_get_columns (HzDicomImage *self) { return self->layout.columns; }
guint hz_dicom_image_get_n_frames (HzDicomImage *self) { return self->n_frames; }
guint hz_dicom_image_get_samples_per_pixel (HzDicomImage *self) { return self->layout.samples; }
guint hz_dicom_image_get_bits_allocated (HzDicomImage *self) { return self->layout.bits_allocated; }
guint hz_dicom_image_get_bits_stored (HzDicomImage *self) { return self->layout.bits_stored; }
gboolean hz_dicom_image_is_signed (HzDicomImage *self) { return self->layout.is_signed; }
const char *hz_dicom_image_get_photometric (HzDicomImage *self) { return self->photometric; }
double hz_dicom_image_get_rescale_slope (HzDicomImage *self) { return self->slope; }
double hz_dicom_image_get_rescale_intercept (HzDicomImage *self) { return self->intercept; }
guint hz_dicom_image_get_n_windows (HzDicomImage *self) { return self->windows->len; }

gboolean
hz_dicom_image_get_window (HzDicomImage  *self,
                           guint          index,
                           HzDicomWindow *window)
{
  g_return_val_if_fail (HZ_IS_DICOM_IMAGE (self), FALSE);
  if (index >= self->windows->len)
    return FALSE;
  *window = g_array_index (self->windows, HzDicomWindow, index);
  return TRUE;
}

/* Native pixel data: the word size and byte order of the allocated bits. */
static void
unpack_native (const guint8 *src, gsize n, guint bytes, gboolean big_endian, guint32 *out)
{
  gsize i;

  if (bytes == 1)
    for (i = 0; i < n; i++)
      out[i] = src[i];
  else if (bytes == 2 && !big_endian)
    for (i = 0; i < n; i++, src += 2)
      out[i] = (guint32) src[0] | ((guint32) src[1] << 8);
  else if (bytes == 2)
    for (i = 0; i < n; i++, src += 2)
      out[i] = ((guint32) src[0] << 8) | src[1];
  else if (!big_endian)
    for (i = 0; i < n; i++, src += 4)
      out[i] = (guint32) src[0] | ((guint32) src[1] << 8) | ((guint32) src[2] << 16) | ((guint32) src[3] << 24);
  else
    for (i = 0; i < n; i++, src += 4)
      out[i] = ((guint32) src[0] << 24) | ((guint32) src[1] << 16) | ((guint32) src[2] << 8) | src[3];
}

/* Bits above the high bit may hold overlays or garbage: keep BitsStored
 * bits and extend the sign from the top one. */
static void
normalise (guint32 *values, gsize n, guint shift, guint bits, gboolean is_signed)
{
  guint32 mask = bits >= 32 ? G_MAXUINT32 : (1u << bits) - 1;
  guint32 sign = 1u << (bits - 1);
  gsize i;

  if (is_signed)
    for (i = 0; i < n; i++)
      {
        guint32 v = (values[i] >> shift) & mask;
        values[i] = (v ^ sign) - sign;
      }
  else
    for (i = 0; i < n; i++)
      values[i] = (values[i] >> shift) & mask;
}

static void
planar_to_interleaved (guint32 *values, gsize pixels)
{
  g_autofree guint32 *planes = g_memdup2 (values, pixels * 3 * sizeof (guint32));
  gsize i;

  for (i = 0; i < pixels; i++)
    {
      values[3 * i] = planes[i];
      values[3 * i + 1] = planes[pixels + i];
      values[3 * i + 2] = planes[2 * pixels + i];
    }
}

/* YCbCr (full range, PS3.3 C.7.6.3.1.2) to RGB, in place. */
static void
ybr_to_rgb (guint32 *values, gsize pixels, guint bits)
{
  gint64 max = (1 << bits) - 1;
  double half = (double) (1 << (bits - 1));
  gsize i;

  for (i = 0; i < pixels; i++)
    {
      double y = values[3 * i], cb = (double) values[3 * i + 1] - half, cr = (double) values[3 * i + 2] - half;
      gint64 r = (gint64) (y + 1.402 * cr + 0.5);
      gint64 g = (gint64) (y - 0.344136 * cb - 0.714136 * cr + 0.5);
      gint64 b = (gint64) (y + 1.772 * cb + 0.5);

      values[3 * i] = (guint32) CLAMP (r, 0, max);
      values[3 * i + 1] = (guint32) CLAMP (g, 0, max);
      values[3 * i + 2] = (guint32) CLAMP (b, 0, max);
    }
}

/* YBR_FULL_422 native data: Y1 Y2 Cb Cr for each pair of pixels. */
static void
expand_422 (const guint32 *src, guint rows, guint columns, guint32 *out)
{
  guint r, c;

  for (r = 0; r < rows; r++)
    for (c = 0; c < columns; c++)
      {
        const guint32 *pair = src + ((gsize) r * ((columns + 1) / 2) + c / 2) * 4;
        guint32 *px = out + ((gsize) r * columns + c) * 3;

        px[0] = pair[c & 1];
        px[1] = pair[2];
        px[2] = pair[3];
      }
}

static gsize
native_frame_words (HzDicomImage *self)
{
  const HzDicomLayout *l = &self->layout;

  if (g_str_equal (self->photometric, "YBR_FULL_422") && l->samples == 3)
    return (gsize) l->rows * ((l->columns + 1) / 2) * 4;
  return (gsize) l->rows * l->columns * l->samples;
}

static gboolean
native_frame_present (HzDicomImage *self, guint index, GError **error)
{
  gsize length = 0;
  const guint8 *data = hz_dicom_dataset_get_raw (self->dataset, HZ_DICOM_TAG_PIXEL_DATA, &length);

  if (data == NULL
      || (guint64) native_frame_words (self) * (self->layout.bits_allocated / 8) * (index + 1) > length)
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_TRUNCATED,
                   _("The pixel data is too short for frame %u"), index + 1);
      return FALSE;
    }
  return TRUE;
}

static gboolean
decode_native (HzDicomImage *self, guint index, guint32 *out, gboolean *is_422, GError **error)
{
  const HzDicomLayout *l = &self->layout;
  guint bytes = l->bits_allocated / 8;
  gsize pixels = (gsize) l->rows * l->columns;
  gsize n_words, length = 0;
  const guint8 *data;
  const char *vr;
  gboolean big_endian = FALSE;

  *is_422 = g_str_equal (self->photometric, "YBR_FULL_422") && l->samples == 3;
  n_words = native_frame_words (self);
  if (!native_frame_present (self, index, error))
    return FALSE;
  data = hz_dicom_dataset_get_raw (self->dataset, HZ_DICOM_TAG_PIXEL_DATA, &length);
  /* OB is a byte stream in any byte order; OW and OL follow the syntax. */
  vr = hz_dicom_dataset_get_vr (self->dataset, HZ_DICOM_TAG_PIXEL_DATA);
  big_endian = g_strcmp0 (hz_dicom_dataset_get_transfer_syntax (self->dataset), HZ_DICOM_TS_EXPLICIT_BE) == 0
               && g_strcmp0 (vr, "OB") != 0;
  if (big_endian && bytes == 1)
    {
      /* 8-bit samples in OW: big endian swaps each pair of bytes. */
      gsize start = (gsize) index * n_words, i;
      g_autofree guint32 *packed = *is_422 ? g_new (guint32, n_words) : NULL;
      guint32 *dst = packed ? packed : out;

      for (i = 0; i < n_words; i++)
        {
          gsize at = (start + i) ^ 1;
          dst[i] = at < length ? data[at] : 0;
        }
      if (*is_422)
        expand_422 (packed, l->rows, l->columns, out);
      else if (l->samples == 3 && self->planar == 1)
        planar_to_interleaved (out, pixels);
      return TRUE;
    }
  data += (gsize) index * n_words * bytes;

  if (*is_422)
    {
      g_autofree guint32 *packed = g_new (guint32, n_words);

      unpack_native (data, n_words, bytes, big_endian, packed);
      expand_422 (packed, l->rows, l->columns, out);
    }
  else
    {
      unpack_native (data, n_words, bytes, big_endian, out);
      if (l->samples == 3 && self->planar == 1)
        planar_to_interleaved (out, pixels);
    }
  return TRUE;
}

/* The bytes of one compressed frame: its fragments, joined if need be. */
static GBytes *
frame_bytes (HzDicomImage *self, guint index, GError **error)
{
  HzDicomDataset *ds = self->dataset;
  guint n_fragments = hz_dicom_dataset_get_n_fragments (ds, HZ_DICOM_TAG_PIXEL_DATA);
  guint n_offsets, first = 0, last = 0, i;
  const guint32 *offsets = hz_dicom_dataset_get_offset_table (ds, HZ_DICOM_TAG_PIXEL_DATA, &n_offsets);
  g_autoptr(GByteArray) joined = NULL;

  if (n_fragments == 0)
    goto missing;
  if (self->n_frames == 1)
    {
      first = 0;
      last = n_fragments;
    }
  else if (n_offsets == self->n_frames)
    {
      /* Offsets count bytes from the first fragment's item header. */
      guint64 pos = 0;
      guint32 start = offsets[index];
      guint32 stop = index + 1 < n_offsets ? offsets[index + 1] : G_MAXUINT32;

      first = last = G_MAXUINT;
      for (i = 0; i < n_fragments; i++)
        {
          gsize len;

          hz_dicom_dataset_get_fragment (ds, HZ_DICOM_TAG_PIXEL_DATA, i, &len);
          if (pos == start)
            first = i;
          if (first != G_MAXUINT && pos < stop)
            last = i + 1;
          pos += 8 + len;
        }
      if (first == G_MAXUINT || last == G_MAXUINT || last <= first)
        goto missing;
    }
  else if (n_fragments == self->n_frames)
    {
      first = index;
      last = index + 1;
    }
  else
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_UNSUPPORTED,
                   _("The frames cannot be told apart: %u fragments for %u frames and no offset table"),
                   n_fragments, self->n_frames);
      return NULL;
    }

  if (last - first == 1)
    {
      gsize len;
      const guint8 *data = hz_dicom_dataset_get_fragment (ds, HZ_DICOM_TAG_PIXEL_DATA, first, &len);
      return g_bytes_new_static (data, len);  /* the data set outlives the frame decode */
    }
  joined = g_byte_array_new ();
  for (i = first; i < last; i++)
    {
      gsize len;
      const guint8 *data = hz_dicom_dataset_get_fragment (ds, HZ_DICOM_TAG_PIXEL_DATA, i, &len);
      g_byte_array_append (joined, data, (guint) len);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&joined));

missing:
  g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_MALFORMED,
               _("Frame %u is missing from the encapsulated pixel data"), index + 1);
  return NULL;
}

/* The indices through the palette: the frame becomes RGB with the
 * palette's bit depth, which is what a viewer and pydicom show. */
static HzDicomFrame *
palette_frame (HzDicomImage *self, HzDicomFrame *frame_in, const gint32 *indices,
               gsize pixels, GError **error)
{
  g_autoptr(HzDicomFrame) frame = frame_in;
  guint bits = _hz_dicom_palette_bits (self->palette);

  frame->values = g_try_new (gint32, pixels * 3);
  if (frame->values == NULL)
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_TOO_LARGE, _("Not enough memory for the frame"));
      return NULL;
    }
  _hz_dicom_palette_apply (self->palette, indices, pixels, frame->values);
  frame->samples_per_pixel = 3;
  frame->bits_allocated = bits;
  frame->bits_stored = bits;
  frame->is_signed = FALSE;
  frame->photometric = g_strdup ("RGB");
  return g_steal_pointer (&frame);
}

HzDicomFrame *
hz_dicom_image_decode_frame (HzDicomImage  *self,
                             guint          index,
                             GError       **error)
{
  const HzDicomLayout *l;
  g_autoptr(HzDicomFrame) frame = NULL;
  g_autofree guint32 *values = NULL;
  gsize pixels, n;
  guint shift = 0;
  gboolean colour_converted = FALSE;

  g_return_val_if_fail (HZ_IS_DICOM_IMAGE (self), NULL);
  l = &self->layout;
  if (index >= self->n_frames)
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_MISSING,
                   _("The image has %u frames; there is no frame %u"), self->n_frames, index + 1);
      return NULL;
    }
  pixels = (gsize) l->rows * l->columns;
  n = pixels * l->samples;
  /* Check the data is there before allocating for it: a 40-byte file
   * must not cost the 512 MiB its header claims. */
  if (self->syntax == SYNTAX_NATIVE && !native_frame_present (self, index, error))
    return NULL;
  values = g_try_new0 (guint32, n);
  if (values == NULL)
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_TOO_LARGE, _("Not enough memory for the frame"));
      return NULL;
    }

  if (self->syntax == SYNTAX_NATIVE)
    {
      gboolean is_422;

      if (!decode_native (self, index, values, &is_422, error))
        return NULL;
      shift = self->high_bit + 1 - l->bits_stored;
    }
  else
    {
      g_autoptr(GBytes) bytes = frame_bytes (self, index, error);
      gsize len;
      const guint8 *data;
      gboolean ok = FALSE;

      if (bytes == NULL)
        return NULL;
      data = g_bytes_get_data (bytes, &len);
      switch (self->syntax)
        {
        case SYNTAX_RLE:
          ok = _hz_dicom_decode_rle (data, len, l, values, error);
          shift = self->high_bit + 1 - l->bits_stored;
          break;
        case SYNTAX_JPEG:
          ok = _hz_dicom_decode_jpeg (data, len, l, values, error);
          colour_converted = TRUE;  /* libjpeg converts YCbCr itself */
          break;
        case SYNTAX_JPEG_LOSSLESS:
          ok = _hz_dicom_decode_jpeg_lossless (data, len, l, values, error);
          break;
        case SYNTAX_J2K:
          ok = _hz_dicom_decode_j2k (data, len, l, values, error);
          colour_converted = TRUE;  /* OpenJPEG undoes the ICT/RCT */
          break;
        case SYNTAX_JPEGLS:
          ok = _hz_dicom_decode_jpegls (data, len, l, values, error);
          break;
        case SYNTAX_NATIVE:
        default:
          g_assert_not_reached ();
        }
      if (!ok)
        return NULL;
    }

  normalise (values, n, shift, l->bits_stored, l->is_signed);
  if (l->samples == 3 && l->ybr && !colour_converted && !l->is_signed && l->bits_stored <= 16)
    ybr_to_rgb (values, pixels, l->bits_stored);

  frame = g_new0 (HzDicomFrame, 1);
  frame->rows = l->rows;
  frame->columns = l->columns;
  if (self->palette != NULL)
    return palette_frame (self, g_steal_pointer (&frame), (gint32 *) values, pixels, error);
  frame->samples_per_pixel = l->samples;
  frame->bits_allocated = l->bits_allocated;
  frame->bits_stored = l->bits_stored;
  frame->is_signed = l->is_signed;
  frame->photometric = g_strdup (l->samples == 3 ? "RGB" : self->photometric);
  frame->values = (gint32 *) g_steal_pointer (&values);
  return g_steal_pointer (&frame);
}

guint8 *
hz_dicom_image_render_frame (HzDicomImage        *self,
                             const HzDicomFrame  *frame,
                             const HzDicomWindow *window,
                             gsize               *length)
{
  HzDicomWindow file_window;

  g_return_val_if_fail (HZ_IS_DICOM_IMAGE (self), NULL);
  if (window == NULL && hz_dicom_image_get_window (self, 0, &file_window))
    window = &file_window;
  return hz_dicom_frame_render (frame, self->slope, self->intercept, window, length);
}
