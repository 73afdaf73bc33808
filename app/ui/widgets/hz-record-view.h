/* hz-record-view.h: a patient's record: the allergy banner and who the
 * patient is on top, and sections (problems, medications, vital signs,
 * labs, trends, ECG, documents, imaging) each addressable by an id so
 * that the shared view can say which one is open. */
#pragma once

#include <gtk/gtk.h>

#include "hz-patient-record.h"

G_BEGIN_DECLS

#define HZ_TYPE_RECORD_VIEW (hz_record_view_get_type ())

G_DECLARE_FINAL_TYPE (HzRecordView, hz_record_view, HZ, RECORD_VIEW, GtkWidget)

GtkWidget          *hz_record_view_new               (void);
/* @when: the date ages are given at; NULL for now. */
void                hz_record_view_set_record        (HzRecordView    *self,
                                                      HzPatientRecord *record,
                                                      GDateTime       *when);
HzPatientRecord    *hz_record_view_get_record        (HzRecordView    *self);

/* Section ids, NULL-terminated: "allergies", "problems", "medications",
 * "vital-signs", "labs", "ecg", "trends", "documents", "imaging",
 * "encounters". */
const char * const *hz_record_view_get_section_ids   (void);
/* The section open; showing one from code (the presenter's choice
 * arriving) emits nothing, the user's choice emits ::section-changed. */
const char         *hz_record_view_get_section       (HzRecordView    *self);
gboolean            hz_record_view_show_section      (HzRecordView    *self,
                                                      const char      *id);
GtkWidget          *hz_record_view_get_section_widget (HzRecordView   *self,
                                                      const char      *id);
GtkWidget          *hz_record_view_get_allergy_banner (HzRecordView   *self);

/* Signals: ::section-changed (const char *id), the user opened a section;
 * ::study-activated (const char *study_uid), the user chose an imaging
 * study to open in the viewer. */

G_END_DECLS
