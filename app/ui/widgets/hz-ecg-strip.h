/* hz-ecg-strip.h: an ECG drawn on the standard paper grid (1 mm minor,
 * 5 mm major lines; 25 mm/s, 10 mm/mV), one row per lead. */
#pragma once

#include <gtk/gtk.h>

#include "hz-dicom-waveform.h"
#include "hz-fhir-resources.h"
#include "hz-sampled-data.h"

G_BEGIN_DECLS

#define HZ_TYPE_ECG_STRIP (hz_ecg_strip_get_type ())

G_DECLARE_FINAL_TYPE (HzEcgStrip, hz_ecg_strip, HZ, ECG_STRIP, GtkWidget)

/* Screen pixels per millimetre when none is set: 96 dpi, the CSS
 * reference pixel, which is what GTK's logical pixels are. */
#define HZ_ECG_STRIP_DEFAULT_PIXELS_PER_MM (96.0 / 25.4)

GtkWidget  *hz_ecg_strip_new                (void);

/* A FHIR SampledData in µV, mV or V (each of several dimensions
 * becomes a row labelled "@label", "@label 2", ...). Gaps stay gaps. */
void        hz_ecg_strip_set_sampled_data   (HzEcgStrip            *self,
                                             HzSampledData         *data,
                                             const char            *label);
/* Every SampledData of an Observation and its components, labelled by
 * their MDC lead codes ("II") or display; FALSE if it holds none. */
gboolean    hz_ecg_strip_set_observation    (HzEcgStrip              *self,
                                             const HzFhirObservation *observation);
/* Every lead of a DICOM waveform multiplex group, a row each. */
void        hz_ecg_strip_set_waveform       (HzEcgStrip            *self,
                                             const HzDicomWaveform *waveform);
void        hz_ecg_strip_clear              (HzEcgStrip            *self);
guint       hz_ecg_strip_get_n_leads        (HzEcgStrip            *self);

/* 0 (the default): HZ_ECG_STRIP_DEFAULT_PIXELS_PER_MM. */
void        hz_ecg_strip_set_pixels_per_mm  (HzEcgStrip            *self,
                                             double                 pixels_per_mm);
double      hz_ecg_strip_get_pixels_per_mm  (HzEcgStrip            *self);
/* Paper speed in mm/s (25) and gain in mm/mV (10). */
void        hz_ecg_strip_set_speed          (HzEcgStrip            *self,
                                             double                 mm_per_s);
void        hz_ecg_strip_set_gain           (HzEcgStrip            *self,
                                             double                 mm_per_mv);
/* Where time @seconds of the strip is drawn, in widget pixels. */
double      hz_ecg_strip_time_to_x          (HzEcgStrip            *self,
                                             double                 seconds);

G_END_DECLS
