/* hz-record-summary.h: who the patient is: names in Chinese and Latin
 * script, age, sex and identifiers. */
#pragma once

#include <gtk/gtk.h>

#include "hz-patient-record.h"

G_BEGIN_DECLS

#define HZ_TYPE_RECORD_SUMMARY (hz_record_summary_get_type ())

G_DECLARE_FINAL_TYPE (HzRecordSummary, hz_record_summary, HZ, RECORD_SUMMARY, GtkBox)

GtkWidget *hz_record_summary_new        (void);
/* @when: the date ages are given at (the consult's), NULL for now. */
void       hz_record_summary_set_record (HzRecordSummary *self,
                                         HzPatientRecord *record,
                                         GDateTime       *when);

G_END_DECLS
