/* hz-coturn.h: a throw-away coturn TURN server on loopback for tests (the
 * hub's TURN credentials, the call engine's relayed-only calls). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _HzCoturn HzCoturn;

/* Starts `turnserver -c FILE` in the foreground on 127.0.0.1 with a free
 * port, relaying on 127.0.0.1 (loopback peers allowed), in REST-API mode
 * with @secret as static-auth-secret, and waits until it answers a STUN
 * binding request. NULL with an error when it cannot start (not
 * installed: G_IO_ERROR_NOT_FOUND): callers skip with error->message. */
HzCoturn   *hz_coturn_start          (const char  *secret,
                                      GError     **error);
guint16     hz_coturn_get_port       (HzCoturn    *self);
/* turn:127.0.0.1:PORT?transport=udp */
const char *hz_coturn_get_url        (HzCoturn    *self);
const char *hz_coturn_get_realm      (HzCoturn    *self);
/* What the server logged so far (for failure messages). */
char       *hz_coturn_get_log        (HzCoturn    *self);

/* REST-API credentials as coturn checks them: "EXPIRY:user" and
 * base64 (HMAC-SHA1 (secret, username)). */
void        hz_coturn_credentials    (const char  *secret,
                                      gint64       expiry_unix,
                                      const char  *user,
                                      char       **username,
                                      char       **password);

/* Runs turnutils_uclient against the server with these credentials
 * (client-to-client over UDP, one message) and says whether a relay
 * allocation succeeded; @output (nullable) gets what it printed. */
gboolean    hz_coturn_try_allocation (HzCoturn    *self,
                                      const char  *username,
                                      const char  *password,
                                      char       **output);

/* SIGTERM, SIGKILL after 5 s; removes its folder. */
void        hz_coturn_stop           (HzCoturn    *self);
void        hz_coturn_free           (HzCoturn    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzCoturn, hz_coturn_free)

G_END_DECLS
