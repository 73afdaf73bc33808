/* hz-call-hub-signaling.c: HzCallSignaling over a connected hub WebSocket
 * (`/api/v1/ws`): sends `{"type":"signal","consult":…,"data":…}` and hands
 * on the `data` of every `signal` that arrives. Other message types are
 * someone else's business and are ignored. */
#include "config.h"

#include "hz-call-hub-signaling.h"

struct _HzCallHubSignaling
{
  GObject                  parent_instance;
  SoupWebsocketConnection *connection;
  gulong                   message_id;
};

static void signaling_iface_init (HzCallSignalingInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HzCallHubSignaling, hz_call_hub_signaling, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HZ_TYPE_CALL_SIGNALING, signaling_iface_init))

static gboolean
hub_send (HzCallSignaling *signaling,
          const char      *consult_id,
          JsonObject      *message,
          GError         **error)
{
  HzCallHubSignaling *self = HZ_CALL_HUB_SIGNALING (signaling);
  g_autoptr(JsonObject) envelope = json_object_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  if (self->connection == NULL ||
      soup_websocket_connection_get_state (self->connection) != SOUP_WEBSOCKET_STATE_OPEN)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           "the hub connection is closed");
      return FALSE;
    }
  json_object_set_string_member (envelope, "type", "signal");
  json_object_set_string_member (envelope, "consult", consult_id);
  json_object_set_object_member (envelope, "data", json_object_ref (message));
  json_node_set_object (root, envelope);
  text = json_to_string (root, FALSE);
  soup_websocket_connection_send_text (self->connection, text);
  return TRUE;
}

static void
on_message (SoupWebsocketConnection *connection,
            gint                     type,
            GBytes                  *message,
            gpointer                 user_data)
{
  HzCallHubSignaling *self = user_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size = 0;
  const char *data = g_bytes_get_data (message, &size);
  JsonObject *object;
  JsonNode *payload;
  const char *consult;

  if (type != SOUP_WEBSOCKET_DATA_TEXT || !json_parser_load_from_data (parser, data, size, NULL))
    return;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  object = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (json_object_get_string_member_with_default (object, "type", NULL), "signal") != 0)
    return;
  consult = json_object_get_string_member_with_default (object, "consult", NULL);
  payload = json_object_get_member (object, "data");
  if (consult == NULL || payload == NULL || !JSON_NODE_HOLDS_OBJECT (payload))
    return;
  hz_call_signaling_message_received (HZ_CALL_SIGNALING (self), consult,
                                      json_node_get_object (payload));
}

static void
signaling_iface_init (HzCallSignalingInterface *iface)
{
  iface->send = hub_send;
}

static void
hz_call_hub_signaling_dispose (GObject *object)
{
  HzCallHubSignaling *self = HZ_CALL_HUB_SIGNALING (object);

  if (self->connection)
    g_clear_signal_handler (&self->message_id, self->connection);
  g_clear_object (&self->connection);
  G_OBJECT_CLASS (hz_call_hub_signaling_parent_class)->dispose (object);
}

static void
hz_call_hub_signaling_class_init (HzCallHubSignalingClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hz_call_hub_signaling_dispose;
}

static void
hz_call_hub_signaling_init (HzCallHubSignaling *self)
{
}

HzCallHubSignaling *
hz_call_hub_signaling_new (SoupWebsocketConnection *connection)
{
  HzCallHubSignaling *self;

  g_return_val_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (connection), NULL);

  self = g_object_new (HZ_TYPE_CALL_HUB_SIGNALING, NULL);
  self->connection = g_object_ref (connection);
  self->message_id = g_signal_connect (connection, "message", G_CALLBACK (on_message), self);
  return self;
}

SoupWebsocketConnection *
hz_call_hub_signaling_get_connection (HzCallHubSignaling *self)
{
  g_return_val_if_fail (HZ_IS_CALL_HUB_SIGNALING (self), NULL);
  return self->connection;
}
