/* hz-hub-harness.h: a real huizhen-hub process for tests, and a small
 * synchronous client for its API and WebSocket. */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct {
  char        *data_dir;
  char        *config;
  char        *url;       /* http://127.0.0.1:PORT/ */
  GSubprocess *process;
  SoupSession *session;
} HzHub;

HzHub      *hz_hub_start     (const char *config_text,
                              const char *data_dir);
HzHub      *hz_hub_start_full (const char *config_text,
                              const char *data_dir,
                              const char * const *env,
                              const char * const *args);
void        hz_hub_kill      (HzHub      *hub,
                              gboolean    hard);
void        hz_hub_free      (HzHub      *hub);

char       *hz_hub_login     (HzHub      *hub,
                              const char *user);
JsonNode   *hz_hub_call      (HzHub      *hub,
                              const char *token,
                              const char *method,
                              const char *path,
                              const char *body,
                              guint      *status);
JsonNode   *hz_hub_call_raw  (HzHub      *hub,
                              const char *token,
                              const char *method,
                              const char *path,
                              const char *content_type,
                              GBytes     *body,
                              guint      *status);
const char *hz_json_str      (JsonNode   *node,
                              const char *path);

typedef struct {
  SoupWebsocketConnection *conn;
  GQueue                   messages;   /* JsonNode* */
  gboolean                 closed;
  gushort                  close_code;
} HzWs;

HzWs       *hz_ws_connect    (HzHub      *hub,
                              const char *token);
void        hz_ws_send       (HzWs       *ws,
                              const char *text);
JsonNode   *hz_ws_next       (HzWs       *ws,
                              const char *type,
                              guint       timeout_ms);
gboolean    hz_ws_wait_closed (HzWs      *ws,
                              guint       timeout_ms);
void        hz_ws_free       (HzWs       *ws);

/* A `report` action body: a sample opinion signed with a fresh key that
 * is first registered for the token's user (the hub refuses unsigned
 * opinions; tests/opinion covers the signature checks themselves). */
char       *hz_hub_signed_report (HzHub      *hub,
                                  const char *token,
                                  const char *author,
                                  const char *consult_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzHub, hz_hub_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzWs, hz_ws_free)

G_END_DECLS
