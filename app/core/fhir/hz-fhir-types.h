/* hz-fhir-types.h: enums, the error domain and warnings of the FHIR reader. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HZ_FHIR_ERROR (hz_fhir_error_quark ())

/* Only input that cannot be a bundle at all is an error; everything
 * else wrong inside a bundle becomes an HzFhirWarning. */
typedef enum {
  HZ_FHIR_ERROR_TOO_LARGE,    /* over HZ_FHIR_MAX_BYTES */
  HZ_FHIR_ERROR_TOO_DEEP,     /* nested beyond HZ_CANONICAL_JSON_MAX_DEPTH */
  HZ_FHIR_ERROR_NOT_JSON,     /* not UTF-8 JSON text */
  HZ_FHIR_ERROR_NOT_OBJECT,   /* JSON, but not an object */
  HZ_FHIR_ERROR_NOT_BUNDLE,   /* an object whose resourceType is not Bundle */
} HzFhirError;

/* Case bundles may carry photos inline (base64), so they get more room
 * than the small JSON messages of the wire protocol. */
#define HZ_FHIR_MAX_BYTES (32 * 1024 * 1024)

/* How much of a FHIR date or dateTime was given. */
typedef enum {
  HZ_FHIR_PRECISION_NONE,
  HZ_FHIR_PRECISION_YEAR,
  HZ_FHIR_PRECISION_MONTH,
  HZ_FHIR_PRECISION_DAY,
  HZ_FHIR_PRECISION_TIME,
} HzFhirPrecision;

typedef enum {
  HZ_RECORD_KIND_ENCOUNTER,
  HZ_RECORD_KIND_PROBLEM,
  HZ_RECORD_KIND_MEDICATION,
  HZ_RECORD_KIND_ALLERGY,
  HZ_RECORD_KIND_OBSERVATION,
  HZ_RECORD_KIND_REPORT,
  HZ_RECORD_KIND_DOCUMENT,
  HZ_RECORD_KIND_IMAGING,
  HZ_RECORD_KIND_OTHER,       /* kept, with its raw JSON, but not shown */
} HzRecordKind;
#define HZ_RECORD_N_KINDS (HZ_RECORD_KIND_OTHER + 1)

typedef enum {
  HZ_FHIR_SEX_UNKNOWN,
  HZ_FHIR_SEX_MALE,
  HZ_FHIR_SEX_FEMALE,
  HZ_FHIR_SEX_OTHER,
} HzFhirSex;

/* Observation.interpretation, reduced to what the UI colours. */
typedef enum {
  HZ_FHIR_FLAG_NONE,           /* no flag and no range to judge by */
  HZ_FHIR_FLAG_NORMAL,
  HZ_FHIR_FLAG_LOW,
  HZ_FHIR_FLAG_HIGH,
  HZ_FHIR_FLAG_CRITICAL_LOW,
  HZ_FHIR_FLAG_CRITICAL_HIGH,
  HZ_FHIR_FLAG_ABNORMAL,
} HzFhirFlag;

typedef enum {
  HZ_ALLERGY_CRITICALITY_UNKNOWN,   /* not stated */
  HZ_ALLERGY_CRITICALITY_LOW,
  HZ_ALLERGY_CRITICALITY_HIGH,
  HZ_ALLERGY_CRITICALITY_UNABLE_TO_ASSESS,
} HzAllergyCriticality;

/* Something wrong inside a bundle that did not stop it being read.
 * message is translated, for people; it names fields and references
 * (Patient/QS-000731) but never quotes names or clinical values. */
typedef struct {
  char *resource_type;   /* NULL for the bundle itself */
  char *resource_id;     /* NULL when the resource has no id */
  char *message;
} HzFhirWarning;

#define HZ_TYPE_FHIR_WARNING         (hz_fhir_warning_get_type ())
#define HZ_TYPE_RECORD_KIND          (hz_record_kind_get_type ())
#define HZ_TYPE_FHIR_PRECISION       (hz_fhir_precision_get_type ())

GQuark          hz_fhir_error_quark        (void);
GType           hz_fhir_warning_get_type   (void) G_GNUC_CONST;
GType           hz_record_kind_get_type    (void) G_GNUC_CONST;
GType           hz_fhir_precision_get_type (void) G_GNUC_CONST;

HzFhirWarning  *hz_fhir_warning_new        (const char          *resource_type,
                                            const char          *resource_id,
                                            const char          *message);
HzFhirWarning  *hz_fhir_warning_copy       (const HzFhirWarning *warning);
void            hz_fhir_warning_free       (HzFhirWarning       *warning);

const char     *hz_record_kind_to_label    (HzRecordKind         kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzFhirWarning, hz_fhir_warning_free)

G_END_DECLS
