/* hz-sampled-data.h: a FHIR SampledData waveform decoded into floats. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HZ_TYPE_SAMPLED_DATA (hz_sampled_data_get_type ())

typedef struct _HzSampledData HzSampledData;

GType          hz_sampled_data_get_type        (void) G_GNUC_CONST;
HzSampledData *hz_sampled_data_ref             (HzSampledData *self);
void           hz_sampled_data_unref           (HzSampledData *self);

double         hz_sampled_data_get_period_ms   (HzSampledData *self);
double         hz_sampled_data_get_rate_hz     (HzSampledData *self);
double         hz_sampled_data_get_origin      (HzSampledData *self);
double         hz_sampled_data_get_factor      (HzSampledData *self);
double         hz_sampled_data_get_lower_limit (HzSampledData *self);
double         hz_sampled_data_get_upper_limit (HzSampledData *self);
const char    *hz_sampled_data_get_unit        (HzSampledData *self);
guint          hz_sampled_data_get_dimensions  (HzSampledData *self);
guint          hz_sampled_data_get_n_samples   (HzSampledData *self);
guint          hz_sampled_data_get_n_gaps      (HzSampledData *self);
const float   *hz_sampled_data_get_values      (HzSampledData *self,
                                                gsize         *n_values);
float          hz_sampled_data_get_value       (HzSampledData *self,
                                                guint          channel,
                                                guint          index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzSampledData, hz_sampled_data_unref)

G_END_DECLS
