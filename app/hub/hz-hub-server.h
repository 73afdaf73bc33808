/* hz-hub-server.h: the consultation hub: HTTP API and WebSocket relay. */
#pragma once

#include <glib-object.h>

#include "hz-hub-config.h"
#include "hz-hub-store.h"

G_BEGIN_DECLS

#define HZ_TYPE_HUB_SERVER (hz_hub_server_get_type ())
G_DECLARE_FINAL_TYPE (HzHubServer, hz_hub_server, HZ, HUB_SERVER, GObject)

HzHubServer *hz_hub_server_new       (HzHubConfig  *config,
                                      HzHubStore   *store);
gboolean     hz_hub_server_listen    (HzHubServer  *self,
                                      GError      **error);
char        *hz_hub_server_get_url   (HzHubServer  *self);

G_END_DECLS
