/* hz-dicom-codecs-jpeg.c: JPEG baseline and extended (8-bit) frames via
 * libjpeg-turbo. Debian's libjpeg-turbo 2.1 is built for 8-bit samples
 * only: 12-bit extended and lossless JPEG frames go to decoders of our
 * own (hz-dicom-codecs-jpeg12.c, hz-dicom-codecs-jpeg-lossless.c), and
 * what neither handles is refused with a clear error. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <setjmp.h>
#include <stdio.h>

#include <jpeglib.h>

#include "hz-dicom-codecs.h"

typedef struct {
  struct jpeg_error_mgr pub;
  jmp_buf               jump;
  char                  message[JMSG_LENGTH_MAX];
} ErrorManager;

static void
on_error_exit (j_common_ptr cinfo)
{
  ErrorManager *err = (ErrorManager *) cinfo->err;

  err->pub.format_message (cinfo, err->message);
  longjmp (err->jump, 1);
}

static void
on_output_message (j_common_ptr cinfo)
{
  /* Warnings about corrupt data: the frame is still shown, as other viewers do. */
}

/* The SOF marker and precision, read before libjpeg sees the stream:
 * lossless and 12-bit frames go to our own decoders, and anything else
 * libjpeg cannot take gets "not supported" rather than a codec error that
 * reads like corruption. 0 when there is no frame header to find. */
static guint8
find_frame_header (const guint8 *data, gsize length, guint *precision)
{
  gsize pos = 2;

  while (pos + 4 <= length)
    {
      guint8 marker;
      gsize segment;

      if (data[pos] != 0xff)
        return 0;  /* let libjpeg report the damage */
      marker = data[pos + 1];
      if (marker == 0xff)
        {
          pos++;
          continue;
        }
      segment = ((gsize) data[pos + 2] << 8) | data[pos + 3];
      if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc)
        {
          *precision = pos + 4 < length ? data[pos + 4] : 0;
          return marker;
        }
      pos += 2 + segment;
    }
  return 0;
}

gboolean
_hz_dicom_decode_jpeg (const guint8        *data,
                       gsize                length,
                       const HzDicomLayout *layout,
                       guint32             *out,
                       GError             **error)
{
  struct jpeg_decompress_struct cinfo;
  ErrorManager err = { 0 };
  /* volatile: these change between setjmp and a possible longjmp. */
  JSAMPLE *volatile row = NULL;
  gsize stride;
  guint precision = 0;
  guint8 marker;

  if (length == 0 || length > G_MAXULONG)
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_CODEC, _("The JPEG frame is empty"));
      return FALSE;
    }

  marker = find_frame_header (data, length, &precision);
  /* Lossless frames sometimes sit under a lossy transfer syntax. */
  if (marker == 0xc3)
    return _hz_dicom_decode_jpeg_lossless (data, length, layout, out, error);
  if ((marker == 0xc0 || marker == 0xc1) && precision == 12)
    return _hz_dicom_decode_jpeg12 (data, length, layout, out, error);
  if (marker != 0 && precision != 8)
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_UNSUPPORTED,
                   _("%d-bit JPEG of this kind is not supported"), (int) precision);
      return FALSE;
    }

  cinfo.err = jpeg_std_error (&err.pub);
  err.pub.error_exit = on_error_exit;
  err.pub.output_message = on_output_message;
  if (setjmp (err.jump))
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_CODEC,
                   _("The JPEG frame could not be decoded: %s"), err.message);
      jpeg_destroy_decompress (&cinfo);
      g_free (row);
      return FALSE;
    }
  jpeg_create_decompress (&cinfo);
  jpeg_mem_src (&cinfo, data, (unsigned long) length);
  jpeg_read_header (&cinfo, TRUE);

  if (cinfo.data_precision != 8)
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_UNSUPPORTED,
                   _("%d-bit JPEG is not supported by this build’s libjpeg"), cinfo.data_precision);
      jpeg_destroy_decompress (&cinfo);
      return FALSE;
    }
  if (cinfo.image_width != layout->columns || cinfo.image_height != layout->rows
      || (guint) cinfo.num_components != layout->samples || layout->bits_allocated != 8)
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_CODEC,
                   _("The JPEG frame is %u × %u with %d components, but the header says %u × %u with %u"),
                   cinfo.image_width, cinfo.image_height, cinfo.num_components,
                   layout->columns, layout->rows, layout->samples);
      jpeg_destroy_decompress (&cinfo);
      return FALSE;
    }
  if (layout->samples == 3)
    {
      /* The DICOM header, not JFIF or Adobe markers, says whether the
       * components are YCbCr or already RGB. */
      cinfo.jpeg_color_space = layout->ybr ? JCS_YCbCr : JCS_RGB;
      cinfo.out_color_space = JCS_RGB;
    }
  else
    cinfo.out_color_space = JCS_GRAYSCALE;

  jpeg_start_decompress (&cinfo);
  stride = (gsize) cinfo.output_width * cinfo.output_components;
  row = g_malloc (stride);
  while (cinfo.output_scanline < cinfo.output_height)
    {
      JSAMPROW rows[1] = { row };
      guint32 *dst = out + (gsize) cinfo.output_scanline * stride;
      gsize i;

      if (jpeg_read_scanlines (&cinfo, rows, 1) != 1)
        break;
      for (i = 0; i < stride; i++)
        dst[i] = row[i];
    }
  jpeg_finish_decompress (&cinfo);
  jpeg_destroy_decompress (&cinfo);
  g_free (row);
  return TRUE;
}
