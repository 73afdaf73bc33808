/* hz-shared-session.h: the shared view between the two doctors of a call:
 * the presenter's viewer and record section go out over the call's data
 * channel, the follower's viewer shows them; chat rides along. */
#pragma once

#include "hz-call.h"
#include "hz-image-view.h"
#include "hz-record-view.h"

G_BEGIN_DECLS

#define HZ_TYPE_SHARED_SESSION (hz_shared_session_get_type ())

G_DECLARE_FINAL_TYPE (HzSharedSession, hz_shared_session, HZ, SHARED_SESSION, GObject)

/* Returns the stack of @series_uid if this side has it (borrowed), else
 * NULL: the view is kept and applied by hz_shared_session_reapply() once
 * the series has been loaded. */
typedef HzImageStack *(*HzSharedSeriesLookup) (const char *series_uid,
                                               const char *study_uid,
                                               gpointer    user_data);

HzSharedSession *hz_shared_session_new                (const char        *author);
/* The transport: messages go out with hz_call_send_data and come in by
 * HzCall::data-received. NULL detaches. */
void             hz_shared_session_set_call           (HzSharedSession   *self,
                                                       HzCall            *call);
HzCall          *hz_shared_session_get_call           (HzSharedSession   *self);
void             hz_shared_session_set_image_view     (HzSharedSession   *self,
                                                       HzImageView       *view);
void             hz_shared_session_set_record_view    (HzSharedSession   *self,
                                                       HzRecordView      *view);
void             hz_shared_session_set_series_lookup  (HzSharedSession   *self,
                                                       HzSharedSeriesLookup lookup,
                                                       gpointer           user_data);

/* Presenting: what this side shows goes to the other. Taking over from
 * the other presenter is allowed (the last one to ask presents). */
gboolean         hz_shared_session_present            (HzSharedSession   *self,
                                                       GError           **error);
void             hz_shared_session_stop_presenting    (HzSharedSession   *self);
gboolean         hz_shared_session_get_presenting     (HzSharedSession   *self);
gboolean         hz_shared_session_get_peer_presenting (HzSharedSession  *self);
/* Following the peer's presentation; rejoining shows the newest view at
 * once. TRUE by default. */
void             hz_shared_session_set_following      (HzSharedSession   *self,
                                                       gboolean           following);
gboolean         hz_shared_session_get_following      (HzSharedSession   *self);
gboolean         hz_shared_session_get_peer_following (HzSharedSession   *self);

/* While presenting: what is shown now (a record section or the series in
 * the viewer) goes out at once. The user's own changes are sent without
 * this; code that changes the viewer itself calls it. */
gboolean         hz_shared_session_send_view          (HzSharedSession   *self,
                                                       GError           **error);
gboolean         hz_shared_session_show_record_section (HzSharedSession  *self,
                                                       const char        *section_id,
                                                       GError           **error);
/* Pointer updates are sent at most once per @interval_ms (the newest
 * position wins, the last one is never lost); 0 sends every one. */
void             hz_shared_session_set_pointer_interval (HzSharedSession *self,
                                                       guint              interval_ms);
gboolean         hz_shared_session_send_chat          (HzSharedSession   *self,
                                                       const char        *text,
                                                       GError           **error);
/* Applies the newest view the presenter sent, if following (after the
 * series it names was loaded). */
void             hz_shared_session_reapply            (HzSharedSession   *self);
/* Feeds one data-channel text as if the call had delivered it. */
gboolean         hz_shared_session_receive            (HzSharedSession   *self,
                                                       const char        *text,
                                                       GError           **error);
guint64          hz_shared_session_get_n_sent         (HzSharedSession   *self);

G_END_DECLS
