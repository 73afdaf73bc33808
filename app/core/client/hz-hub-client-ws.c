/* hz-hub-client-ws.c: the live WebSocket to the hub: hello and resume,
 * consult/presence/signal messages, a heartbeat, and reconnecting with
 * backoff when the hub or the network goes away. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hz-hub-client-private.h"

/* The hub pings every 20 s and answers our pings: silence for longer
 * than this means the connection is dead even if TCP has not noticed. */
#define HEARTBEAT_SECONDS 15
#define SILENCE_LIMIT_US (45 * G_USEC_PER_SEC)
#define MAX_MESSAGE_BYTES (64 * 1024)
#define CLOSE_BAD_TOKEN 4401

static void schedule_reconnect (HzHubClient *self);
static void open_socket (HzHubClient *self);

static const char *
member_string (JsonObject *object,
               const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

static JsonObject *
member_object (JsonObject *object,
               const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gint64
member_int (JsonObject *object,
            const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  return -1;
}

static void
send_object (HzHubClient *self,
             JsonObject  *object)
{
  g_autofree char *text = _hz_hub_json_to_string (object);

  if (self->ws && soup_websocket_connection_get_state (self->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (self->ws, text);
}

static void
drop_socket (HzHubClient *self)
{
  g_clear_handle_id (&self->heartbeat_source, g_source_remove);
  if (self->ws_cancellable)
    {
      g_cancellable_cancel (self->ws_cancellable);
      g_clear_object (&self->ws_cancellable);
    }
  if (self->ws)
    {
      g_signal_handlers_disconnect_by_data (self->ws, self);
      if (soup_websocket_connection_get_state (self->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_object (&self->ws);
    }
}

/* Parses one message (the bytes come from the network). Returns NULL for
 * anything that is not a JSON object with a string "type". */
static JsonObject *
parse_message (GBytes *message)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gsize len = 0;
  const char *data = g_bytes_get_data (message, &len);
  JsonNode *root;

  if (data == NULL || len == 0 || len > MAX_MESSAGE_BYTES ||
      !json_parser_load_from_data (parser, data, (gssize) len, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      member_string (json_node_get_object (root), "type") == NULL)
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

static void
handle_hello (HzHubClient *self,
              JsonObject  *message)
{
  gint64 cursor = member_int (message, "cursor");

  self->backoff_ms = 0;
  if (self->cursor > 0 && cursor > self->cursor)
    {
      /* We were away: ask for what we missed, keep our cursor until the
       * events themselves move it. */
      g_autoptr(JsonObject) resume = json_object_new ();
      json_object_set_string_member (resume, "type", "resume");
      json_object_set_int_member (resume, "cursor", self->cursor);
      send_object (self, resume);
    }
  else if (cursor >= 0)
    self->cursor = MAX (self->cursor, cursor);
  if (self->presence)
    {
      g_autoptr(JsonObject) presence = json_object_new ();
      json_object_set_string_member (presence, "type", "presence");
      json_object_set_string_member (presence, "status", self->presence);
      send_object (self, presence);
    }
  _hz_hub_client_set_state (self, HZ_HUB_CONNECTION_ONLINE);
  /* Back online: deliver what was queued meanwhile. */
  hz_hub_client_flush_outbox (self);
}

static void
handle_consult (HzHubClient *self,
                JsonObject  *message)
{
  JsonObject *consult = member_object (message, "consult");
  JsonObject *event = member_object (message, "event");
  gint64 cursor = member_int (message, "cursor");
  const char *id = member_string (consult, "id");

  if (id == NULL)
    id = member_string (event, "consult");
  if (id == NULL)
    return;
  if (cursor > self->cursor)
    self->cursor = cursor;
  if (consult)
    _hz_hub_client_record_consult (self, consult);
  g_signal_emit (self, _hz_hub_client_signals[HZ_HUB_CLIENT_SIGNAL_CONSULT_CHANGED], 0,
                 id, consult, event);
}

static void
message_cb (SoupWebsocketConnection *conn,
            gint                     type,
            GBytes                  *bytes,
            gpointer                 user_data)
{
  HzHubClient *self = user_data;
  g_autoptr(JsonObject) message = NULL;
  const char *kind;

  self->last_message_us = g_get_monotonic_time ();
  if (type != SOUP_WEBSOCKET_DATA_TEXT || (message = parse_message (bytes)) == NULL)
    {
      g_debug ("hub WebSocket: ignoring a message that is not a JSON object");
      return;
    }
  kind = member_string (message, "type");
  g_object_ref (self);
  if (g_str_equal (kind, "hello"))
    handle_hello (self, message);
  else if (g_str_equal (kind, "consult"))
    handle_consult (self, message);
  else if (g_str_equal (kind, "presence"))
    {
      const char *user = member_string (message, "user");
      const char *status = member_string (message, "status");
      if (user && status)
        g_signal_emit (self, _hz_hub_client_signals[HZ_HUB_CLIENT_SIGNAL_PRESENCE_CHANGED], 0,
                       user, status);
    }
  else if (g_str_equal (kind, "signal"))
    {
      const char *consult = member_string (message, "consult");
      const char *from = member_string (message, "from");
      JsonObject *data = member_object (message, "data");
      if (consult && data)
        g_signal_emit (self, _hz_hub_client_signals[HZ_HUB_CLIENT_SIGNAL_SIGNAL_RECEIVED], 0,
                       consult, from, data);
    }
  else if (g_str_equal (kind, "error"))
    {
      const char *code = member_string (message, "code");
      g_signal_emit (self, _hz_hub_client_signals[HZ_HUB_CLIENT_SIGNAL_HUB_ERROR], 0,
                     code ? code : "unknown", member_string (message, "message"));
    }
  /* "pong" and unknown types: only the heartbeat cares (above). */
  g_object_unref (self);
}

static void
closed_cb (SoupWebsocketConnection *conn,
           gpointer                 user_data)
{
  HzHubClient *self = user_data;
  gushort code = soup_websocket_connection_get_close_code (conn);

  g_debug ("hub WebSocket closed (%u)", code);
  g_object_ref (self);
  drop_socket (self);
  if (code == CLOSE_BAD_TOKEN)
    {
      self->want_connected = FALSE;
      _hz_hub_client_set_state (self, HZ_HUB_CONNECTION_OFFLINE);
      g_signal_emit (self, _hz_hub_client_signals[HZ_HUB_CLIENT_SIGNAL_SESSION_EXPIRED], 0);
    }
  else
    schedule_reconnect (self);
  g_object_unref (self);
}

static gboolean
heartbeat_cb (gpointer user_data)
{
  HzHubClient *self = user_data;
  g_autoptr(JsonObject) ping = NULL;

  if (g_get_monotonic_time () - self->last_message_us > SILENCE_LIMIT_US)
    {
      g_debug ("hub WebSocket silent for too long; reconnecting");
      self->heartbeat_source = 0;
      drop_socket (self);
      schedule_reconnect (self);
      return G_SOURCE_REMOVE;
    }
  ping = json_object_new ();
  json_object_set_string_member (ping, "type", "ping");
  send_object (self, ping);
  return G_SOURCE_CONTINUE;
}

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HzHubClient) self = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *conn;

  conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (conn == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("hub WebSocket: %s", error->message);
      g_clear_object (&self->ws_cancellable);
      schedule_reconnect (self);
      return;
    }
  g_clear_object (&self->ws_cancellable);
  self->ws = conn;
  self->last_message_us = g_get_monotonic_time ();
  soup_websocket_connection_set_max_incoming_payload_size (conn, MAX_MESSAGE_BYTES);
  g_signal_connect (conn, "message", G_CALLBACK (message_cb), self);
  g_signal_connect (conn, "closed", G_CALLBACK (closed_cb), self);
  self->heartbeat_source = g_timeout_add_seconds (HEARTBEAT_SECONDS, heartbeat_cb, self);
  /* ONLINE waits for the hub's hello. */
}

static void
open_socket (HzHubClient *self)
{
  g_autofree char *uri = NULL;
  g_autofree char *auth = NULL;
  g_autoptr(SoupMessage) msg = NULL;

  drop_socket (self);
  if (!self->want_connected || self->token == NULL)
    return;
  /* http → ws, https → wss */
  uri = g_strconcat ("ws", self->base_url + strlen ("http"), "api/v1/ws", NULL);
  msg = soup_message_new ("GET", uri);
  if (msg == NULL)
    return;
  auth = g_strdup_printf ("Bearer %s", self->token);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  self->ws_cancellable = g_cancellable_new ();
  _hz_hub_client_set_state (self, HZ_HUB_CONNECTION_CONNECTING);
  soup_session_websocket_connect_async (self->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->ws_cancellable, connect_cb, g_object_ref (self));
}

static gboolean
reconnect_cb (gpointer user_data)
{
  HzHubClient *self = user_data;

  self->reconnect_source = 0;
  open_socket (self);
  return G_SOURCE_REMOVE;
}

/* Exponential backoff with jitter, so a restarted hub is not met by every
 * client in the same millisecond. */
static void
schedule_reconnect (HzHubClient *self)
{
  guint delay;

  _hz_hub_client_set_state (self, HZ_HUB_CONNECTION_OFFLINE);
  if (!self->want_connected || self->reconnect_source)
    return;
  self->backoff_ms = self->backoff_ms ? MIN (self->backoff_ms * 2, self->max_backoff_ms)
                                      : self->first_backoff_ms;
  delay = self->backoff_ms / 2 + g_random_int_range (0, (gint32) self->backoff_ms / 2 + 1);
  self->reconnect_source = g_timeout_add (delay, reconnect_cb, self);
}

void
hz_hub_client_connect (HzHubClient *self)
{
  g_return_if_fail (HZ_IS_HUB_CLIENT (self));

  self->want_connected = TRUE;
  if (self->ws || self->ws_cancellable)
    return;
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  self->backoff_ms = 0;
  open_socket (self);
}

void
hz_hub_client_disconnect (HzHubClient *self)
{
  g_return_if_fail (HZ_IS_HUB_CLIENT (self));

  self->want_connected = FALSE;
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  drop_socket (self);
  _hz_hub_client_set_state (self, HZ_HUB_CONNECTION_OFFLINE);
}

void
_hz_hub_client_ws_dispose (HzHubClient *self)
{
  self->want_connected = FALSE;
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  drop_socket (self);
}

gint64
hz_hub_client_get_cursor (HzHubClient *self)
{
  g_return_val_if_fail (HZ_IS_HUB_CLIENT (self), 0);
  return self->cursor;
}

/**
 * hz_hub_client_send_signal:
 * @data: the call engine's message ({"kind": "offer", …})
 *
 * Relays @data to the other doctor of @consult_id. Signals are not
 * queued: a call needs them now or not at all.
 *
 * Returns: FALSE when the WebSocket is not open.
 */
gboolean
hz_hub_client_send_signal (HzHubClient *self,
                           const char  *consult_id,
                           JsonObject  *data)
{
  g_autoptr(JsonObject) message = NULL;

  g_return_val_if_fail (HZ_IS_HUB_CLIENT (self), FALSE);
  g_return_val_if_fail (consult_id != NULL && data != NULL, FALSE);

  if (self->state != HZ_HUB_CONNECTION_ONLINE)
    return FALSE;
  message = json_object_new ();
  json_object_set_string_member (message, "type", "signal");
  json_object_set_string_member (message, "consult", consult_id);
  json_object_set_object_member (message, "data", json_object_ref (data));
  send_object (self, message);
  return TRUE;
}

/* @status: "available", "busy" or "away"; kept and sent again after a
 * reconnect. Returns FALSE when it could not be sent now. */
gboolean
hz_hub_client_set_presence (HzHubClient *self,
                            const char  *status)
{
  g_autoptr(JsonObject) message = NULL;

  g_return_val_if_fail (HZ_IS_HUB_CLIENT (self), FALSE);

  g_free (self->presence);
  self->presence = g_strdup (status);
  if (self->state != HZ_HUB_CONNECTION_ONLINE)
    return FALSE;
  message = json_object_new ();
  json_object_set_string_member (message, "type", "presence");
  json_object_set_string_member (message, "status", status);
  send_object (self, message);
  return TRUE;
}
