/* hz-patient-record.h: a patient's history, read from a FHIR R4 bundle,
 * as the record view draws it. */
#pragma once

#include <gio/gio.h>

#include "hz-fhir-resources.h"
#include "hz-fhir-types.h"
#include "hz-record-entry.h"
#include "hz-sampled-data.h"

G_BEGIN_DECLS

/* One point of a series for plotting, e.g. a systolic pressure. */
typedef struct {
  gint64      time_us;      /* microseconds since 1970, UTC */
  double      value;
  const char *unit;         /* owned by the record */
  const char *resource_id;  /* the Observation it came from; owned by the record */
} HzSeriesPoint;

#define HZ_TYPE_PATIENT_RECORD (hz_patient_record_get_type ())

G_DECLARE_FINAL_TYPE (HzPatientRecord, hz_patient_record, HZ, PATIENT_RECORD, GObject)

HzPatientRecord *hz_patient_record_new_from_bytes      (GBytes          *json,
                                                        GError         **error);

const char      *hz_patient_record_get_bundle_type     (HzPatientRecord *self);
const char      *hz_patient_record_get_patient_id      (HzPatientRecord *self);
const char      *hz_patient_record_get_official_name   (HzPatientRecord *self);
const char      *hz_patient_record_get_latin_name      (HzPatientRecord *self);
HzFhirSex        hz_patient_record_get_sex             (HzPatientRecord *self);
const char      *hz_patient_record_get_birth_date      (HzPatientRecord *self);
int              hz_patient_record_get_age_at          (HzPatientRecord *self,
                                                        GDateTime       *when);
GPtrArray       *hz_patient_record_get_identifiers     (HzPatientRecord *self);
const char      *hz_patient_record_get_national_id     (HzPatientRecord *self);
const char      *hz_patient_record_get_health_card     (HzPatientRecord *self);
gboolean         hz_patient_record_has_high_risk_allergy (HzPatientRecord *self);
JsonNode        *hz_patient_record_get_patient_raw     (HzPatientRecord *self);

GListModel      *hz_patient_record_get_entries         (HzPatientRecord *self,
                                                        HzRecordKind     kind);
HzRecordEntry   *hz_patient_record_lookup              (HzPatientRecord *self,
                                                        const char      *resource_type,
                                                        const char      *id);
GPtrArray       *hz_patient_record_get_warnings        (HzPatientRecord *self);

GListModel      *hz_patient_record_get_timeline        (HzPatientRecord *self);
GArray          *hz_patient_record_get_series          (HzPatientRecord *self,
                                                        const char      *system,
                                                        const char      *code);

G_END_DECLS
