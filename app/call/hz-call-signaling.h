/* hz-call-signaling.h: how a call's signaling messages travel, whoever carries them. */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HZ_TYPE_CALL_SIGNALING (hz_call_signaling_get_type ())

G_DECLARE_INTERFACE (HzCallSignaling, hz_call_signaling, HZ, CALL_SIGNALING, GObject)

/* An implementation sends @message (the `data` of a hub `signal`) to the
 * other doctor of @consult_id, and emits "message-received" (consult_id,
 * JsonObject *data) in the thread-default main context it was made in for
 * every signal that arrives. Delivery is best effort: the call engine has
 * its own timeouts. */
struct _HzCallSignalingInterface
{
  GTypeInterface parent_iface;

  gboolean (*send) (HzCallSignaling *self,
                    const char      *consult_id,
                    JsonObject      *message,
                    GError         **error);
};

gboolean hz_call_signaling_send             (HzCallSignaling *self,
                                             const char      *consult_id,
                                             JsonObject      *message,
                                             GError         **error);
void     hz_call_signaling_message_received (HzCallSignaling *self,
                                             const char      *consult_id,
                                             JsonObject      *message);

G_END_DECLS
