/* hz-dicom-window.h: named window presets for CT reading. */
#pragma once

#include "hz-dicom-frame.h"

G_BEGIN_DECLS

typedef enum {
  HZ_DICOM_PRESET_LUNG,
  HZ_DICOM_PRESET_MEDIASTINUM,
  HZ_DICOM_PRESET_BONE,
  HZ_DICOM_PRESET_BRAIN,
  HZ_DICOM_PRESET_SOFT_TISSUE,
  HZ_DICOM_N_PRESETS,
} HzDicomPreset;

HzDicomWindow  hz_dicom_preset_get_window  (HzDicomPreset  preset);
/* The preset's identifier ("lung", "soft-tissue") and its label for people. */
const char    *hz_dicom_preset_get_id      (HzDicomPreset  preset);
const char    *hz_dicom_preset_get_label   (HzDicomPreset  preset);
gboolean       hz_dicom_preset_from_id     (const char    *id,
                                            HzDicomPreset *preset);

G_END_DECLS
