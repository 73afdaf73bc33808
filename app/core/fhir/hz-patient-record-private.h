/* hz-patient-record-private.h: the record's insides, shared by the files
 * that fill it (hz-fhir-bundle.c) and view it (hz-record-timeline.c). */
#pragma once

#include "hz-fhir-reader.h"
#include "hz-patient-record.h"

G_BEGIN_DECLS

struct _HzPatientRecord {
  GObject          parent_instance;

  JsonNode        *root;
  char            *bundle_type;
  JsonNode        *patient_raw;
  char            *patient_id;
  char            *official_name;
  char            *latin_name;
  HzFhirSex        sex;
  char            *birth_date;
  GDateTime       *birth;          /* midnight UTC of the birth date */
  HzFhirPrecision  birth_precision;
  GPtrArray       *identifiers;    /* of HzFhirIdentifier */

  GListStore      *lists[HZ_RECORD_N_KINDS];
  GHashTable      *by_key;         /* "Type/id" -> HzRecordEntry */
  GListStore      *timeline;       /* built on first use */
  GPtrArray       *warnings;       /* of HzFhirWarning */
};

gboolean _hz_fhir_bundle_load   (HzPatientRecord *self,
                                 GBytes          *json,
                                 GError         **error);
void     _hz_fhir_read_patient  (HzPatientRecord *self,
                                 HzFhirReader    *reader,
                                 JsonNode        *node);

G_END_DECLS
