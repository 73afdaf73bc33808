/* hz-fhir-readers-private.h: one reader per kind of FHIR resource, each
 * filling in an HzRecordEntry from the resource's JSON. */
#pragma once

#include "hz-fhir-reader.h"
#include "hz-record-entry-private.h"

G_BEGIN_DECLS

typedef void (*HzFhirReadFunc) (HzFhirReader  *reader,
                                JsonObject    *resource,
                                HzRecordEntry *entry);

void _hz_fhir_read_encounter     (HzFhirReader *reader, JsonObject *resource, HzRecordEntry *entry);
void _hz_fhir_read_condition     (HzFhirReader *reader, JsonObject *resource, HzRecordEntry *entry);
void _hz_fhir_read_medication    (HzFhirReader *reader, JsonObject *resource, HzRecordEntry *entry);
void _hz_fhir_read_allergy       (HzFhirReader *reader, JsonObject *resource, HzRecordEntry *entry);
void _hz_fhir_read_observation   (HzFhirReader *reader, JsonObject *resource, HzRecordEntry *entry);
void _hz_fhir_read_report        (HzFhirReader *reader, JsonObject *resource, HzRecordEntry *entry);
void _hz_fhir_read_document      (HzFhirReader *reader, JsonObject *resource, HzRecordEntry *entry);
void _hz_fhir_read_media         (HzFhirReader *reader, JsonObject *resource, HzRecordEntry *entry);
void _hz_fhir_read_imaging_study (HzFhirReader *reader, JsonObject *resource, HzRecordEntry *entry);

void _hz_fhir_split_bilingual    (const char  *text,
                                  char       **zh,
                                  char       **en);

G_END_DECLS
