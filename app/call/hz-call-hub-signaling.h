/* hz-call-hub-signaling.h: call signaling over the hub's WebSocket relay. */
#pragma once

#include <libsoup/soup.h>

#include "hz-call-signaling.h"

G_BEGIN_DECLS

#define HZ_TYPE_CALL_HUB_SIGNALING (hz_call_hub_signaling_get_type ())

G_DECLARE_FINAL_TYPE (HzCallHubSignaling, hz_call_hub_signaling, HZ, CALL_HUB_SIGNALING, GObject)

HzCallHubSignaling *hz_call_hub_signaling_new            (SoupWebsocketConnection *connection);
SoupWebsocketConnection *hz_call_hub_signaling_get_connection (HzCallHubSignaling *self);

G_END_DECLS
