/* hz-dicom-codecs-rle.c: RLE Lossless (PS3.5 Annex G), the PackBits
 * scheme DICOM uses: one segment per byte plane, most significant first. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hz-dicom-codecs.h"
#include "hz-dicom-dataset-private.h"

/* Decodes one segment into exactly size bytes; a short segment is an error,
 * a long one (encoders pad to even length) is not. */
static gboolean
unpack_segment (const guint8 *src, gsize length, guint8 *dst, gsize size)
{
  gsize in = 0, out = 0;

  while (out < size && in < length)
    {
      gint8 n = (gint8) src[in++];

      if (n >= 0)
        {
          gsize count = (gsize) n + 1;

          if (count > length - in || count > size - out)
            return FALSE;
          memcpy (dst + out, src + in, count);
          in += count;
          out += count;
        }
      else if (n != -128)
        {
          gsize count = (gsize) (1 - n);

          if (in >= length || count > size - out)
            return FALSE;
          memset (dst + out, src[in++], count);
          out += count;
        }
    }
  return out == size;
}

gboolean
_hz_dicom_decode_rle (const guint8        *data,
                      gsize                length,
                      const HzDicomLayout *layout,
                      guint32             *out,
                      GError             **error)
{
  guint bytes = layout->bits_allocated / 8;
  gsize pixels = (gsize) layout->rows * layout->columns;
  g_autofree guint8 *plane = NULL;
  guint32 n_segments, offsets[16];
  guint s, k, i;

  if (length < 64)
    goto corrupt;
  n_segments = hz_dicom_read_u32 (data, FALSE);
  if (n_segments != layout->samples * bytes || n_segments > 15)
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_CODEC,
                   _("The RLE frame has %u segments where %u were expected"),
                   n_segments, layout->samples * bytes);
      return FALSE;
    }
  /* A PackBits run yields at most 128 bytes from 2: a frame shorter
   * than that cannot fill its planes, so refuse it before allocating. */
  if ((length - 64) < (gsize) n_segments * ((pixels + 127) / 128) * 2)
    goto corrupt;
  for (i = 0; i < n_segments; i++)
    {
      offsets[i] = hz_dicom_read_u32 (data + 4 + 4 * i, FALSE);
      if (offsets[i] < 64 || offsets[i] > length || (i > 0 && offsets[i] < offsets[i - 1]))
        goto corrupt;
    }
  offsets[n_segments] = (guint32) MIN (length, G_MAXUINT32);

  plane = g_malloc (pixels);
  memset (out, 0, pixels * layout->samples * sizeof (guint32));
  for (s = 0; s < layout->samples; s++)
    for (k = 0; k < bytes; k++)
      {
        guint seg = s * bytes + k;
        guint bit = 8 * (bytes - 1 - k);
        guint32 *dst = out + s;
        gsize p;

        if (!unpack_segment (data + offsets[seg], offsets[seg + 1] - offsets[seg], plane, pixels))
          goto corrupt;
        for (p = 0; p < pixels; p++, dst += layout->samples)
          *dst |= (guint32) plane[p] << bit;
      }
  return TRUE;

corrupt:
  g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_CODEC, _("The RLE frame is corrupt"));
  return FALSE;
}
