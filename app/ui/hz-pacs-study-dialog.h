/* hz-pacs-study-dialog.h: finds a patient's imaging studies in the
 * institution's PACS (QIDO-RS) and hands back the one chosen. */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "hz-dicomweb-client.h"

G_BEGIN_DECLS

#define HZ_TYPE_PACS_STUDY_DIALOG (hz_pacs_study_dialog_get_type ())

G_DECLARE_FINAL_TYPE (HzPacsStudyDialog, hz_pacs_study_dialog, HZ, PACS_STUDY_DIALOG, AdwWindow)

/* "study-chosen" (const HzDicomwebStudy *study): then the dialog closes. */
HzPacsStudyDialog     *hz_pacs_study_dialog_new         (GtkWindow         *parent,
                                                         HzDicomwebClient  *pacs);
/* Fills the fields (NULL leaves one as it is) and searches. */
void                   hz_pacs_study_dialog_search      (HzPacsStudyDialog *self,
                                                         const char        *patient_id,
                                                         const char        *patient_name,
                                                         const char        *study_date);
gboolean               hz_pacs_study_dialog_is_searching (HzPacsStudyDialog *self);
guint                  hz_pacs_study_dialog_get_n_results (HzPacsStudyDialog *self);
const HzDicomwebStudy *hz_pacs_study_dialog_get_result  (HzPacsStudyDialog *self,
                                                         guint              index);
/* The message shown instead of results (none found, a bad date, the
 * PACS unreachable), or NULL. */
const char            *hz_pacs_study_dialog_get_message (HzPacsStudyDialog *self);
void                   hz_pacs_study_dialog_choose      (HzPacsStudyDialog *self,
                                                         guint              index);

/* For people: "王建国 (WANG JIANGUO)". */
char                  *hz_pacs_study_patient_display    (const HzDicomwebStudy *study);
/* "2026-11-20 · CT · 胸部 CT · 48 images". */
char                  *hz_pacs_study_summary            (const HzDicomwebStudy *study);

/* A FHIR ImagingStudy for the case bundle, its subject @patient_reference
 * (a fullUrl or "Patient/ID"). */
JsonObject            *hz_pacs_study_to_fhir            (const HzDicomwebStudy *study,
                                                         const char            *patient_reference);

G_END_DECLS
