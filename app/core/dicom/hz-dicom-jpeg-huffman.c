/* hz-dicom-jpeg-huffman.c: Huffman tables from DHT segments, and the
 * byte-stuffed bit reader, for our own JPEG decoders. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hz-dicom-jpeg-huffman.h"

/* The reasons in *why are marked for translation: callers show _(why). */

/* T.81 Annex C and F.2.2.3: canonical codes from the counts per length. */
static gboolean
build_table (HzJpegHuffTable *t, guint n_values)
{
  guint code = 0, k = 0;

  memset (t->fast, 0, sizeof t->fast);
  for (guint len = 1; len <= 16; len++)
    {
      t->valptr[len] = (gint32) k;
      t->mincode[len] = (gint32) code;
      for (guint i = 0; i < t->bits[len]; i++, k++, code++)
        if (len <= 8)
          {
            guint first = code << (8 - len), span = 1u << (8 - len);

            for (guint j = 0; j < span && first + j < 256; j++)
              t->fast[first + j] = (guint16) (len << 8 | t->values[k]);
          }
      t->maxcode[len] = t->bits[len] ? (gint32) code - 1 : -1;
      /* A code that no longer fits its length means the counts are wrong. */
      if (code > (1u << len))
        return FALSE;
      code <<= 1;
    }
  t->maxcode[17] = G_MAXINT32;
  t->present = k == n_values;
  return t->present;
}

gboolean
_hz_jpeg_read_dht (const guint8     *p,
                   gsize             len,
                   HzJpegHuffTable  *dc_tables,
                   HzJpegHuffTable  *ac_tables,
                   const char      **why)
{
  while (len > 0)
    {
      guint class, id, total = 0;
      HzJpegHuffTable *t;

      if (len < 17)
        return (*why = N_("short Huffman table"), FALSE);
      class = p[0] >> 4;
      id = p[0] & 0x0f;
      if (class > 1 || id > 3 || (class == 1 && ac_tables == NULL))
        return (*why = N_("bad Huffman table class"), FALSE);
      t = class == 0 ? &dc_tables[id] : &ac_tables[id];
      for (guint i = 1; i <= 16; i++)
        total += t->bits[i] = p[i];
      if (total > 256 || 17 + (gsize) total > len)
        return (*why = N_("short Huffman table"), FALSE);
      memcpy (t->values, p + 17, total);
      if (!build_table (t, total))
        return (*why = N_("bad Huffman table"), FALSE);
      p += 17 + total;
      len -= 17 + total;
    }
  return TRUE;
}

void
_hz_jpeg_bits_init (HzJpegBitReader *br, const guint8 *data, gsize length, gsize pos)
{
  memset (br, 0, sizeof *br);
  br->data = data;
  br->length = length;
  br->pos = pos;
}

/* Byte-stuffed entropy data: FF 00 is a data FF; any other FF xx is a
 * marker, where the reader stops and supplies zero bits (F.2.2.5). */
void
_hz_jpeg_bits_fill (HzJpegBitReader *br)
{
  while (br->n_bits <= 56)
    {
      guint8 byte = 0;
      gboolean real = FALSE;

      if (!br->hit_marker && br->pos < br->length)
        {
          byte = br->data[br->pos];
          if (byte != 0xff)
            {
              br->pos++;
              real = TRUE;
            }
          else if (br->pos + 1 < br->length && br->data[br->pos + 1] == 0x00)
            {
              br->pos += 2;
              real = TRUE;
            }
          else
            {
              br->hit_marker = TRUE;
              byte = 0;
            }
        }
      if (!real)
        br->phantom += 8;
      br->acc |= (guint64) byte << (56 - br->n_bits);
      br->n_bits += 8;
    }
}

/* The reader may have stopped at the marker, or a byte or two of
 * padding before it. */
gboolean
_hz_jpeg_bits_restart (HzJpegBitReader *br)
{
  for (gsize p = br->pos; p + 1 < br->length && p < br->pos + 16; p++)
    if (br->data[p] == 0xff && br->data[p + 1] >= 0xd0 && br->data[p + 1] <= 0xd7)
      {
        _hz_jpeg_bits_init (br, br->data, br->length, p + 2);
        return TRUE;
      }
  return FALSE;
}

gboolean
_hz_jpeg_segments_init (HzJpegSegments *it, const guint8 *data, gsize length, const char **why)
{
  it->data = data;
  it->length = length;
  it->pos = 2;
  if (length < 4 || data[0] != 0xff || data[1] != 0xd8)
    return (*why = N_("no start of image"), FALSE);
  return TRUE;
}

gboolean
_hz_jpeg_segments_next (HzJpegSegments  *it,
                        guint8          *marker,
                        const guint8   **body,
                        gsize           *body_length,
                        const char     **why)
{
  while (it->pos + 4 <= it->length)
    {
      gsize seg;

      if (it->data[it->pos] != 0xff)
        return (*why = N_("a marker was expected"), FALSE);
      if (it->data[it->pos + 1] == 0xff)   /* fill byte */
        {
          it->pos++;
          continue;
        }
      *marker = it->data[it->pos + 1];
      seg = (gsize) it->data[it->pos + 2] << 8 | it->data[it->pos + 3];
      if (seg < 2 || it->pos + 2 + seg > it->length)
        return (*why = N_("a segment runs past the end"), FALSE);
      *body = it->data + it->pos + 4;
      *body_length = seg - 2;
      it->pos += 2 + seg;
      return TRUE;
    }
  return (*why = N_("no scan"), FALSE);
}
