/* hz-hub-config.h: the hub's settings, from a key file and the command line. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char    *listen;             /* ADDRESS:PORT; port 0 picks a free one */
  char    *data_dir;
  char    *tls_cert;           /* PEM files; both or neither */
  char    *tls_key;
  gboolean allow_insecure;     /* plain HTTP beyond loopback */
  char    *turn_secret;        /* coturn static-auth-secret */
  char   **turn_urls;
  gint64   turn_ttl_s;
  gint64   token_ttl_s;
  gsize    max_json_bytes;
  gsize    max_bundle_bytes;
  gsize    max_attachment_bytes;
  gint64   expiry_s[3];        /* per urgency: routine, urgent, emergency */
  guint    expiry_check_ms;
  guint    login_failures_per_account;
  guint    login_failures_per_address;
  guint    ws_messages_per_second;
  guint    socket_threads;     /* threads holding the WebSockets (hz-hub-ws-pool.c) */
  GHashTable *pacs_urls;       /* institution id → DICOMweb base URL */
} HzHubConfig;

HzHubConfig *hz_hub_config_new        (void);
gboolean     hz_hub_config_load_file  (HzHubConfig *config,
                                       const char  *path,
                                       GError     **error);
gboolean     hz_hub_config_check      (HzHubConfig *config,
                                       GError     **error);
void         hz_hub_config_free       (HzHubConfig *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzHubConfig, hz_hub_config_free)

G_END_DECLS
