/* hz-dicom-frame.h: one decoded frame of stored pixel values, and how a
 * viewer turns it into 8-bit display values. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A VOI window: centre and width in modality units (HU for CT). */
typedef struct {
  double centre;
  double width;
} HzDicomWindow;

typedef struct {
  guint    rows;
  guint    columns;
  guint    samples_per_pixel;   /* 1, or 3 for RGB */
  guint    bits_allocated;      /* of the stored values: 8, 16 or 32 */
  guint    bits_stored;
  gboolean is_signed;
  char    *photometric;         /* as decoded: MONOCHROME1, MONOCHROME2 or RGB */
  gint32  *values;              /* rows * columns * samples, interleaved; masked and sign-extended */
} HzDicomFrame;

void          hz_dicom_frame_free          (HzDicomFrame        *frame);
gsize         hz_dicom_frame_get_n_values  (const HzDicomFrame  *frame);
gboolean      hz_dicom_frame_is_monochrome (const HzDicomFrame  *frame);
/* Smallest and largest modality values (stored * slope + intercept). */
void          hz_dicom_frame_get_range     (const HzDicomFrame  *frame,
                                            double               slope,
                                            double               intercept,
                                            double              *min,
                                            double              *max);
/* 8-bit display values, rows * columns * (1 or 3) bytes: the modality LUT
 * (slope, intercept), the linear VOI window of PS3.3 C.11.2.1.2, and
 * MONOCHROME1 inverted. Colour frames are scaled to 8 bits, unwindowed. */
guint8       *hz_dicom_frame_render        (const HzDicomFrame  *frame,
                                            double               slope,
                                            double               intercept,
                                            const HzDicomWindow *window,
                                            gsize               *length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzDicomFrame, hz_dicom_frame_free)

G_END_DECLS
