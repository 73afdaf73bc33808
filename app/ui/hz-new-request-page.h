/* hz-new-request-page.h: a township doctor's new consult request. */
#pragma once

#include <adwaita.h>

#include "hz-dicomweb-client.h"
#include "hz-hub-client.h"
#include "hz-profile.h"

G_BEGIN_DECLS

#define HZ_TYPE_NEW_REQUEST_PAGE (hz_new_request_page_get_type ())

G_DECLARE_FINAL_TYPE (HzNewRequestPage, hz_new_request_page, HZ, NEW_REQUEST_PAGE, GtkWidget)

void        hz_new_request_page_set_client   (HzNewRequestPage *self,
                                              HzHubClient      *client,
                                              HzProfile        *profile);
void        hz_new_request_page_set_settings (HzNewRequestPage *self,
                                              GSettings        *settings);
void        hz_new_request_page_start        (HzNewRequestPage *self);
/* Patients in the patient folder matching @text; returns how many. */
guint       hz_new_request_page_find_patient (HzNewRequestPage *self,
                                              const char       *text);
gboolean    hz_new_request_page_choose_patient (HzNewRequestPage *self,
                                              guint             index);
void        hz_new_request_page_save_draft   (HzNewRequestPage *self);
gboolean    hz_new_request_page_import_bundle (HzNewRequestPage *self,
                                              GFile            *file,
                                              GError          **error);
void        hz_new_request_page_submit       (HzNewRequestPage *self);
void        hz_new_request_page_add_attachment (HzNewRequestPage *self,
                                              const char       *path);
/* A study picked from the PACS goes with the request as a FHIR
 * ImagingStudy in its case bundle; FALSE if it is there already. */
gboolean    hz_new_request_page_add_study    (HzNewRequestPage *self,
                                              const HzDicomwebStudy *study);
/* The validation message shown now, or NULL. */
const char *hz_new_request_page_get_problem  (HzNewRequestPage *self);
gboolean    hz_new_request_page_is_busy      (HzNewRequestPage *self);
/* @key: "department:ID" or "specialist:ID"; FALSE if not offered (yet). */
gboolean    hz_new_request_page_select_target (HzNewRequestPage *self,
                                              const char       *key);

G_END_DECLS
