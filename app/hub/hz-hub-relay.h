/* hz-hub-relay.h: one WebSocket per signed-in client: pushes consult and
 * presence changes, relays signaling between a consult's two doctors. */
#pragma once

#include <libsoup/soup.h>

#include "hz-hub-store.h"

G_BEGIN_DECLS

#define HZ_TYPE_HUB_RELAY (hz_hub_relay_get_type ())
G_DECLARE_FINAL_TYPE (HzHubRelay, hz_hub_relay, HZ, HUB_RELAY, GObject)

HzHubRelay *hz_hub_relay_new              (HzHubStore         *store,
                                           guint               max_messages_per_second,
                                           guint               socket_threads);
void        hz_hub_relay_attach           (HzHubRelay         *self,
                                           SoupServer         *server,
                                           const char         *path);
void        hz_hub_relay_publish_consult  (HzHubRelay         *self,
                                           const HzHubConsult *consult,
                                           gint64              seq);
const char *hz_hub_relay_presence         (HzHubRelay         *self,
                                           const char         *user_id);
guint       hz_hub_relay_count            (HzHubRelay         *self);

G_END_DECLS
