/* hz-workspace-private.h: the workspace's instance struct, shared by
 * hz-workspace.c (pages, record, images, chat), hz-workspace-call.c
 * (video and call controls) and hz-workspace-opinion.c (opinion, report). */
#pragma once

#include <adwaita.h>

#include "hz-dicomweb-client.h"
#include "hz-opinion-editor.h"
#include "hz-series-browser.h"
#include "hz-video-paintable.h"
#include "hz-workspace.h"

G_BEGIN_DECLS

struct _HzWorkspace
{
  GtkWidget         parent_instance;

  HzHubClient      *client;
  JsonObject       *consult;
  char             *consult_id;
  char             *user_id;
  HzWorkspaceRole   role;
  HzConsultLog     *log;
  HzSharedSession  *session;
  GCancellable     *cancellable;
  GHashTable       *traced;         /* "kind:value" already in the log */
  gboolean          record_loaded;

  HzCall           *call;
  gulong            call_ids[6];     /* HzWorkspaceCallHandler */
  HzVideoPaintable *video;
  HzVideoPaintable *local_video;    /* the self-view */
  GSimpleActionGroup *device_actions;

  HzSigningKey     *key;
  HzSignedOpinion  *opinion;
  GPtrArray        *addenda;        /* HzSignedOpinion, in chain order */
  JsonObject       *directory;      /* the hub's, for people's names */
  gulong            consult_changed_id;
  gboolean          fetching_opinion;
  gboolean          refetch_opinion;  /* news came during the fetch */
  gboolean          opinion_from_log; /* the hub unreachable: the log's copy */
  gboolean          reporting;        /* the opinion on its way to the hub */
  gboolean          posting_addendum;
  GQueue            addendum_posts;   /* JsonObject bodies, in chain order */
  HzDicomwebClient *dicomweb;

  /* template */
  GtkRevealer      *banner_revealer;
  GtkLabel         *banner_label;
  GtkPicture       *remote_picture;
  GtkLabel         *video_placeholder;
  GtkWidget        *self_frame;
  GtkImage         *self_icon;
  GtkStack         *self_stack;
  GtkImage         *self_picture;
  GtkMenuButton    *devices_button;
  GtkLabel         *quality_label;
  GtkWidget        *call_controls;
  GtkLabel         *call_status_label;
  GtkScrolledWindow *chat_scroller;
  GtkListBox       *chat_list;
  GtkEntry         *chat_entry;
  GtkLabel         *presenter_label;
  GtkToggleButton  *present_button;
  GtkToggleButton  *follow_button;
  GtkStack         *stack;
  GtkStack         *record_stack;
  AdwStatusPage    *record_status;
  HzRecordView     *record_view;
  HzSeriesBrowser  *series_browser;
  HzImageView      *image_view;
  GtkWidget        *image_box;
  GtkEntry         *annotation_entry;
  GSimpleActionGroup *viewer_actions;
  GtkStack         *opinion_stack;
  HzOpinionEditor  *opinion_editor;
  GtkLabel         *opinion_title;
  GtkLabel         *opinion_verified;
  GtkLabel         *opinion_signer;
  GtkWidget        *opinion_fields;
  GtkLabel         *opinion_findings;
  GtkLabel         *opinion_diagnoses;
  GtkLabel         *opinion_treatment;
  GtkLabel         *opinion_follow_up;
  GtkLabel         *opinion_referral;
  GtkLabel         *opinion_remarks;
  GtkLabel         *opinion_fingerprint;
  GtkBox           *opinion_addenda;
};

/* Indexes of call_ids. */
typedef enum {
  HZ_WORKSPACE_CALL_FRAME,
  HZ_WORKSPACE_CALL_STATS,
  HZ_WORKSPACE_CALL_STATE,
  HZ_WORKSPACE_CALL_QUALITY,
  HZ_WORKSPACE_CALL_MUTED,
  HZ_WORKSPACE_CALL_LOCAL_FRAME,
} HzWorkspaceCallHandler;

extern guint _hz_workspace_opinion_received_signal;

/* From the generated resources (--manual-register). */
void  hz_workspace_register_resource   (void);

void  _hz_workspace_trace              (HzWorkspace     *self,
                                        const char      *kind,
                                        JsonObject      *payload);
void  _hz_workspace_call_class_init    (GtkWidgetClass  *widget_class);
void  _hz_workspace_call_detach        (HzWorkspace     *self);
void  _hz_workspace_show_call_state    (HzWorkspace     *self,
                                        HzCallState      state,
                                        HzCallQuality    quality);
void  _hz_workspace_opinion_setup      (HzWorkspace     *self);
void  _hz_workspace_viewer_class_init  (GtkWidgetClass  *widget_class);
void  _hz_workspace_viewer_setup       (HzWorkspace     *self);
void  _hz_workspace_media_setup        (HzWorkspace     *self);
void  _hz_workspace_media_attach       (HzWorkspace     *self,
                                        HzCall          *call);
void  _hz_workspace_media_camera_changed (HzWorkspace   *self,
                                        gboolean         off);
void  _hz_workspace_media_set_live     (HzWorkspace     *self,
                                        gboolean         live);
GMenuModel *_hz_workspace_devices_menu (HzWorkspace     *self);
void  _hz_workspace_study_activated_cb (HzWorkspace     *self,
                                        const char      *study_uid);
void  _hz_workspace_opinion_signed_cb  (HzWorkspace     *self,
                                        HzSignedOpinion *opinion);
void  _hz_workspace_addendum_signed_cb (HzWorkspace     *self,
                                        HzSignedOpinion *addendum);

G_END_DECLS
