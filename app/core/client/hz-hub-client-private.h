/* hz-hub-client-private.h: what the parts of HzHubClient share. */
#pragma once

#include <libsoup/soup.h>

#include "hz-hub-client.h"

G_BEGIN_DECLS

struct _HzHubClient
{
  GObject               parent_instance;

  char                 *base_url;      /* ends with '/' */
  char                 *data_dir;
  SoupSession          *session;
  char                 *token;
  JsonObject           *user;
  HzConsultLog         *log;
  GCancellable         *cancellable;   /* cancelled on dispose */

  /* WebSocket */
  HzHubConnectionState  state;
  gboolean              want_connected;
  SoupWebsocketConnection *ws;
  GCancellable         *ws_cancellable;
  gint64                cursor;
  gint64                last_message_us;
  guint                 reconnect_source;
  guint                 heartbeat_source;
  guint                 backoff_ms;
  guint                 first_backoff_ms;
  guint                 max_backoff_ms;
  char                 *presence;      /* sent again on every hello */

  /* outbox */
  gboolean              flushing;
  guint                 outbox_count;
  GHashTable           *waiting;       /* idempotency key → GTask */
};

enum {
  HZ_HUB_CLIENT_SIGNAL_CONSULT_CHANGED,
  HZ_HUB_CLIENT_SIGNAL_PRESENCE_CHANGED,
  HZ_HUB_CLIENT_SIGNAL_SIGNAL_RECEIVED,
  HZ_HUB_CLIENT_SIGNAL_HUB_ERROR,
  HZ_HUB_CLIENT_SIGNAL_OUTBOX_DELIVERED,
  HZ_HUB_CLIENT_SIGNAL_SESSION_EXPIRED,
  HZ_HUB_CLIENT_N_SIGNALS
};

extern guint _hz_hub_client_signals[HZ_HUB_CLIENT_N_SIGNALS];

/* A finished HTTP exchange. */
typedef struct {
  guint   status;
  GBytes *body;
  char   *etag;
  gboolean replay;
} HzHubReply;

void        _hz_hub_reply_free              (HzHubReply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzHubReply, _hz_hub_reply_free)

/* Sends one request; the task's result is an HzHubReply of any status
 * (the caller judges it), or a transport error already in plain words. */
void        _hz_hub_client_send             (HzHubClient   *self,
                                             const char    *method,
                                             const char    *path,
                                             const char    *content_type,
                                             GBytes        *body,
                                             const char    *idempotency_key,
                                             const char    *if_none_match,
                                             GCancellable  *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer       user_data);
HzHubReply *_hz_hub_client_send_finish      (HzHubClient   *self,
                                             GAsyncResult  *result,
                                             GError       **error);
/* A reply as a JSON object if its status is 2xx, else a GError chosen by
 * the hub's error code. */
JsonObject *_hz_hub_reply_to_object         (HzHubReply    *reply,
                                             GError       **error);
gboolean    _hz_hub_reply_check             (HzHubReply    *reply,
                                             GError       **error);
char       *_hz_hub_json_to_string          (JsonObject    *object);

void        _hz_hub_client_set_state        (HzHubClient   *self,
                                             HzHubConnectionState state);
void        _hz_hub_client_notify_outbox    (HzHubClient   *self);
void        _hz_hub_client_record_consult   (HzHubClient   *self,
                                             JsonObject    *consult);
void        _hz_hub_client_ws_dispose       (HzHubClient   *self);
void        _hz_hub_client_outbox_dispose   (HzHubClient   *self);
gboolean    _hz_hub_valid_id                (const char    *id);

/* Submits through the outbox (or directly without a log). */
void        _hz_hub_client_submit           (HzHubClient   *self,
                                             const char    *consult_id,
                                             const char    *action,
                                             JsonObject    *body,
                                             GTask         *task);

G_END_DECLS
