/* hz-fhir-resources.h: what the record view shows of each kind of FHIR
 * resource. Plain read-only structs, owned by their HzRecordEntry. String
 * fields are NULL and numbers NaN where the bundle says nothing. */
#pragma once

#include <glib-object.h>

#include "hz-fhir-types.h"
#include "hz-sampled-data.h"

G_BEGIN_DECLS

typedef struct {
  char *system;
  char *value;
  char *type_code;    /* v2-0203: NI national ID, MC health card, ... */
  char *type_text;
} HzFhirIdentifier;

typedef struct {
  char      *class_code;       /* AMB, IMP, EMER, ... */
  char      *class_display;
  char      *status;
  char      *reason;
  char      *service_provider;
  GDateTime *start;
  GDateTime *end;
} HzFhirEncounter;

typedef struct {
  char      *code;             /* ICD-10 where the bundle has it */
  char      *code_system;
  char      *display;          /* as given, often "中文 English" */
  char      *display_zh;       /* the two halves of a bilingual display */
  char      *display_en;
  char      *clinical_status;  /* active, resolved, ... */
  char      *onset_text;       /* onsetString, when onset is not a date */
  GDateTime *onset;
  HzFhirPrecision onset_precision;
} HzFhirProblem;

typedef struct {
  char      *drug;
  char      *dose;             /* "5 mg" from doseAndRate */
  char      *route;
  char      *frequency;        /* timing text or code */
  char      *dosage_text;      /* the dosage as free text */
  char      *status;
  gboolean   is_request;       /* MedicationRequest rather than a statement */
} HzFhirMedication;

typedef struct {
  char                 *substance;
  char                 *clinical_status;
  char                 *category;      /* food, medication, ... joined by ", " */
  char                 *manifestation; /* all reactions, joined by ", " */
  char                 *severity;      /* the worst: mild, moderate, severe */
  HzAllergyCriticality  criticality;
  gboolean              is_high_risk;  /* high criticality or a severe reaction */
} HzFhirAllergy;

typedef struct _HzFhirObservation HzFhirObservation;

typedef enum {
  HZ_FHIR_VALUE_NONE,
  HZ_FHIR_VALUE_QUANTITY,
  HZ_FHIR_VALUE_STRING,
  HZ_FHIR_VALUE_CONCEPT,
  HZ_FHIR_VALUE_SAMPLED_DATA,
} HzFhirValueKind;

/* An Observation, or one of its components (which have no components,
 * category or time of their own). */
struct _HzFhirObservation {
  char            *code_system;
  char            *code;
  char            *display;
  char            *category;       /* vital-signs, laboratory, ... */
  HzFhirValueKind  value_kind;
  double           value;          /* valueQuantity / valueInteger */
  char            *unit;
  char            *value_text;     /* valueString or the concept's text */
  HzSampledData   *sampled_data;
  double           range_low;      /* referenceRange[0]; NaN if absent */
  double           range_high;
  HzFhirFlag       flag;
  gboolean         flag_computed;  /* from the range, the bundle gave none */
  GPtrArray       *components;     /* of HzFhirObservation; NULL for a component */
};

typedef struct {
  char      *code_text;
  char      *status;
  char      *conclusion;
  GPtrArray *result_ids;   /* of char*, ids of the Observations found */
} HzFhirReport;

typedef struct {
  char   *title;
  char   *content_type;
  char   *url;           /* NULL when the data are inline */
  gsize   data_size;     /* bytes of inline data, 0 if none */
  char   *description;
} HzFhirDocument;

typedef struct {
  char  *uid;
  char  *modality;
  guint  n_instances;
} HzFhirSeries;

typedef struct {
  char      *study_uid;     /* without urn:oid: */
  char      *description;
  char      *modalities;    /* distinct, joined by ", " */
  guint      n_series;
  guint      n_instances;
  GPtrArray *series;        /* of HzFhirSeries */
} HzFhirImagingStudy;

void hz_fhir_identifier_free     (HzFhirIdentifier   *self);
void hz_fhir_encounter_free      (HzFhirEncounter    *self);
void hz_fhir_problem_free        (HzFhirProblem      *self);
void hz_fhir_medication_free     (HzFhirMedication   *self);
void hz_fhir_allergy_free        (HzFhirAllergy      *self);
void hz_fhir_observation_free    (HzFhirObservation  *self);
void hz_fhir_report_free         (HzFhirReport       *self);
void hz_fhir_document_free       (HzFhirDocument     *self);
void hz_fhir_imaging_study_free  (HzFhirImagingStudy *self);

gboolean hz_fhir_flag_is_abnormal (HzFhirFlag flag);

G_END_DECLS
