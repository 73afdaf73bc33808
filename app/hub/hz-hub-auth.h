/* hz-hub-auth.h: passwords, bearer tokens and login rate limits. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *hz_hub_auth_hash_password   (const char *password,
                                       GError    **error);
gboolean  hz_hub_auth_check_password  (const char *encoded_hash,
                                       const char *password);
char     *hz_hub_auth_new_token       (void);
char     *hz_hub_auth_token_hash      (const char *token);
const char *hz_hub_auth_bearer        (const char *authorization);

typedef struct _HzHubRateLimit HzHubRateLimit;

HzHubRateLimit *hz_hub_rate_limit_new    (guint           max_failures,
                                          gint64          window_us);
void            hz_hub_rate_limit_free   (HzHubRateLimit *limit);
gboolean        hz_hub_rate_limit_check  (HzHubRateLimit *limit,
                                          const char     *key,
                                          gint64          now_us,
                                          gint64         *retry_after_s);
void            hz_hub_rate_limit_fail   (HzHubRateLimit *limit,
                                          const char     *key,
                                          gint64          now_us);
void            hz_hub_rate_limit_clear  (HzHubRateLimit *limit,
                                          const char     *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzHubRateLimit, hz_hub_rate_limit_free)

G_END_DECLS
