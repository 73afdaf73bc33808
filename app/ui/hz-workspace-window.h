/* hz-workspace-window.h: a window holding one consult's workspace, with
 * its call (placed, answered, or none for store-and-forward). */
#pragma once

#include <adwaita.h>

#include "hz-call-signaling.h"
#include "hz-hub-client.h"
#include "hz-profile.h"

G_BEGIN_DECLS

#define HZ_TYPE_WORKSPACE_WINDOW (hz_workspace_window_get_type ())

G_DECLARE_FINAL_TYPE (HzWorkspaceWindow, hz_workspace_window, HZ, WORKSPACE_WINDOW, AdwWindow)

typedef enum {
  HZ_WORKSPACE_CALL_NONE,      /* store-and-forward, or the call comes later */
  HZ_WORKSPACE_CALL_PLACE,     /* the requester calls the specialist */
  HZ_WORKSPACE_CALL_ANSWER,    /* @invite is the other doctor's call */
} HzWorkspaceCall;

/* @consult: the hub's consult object; @invite: the call invitation for
 * HZ_WORKSPACE_CALL_ANSWER, else NULL. */
HzWorkspaceWindow *hz_workspace_window_new     (GtkWindow       *parent,
                                                HzHubClient     *client,
                                                HzCallSignaling *signaling,
                                                HzProfile       *profile,
                                                GSettings       *settings,
                                                JsonObject      *consult,
                                                HzWorkspaceCall  call,
                                                JsonObject      *invite);
const char        *hz_workspace_window_get_consult_id (HzWorkspaceWindow *self);
/* TRUE while the window's call has not ended. */
gboolean           hz_workspace_window_has_call       (HzWorkspaceWindow *self);
/* Answers @invite in this window, when it has no call going. */
void               hz_workspace_window_answer         (HzWorkspaceWindow *self,
                                                       JsonObject        *invite);

G_END_DECLS
