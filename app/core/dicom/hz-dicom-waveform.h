/* hz-dicom-waveform.h: waveforms (12-lead ECG and others) in a data set. */
#pragma once

#include "hz-dicom-dataset.h"

G_BEGIN_DECLS

typedef struct {
  char  *label;        /* "Lead II", from the channel source or label */
  char  *units;        /* "uV" for any voltage; otherwise the file's unit code */
  float *samples;      /* n_samples values, in units */
} HzDicomLead;

/* One multiplex group: channels sampled together. */
typedef struct {
  char      *label;               /* MultiplexGroupLabel, may be NULL */
  double     sampling_frequency;  /* Hz */
  guint      n_samples;           /* per channel */
  GPtrArray *leads;               /* HzDicomLead */
} HzDicomWaveform;

/* Every multiplex group of the WaveformSequence (5400,0100), with values
 * already scaled by sensitivity, correction factor and baseline. */
GPtrArray *hz_dicom_waveform_read (HzDicomDataset  *dataset,
                                   GError         **error);
void       hz_dicom_waveform_free (HzDicomWaveform *waveform);
const HzDicomLead *hz_dicom_waveform_find_lead (HzDicomWaveform *waveform,
                                                const char      *label);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzDicomWaveform, hz_dicom_waveform_free)

G_END_DECLS
