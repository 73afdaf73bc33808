/* hz-dicom-jpeg-huffman.h: the Huffman tables, bit reader and marker
 * segments that our own JPEG decoders share (lossless, and 12-bit DCT;
 * ITU T.81 Annex B, C and F.2.2). Private to app/core/dicom. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gboolean present;
  guint8   bits[17];      /* codes of each length 1..16 */
  guint8   values[256];
  gint32   maxcode[18];   /* largest code of each length, -1 if none */
  gint32   valptr[17];    /* index into values of the first code of each length */
  gint32   mincode[17];
  /* Codes of up to 8 bits in one look-up: length << 8 | value, 0 if longer. */
  guint16  fast[256];
} HzJpegHuffTable;

typedef struct {
  const guint8 *data;
  gsize         length;
  gsize         pos;
  guint64       acc;      /* bits not yet used, most significant first */
  int           n_bits;
  gboolean      hit_marker;
  guint         phantom;  /* zero bits supplied past a marker or the end */
} HzJpegBitReader;

/* The marker segments of a JPEG stream, one after another. */
typedef struct {
  const guint8 *data;
  gsize         length;
  gsize         pos;      /* after the last segment: where a scan's data starts */
} HzJpegSegments;

/* Checks the start-of-image marker. */
gboolean _hz_jpeg_segments_init   (HzJpegSegments   *it,
                                   const guint8     *data,
                                   gsize             length,
                                   const char      **why);
/* The next segment's marker and body. FALSE with a reason in *why on
 * damage, or ("no scan") when the stream ends first. */
gboolean _hz_jpeg_segments_next   (HzJpegSegments   *it,
                                   guint8           *marker,
                                   const guint8    **body,
                                   gsize            *body_length,
                                   const char      **why);

/* One DHT segment's body into tables[class][id]; class 1 (AC) only when
 * ac_tables is non-NULL. Fails with a short reason in *why. */
gboolean _hz_jpeg_read_dht        (const guint8     *p,
                                   gsize             len,
                                   HzJpegHuffTable  *dc_tables,
                                   HzJpegHuffTable  *ac_tables,
                                   const char      **why);
void     _hz_jpeg_bits_init       (HzJpegBitReader  *br,
                                   const guint8     *data,
                                   gsize             length,
                                   gsize             pos);
void     _hz_jpeg_bits_fill       (HzJpegBitReader  *br);
/* Skips to just after the next RSTn marker and empties the reader. */
gboolean _hz_jpeg_bits_restart    (HzJpegBitReader  *br);

/* Real encoders pad with one bits: a decoder that used any supplied zero
 * bit ran past the data. */
static inline gboolean
_hz_jpeg_bits_overran (const HzJpegBitReader *br)
{
  return br->phantom > (guint) br->n_bits;
}

static inline guint
_hz_jpeg_get_bits (HzJpegBitReader *br, guint n)
{
  guint v;

  if (n == 0)
    return 0;
  if (br->n_bits < (int) n)
    _hz_jpeg_bits_fill (br);
  v = (guint) (br->acc >> (64 - n));
  br->acc <<= n;
  br->n_bits -= (int) n;
  return v;
}

/* The next symbol, or -1 for a code the table does not have. */
static inline int
_hz_jpeg_decode_symbol (HzJpegBitReader *br, const HzJpegHuffTable *t)
{
  guint16 fast;
  gint32 code;

  if (br->n_bits < 16)
    _hz_jpeg_bits_fill (br);
  fast = t->fast[br->acc >> 56];
  if (fast != 0)
    {
      guint len = fast >> 8;

      br->acc <<= len;
      br->n_bits -= (int) len;
      return fast & 0xff;
    }
  code = (gint32) _hz_jpeg_get_bits (br, 8);
  for (guint len = 9; len <= 16; len++)
    {
      code = (code << 1) | (gint32) _hz_jpeg_get_bits (br, 1);
      if (code <= t->maxcode[len])
        return t->values[t->valptr[len] + code - t->mincode[len]];
    }
  return -1;
}

/* F.2.2.1 EXTEND: s additional bits to a signed value. */
static inline gint32
_hz_jpeg_receive_extend (HzJpegBitReader *br, guint s)
{
  guint v = _hz_jpeg_get_bits (br, s);

  return v < (1u << (s - 1)) ? (gint32) v - (gint32) (1u << s) + 1 : (gint32) v;
}

G_END_DECLS
