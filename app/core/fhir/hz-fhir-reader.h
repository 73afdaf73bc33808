/* hz-fhir-reader.h: careful access to FHIR JSON, recording what is wrong. */
#pragma once

#include <json-glib/json-glib.h>

#include "hz-fhir-types.h"

G_BEGIN_DECLS

/* Where a bundle is being read: the warnings so far and the resource
 * they are about. Private to the FHIR reader. */
typedef struct {
  GPtrArray  *warnings;        /* of HzFhirWarning */
  const char *resource_type;   /* of the resource being read, or NULL */
  const char *resource_id;
} HzFhirReader;

/* Beyond this many warnings a hostile bundle only costs memory. */
#define HZ_FHIR_READER_MAX_WARNINGS 500

void         hz_fhir_reader_warn            (HzFhirReader *reader,
                                             const char   *format,
                                             ...) G_GNUC_PRINTF (2, 3);

const char  *hz_fhir_string_member          (JsonObject   *object,
                                             const char   *member);
const char  *hz_fhir_reader_get_string      (HzFhirReader *reader,
                                             JsonObject   *object,
                                             const char   *member);
double       hz_fhir_reader_get_number      (HzFhirReader *reader,
                                             JsonObject   *object,
                                             const char   *member);
gboolean     hz_fhir_reader_get_int         (HzFhirReader *reader,
                                             JsonObject   *object,
                                             const char   *member,
                                             gint64       *value);
JsonObject  *hz_fhir_reader_get_object      (HzFhirReader *reader,
                                             JsonObject   *object,
                                             const char   *member);
JsonArray   *hz_fhir_reader_get_array       (HzFhirReader *reader,
                                             JsonObject   *object,
                                             const char   *member);
JsonObject  *hz_fhir_reader_array_object    (HzFhirReader *reader,
                                             JsonArray    *array,
                                             guint         index,
                                             const char   *member);
JsonObject  *hz_fhir_reader_first_object    (HzFhirReader *reader,
                                             JsonObject   *object,
                                             const char   *member);

char        *hz_fhir_reader_concept_text    (HzFhirReader *reader,
                                             JsonObject   *concept);
gboolean     hz_fhir_reader_concept_coding  (HzFhirReader *reader,
                                             JsonObject   *concept,
                                             const char   *prefer_system,
                                             const char  **system,
                                             const char  **code,
                                             const char  **display);
const char  *hz_fhir_reader_reference       (HzFhirReader *reader,
                                             JsonObject   *object,
                                             const char   *member,
                                             const char  **display);
GDateTime   *hz_fhir_reader_get_datetime    (HzFhirReader      *reader,
                                             JsonObject        *object,
                                             const char        *member,
                                             HzFhirPrecision   *precision);
GDateTime   *hz_fhir_reader_period_start    (HzFhirReader      *reader,
                                             JsonObject        *object,
                                             const char        *member,
                                             HzFhirPrecision   *precision);
void         hz_fhir_reader_quantity        (HzFhirReader *reader,
                                             JsonObject   *quantity,
                                             double       *value,
                                             const char  **unit);

GDateTime   *hz_fhir_parse_datetime         (const char        *text,
                                             HzFhirPrecision   *precision);
char        *hz_fhir_format_number          (double             value);

G_END_DECLS
