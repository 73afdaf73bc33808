/* hz-sampled-data-private.h: building an HzSampledData from FHIR JSON. */
#pragma once

#include "hz-fhir-reader.h"
#include "hz-sampled-data.h"

G_BEGIN_DECLS

HzSampledData *_hz_sampled_data_parse (HzFhirReader *reader,
                                       JsonObject   *sampled_data);

G_END_DECLS
