/* huizhen-dicom-png.c: the smallest PNG writer that serves the inspector:
 * 8-bit grey or RGB, no filtering, one zlib stream. Core has no GTK or
 * gdk-pixbuf, and this is less code than wrapping libpng's setjmp API. */
#include "config.h"

#include <string.h>
#include <zlib.h>

#include "huizhen-dicom-png.h"

static void
put_be32 (GByteArray *out, guint32 v)
{
  guint8 b[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };
  g_byte_array_append (out, b, 4);
}

static void
put_chunk (GByteArray *out, const char *type, const guint8 *data, gsize length)
{
  uLong crc = crc32 (0, (const Bytef *) type, 4);

  if (length)
    crc = crc32 (crc, data, (uInt) length);
  put_be32 (out, (guint32) length);
  g_byte_array_append (out, (const guint8 *) type, 4);
  if (length)
    g_byte_array_append (out, data, (guint) length);
  put_be32 (out, (guint32) crc);
}

gboolean
huizhen_dicom_write_png (const char    *path,
                         const guint8  *pixels,
                         guint          width,
                         guint          height,
                         guint          channels,
                         GError       **error)
{
  static const guint8 signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autofree guint8 *raw = NULL;
  g_autofree guint8 *packed = NULL;
  gsize stride = (gsize) width * channels;
  gsize raw_size = (stride + 1) * height;
  uLongf packed_size = compressBound ((uLong) raw_size);
  guint8 header[13];
  guint y;

  g_return_val_if_fail (channels == 1 || channels == 3, FALSE);

  raw = g_malloc (raw_size);
  for (y = 0; y < height; y++)
    {
      raw[y * (stride + 1)] = 0;  /* filter type None */
      memcpy (raw + y * (stride + 1) + 1, pixels + y * stride, stride);
    }
  packed = g_malloc (packed_size);
  if (compress2 (packed, &packed_size, raw, (uLong) raw_size, 6) != Z_OK)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "zlib compress2 failed");
      return FALSE;
    }

  g_byte_array_append (out, signature, sizeof signature);
  header[0] = width >> 24; header[1] = (width >> 16) & 0xff; header[2] = (width >> 8) & 0xff; header[3] = width & 0xff;
  header[4] = height >> 24; header[5] = (height >> 16) & 0xff; header[6] = (height >> 8) & 0xff; header[7] = height & 0xff;
  header[8] = 8;                       /* bit depth */
  header[9] = channels == 1 ? 0 : 2;   /* grey or RGB */
  header[10] = header[11] = header[12] = 0;
  put_chunk (out, "IHDR", header, sizeof header);
  put_chunk (out, "IDAT", packed, packed_size);
  put_chunk (out, "IEND", NULL, 0);
  return g_file_set_contents (path, (const char *) out->data, out->len, error);
}
