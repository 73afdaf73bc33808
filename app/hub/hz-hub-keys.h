/* hz-hub-keys.h: specialists' public signing keys on the hub, and the
 * signature checks on reported opinions and their addenda. */
#pragma once

#include "hz-hub-server-private.h"

G_BEGIN_DECLS

typedef struct {
  char   *user_id;
  char   *public_key;     /* 32 bytes, base64 */
  char   *fingerprint;    /* SHA-256 of the key, lowercase hex */
  gint64  registered_us;
  gint64  retired_us;     /* 0 while it is the user's current key */
} HzHubKey;

#define HZ_TYPE_HUB_KEYS (hz_hub_keys_get_type ())
G_DECLARE_FINAL_TYPE (HzHubKeys, hz_hub_keys, HZ, HUB_KEYS, GObject)

HzHubKeys *hz_hub_keys_open          (const char    *path,
                                      GError       **error);
gboolean   hz_hub_keys_register      (HzHubKeys     *self,
                                      const char    *user_id,
                                      const char    *public_key,
                                      GError       **error);
HzHubKey  *hz_hub_keys_current       (HzHubKeys     *self,
                                      const char    *user_id);
GPtrArray *hz_hub_keys_list          (HzHubKeys     *self,
                                      const char    *user_id);
void       hz_hub_key_free           (HzHubKey      *key);

/* Request handlers: PUT/GET me/key, GET keys/USER, and
 * POST consults/ID/addenda. */
void       hz_hub_api_keys           (HzHubRequest  *req);
void       hz_hub_api_addenda        (HzHubRequest  *req,
                                      const char    *consult_id);
/* The report action's check: FALSE after replying with an error. */
gboolean   hz_hub_keys_accept_report (HzHubRequest  *req,
                                      HzHubConsult  *consult,
                                      JsonObject    *body,
                                      JsonObject    *extra);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzHubKey, hz_hub_key_free)

G_END_DECLS
