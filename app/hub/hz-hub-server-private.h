/* hz-hub-server-private.h: what the hub's request handlers share. */
#pragma once

#include <libsoup/soup.h>

#include "hz-hub-auth.h"
#include "hz-hub-relay.h"
#include "hz-hub-server.h"

G_BEGIN_DECLS

struct _HzHubServer {
  GObject         parent_instance;

  HzHubConfig    *config;   /* not owned: lives as long as the process */
  HzHubStore     *store;
  SoupServer     *soup;
  HzHubRelay     *relay;
  struct _HzHubKeys *keys;  /* signing keys, opened on first use (hz-hub-keys.c) */
  HzHubRateLimit *per_account;
  HzHubRateLimit *per_address;
  guint           expiry_source;
  /* group commit: answers and pushes wait for one fsync per batch */
  GPtrArray      *held;       /* SoupServerMessage, paused */
  GPtrArray      *to_publish; /* Publish */
  guint           flush_source;
};

/* One API request, already authenticated unless the route is public. */
typedef struct {
  HzHubServer       *server;
  SoupServerMessage *msg;
  HzHubUser         *user;
  char             **parts;    /* path segments after /api/v1/ */
  guint              n_parts;
  const char        *method;
  const char        *idem_key;  /* the request's Idempotency-Key, if any */
} HzHubRequest;

char       *hz_hub_json_text     (JsonNode          *node);
void        hz_hub_reply_text    (SoupServerMessage *msg,
                                  guint              status,
                                  const char        *json);
const HzHubIdempotent *hz_hub_request_idempotent (HzHubRequest    *req,
                                  guint              status,
                                  const char        *body,
                                  HzHubIdempotent   *storage);

void        hz_hub_reply_json    (SoupServerMessage *msg,
                                  guint              status,
                                  JsonNode          *node);
void        hz_hub_reply_error   (SoupServerMessage *msg,
                                  guint              status,
                                  const char        *code,
                                  const char        *format,
                                  ...) G_GNUC_PRINTF (4, 5);
JsonObject *hz_hub_read_object   (HzHubRequest      *req,
                                  gsize              max_bytes,
                                  const char * const *allowed);
gboolean    hz_hub_get_string    (HzHubRequest      *req,
                                  JsonObject        *object,
                                  const char        *name,
                                  gboolean           required,
                                  gsize              max_chars,
                                  const char       **out);
JsonObject *hz_hub_get_object    (HzHubRequest      *req,
                                  JsonObject        *object,
                                  const char        *name,
                                  gboolean           required,
                                  const char * const *allowed);

void hz_hub_api_session   (HzHubRequest *req);   /* login, logout, me, directory, turn */
void hz_hub_api_consults  (HzHubRequest *req);   /* /consults… */

void hz_hub_server_publish_consult (HzHubServer        *self,
                                    const HzHubConsult *consult,
                                    gint64              seq);
void hz_hub_server_expire_due      (HzHubServer        *self);

G_END_DECLS
