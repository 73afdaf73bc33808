/* hz-dicom-codecs.h: the compressed-frame decoders behind HzDicomImage. */
#pragma once

#include "hz-dicom-error.h"

G_BEGIN_DECLS

/* What the data set says a frame holds; a codec refuses anything else. */
typedef struct {
  guint       rows;
  guint       columns;
  guint       samples;          /* 1 or 3 */
  guint       bits_allocated;
  guint       bits_stored;
  gboolean    is_signed;
  gboolean    ybr;              /* header says YBR_*: the codec's colour transform applies */
} HzDicomLayout;

/* Each writes rows * columns * samples values, interleaved by pixel, as
 * unsigned bit patterns; the caller masks and sign-extends. */
gboolean _hz_dicom_decode_rle    (const guint8 *data, gsize length, const HzDicomLayout *layout,
                                  guint32 *out, GError **error);
gboolean _hz_dicom_decode_jpeg   (const guint8 *data, gsize length, const HzDicomLayout *layout,
                                  guint32 *out, GError **error);
gboolean _hz_dicom_decode_jpeg_lossless (const guint8 *data, gsize length, const HzDicomLayout *layout,
                                         guint32 *out, GError **error);
gboolean _hz_dicom_decode_jpeg12 (const guint8 *data, gsize length, const HzDicomLayout *layout,
                                  guint32 *out, GError **error);
gboolean _hz_dicom_decode_j2k    (const guint8 *data, gsize length, const HzDicomLayout *layout,
                                  guint32 *out, GError **error);
gboolean _hz_dicom_decode_jpegls (const guint8 *data, gsize length, const HzDicomLayout *layout,
                                  guint32 *out, GError **error);

G_END_DECLS
