/* hz-dicom-palette.h: PALETTE COLOR images, their red, green and blue
 * lookup tables (PS3.3 C.7.6.3.1.5 and C.7.9). */
#pragma once

#include <glib.h>

#include "hz-dicom-dataset.h"

G_BEGIN_DECLS

typedef struct _HzDicomPalette HzDicomPalette;

/* Reads the three descriptors and LUT data; fails on a table that is
 * missing, of another bit depth than 8 or 16, or shorter than it says. */
HzDicomPalette *_hz_dicom_palette_new   (HzDicomDataset       *dataset,
                                         gboolean              pixels_signed,
                                         GError              **error);
void            _hz_dicom_palette_free  (HzDicomPalette       *palette);
/* 8 or 16: the bits of each output sample. */
guint           _hz_dicom_palette_bits  (const HzDicomPalette *palette);
/* n indices (masked and sign-extended stored values) to 3n interleaved
 * RGB samples. Indices outside the table take its first or last entry. */
void            _hz_dicom_palette_apply (const HzDicomPalette *palette,
                                         const gint32         *indices,
                                         gsize                 n,
                                         gint32               *rgb);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzDicomPalette, _hz_dicom_palette_free)

G_END_DECLS
