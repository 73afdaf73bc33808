/* hz-workspace.h: the consult workspace: the call, the patient record,
 * the images and chat, shared between the two doctors, and the opinion. */
#pragma once

#include <gtk/gtk.h>

#include "hz-call.h"
#include "hz-consult-log.h"
#include "hz-dicomweb-client.h"
#include "hz-hub-client.h"
#include "hz-image-view.h"
#include "hz-record-view.h"
#include "hz-shared-session.h"
#include "hz-signed-opinion.h"

G_BEGIN_DECLS

typedef enum {
  HZ_WORKSPACE_ROLE_REQUESTER,    /* the township doctor who asked */
  HZ_WORKSPACE_ROLE_SPECIALIST,   /* the responder: writes and signs the opinion */
} HzWorkspaceRole;

#define HZ_TYPE_WORKSPACE (hz_workspace_get_type ())

G_DECLARE_FINAL_TYPE (HzWorkspace, hz_workspace, HZ, WORKSPACE, GtkWidget)

/* @consult: the consult as the hub gives it (at least "id"); @log: the
 * user's consultation log; @call: (nullable) the consult's call, which
 * can also come later (store-and-forward has none). The record is
 * fetched through @client at once. */
GtkWidget       *hz_workspace_new                (HzHubClient     *client,
                                                  JsonObject      *consult,
                                                  HzWorkspaceRole  role,
                                                  HzConsultLog    *log,
                                                  HzCall          *call);
void             hz_workspace_set_call           (HzWorkspace     *self,
                                                  HzCall          *call);
HzCall          *hz_workspace_get_call           (HzWorkspace     *self);
const char      *hz_workspace_get_consult_id     (HzWorkspace     *self);
HzWorkspaceRole  hz_workspace_get_role           (HzWorkspace     *self);
HzSharedSession *hz_workspace_get_shared_session (HzWorkspace     *self);
HzImageView     *hz_workspace_get_image_view     (HzWorkspace     *self);
HzRecordView    *hz_workspace_get_record_view    (HzWorkspace     *self);
/* TRUE once the case bundle is shown (from the hub or its cache). */
gboolean         hz_workspace_get_record_loaded  (HzWorkspace     *self);

/* Images: a series this side has (from local files or DICOMweb) joins
 * the series browser; open shows it in the viewer. */
void             hz_workspace_add_series         (HzWorkspace     *self,
                                                  HzImageStack    *stack,
                                                  const char      *description,
                                                  const char      *modality);
gboolean         hz_workspace_open_series        (HzWorkspace     *self,
                                                  const char      *series_uid);
/* The PACS for imaging studies the record names (opened from the
 * record's imaging section). */
void             hz_workspace_set_pacs           (HzWorkspace     *self,
                                                  HzDicomwebClient *pacs);
/* Fetches every series of the study from the PACS (@pacs: configured by
 * the caller with its URL, credentials and cache) and adds them. */
void             hz_workspace_load_study         (HzWorkspace     *self,
                                                  HzDicomwebClient *pacs,
                                                  const char      *study_uid);
/* "record", "images" or "opinion". */
void             hz_workspace_show_page          (HzWorkspace     *self,
                                                  const char      *page);
const char      *hz_workspace_get_page           (HzWorkspace     *self);

/* The HzOpinionEditor (the specialist's form; "opinion.sign" signs). */
GtkWidget       *hz_workspace_get_opinion_editor (HzWorkspace     *self);
/* The specialist's key, for the opinion editor's sign action. */
void             hz_workspace_set_signing_key    (HzWorkspace     *self,
                                                  HzSigningKey    *key);
/* The signed opinion: the specialist's own once signed and sent, the
 * requester's once received and verified; NULL before. */
HzSignedOpinion *hz_workspace_get_opinion        (HzWorkspace     *self);
/* Sends a signed opinion to the hub (the editor's sign does this). */
void             hz_workspace_submit_opinion     (HzWorkspace     *self,
                                                  HzSignedOpinion *opinion);
/* Signs nothing: sends an addendum the editor signed to the hub and the
 * log (the editor's "addendum-signed" does this). */
void             hz_workspace_submit_addendum    (HzWorkspace     *self,
                                                  HzSignedOpinion *addendum);
/* The opinion's verified addenda, in chain order. */
guint            hz_workspace_get_n_addenda      (HzWorkspace     *self);
HzSignedOpinion *hz_workspace_get_addendum       (HzWorkspace     *self,
                                                  guint            index);
/* The hub's directory (GET directory), for the names of people and
 * institutions; the workspace also fetches it itself. */
void             hz_workspace_set_directory      (HzWorkspace     *self,
                                                  JsonObject      *directory);
gboolean         hz_workspace_export_report      (HzWorkspace     *self,
                                                  const char      *path,
                                                  GError         **error);

G_END_DECLS
