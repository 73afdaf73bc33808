/* hz-record-entry.h: one line of a patient's record: a problem, a lab
 * value, an allergy, an imaging study... */
#pragma once

#include <json-glib/json-glib.h>

#include "hz-fhir-resources.h"
#include "hz-fhir-types.h"

G_BEGIN_DECLS

#define HZ_TYPE_RECORD_ENTRY (hz_record_entry_get_type ())

G_DECLARE_FINAL_TYPE (HzRecordEntry, hz_record_entry, HZ, RECORD_ENTRY, GObject)

HzRecordKind       hz_record_entry_get_kind           (HzRecordEntry *self);
const char        *hz_record_entry_get_resource_type  (HzRecordEntry *self);
const char        *hz_record_entry_get_id             (HzRecordEntry *self);
const char        *hz_record_entry_get_title          (HzRecordEntry *self);
const char        *hz_record_entry_get_summary        (HzRecordEntry *self);
GDateTime         *hz_record_entry_get_date           (HzRecordEntry *self);
HzFhirPrecision    hz_record_entry_get_date_precision (HzRecordEntry *self);
gboolean           hz_record_entry_get_is_high_risk   (HzRecordEntry *self);
gboolean           hz_record_entry_get_is_abnormal    (HzRecordEntry *self);
JsonNode          *hz_record_entry_get_raw            (HzRecordEntry *self);

/* The details of one kind; NULL when the entry is of another kind. */
const HzFhirEncounter    *hz_record_entry_get_encounter     (HzRecordEntry *self);
const HzFhirProblem      *hz_record_entry_get_problem       (HzRecordEntry *self);
const HzFhirMedication   *hz_record_entry_get_medication    (HzRecordEntry *self);
const HzFhirAllergy      *hz_record_entry_get_allergy       (HzRecordEntry *self);
const HzFhirObservation  *hz_record_entry_get_observation   (HzRecordEntry *self);
const HzFhirReport       *hz_record_entry_get_report        (HzRecordEntry *self);
const HzFhirDocument     *hz_record_entry_get_document      (HzRecordEntry *self);
const HzFhirImagingStudy *hz_record_entry_get_imaging_study (HzRecordEntry *self);

G_END_DECLS
