/* hz-dicom-codecs-jpeg12.c: 12-bit extended sequential JPEG (ITU T.81
 * process 4, Huffman), the lossy syntax CT and MR archives use for
 * 12-bit images.
 *
 * Written here because Debian 12's libjpeg-turbo is built for 8-bit
 * samples only. One component (grey), which is what 12-bit DICOM holds;
 * baseline-style sequential scans, any restart interval; a floating-point
 * IDCT, which differs from libjpeg's integer one by at most a unit or so
 * (the test measures it against dcmtk's decoder). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "hz-dicom-codecs.h"
#include "hz-dicom-jpeg-huffman.h"

typedef struct {
  guint           precision;
  guint           rows;
  guint           columns;
  guint8          component_id;
  guint8          quant_id;
  guint8          dc_id;
  guint8          ac_id;
  guint           restart_interval;
  gboolean        have_quant[4];
  guint16         quant[4][64];   /* in zig-zag order, as stored */
  HzJpegHuffTable dc[4];
  HzJpegHuffTable ac[4];
} Frame;

/* Zig-zag index to natural (row-major) index, T.81 Figure A.6. */
static const guint8 natural_order[64] = {
   0,  1,  8, 16,  9,  2,  3, 10, 17, 24, 32, 25, 18, 11,  4,  5,
  12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13,  6,  7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
  58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
};

static gboolean
fail (GError **error, const char *what)
{
  g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_CODEC,
               _("The 12-bit JPEG frame is damaged: %s"), what);
  return FALSE;
}

static gboolean
unsupported (GError **error, const char *what)
{
  g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_UNSUPPORTED,
               _("This 12-bit JPEG frame is not supported: %s"), what);
  return FALSE;
}

static gboolean
read_dqt (Frame *f, const guint8 *p, gsize len, GError **error)
{
  while (len > 0)
    {
      guint wide = p[0] >> 4, id = p[0] & 0x0f;
      gsize size = 1 + 64 * (wide ? 2 : 1);

      if (wide > 1 || id > 3 || len < size)
        return fail (error, _("bad quantization table"));
      for (guint i = 0; i < 64; i++)
        f->quant[id][i] = wide ? (guint16) (p[1 + 2 * i] << 8 | p[2 + 2 * i]) : p[1 + i];
      f->have_quant[id] = TRUE;
      p += size;
      len -= size;
    }
  return TRUE;
}

static gboolean
read_sof (Frame *f, const guint8 *p, gsize len, GError **error)
{
  if (len < 9)
    return fail (error, _("short frame header"));
  f->precision = p[0];
  f->rows = (guint) (p[1] << 8 | p[2]);
  f->columns = (guint) (p[3] << 8 | p[4]);
  if (f->precision != 12)
    return unsupported (error, _("bad sample precision"));
  if (f->rows == 0)
    return unsupported (error, _("the number of lines comes after the scan (DNL)"));
  if (p[5] != 1)
    return unsupported (error, _("component count"));
  f->component_id = p[6];
  f->quant_id = p[8] & 0x03;
  return TRUE;
}

static gboolean
read_sos (Frame *f, const guint8 *p, gsize len, GError **error)
{
  if (len < 6 || p[0] != 1)
    return unsupported (error, _("components in separate scans"));
  if (p[1] != f->component_id)
    return fail (error, _("scan before frame header"));
  f->dc_id = p[2] >> 4;
  f->ac_id = p[2] & 0x0f;
  if (f->dc_id > 3 || f->ac_id > 3 || !f->dc[f->dc_id].present || !f->ac[f->ac_id].present)
    return fail (error, _("scan uses a missing Huffman table"));
  if (!f->have_quant[f->quant_id])
    return fail (error, _("bad quantization table"));
  if (p[3] != 0 || p[4] != 63 || p[5] != 0)
    return unsupported (error, _("not a sequential scan"));
  return TRUE;
}

/* F.2.2.2: one block's coefficients, dequantized, in natural order. */
static gboolean
decode_block (const Frame *f, HzJpegBitReader *br, gint32 *dc_pred, float coef[64])
{
  const HzJpegHuffTable *dc = &f->dc[f->dc_id], *ac = &f->ac[f->ac_id];
  const guint16 *q = f->quant[f->quant_id];
  int s = _hz_jpeg_decode_symbol (br, dc);

  memset (coef, 0, 64 * sizeof (float));
  if (s < 0 || s > 15)
    return FALSE;
  *dc_pred += s ? _hz_jpeg_receive_extend (br, (guint) s) : 0;
  coef[0] = (float) (*dc_pred * q[0]);
  for (guint k = 1; k < 64; k++)
    {
      int rs = _hz_jpeg_decode_symbol (br, ac);
      guint r, size;

      if (rs < 0)
        return FALSE;
      r = (guint) rs >> 4;
      size = (guint) rs & 15;
      if (size == 0)
        {
          if (r != 15)
            break;          /* end of block */
          k += 15;          /* sixteen zeros */
          continue;
        }
      k += r;
      if (k > 63)
        return FALSE;
      coef[natural_order[k]] = (float) (_hz_jpeg_receive_extend (br, size) * q[k]);
    }
  return TRUE;
}

/* The separable 8x8 inverse DCT of A.3.3, with a precomputed basis. */
static void
idct (const float in[64], float out[64], const float basis[8][8])
{
  float tmp[64];

  for (guint y = 0; y < 8; y++)
    for (guint x = 0; x < 8; x++)
      {
        float sum = 0;

        for (guint u = 0; u < 8; u++)
          sum += basis[x][u] * in[y * 8 + u];
        tmp[y * 8 + x] = sum;
      }
  for (guint x = 0; x < 8; x++)
    for (guint y = 0; y < 8; y++)
      {
        float sum = 0;

        for (guint v = 0; v < 8; v++)
          sum += basis[y][v] * tmp[v * 8 + x];
        out[y * 8 + x] = sum;
      }
}

static gboolean
decode_scan (const Frame *f, HzJpegBitReader *br, guint32 *out, GError **error)
{
  guint bw = (f->columns + 7) / 8, bh = (f->rows + 7) / 8;
  guint64 n_blocks = (guint64) bw * bh, done = 0;
  gint32 dc_pred = 0, level_shift = 1 << (f->precision - 1), max = (1 << f->precision) - 1;
  float basis[8][8], coef[64], pixels[64];

  for (guint x = 0; x < 8; x++)
    for (guint u = 0; u < 8; u++)
      basis[x][u] = (float) ((u == 0 ? M_SQRT1_2 : 1.0) / 2.0 * cos ((2 * x + 1) * u * M_PI / 16));

  for (guint by = 0; by < bh; by++)
    for (guint bx = 0; bx < bw; bx++, done++)
      {
        if (f->restart_interval && done > 0 && done % f->restart_interval == 0)
          {
            if (!_hz_jpeg_bits_restart (br))
              return fail (error, _("missing restart marker"));
            dc_pred = 0;
          }
        if (!decode_block (f, br, &dc_pred, coef))
          return fail (error, _("bad Huffman code"));
        idct (coef, pixels, basis);
        for (guint y = 0; y < 8 && by * 8 + y < f->rows; y++)
          for (guint x = 0; x < 8 && bx * 8 + x < f->columns; x++)
            {
              gint32 v = (gint32) lrintf (pixels[y * 8 + x]) + level_shift;

              out[(gsize) (by * 8 + y) * f->columns + bx * 8 + x] = (guint32) CLAMP (v, 0, max);
            }
        if (_hz_jpeg_bits_overran (br))
          return fail (error, _("the data ends early"));
      }
  g_assert (done == n_blocks);
  return TRUE;
}

gboolean
_hz_dicom_decode_jpeg12 (const guint8        *data,
                         gsize                length,
                         const HzDicomLayout *layout,
                         guint32             *out,
                         GError             **error)
{
  g_autofree Frame *f = g_new0 (Frame, 1);
  gboolean have_frame = FALSE;
  HzJpegSegments it;
  const char *why = NULL;
  const guint8 *body;
  gsize len;
  guint8 marker;

  if (!_hz_jpeg_segments_init (&it, data, length, &why))
    return fail (error, _(why));
  while (_hz_jpeg_segments_next (&it, &marker, &body, &len, &why))
    {
      switch (marker)
        {
        case 0xc0:
        case 0xc1:
          if (!read_sof (f, body, len, error))
            return FALSE;
          have_frame = TRUE;
          break;
        case 0xc4:
          if (!_hz_jpeg_read_dht (body, len, f->dc, f->ac, &why))
            return fail (error, _(why));
          break;
        case 0xdb:
          if (!read_dqt (f, body, len, error))
            return FALSE;
          break;
        case 0xdd:
          if (len < 2)
            return fail (error, _("short restart interval"));
          f->restart_interval = (guint) (body[0] << 8 | body[1]);
          break;
        case 0xda:
          {
            HzJpegBitReader br;

            if (!have_frame)
              return fail (error, _("scan before frame header"));
            if (!read_sos (f, body, len, error))
              return FALSE;
            if (f->rows != layout->rows || f->columns != layout->columns || layout->samples != 1)
              {
                g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_CODEC,
                             _("The 12-bit JPEG frame is %u × %u; the header says %u × %u"),
                             f->columns, f->rows, layout->columns, layout->rows);
                return FALSE;
              }
            _hz_jpeg_bits_init (&br, data, length, it.pos);
            return decode_scan (f, &br, out, error);
          }
        default:
          if (marker >= 0xc2 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc)
            return unsupported (error, _("not a sequential Huffman frame"));
          break;  /* APPn, COM and the like: skipped */
        }
    }
  return fail (error, _(why));
}
