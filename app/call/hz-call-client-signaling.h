/* hz-call-client-signaling.h: call signaling through the desktop client's HzHubClient. */
#pragma once

#include "hz-call-signaling.h"
#include "hz-hub-client.h"

G_BEGIN_DECLS

#define HZ_TYPE_CALL_CLIENT_SIGNALING (hz_call_client_signaling_get_type ())

G_DECLARE_FINAL_TYPE (HzCallClientSignaling, hz_call_client_signaling, HZ, CALL_CLIENT_SIGNALING, GObject)

HzCallClientSignaling *hz_call_client_signaling_new        (HzHubClient           *client);
HzHubClient           *hz_call_client_signaling_get_client (HzCallClientSignaling *self);

G_END_DECLS
