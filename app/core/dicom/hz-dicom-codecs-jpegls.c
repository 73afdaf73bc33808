/* hz-dicom-codecs-jpegls.c: JPEG-LS frames (lossless and near-lossless)
 * via CharLS's C interface. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <charls/charls.h>

#include "hz-dicom-codecs.h"

gboolean
_hz_dicom_decode_jpegls (const guint8        *data,
                         gsize                length,
                         const HzDicomLayout *layout,
                         guint32             *out,
                         GError             **error)
{
  charls_jpegls_decoder *decoder = charls_jpegls_decoder_create ();
  charls_frame_info info;
  charls_interleave_mode mode = CHARLS_INTERLEAVE_MODE_NONE;
  charls_jpegls_errc rc;
  g_autofree guint8 *buffer = NULL;
  gsize pixels = (gsize) layout->rows * layout->columns;
  size_t size = 0;
  guint bytes;
  gsize p;
  guint c;

  if (decoder == NULL)
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_TOO_LARGE, _("Not enough memory for the frame"));
      return FALSE;
    }
  rc = charls_jpegls_decoder_set_source_buffer (decoder, data, length);
  if (rc == CHARLS_JPEGLS_ERRC_SUCCESS)
    rc = charls_jpegls_decoder_read_header (decoder);
  if (rc == CHARLS_JPEGLS_ERRC_SUCCESS)
    rc = charls_jpegls_decoder_get_frame_info (decoder, &info);
  if (rc == CHARLS_JPEGLS_ERRC_SUCCESS)
    rc = charls_jpegls_decoder_get_interleave_mode (decoder, &mode);
  if (rc != CHARLS_JPEGLS_ERRC_SUCCESS)
    goto codec_error;

  if (info.width != layout->columns || info.height != layout->rows
      || info.component_count != (int32_t) layout->samples || info.bits_per_sample < 2
      || info.bits_per_sample > 16)
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_CODEC,
                   _("The JPEG-LS frame is %u × %u with %d components, but the header says %u × %u with %u"),
                   info.width, info.height, info.component_count,
                   layout->columns, layout->rows, layout->samples);
      charls_jpegls_decoder_destroy (decoder);
      return FALSE;
    }
  bytes = info.bits_per_sample > 8 ? 2 : 1;
  rc = charls_jpegls_decoder_get_destination_size (decoder, 0, &size);
  if (rc != CHARLS_JPEGLS_ERRC_SUCCESS || size != pixels * layout->samples * bytes)
    goto codec_error;
  buffer = g_malloc (size);
  rc = charls_jpegls_decoder_decode_to_buffer (decoder, buffer, size, 0);
  if (rc != CHARLS_JPEGLS_ERRC_SUCCESS)
    goto codec_error;
  charls_jpegls_decoder_destroy (decoder);

  /* Without interleaving CharLS writes one plane per component. */
  for (c = 0; c < layout->samples; c++)
    for (p = 0; p < pixels; p++)
      {
        gsize at = mode == CHARLS_INTERLEAVE_MODE_NONE ? c * pixels + p : p * layout->samples + c;

        out[p * layout->samples + c] = bytes == 1 ? buffer[at]
                                                  : (guint32) (buffer[2 * at] | (buffer[2 * at + 1] << 8));
      }
  return TRUE;

codec_error:
  g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_CODEC,
               _("The JPEG-LS frame could not be decoded: %s"), charls_get_error_message (rc));
  charls_jpegls_decoder_destroy (decoder);
  return FALSE;
}
