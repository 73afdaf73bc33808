/* hz-hub-relay.c: the signaling relay.
 *
 * Clients authenticate with their bearer token (Authorization header, or
 * ?token= for browsers that cannot set headers on a WebSocket). Messages
 * are small JSON objects with a "type":
 *   client → hub: resume {cursor}, signal {consult, data}, presence
 *                 {status}, ping
 *   hub → client: hello {user, cursor}, consult {cursor, event, consult},
 *                 signal {consult, from, data}, presence {user, status},
 *                 pong, error {code, message}
 * Presence is what the user chose (available, busy, away), except that
 * while they are a doctor in a consult in session it is "busy", set and
 * cleared by the hub as the consult moves. Offline is no socket at all.
 * A signal goes only to the other doctor of that consult, and only while
 * the consult is accepted or in session. Flooding closes the socket with
 * 1008 (policy violation). */
#include "config.h"

#include <string.h>

#include "hz-canonical-json.h"
#include "hz-hub-access.h"
#include "hz-hub-auth.h"
#include "hz-hub-relay.h"
#include "hz-hub-ws-pool.h"

#define MAX_MESSAGE_BYTES (64 * 1024)
#define KEEPALIVE_S 20
#define MAX_RESUME_EVENTS 2000

typedef struct {
  HzHubRelay              *relay;   /* not a reference: the relay owns us */
  guint64                  id;      /* the connection, in the relay's pool */
  gboolean                 closing; /* we closed it; it has not gone yet */
  HzHubUser               *user;
  char                    *status;  /* available, away */
  gint64                   window_start;
  guint                    window_count;
  gint64                   hello_seq; /* later events reach us live */
} Client;

/* A consult in session, and its two doctors (busy while it lasts). */
typedef struct {
  char *requester;
  char *responder;
} Session;

struct _HzHubRelay {
  GObject     parent_instance;
  HzHubStore *store;
  HzHubWsPool *pool;
  GPtrArray  *clients;      /* every client, in no order; owns them */
  GHashTable *by_user;      /* user id → GPtrArray of Client, oldest first */
  GHashTable *by_id;        /* connection id → Client */
  GHashTable *sessions;   /* consult id → Session */
  guint       max_per_second;
  /* The last event pushed to the sockets. Committed events wait for the
   * next fsync before they go out, so this can trail the store. */
  gint64      published_seq;
};

G_DEFINE_FINAL_TYPE (HzHubRelay, hz_hub_relay, G_TYPE_OBJECT)

static void pool_event_cb (guint64  id,
                           GBytes  *message,
                           gint     type,
                           gpointer user_data);

static void
client_free (Client *client)
{
  hz_hub_user_free (client->user);
  g_free (client->status);
  g_free (client);
}

static void
session_free (Session *session)
{
  g_free (session->requester);
  g_free (session->responder);
  g_free (session);
}

static void
hz_hub_relay_dispose (GObject *object)
{
  HzHubRelay *self = HZ_HUB_RELAY (object);

  /* closes every socket ("going away") and stops the threads first */
  g_clear_pointer (&self->pool, hz_hub_ws_pool_free);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->by_user, g_hash_table_unref);
  g_clear_pointer (&self->clients, g_ptr_array_unref);
  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (hz_hub_relay_parent_class)->dispose (object);
}

static void
hz_hub_relay_class_init (HzHubRelayClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hz_hub_relay_dispose;
}

static void
hz_hub_relay_init (HzHubRelay *self)
{
  self->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_free);
  self->by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->by_user = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) session_free);
}

/* Keeps the table of consults in session in step with @consult. */
static void
track_session (HzHubRelay         *self,
               const HzHubConsult *consult)
{
  if (consult->state == HZ_CONSULT_STATE_IN_SESSION)
    {
      Session *session = g_new0 (Session, 1);
      session->requester = g_strdup (consult->requester_id);
      session->responder = g_strdup (consult->responder_id);
      g_hash_table_replace (self->sessions, g_strdup (consult->id), session);
    }
  else
    g_hash_table_remove (self->sessions, consult->id);
}

HzHubRelay *
hz_hub_relay_new (HzHubStore *store,
                  guint       max_messages_per_second,
                  guint       socket_threads)
{
  HzHubRelay *self = g_object_new (HZ_TYPE_HUB_RELAY, NULL);

  g_autoptr(GPtrArray) in_session = NULL;
  guint i;

  self->store = g_object_ref (store);
  self->max_per_second = max_messages_per_second;
  self->pool = hz_hub_ws_pool_new (socket_threads, MAX_MESSAGE_BYTES, KEEPALIVE_S, pool_event_cb, self);
  /* what is in the store at start-up is on disk */
  self->published_seq = hz_hub_store_last_seq (store);
  /* after a restart, whoever was in a call is still busy */
  in_session = hz_hub_store_consults_in_state (store, HZ_CONSULT_STATE_IN_SESSION);
  for (i = 0; in_session && i < in_session->len; i++)
    track_session (self, g_ptr_array_index (in_session, i));
  return self;
}

static void
send_text (Client     *client,
           const char *text)
{
  if (!client->closing)
    hz_hub_ws_pool_send (client->relay->pool, client->id, text);
}

static void
send_node (Client   *client,
           JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  send_text (client, text);
}

/* One text to many clients: the pool takes it once per thread. */
static void
send_to_many (HzHubRelay *self,
              GArray     *ids,
              JsonNode   *node)
{
  g_autofree char *text = NULL;

  if (ids->len == 0)
    return;
  text = json_to_string (node, FALSE);
  hz_hub_ws_pool_send_many (self->pool, (const guint64 *) (gpointer) ids->data, ids->len, text);
}

static void
close_client (Client     *client,
              gushort     code,
              const char *reason)
{
  if (client->closing)
    return;
  client->closing = TRUE;
  hz_hub_ws_pool_close (client->relay->pool, client->id, code, reason);
}

static void
send_error (Client     *client,
            const char *code,
            const char *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "error");
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  send_node (client, root);
}

/* Per user, so that a signal or a presence change does not walk every
 * socket of the hub. */
static GPtrArray *
user_clients (HzHubRelay *self,
              const char *user_id)
{
  return user_id ? g_hash_table_lookup (self->by_user, user_id) : NULL;
}

static gboolean
user_online (HzHubRelay *self,
             const char *user_id,
             Client     *except)
{
  return user_clients (self, user_id) != NULL;
}

static gboolean
in_session (HzHubRelay *self,
            const char *user_id)
{
  GHashTableIter iter;
  Session *session;

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &session))
    if (g_strcmp0 (session->requester, user_id) == 0 || g_strcmp0 (session->responder, user_id) == 0)
      return TRUE;
  return FALSE;
}

/* What others see: offline without a socket, busy in a session, else
 * the status the user chose on their newest socket. */
const char *
hz_hub_relay_presence (HzHubRelay *self,
                       const char *user_id)
{
  GPtrArray *mine = user_clients (self, user_id);
  const char *chosen;

  if (mine == NULL)
    return "offline";
  chosen = ((Client *) g_ptr_array_index (mine, mine->len - 1))->status;  /* the newest socket's */
  return in_session (self, user_id) ? "busy" : chosen;
}

guint
hz_hub_relay_count (HzHubRelay *self)
{
  return self->clients->len;
}

/* Presence is not patient data: everyone signed in may know it. */
static void
broadcast_presence (HzHubRelay *self,
                    const char *user_id,
                    const char *status)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GArray) ids = NULL;
  guint i;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "presence");
  json_builder_set_member_name (b, "user");
  json_builder_add_string_value (b, user_id);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, status);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  ids = g_array_sized_new (FALSE, FALSE, sizeof (guint64), self->clients->len);
  for (i = 0; i < self->clients->len; i++)
    {
      Client *c = g_ptr_array_index (self->clients, i);
      if (!c->closing)
        g_array_append_val (ids, c->id);
    }
  send_to_many (self, ids, root);
}

static JsonNode *
consult_message (const HzHubConsult *consult,
                 const HzHubEvent   *event)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "consult");
  json_builder_set_member_name (b, "cursor");
  json_builder_add_int_value (b, event->seq);
  json_builder_set_member_name (b, "event");
  json_builder_add_value (b, hz_hub_event_to_json (event));
  json_builder_set_member_name (b, "consult");
  json_builder_add_value (b, hz_hub_consult_to_json (consult, FALSE));
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Tells everyone who may see the consult what just happened to it. */
void
hz_hub_relay_publish_consult (HzHubRelay         *self,
                              const HzHubConsult *consult,
                              gint64              seq)
{
  g_autoptr(GPtrArray) events = hz_hub_store_events (self->store, consult->id, seq - 1, 1);
  g_autoptr(JsonNode) message = NULL;
  g_autoptr(GArray) ids = NULL;
  GHashTableIter iter;
  GPtrArray *mine;
  const char *doctors[2] = { consult->requester_id, consult->responder_id };
  const char *before[2];
  guint i;

  self->published_seq = MAX (self->published_seq, seq);
  for (i = 0; i < 2; i++)
    before[i] = doctors[i] ? hz_hub_relay_presence (self, doctors[i]) : NULL;
  track_session (self, consult);
  for (i = 0; i < 2; i++)
    {
      /* the strings are static or owned by a client that is still there */
      const char *after = doctors[i] ? hz_hub_relay_presence (self, doctors[i]) : NULL;
      if (after && g_strcmp0 (before[i], after) != 0)
        broadcast_presence (self, doctors[i], after);
    }

  if (events->len == 0)
    return;
  message = consult_message (consult, g_ptr_array_index (events, 0));
  ids = g_array_new (FALSE, FALSE, sizeof (guint64));
  /* judged once per user, sent to each of their sockets */
  g_hash_table_iter_init (&iter, self->by_user);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &mine))
    if (hz_hub_access_may_see (((Client *) g_ptr_array_index (mine, 0))->user, consult))
      for (i = 0; i < mine->len; i++)
        {
          Client *c = g_ptr_array_index (mine, i);
          if (!c->closing)
            g_array_append_val (ids, c->id);
        }
  send_to_many (self, ids, message);
}

/* Replays what the client missed, as far as it may still see it. */
static void
handle_resume (Client     *client,
               JsonObject *object)
{
  HzHubRelay *self = client->relay;
  g_autoptr(GPtrArray) events = NULL;
  /* consult id → the consult if this user may see it, else absent from
   * the store or hidden: each consult is read once per resume */
  g_autoptr(GHashTable) visible = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) hz_hub_consult_free);
  gint64 cursor;
  guint i;

  if (!json_object_has_member (object, "cursor") ||
      json_node_get_value_type (json_object_get_member (object, "cursor")) != G_TYPE_INT64)
    {
      send_error (client, "invalid", "resume needs an integer cursor");
      return;
    }
  cursor = json_object_get_int_member (object, "cursor");
  events = hz_hub_store_events (self->store, NULL, cursor, MAX_RESUME_EVENTS);
  for (i = 0; i < events->len; i++)
    {
      HzHubEvent *event = g_ptr_array_index (events, i);
      HzHubConsult *consult;
      g_autoptr(JsonNode) message = NULL;

      /* Everything after the hello was pushed to this connection as it
       * happened; replaying it would tell the client twice. */
      if (event->seq > client->hello_seq)
        break;
      if (event->consult_id == NULL)
        continue;
      if (!g_hash_table_lookup_extended (visible, event->consult_id, NULL, (gpointer *) &consult))
        {
          consult = hz_hub_store_get_consult (self->store, event->consult_id, NULL);
          if (consult && !hz_hub_access_may_see (client->user, consult))
            g_clear_pointer (&consult, hz_hub_consult_free);
          g_hash_table_insert (visible, g_strdup (event->consult_id), consult);
        }
      if (consult == NULL)
        continue;
      message = consult_message (consult, event);
      send_node (client, message);
    }
}

static void
handle_signal (Client     *client,
               JsonObject *object)
{
  HzHubRelay *self = client->relay;
  g_autoptr(HzHubConsult) consult = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) message = NULL;
  const char *consult_id = json_object_get_string_member_with_default (object, "consult", NULL);
  JsonNode *data = json_object_get_member (object, "data");
  HzConsultParty parties;
  GPtrArray *peers;
  const char *peer;
  gboolean delivered = FALSE;
  guint i;

  if (consult_id == NULL || data == NULL || !JSON_NODE_HOLDS_OBJECT (data))
    {
      send_error (client, "invalid", "a signal needs a consult and a data object");
      return;
    }
  consult = hz_hub_store_get_consult (self->store, consult_id, NULL);
  parties = consult ? hz_hub_access_parties (client->user, consult) : HZ_PARTY_NONE;
  if (consult == NULL || (parties & (HZ_PARTY_REQUESTER | HZ_PARTY_RESPONDER)) == 0)
    {
      send_error (client, "forbidden", "you are not a doctor in that consult");
      return;
    }
  if (consult->state != HZ_CONSULT_STATE_ACCEPTED && consult->state != HZ_CONSULT_STATE_IN_SESSION)
    {
      send_error (client, "not_callable", "the consult is not accepted or in session");
      return;
    }
  peer = (parties & HZ_PARTY_REQUESTER) ? consult->responder_id : consult->requester_id;

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "signal");
  json_builder_set_member_name (b, "consult");
  json_builder_add_string_value (b, consult_id);
  json_builder_set_member_name (b, "from");
  json_builder_add_string_value (b, client->user->id);
  json_builder_set_member_name (b, "data");
  json_builder_add_value (b, json_node_copy (data));
  json_builder_end_object (b);
  message = json_builder_get_root (b);

  peers = user_clients (self, peer);
  for (i = 0; peers && i < peers->len; i++)
    {
      send_node (g_ptr_array_index (peers, i), message);
      delivered = TRUE;
    }
  if (!delivered)
    send_error (client, "peer_offline", "the other doctor is not connected");
}

static void
handle_presence (Client     *client,
                 JsonObject *object)
{
  const char *status = json_object_get_string_member_with_default (object, "status", "");

  if (!g_str_equal (status, "available") && !g_str_equal (status, "away") && !g_str_equal (status, "busy"))
    {
      send_error (client, "invalid", "status is available, busy or away");
      return;
    }
  g_free (client->status);
  client->status = g_strdup (status);
  broadcast_presence (client->relay, client->user->id, hz_hub_relay_presence (client->relay, client->user->id));
}

/* Too many messages in one second closes the socket: one noisy client
 * must not slow the relay for everyone else. */
static gboolean
within_rate (Client *client)
{
  gint64 now = g_get_monotonic_time ();

  if (now - client->window_start >= G_USEC_PER_SEC)
    {
      client->window_start = now;
      client->window_count = 0;
    }
  return ++client->window_count <= client->relay->max_per_second;
}

static void
handle_message (Client *client,
                gint    type,
                GBytes *message)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *checked = NULL;
  JsonObject *object;
  const char *kind;
  gsize len;
  const char *data = g_bytes_get_data (message, &len);

  /* messages still in flight after we closed a flooding socket */
  if (client->closing)
    return;
  if (!within_rate (client))
    {
      close_client (client, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "too many messages");
      return;
    }
  if (type != SOUP_WEBSOCKET_DATA_TEXT ||
      (checked = hz_canonical_json_from_string (data, (gssize) len, TRUE, NULL)) == NULL ||
      !json_parser_load_from_data (parser, checked, -1, NULL))
    {
      send_error (client, "bad_json", "messages are JSON objects");
      return;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  kind = json_object_get_string_member_with_default (object, "type", "");
  if (g_str_equal (kind, "signal"))
    handle_signal (client, object);
  else if (g_str_equal (kind, "resume"))
    handle_resume (client, object);
  else if (g_str_equal (kind, "presence"))
    handle_presence (client, object);
  else if (g_str_equal (kind, "ping"))
    send_text (client, "{\"type\":\"pong\"}");
  else
    send_error (client, "unknown_type", "unknown message type");
}

static void
handle_closed (Client *client)
{
  HzHubRelay *self = client->relay;
  g_autofree char *user_id = g_strdup (client->user->id);

  GPtrArray *mine = user_clients (self, user_id);

  g_hash_table_remove (self->by_id, &client->id);
  if (mine)
    {
      g_ptr_array_remove (mine, client);  /* keeps the order: oldest first */
      if (mine->len == 0)
        g_hash_table_remove (self->by_user, user_id);
    }
  g_ptr_array_remove_fast (self->clients, client);
  if (!user_online (self, user_id, NULL))
    broadcast_presence (self, user_id, "offline");
}

/* From the socket threads, on the main context. */
static void
pool_event_cb (guint64  id,
               GBytes  *message,
               gint     type,
               gpointer user_data)
{
  HzHubRelay *self = user_data;
  Client *client = g_hash_table_lookup (self->by_id, &id);

  if (client == NULL)
    return;  /* refused at the door, or already gone */
  if (message)
    handle_message (client, type, message);
  else
    handle_closed (client);
}

static HzHubUser *
authenticate (HzHubRelay        *self,
              SoupServerMessage *msg)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autoptr(GHashTable) params = NULL;
  const char *token = hz_hub_auth_bearer (header);

  if (token == NULL && query)
    {
      params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL);
      token = params ? g_hash_table_lookup (params, "token") : NULL;
    }
  return hz_hub_store_user_for_token (self->store, token, g_get_real_time ());
}

static void
send_hello (Client *client)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) hello = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "hello");
  /* Not the store's last event: one committed but not yet synced will
   * still be pushed to this connection, so a resume must stop short of it. */
  client->hello_seq = client->relay->published_seq;
  json_builder_set_member_name (b, "cursor");
  json_builder_add_int_value (b, client->hello_seq);
  json_builder_set_member_name (b, "user");
  json_builder_add_value (b, hz_hub_user_to_json (client->user));
  json_builder_end_object (b);
  hello = json_builder_get_root (b);
  send_node (client, hello);
}

/* The 101 answer is out: the socket goes to a pool thread. Who it is was
 * settled before the upgrade (upgrade_cb). */
static void
upgraded_cb (SoupServerMessage *msg,
             gpointer           user_data)
{
  HzHubRelay *self = user_data;
  HzHubUser *user = g_object_steal_data (G_OBJECT (msg), "hz-user");
  g_autoptr(GIOStream) stream = NULL;
  const char *origin = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Origin");
  gboolean was_online;
  Client *client;
  guint64 id;

  g_signal_handlers_disconnect_by_func (msg, upgraded_cb, user_data);
  stream = soup_server_message_steal_connection (msg);  /* (transfer full) */
  id = hz_hub_ws_pool_adopt (self->pool, stream, soup_server_message_get_uri (msg), origin);
  if (user == NULL)
    {
      /* 4401: the application's "unauthorized"; the client must sign in */
      hz_hub_ws_pool_close (self->pool, id, 4401, "sign in first");
      return;
    }

  client = g_new0 (Client, 1);
  client->relay = self;
  client->id = id;
  client->user = user;
  client->status = g_strdup ("available");
  was_online = user_online (self, client->user->id, NULL);
  g_ptr_array_add (self->clients, client);
  g_hash_table_insert (self->by_id, &client->id, client);
  if (!was_online)
    g_hash_table_insert (self->by_user, g_strdup (client->user->id), g_ptr_array_new ());
  g_ptr_array_add (user_clients (self, client->user->id), client);
  send_hello (client);
  if (!was_online)
    broadcast_presence (self, client->user->id, hz_hub_relay_presence (self, client->user->id));
}

/* An ordinary handler doing the handshake, rather than libsoup's
 * WebSocket handler, so that the socket can be handed to another thread
 * before a connection object is made for it on this one. */
static void
upgrade_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  HzHubRelay *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!soup_websocket_server_check_handshake (msg, NULL, NULL, NULL, &error))
    {
      static const char body[] = "{\"error\":{\"code\":\"invalid\",\"message\":\"not a WebSocket handshake\"}}";
      soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
      soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_STATIC,
                                        body, strlen (body));
      return;
    }
  /* not "Connection: close" (hz-hub-server.c): this one is upgraded */
  soup_message_headers_remove (soup_server_message_get_response_headers (msg), "Connection");
  soup_websocket_server_process_handshake (msg, NULL, NULL, NULL, NULL);
  g_object_set_data_full (G_OBJECT (msg), "hz-user", authenticate (self, msg), (GDestroyNotify) hz_hub_user_free);
  g_signal_connect (msg, "wrote-informational", G_CALLBACK (upgraded_cb), self);
}

void
hz_hub_relay_attach (HzHubRelay *self,
                     SoupServer *server,
                     const char *path)
{
  soup_server_add_handler (server, path, upgrade_cb, self, NULL);
}
