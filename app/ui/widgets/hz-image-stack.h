/* hz-image-stack.h: the slices of one image series, decoded off the main
 * thread and cached, and windowed into textures for display. */
#pragma once

#include <gdk/gdk.h>

#include "hz-dicom-dataset.h"
#include "hz-dicom-frame.h"

G_BEGIN_DECLS

#define HZ_TYPE_IMAGE_STACK (hz_image_stack_get_type ())

G_DECLARE_FINAL_TYPE (HzImageStack, hz_image_stack, HZ, IMAGE_STACK, GObject)

/* @datasets: (element-type HzDicomDataset) the series' instances in any
 * order; sorted by InstanceNumber, each frame of a multi-frame instance
 * becomes a slice. Fails when none holds a usable image. */
HzImageStack       *hz_image_stack_new              (const char          *series_uid,
                                                     GPtrArray           *datasets,
                                                     GError             **error);

const char         *hz_image_stack_get_series_uid   (HzImageStack        *self);
guint               hz_image_stack_get_n_slices     (HzImageStack        *self);
guint               hz_image_stack_get_rows         (HzImageStack        *self,
                                                     guint                slice);
guint               hz_image_stack_get_columns      (HzImageStack        *self,
                                                     guint                slice);
gboolean            hz_image_stack_is_colour        (HzImageStack        *self,
                                                     guint                slice);
HzDicomDataset     *hz_image_stack_get_dataset      (HzImageStack        *self,
                                                     guint                slice);
/* mm between row centres (y) and between column centres (x); FALSE when
 * the series says nothing (then lengths are given in pixels). */
gboolean            hz_image_stack_get_pixel_spacing (HzImageStack       *self,
                                                     guint                slice,
                                                     double              *row_mm,
                                                     double              *column_mm);
/* The window the viewer starts with: the file's first, else the range of
 * the decoded frame. FALSE while the slice is not decoded yet. */
gboolean            hz_image_stack_get_default_window (HzImageStack      *self,
                                                     guint                slice,
                                                     HzDicomWindow       *window);

/* The decoded frame, or NULL: then it is queued for decoding (nearest to
 * the last slice asked for first) and ::slice-decoded follows. */
const HzDicomFrame *hz_image_stack_get_frame        (HzImageStack        *self,
                                                     guint                slice);
gboolean            hz_image_stack_get_decode_error (HzImageStack        *self,
                                                     guint                slice,
                                                     GError             **error);
/* The slice windowed (NULL: the default window) and optionally inverted,
 * as a texture; windowed once per slice and window. NULL while decoding. */
GdkTexture         *hz_image_stack_get_texture      (HzImageStack        *self,
                                                     guint                slice,
                                                     const HzDicomWindow *window,
                                                     gboolean             invert);
/* A texture of its own, outside the cache (thumbnails); NULL while the
 * slice is not decoded. */
GdkTexture         *hz_image_stack_new_texture      (HzImageStack        *self,
                                                     guint                slice,
                                                     const HzDicomWindow *window,
                                                     gboolean             invert);

G_END_DECLS
