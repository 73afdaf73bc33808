/* hz-dicom-window.c: the window presets radiologists expect on CT, in HU. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hz-dicom-window.h"

static const struct {
  const char   *id;
  const char   *label;
  HzDicomWindow window;
} presets[HZ_DICOM_N_PRESETS] = {
  [HZ_DICOM_PRESET_LUNG]        = { "lung", N_("Lung"), { -600, 1500 } },
  [HZ_DICOM_PRESET_MEDIASTINUM] = { "mediastinum", N_("Mediastinum"), { 40, 400 } },
  [HZ_DICOM_PRESET_BONE]        = { "bone", N_("Bone"), { 400, 1800 } },
  [HZ_DICOM_PRESET_BRAIN]       = { "brain", N_("Brain"), { 40, 80 } },
  [HZ_DICOM_PRESET_SOFT_TISSUE] = { "soft-tissue", N_("Soft tissue"), { 50, 350 } },
};

HzDicomWindow
hz_dicom_preset_get_window (HzDicomPreset preset)
{
  g_return_val_if_fail (preset < HZ_DICOM_N_PRESETS, presets[0].window);
  return presets[preset].window;
}

const char *
hz_dicom_preset_get_id (HzDicomPreset preset)
{
  g_return_val_if_fail (preset < HZ_DICOM_N_PRESETS, NULL);
  return presets[preset].id;
}

const char *
hz_dicom_preset_get_label (HzDicomPreset preset)
{
  g_return_val_if_fail (preset < HZ_DICOM_N_PRESETS, NULL);
  return _(presets[preset].label);
}

gboolean
hz_dicom_preset_from_id (const char    *id,
                         HzDicomPreset *preset)
{
  guint i;

  for (i = 0; i < HZ_DICOM_N_PRESETS; i++)
    if (g_strcmp0 (id, presets[i].id) == 0)
      {
        *preset = (HzDicomPreset) i;
        return TRUE;
      }
  return FALSE;
}
