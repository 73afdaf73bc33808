/* hz-hub-client.h: the desktop client's side of the hub protocol
 * (docs/protocol.md): REST calls, the live WebSocket, the case-bundle
 * cache and delivery of the offline outbox. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "hz-consult-log.h"

G_BEGIN_DECLS

#define HZ_HUB_CLIENT_ERROR (hz_hub_client_error_quark ())

/* Cancellation stays G_IO_ERROR_CANCELLED. Messages are in plain words
 * for people, chosen by the hub's error code (docs/protocol.md). */
typedef enum {
  HZ_HUB_CLIENT_ERROR_FAILED,
  HZ_HUB_CLIENT_ERROR_INVALID_ARGUMENT,  /* a bad URL, consult id or CA file */
  HZ_HUB_CLIENT_ERROR_UNREACHABLE,       /* no connection, DNS, refused, timed out */
  HZ_HUB_CLIENT_ERROR_TLS,               /* the hub's certificate is not trusted */
  HZ_HUB_CLIENT_ERROR_BAD_CREDENTIALS,   /* wrong user name or password */
  HZ_HUB_CLIENT_ERROR_UNAUTHORIZED,      /* no session, or it expired */
  HZ_HUB_CLIENT_ERROR_FORBIDDEN,
  HZ_HUB_CLIENT_ERROR_NOT_FOUND,
  HZ_HUB_CLIENT_ERROR_CONFLICT,          /* illegal_transition, conflict, no_consent */
  HZ_HUB_CLIENT_ERROR_INVALID,           /* the hub refused the content (400/422) */
  HZ_HUB_CLIENT_ERROR_TOO_LARGE,
  HZ_HUB_CLIENT_ERROR_UNSUPPORTED_TYPE,
  HZ_HUB_CLIENT_ERROR_RATE_LIMITED,
  HZ_HUB_CLIENT_ERROR_SERVER,            /* 5xx */
  HZ_HUB_CLIENT_ERROR_BAD_REPLY,         /* not what the protocol says */
  HZ_HUB_CLIENT_ERROR_QUEUED,            /* not sent now: kept in the outbox, sent later */
} HzHubClientError;

typedef enum {
  HZ_HUB_CONNECTION_OFFLINE,     /* no WebSocket, none wanted or waiting to retry */
  HZ_HUB_CONNECTION_CONNECTING,
  HZ_HUB_CONNECTION_ONLINE,      /* the hub said hello */
} HzHubConnectionState;

#define HZ_TYPE_HUB_CONNECTION_STATE (hz_hub_connection_state_get_type ())
#define HZ_TYPE_HUB_CLIENT (hz_hub_client_get_type ())

G_DECLARE_FINAL_TYPE (HzHubClient, hz_hub_client, HZ, HUB_CLIENT, GObject)

GQuark       hz_hub_client_error_quark        (void);
GType        hz_hub_connection_state_get_type (void) G_GNUC_CONST;

/* @data_dir holds the bundle cache (0700, files 0600); NULL: no cache. */
HzHubClient *hz_hub_client_new                (const char   *base_url,
                                               const char   *data_dir,
                                               GError      **error);
const char  *hz_hub_client_get_base_url       (HzHubClient  *self);
gboolean     hz_hub_client_set_ca_file        (HzHubClient  *self,
                                               const char   *pem_path,
                                               GError      **error);
void         hz_hub_client_set_consult_log    (HzHubClient  *self,
                                               HzConsultLog *log);
HzConsultLog *hz_hub_client_get_consult_log   (HzHubClient  *self);

/* The session: set by login, or restored from a stored token. */
void         hz_hub_client_set_token          (HzHubClient  *self,
                                               const char   *token);
const char  *hz_hub_client_get_token          (HzHubClient  *self);
JsonObject  *hz_hub_client_get_user           (HzHubClient  *self);
/* A stored user while a stored token is being checked (offline start). */
void         hz_hub_client_set_user           (HzHubClient  *self,
                                               JsonObject   *user);
const char  *hz_hub_client_get_user_id        (HzHubClient  *self);

HzHubConnectionState hz_hub_client_get_state  (HzHubClient  *self);
gboolean     hz_hub_client_get_online         (HzHubClient  *self);
guint        hz_hub_client_get_outbox_count   (HzHubClient  *self);
void         hz_hub_client_set_reconnect_delays (HzHubClient *self,
                                               guint         first_ms,
                                               guint         max_ms);

/* Every _finish returning JsonObject/JsonArray/GBytes gives a new
 * reference. */
void         hz_hub_client_login_async        (HzHubClient  *self,
                                               const char   *username,
                                               const char   *password,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer      user_data);
JsonObject  *hz_hub_client_login_finish       (HzHubClient  *self,
                                               GAsyncResult *result,
                                               char        **expires,
                                               GError      **error);
void         hz_hub_client_logout_async       (HzHubClient  *self,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer      user_data);
gboolean     hz_hub_client_logout_finish      (HzHubClient  *self,
                                               GAsyncResult *result,
                                               GError      **error);

/* GET of a JSON object: "me", "directory", "turn",
 * "consults/ID", "consults/ID/events". */
void         hz_hub_client_get_async          (HzHubClient  *self,
                                               const char   *path,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer      user_data);
JsonObject  *hz_hub_client_get_finish         (HzHubClient  *self,
                                               GAsyncResult *result,
                                               GError      **error);
void         hz_hub_client_put_async          (HzHubClient  *self,
                                               const char   *path,
                                               JsonObject   *body,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer      user_data);
JsonObject  *hz_hub_client_put_finish         (HzHubClient  *self,
                                               GAsyncResult *result,
                                               GError      **error);
void         hz_hub_client_post_async         (HzHubClient  *self,
                                               const char   *path,
                                               JsonObject   *body,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer      user_data);
JsonObject  *hz_hub_client_post_finish        (HzHubClient  *self,
                                               GAsyncResult *result,
                                               GError      **error);
#define hz_hub_client_me_async(s, c, cb, d)        hz_hub_client_get_async ((s), "me", (c), (cb), (d))
#define hz_hub_client_directory_async(s, c, cb, d) hz_hub_client_get_async ((s), "directory", (c), (cb), (d))
#define hz_hub_client_turn_async(s, c, cb, d)      hz_hub_client_get_async ((s), "turn", (c), (cb), (d))

/* @box: "incoming", "outgoing" or "all"; @state: NULL for any. The
 * consults seen are recorded in the consult log. */
void         hz_hub_client_list_consults_async (HzHubClient *self,
                                               const char   *box,
                                               const char   *state,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer      user_data);
JsonArray   *hz_hub_client_list_consults_finish (HzHubClient *self,
                                               GAsyncResult *result,
                                               GError      **error);
void         hz_hub_client_get_consult_async  (HzHubClient  *self,
                                               const char   *consult_id,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer      user_data);
JsonObject  *hz_hub_client_get_consult_finish (HzHubClient  *self,
                                               GAsyncResult *result,
                                               GError      **error);
void         hz_hub_client_list_events_async  (HzHubClient  *self,
                                               const char   *consult_id,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer      user_data);
JsonArray   *hz_hub_client_list_events_finish (HzHubClient  *self,
                                               GAsyncResult *result,
                                               GError      **error);
/* [{sha256, filename, content_type, size, added_by, added}], oldest
 * first; the files themselves come from download_attachment. */
void         hz_hub_client_list_attachments_async (HzHubClient *self,
                                               const char   *consult_id,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer      user_data);
JsonArray   *hz_hub_client_list_attachments_finish (HzHubClient *self,
                                               GAsyncResult *result,
                                               GError      **error);

/* Creating a consult and acting on one go through the outbox when a
 * consult log is set: queued with an idempotency key, sent in order, and
 * if the hub cannot be reached the _finish fails with
 * HZ_HUB_CLIENT_ERROR_QUEUED and the action is delivered, once, when the
 * hub is back ("outbox-delivered"). @action is a protocol action name
 * ("accept", "decline", "start_session", …); @body may be NULL. */
void         hz_hub_client_create_consult_async (HzHubClient *self,
                                               JsonObject   *request,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer      user_data);
JsonObject  *hz_hub_client_create_consult_finish (HzHubClient *self,
                                               GAsyncResult *result,
                                               GError      **error);
void         hz_hub_client_consult_action_async (HzHubClient *self,
                                               const char   *consult_id,
                                               const char   *action,
                                               JsonObject   *body,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer      user_data);
JsonObject  *hz_hub_client_consult_action_finish (HzHubClient *self,
                                               GAsyncResult *result,
                                               GError      **error);
/* Sends what the outbox holds now (also done on every reconnect). */
void         hz_hub_client_flush_outbox       (HzHubClient  *self);

void         hz_hub_client_upload_attachment_async (HzHubClient *self,
                                               const char   *consult_id,
                                               GBytes       *content,
                                               const char   *content_type,
                                               const char   *filename,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer      user_data);
JsonObject  *hz_hub_client_upload_attachment_finish (HzHubClient *self,
                                               GAsyncResult *result,
                                               GError      **error);
void         hz_hub_client_download_attachment_async (HzHubClient *self,
                                               const char   *consult_id,
                                               const char   *sha256,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer      user_data);
GBytes      *hz_hub_client_download_attachment_finish (HzHubClient *self,
                                               GAsyncResult *result,
                                               GError      **error);

/* The case bundle, with If-None-Match from the disk cache: a 304 (or an
 * unreachable hub) answers from the cache; *from_cache says which. */
void         hz_hub_client_get_bundle_async   (HzHubClient  *self,
                                               const char   *consult_id,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer      user_data);
GBytes      *hz_hub_client_get_bundle_finish  (HzHubClient  *self,
                                               GAsyncResult *result,
                                               gboolean     *from_cache,
                                               GError      **error);

/* The WebSocket: connect() keeps it up (heartbeat, reconnect with
 * backoff, resume from the last cursor) until disconnect(). */
void         hz_hub_client_connect            (HzHubClient  *self);
void         hz_hub_client_disconnect         (HzHubClient  *self);
gint64       hz_hub_client_get_cursor         (HzHubClient  *self);
gboolean     hz_hub_client_send_signal        (HzHubClient  *self,
                                               const char   *consult_id,
                                               JsonObject   *data);
gboolean     hz_hub_client_set_presence       (HzHubClient  *self,
                                               const char   *status);

G_END_DECLS
