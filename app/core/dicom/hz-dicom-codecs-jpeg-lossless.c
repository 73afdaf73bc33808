/* hz-dicom-codecs-jpeg-lossless.c: lossless JPEG (ITU T.81 process 14,
 * Annex H), the syntax most PACS archives use for lossless CT and CR.
 *
 * Written here because Debian 12's libjpeg-turbo 2.1 has no lossless
 * decoder (it arrived in 3.0). Huffman-coded differences from one of
 * seven predictors, 2 to 16 bits, one to four components interleaved
 * with 1x1 sampling, restart intervals of whole lines, point transform.
 * Anything else is refused with a clear error. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hz-dicom-codecs.h"
#include "hz-dicom-jpeg-huffman.h"

#define MAX_COMPONENTS 4

typedef struct {
  guint      precision;
  guint      rows;
  guint      columns;
  guint      n_components;
  guint8     component_ids[MAX_COMPONENTS];
  guint8     table_of[MAX_COMPONENTS];  /* Huffman table per scan component */
  guint      predictor;
  guint      point_transform;
  guint      restart_interval;          /* in MCUs (samples per component), 0 = none */
  HzJpegHuffTable tables[4];
} Frame;

static gboolean
fail (GError **error, const char *what)
{
  g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_CODEC,
               _("The lossless JPEG frame is damaged: %s"), what);
  return FALSE;
}

static gboolean
unsupported (GError **error, const char *what)
{
  g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_UNSUPPORTED,
               _("This lossless JPEG frame is not supported: %s"), what);
  return FALSE;
}

static gboolean
read_sof3 (Frame *f, const guint8 *p, gsize len, GError **error)
{
  if (len < 6)
    return fail (error, _("short frame header"));
  f->precision = p[0];
  f->rows = (guint) (p[1] << 8 | p[2]);
  f->columns = (guint) (p[3] << 8 | p[4]);
  f->n_components = p[5];
  if (f->precision < 2 || f->precision > 16)
    return fail (error, _("bad sample precision"));
  if (f->rows == 0)
    return unsupported (error, _("the number of lines comes after the scan (DNL)"));
  if (f->n_components == 0 || f->n_components > MAX_COMPONENTS || len < 6 + 3 * (gsize) f->n_components)
    return unsupported (error, _("component count"));
  for (guint i = 0; i < f->n_components; i++)
    {
      f->component_ids[i] = p[6 + 3 * i];
      if (p[7 + 3 * i] != 0x11)
        return unsupported (error, _("subsampled components"));
    }
  return TRUE;
}

static gboolean
read_sos (Frame *f, const guint8 *p, gsize len, GError **error)
{
  guint n;

  if (len < 1)
    return fail (error, _("short scan header"));
  n = p[0];
  if (f->n_components == 0)
    return fail (error, _("scan before frame header"));
  if (n != f->n_components || len < 1 + 2 * (gsize) n + 3)
    return unsupported (error, _("components in separate scans"));
  for (guint i = 0; i < n; i++)
    {
      guint table = p[2 + 2 * i] >> 4;

      if (p[1 + 2 * i] != f->component_ids[i])
        return unsupported (error, _("components out of order"));
      if (table > 3 || !f->tables[table].present)
        return fail (error, _("scan uses a missing Huffman table"));
      f->table_of[i] = (guint8) table;
    }
  f->predictor = p[1 + 2 * n];
  f->point_transform = p[3 + 2 * n] & 0x0f;
  if (f->predictor < 1 || f->predictor > 7)
    return fail (error, _("bad predictor"));
  if (f->point_transform >= f->precision)
    return fail (error, _("bad point transform"));
  return TRUE;
}

/* F.1.2.1 and H.1.2.2: a category, then that many bits; 16 means 32768. */
static inline gboolean
decode_difference (HzJpegBitReader *br, const HzJpegHuffTable *t, gint32 *diff)
{
  int ssss = _hz_jpeg_decode_symbol (br, t);

  if (ssss < 0 || ssss > 16)
    return FALSE;
  *diff = ssss == 0 ? 0 : ssss == 16 ? 32768 : _hz_jpeg_receive_extend (br, (guint) ssss);
  return TRUE;
}

/* Table H.1, on values already reduced by the point transform. */
static inline gint32
predict (guint predictor, gint32 ra, gint32 rb, gint32 rc)
{
  switch (predictor)
    {
    case 1: return ra;
    case 2: return rb;
    case 3: return rc;
    case 4: return ra + rb - rc;
    case 5: return ra + ((rb - rc) >> 1);
    case 6: return rb + ((ra - rc) >> 1);
    default: return (ra + rb) >> 1;
    }
}

static gboolean
decode_scan (const Frame *f, HzJpegBitReader *br, guint32 *out, GError **error)
{
  guint nc = f->n_components, width = f->columns;
  guint32 mask = (1u << (f->precision - f->point_transform)) - 1;
  gint32 initial = 1 << (f->precision - f->point_transform - 1);
  guint lines_per_restart = f->restart_interval ? f->restart_interval / width : 0;
  /* Reconstructed values of this line and the one above, per component,
   * before the point transform is undone. */
  g_autofree gint32 *above = g_new (gint32, (gsize) width * nc);
  g_autofree gint32 *line = g_new (gint32, (gsize) width * nc);

  for (guint y = 0; y < f->rows; y++)
    {
      /* The first line, and the first after each restart, predict from
       * the left only (H.1.2.1). */
      gboolean first_line = y == 0 || (lines_per_restart && y % lines_per_restart == 0);

      if (y > 0 && first_line && !_hz_jpeg_bits_restart (br))
        return fail (error, _("missing restart marker"));
      for (guint x = 0; x < width; x++)
        for (guint c = 0; c < nc; c++)
          {
            gsize i = (gsize) x * nc + c;
            gint32 diff, pred;

            if (!decode_difference (br, &f->tables[f->table_of[c]], &diff))
              return fail (error, _("bad Huffman code"));
            if (first_line)
              pred = x == 0 ? initial : line[i - nc];
            else if (x == 0)
              pred = above[i];
            else
              pred = predict (f->predictor, line[i - nc], above[i], above[i - nc]);
            /* Modulo 2^16 (H.2.1), then the sample's own bits. */
            line[i] = (gint32) ((guint32) (pred + diff) & 0xffff & mask);
            out[(gsize) y * width * nc + i] = (guint32) line[i] << f->point_transform;
          }
      if (_hz_jpeg_bits_overran (br))
        return fail (error, _("the data ends early"));
      {
        gint32 *tmp = above;
        above = line;
        line = tmp;
      }
    }
  return TRUE;
}

gboolean
_hz_dicom_decode_jpeg_lossless (const guint8        *data,
                                gsize                length,
                                const HzDicomLayout *layout,
                                guint32             *out,
                                GError             **error)
{
  g_autofree Frame *f = g_new0 (Frame, 1);
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
        case 0xc3:
          if (!read_sof3 (f, body, len, error))
            return FALSE;
          break;
        case 0xc4:
          if (!_hz_jpeg_read_dht (body, len, f->tables, NULL, &why))
            return fail (error, _(why));
          break;
        case 0xdd:
          if (len < 2)
            return fail (error, _("short restart interval"));
          f->restart_interval = (guint) (body[0] << 8 | body[1]);
          break;
        case 0xda:
          {
            HzJpegBitReader br;

            _hz_jpeg_bits_init (&br, data, length, it.pos);
            if (!read_sos (f, body, len, error))
              return FALSE;
            if (f->rows != layout->rows || f->columns != layout->columns
                || f->n_components != layout->samples || f->precision > layout->bits_allocated)
              {
                g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_CODEC,
                             _("The lossless JPEG frame is %u × %u × %u at %u bits; the header says %u × %u × %u"),
                             f->columns, f->rows, f->n_components, f->precision,
                             layout->columns, layout->rows, layout->samples);
                return FALSE;
              }
            if (f->restart_interval % f->columns != 0)
              return unsupported (error, _("restart intervals that split lines"));
            return decode_scan (f, &br, out, error);
          }
        default:
          if ((marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc))
            return unsupported (error, _("not a lossless Huffman frame"));
          break;  /* APPn, COM, DQT and the like: skipped */
        }
    }
  return fail (error, _(why));
}
