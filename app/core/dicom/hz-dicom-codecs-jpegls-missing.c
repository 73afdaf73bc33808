/* hz-dicom-codecs-jpegls-missing.c: stands in for the JPEG-LS decoder
 * when CharLS is not available at build time. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hz-dicom-codecs.h"

gboolean
_hz_dicom_decode_jpegls (const guint8        *data,
                         gsize                length,
                         const HzDicomLayout *layout,
                         guint32             *out,
                         GError             **error)
{
  g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_UNSUPPORTED,
               _("JPEG-LS is not supported: Huizhen was built without CharLS"));
  return FALSE;
}
