/* hz-call-signaling.c: the signaling interface the call engine talks through. */
#include "config.h"

#include "hz-call-signaling.h"

G_DEFINE_INTERFACE (HzCallSignaling, hz_call_signaling, G_TYPE_OBJECT)

static void
hz_call_signaling_default_init (HzCallSignalingInterface *iface)
{
  /**
   * HzCallSignaling::message-received:
   * @consult_id: the consult the message is about
   * @message: the message (a hub signal's `data`)
   *
   * A message from the other doctor of the consult. Emitted in the main
   * context of the implementation; @message belongs to the emitter.
   */
  g_signal_new ("message-received", G_TYPE_FROM_INTERFACE (iface),
                G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                G_TYPE_NONE, 2, G_TYPE_STRING, JSON_TYPE_OBJECT);
}

gboolean
hz_call_signaling_send (HzCallSignaling *self,
                        const char      *consult_id,
                        JsonObject      *message,
                        GError         **error)
{
  g_return_val_if_fail (HZ_IS_CALL_SIGNALING (self), FALSE);
  g_return_val_if_fail (consult_id != NULL && message != NULL, FALSE);

  return HZ_CALL_SIGNALING_GET_IFACE (self)->send (self, consult_id, message, error);
}

/* For implementations (and adapters such as one over HzHubClient). */
void
hz_call_signaling_message_received (HzCallSignaling *self,
                                    const char      *consult_id,
                                    JsonObject      *message)
{
  g_return_if_fail (HZ_IS_CALL_SIGNALING (self));
  g_signal_emit_by_name (self, "message-received", consult_id, message);
}
