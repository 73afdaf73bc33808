/* hz-dicom-image.h: the image pixel module of a data set, and its frames. */
#pragma once

#include <glib-object.h>

#include "hz-dicom-dataset.h"
#include "hz-dicom-frame.h"

G_BEGIN_DECLS

#define HZ_TYPE_DICOM_IMAGE (hz_dicom_image_get_type ())

G_DECLARE_FINAL_TYPE (HzDicomImage, hz_dicom_image, HZ, DICOM_IMAGE, GObject)

/* Checks the image pixel module; fails if it is absent or absurd. */
HzDicomImage  *hz_dicom_image_new                  (HzDicomDataset *dataset,
                                                    GError        **error);

HzDicomDataset *hz_dicom_image_get_dataset         (HzDicomImage   *self);
guint          hz_dicom_image_get_rows             (HzDicomImage   *self);
guint          hz_dicom_image_get_columns          (HzDicomImage   *self);
guint          hz_dicom_image_get_n_frames         (HzDicomImage   *self);
guint          hz_dicom_image_get_samples_per_pixel (HzDicomImage  *self);
guint          hz_dicom_image_get_bits_allocated   (HzDicomImage   *self);
guint          hz_dicom_image_get_bits_stored      (HzDicomImage   *self);
gboolean       hz_dicom_image_is_signed            (HzDicomImage   *self);
const char    *hz_dicom_image_get_photometric      (HzDicomImage   *self);
double         hz_dicom_image_get_rescale_slope    (HzDicomImage   *self);
double         hz_dicom_image_get_rescale_intercept (HzDicomImage  *self);
/* The windows the file suggests, in order (may be none). */
guint          hz_dicom_image_get_n_windows        (HzDicomImage   *self);
gboolean       hz_dicom_image_get_window           (HzDicomImage   *self,
                                                    guint           index,
                                                    HzDicomWindow  *window);

/* Stored values of frame index (0-based), before any LUT. */
HzDicomFrame  *hz_dicom_image_decode_frame         (HzDicomImage   *self,
                                                    guint           index,
                                                    GError        **error);
/* What a viewer shows first: the file's first window, else the frame's range. */
guint8        *hz_dicom_image_render_frame         (HzDicomImage   *self,
                                                    const HzDicomFrame *frame,
                                                    const HzDicomWindow *window,
                                                    gsize          *length);

G_END_DECLS
