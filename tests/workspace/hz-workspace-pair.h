/* hz-workspace-pair.h: two signed-in doctors on a real hub with a live
 * call between them, each with an HzWorkspace in its own window: what the
 * workspace test and the shared-view benchmark both start from. */
#pragma once

#include "hz-call.h"
#include "hz-hub-harness.h"
#include "hz-image-stack.h"
#include "hz-workspace.h"

G_BEGIN_DECLS

typedef struct {
  HzHubClient  *client;
  HzConsultLog *log;
  HzCallSignaling *signaling;
  HzCall       *call;
  JsonObject   *consult;
  GtkWidget    *workspace;
  GtkWindow    *window;
} HzPairSide;

typedef struct {
  HzHub        *hub;
  char         *dir;
  char         *consult_id;
  HzPairSide    zhou;   /* the requester, calls */
  HzPairSide    chen;   /* the specialist, answers */
} HzWorkspacePair;

/* Everything up to a connected call and both workspaces shown at
 * @width x @height; the requester has the fixture CT from local files,
 * the specialist too when @local_ct_for_specialist (else it is the
 * caller's to load, from a PACS say). */
HzWorkspacePair *hz_workspace_pair_new  (int              width,
                                         int              height,
                                         gboolean         local_ct_for_specialist);
void             hz_workspace_pair_free (HzWorkspacePair *pair);
HzImageStack    *hz_workspace_pair_load_series (const char *case_dir);
/* A signed-in client with its consult log (at @log_path, else
 * DIR/USER.db), not yet connected to the hub's WebSocket. */
void             hz_workspace_pair_sign_in (HzHub         *hub,
                                            const char    *dir,
                                            const char    *user,
                                            const char    *log_path,
                                            HzHubClient  **client,
                                            HzConsultLog **log);
/* Iterates the main loop until @done or 20 s. */
gboolean         hz_workspace_pair_wait (gboolean       (*done) (gpointer data),
                                         gpointer         data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzWorkspacePair, hz_workspace_pair_free)

G_END_DECLS
