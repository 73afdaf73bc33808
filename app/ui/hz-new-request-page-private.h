/* hz-new-request-page-private.h: HzNewRequestPage's insides, shared by
 * hz-new-request-page.c (the form, the draft, sending) and
 * hz-new-request-studies.c (studies from the PACS, the case bundle). */
#pragma once

#include "hz-new-request-page.h"

G_BEGIN_DECLS

#define DRAFT_FILE "new-request-draft.json"
#define MAX_BUNDLE_BYTES (8 * 1024 * 1024)

struct _HzNewRequestPage
{
  GtkWidget       parent_instance;

  GtkLabel       *problem_label;
  AdwEntryRow    *patient_id_row;
  AdwEntryRow    *patient_name_row;
  AdwComboRow    *sex_row;
  GtkSpinButton  *age_spin;
  AdwActionRow   *bundle_row;
  GtkSwitch      *consent_switch;
  AdwComboRow    *consent_by_row;
  AdwComboRow    *consent_method_row;
  GtkTextView    *reason_view;
  AdwEntryRow    *question_row;
  AdwComboRow    *urgency_row;
  AdwComboRow    *mode_row;
  AdwComboRow    *target_row;
  GtkStringList  *target_list;
  GtkListBox     *attachments_list;
  GtkSearchEntry *patient_search;
  GtkListBox     *patient_results;

  GSettings      *settings;
  GPtrArray      *patients;       /* PatientEntry, from the patient folder */
  GPtrArray      *found;          /* paths, as patient_results */

  HzHubClient    *client;
  HzProfile      *profile;
  GCancellable   *cancellable;
  JsonNode       *bundle;         /* imported, or NULL */
  char           *bundle_path;
  GPtrArray      *targets;        /* "department:ID" / "specialist:ID", as target_list */
  GPtrArray      *attachments;    /* paths */
  JsonArray      *studies;        /* FHIR ImagingStudy resources picked from the PACS */
  HzDicomwebClient *pacs;         /* the user's institution's, from the directory */
  gboolean        busy;
  gboolean        checking;       /* a send was refused: re-check as fields change */
  guint           uploads;
  char           *created_id;
};

void      _hz_new_request_page_show_problem        (HzNewRequestPage *self,
                                                    const char       *text);
void      _hz_new_request_page_update_attachments  (HzNewRequestPage *self);
void      _hz_new_request_page_use_pacs            (HzNewRequestPage *self,
                                                    JsonObject       *directory);
JsonNode *_hz_new_request_page_bundle_with_studies (HzNewRequestPage *self);
void      _hz_new_request_page_add_study_action    (GtkWidget        *widget,
                                                    const char       *action_name,
                                                    GVariant         *parameter);

G_END_DECLS
