/* hz-hub-ws-pool.h: the hub's WebSocket connections, spread over a few
 * threads of their own; their messages and closings come back to the
 * thread that made the pool. */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _HzHubWsPool HzHubWsPool;

/**
 * HzHubWsEventFunc:
 * @id: the connection
 * @message: (nullable): a message received, or NULL when it closed
 * @type: SOUP_WEBSOCKET_DATA_TEXT or _BINARY (messages only)
 *
 * Runs on the main context of the thread that created the pool.
 */
typedef void (*HzHubWsEventFunc) (guint64  id,
                                  GBytes  *message,
                                  gint     type,
                                  gpointer user_data);

HzHubWsPool *hz_hub_ws_pool_new       (guint              n_threads,
                                       gsize              max_payload,
                                       guint              keepalive_s,
                                       HzHubWsEventFunc   func,
                                       gpointer           user_data);
guint64      hz_hub_ws_pool_adopt     (HzHubWsPool       *self,
                                       GIOStream         *stream,
                                       GUri              *uri,
                                       const char        *origin);
void         hz_hub_ws_pool_send      (HzHubWsPool       *self,
                                       guint64            id,
                                       const char        *text);
void         hz_hub_ws_pool_send_many (HzHubWsPool       *self,
                                       const guint64     *ids,
                                       guint              n_ids,
                                       const char        *text);
void         hz_hub_ws_pool_close     (HzHubWsPool       *self,
                                       guint64            id,
                                       gushort            code,
                                       const char        *reason);
/* Closes every connection ("going away"), waits briefly for the closing
 * handshakes and joins the threads; no event is delivered afterwards. */
void         hz_hub_ws_pool_free      (HzHubWsPool       *self);

G_END_DECLS
