/* hz-call-client-signaling.c: HzCallSignaling over the application's
 * HzHubClient, whose WebSocket reconnects by itself, unlike the raw
 * connection of HzCallHubSignaling (kept for tests and hz-call-peer). */
#include "config.h"

#include "hz-call-client-signaling.h"

struct _HzCallClientSignaling
{
  GObject      parent_instance;
  HzHubClient *client;
  gulong       signal_id;
};

static void signaling_iface_init (HzCallSignalingInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HzCallClientSignaling, hz_call_client_signaling, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HZ_TYPE_CALL_SIGNALING, signaling_iface_init))

static gboolean
client_send (HzCallSignaling *signaling,
             const char      *consult_id,
             JsonObject      *message,
             GError         **error)
{
  HzCallClientSignaling *self = HZ_CALL_CLIENT_SIGNALING (signaling);

  if (self->client == NULL || !hz_hub_client_send_signal (self->client, consult_id, message))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           "the hub connection is not online");
      return FALSE;
    }
  return TRUE;
}

static void
on_signal_received (HzHubClient *client,
                    const char  *consult_id,
                    const char  *from,
                    JsonObject  *data,
                    gpointer     user_data)
{
  HzCallClientSignaling *self = user_data;

  if (consult_id == NULL || data == NULL)
    return;
  hz_call_signaling_message_received (HZ_CALL_SIGNALING (self), consult_id, data);
}

static void
signaling_iface_init (HzCallSignalingInterface *iface)
{
  iface->send = client_send;
}

static void
hz_call_client_signaling_dispose (GObject *object)
{
  HzCallClientSignaling *self = HZ_CALL_CLIENT_SIGNALING (object);

  if (self->client)
    g_clear_signal_handler (&self->signal_id, self->client);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (hz_call_client_signaling_parent_class)->dispose (object);
}

static void
hz_call_client_signaling_class_init (HzCallClientSignalingClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hz_call_client_signaling_dispose;
}

static void
hz_call_client_signaling_init (HzCallClientSignaling *self)
{
}

HzCallClientSignaling *
hz_call_client_signaling_new (HzHubClient *client)
{
  HzCallClientSignaling *self;

  g_return_val_if_fail (HZ_IS_HUB_CLIENT (client), NULL);

  self = g_object_new (HZ_TYPE_CALL_CLIENT_SIGNALING, NULL);
  self->client = g_object_ref (client);
  self->signal_id = g_signal_connect (client, "signal-received",
                                      G_CALLBACK (on_signal_received), self);
  return self;
}

HzHubClient *
hz_call_client_signaling_get_client (HzCallClientSignaling *self)
{
  g_return_val_if_fail (HZ_IS_CALL_CLIENT_SIGNALING (self), NULL);
  return self->client;
}
