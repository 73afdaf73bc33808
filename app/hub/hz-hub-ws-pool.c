/* hz-hub-ws-pool.c: WebSocket connections on worker threads.
 *
 * Why: a GMainContext polls every one of its sources on each iteration,
 * so with thousands of mostly idle sockets on the hub's one main context
 * every request and every relayed message paid for all of them (5,000
 * sessions: relay p99 over 100 ms, 34 consult creations/s). Here each
 * worker thread runs its own context with a share of the sockets; the
 * main context keeps only HTTP and the relay's logic. Workers do no hub
 * logic and touch no store: they hand each message to the main context
 * and send what it tells them to. A connection lives on one worker, so
 * its messages keep their order both ways. */
#include "config.h"

#include "hz-hub-ws-pool.h"

#define STOP_GRACE_MS 300

/* Shared by the pool and the events in flight to its owner, so an event
 * that arrives after the pool is gone is dropped, not delivered. */
typedef struct {
  gint             ref;
  gboolean         dead;        /* owner thread only */
  HzHubWsEventFunc func;
  gpointer         user_data;
} Link;

typedef struct {
  HzHubWsPool  *pool;
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  GHashTable   *conns;          /* id → SoupWebsocketConnection; this thread only */
  gboolean      stopping;
} Shard;

struct _HzHubWsPool {
  Shard        *shards;
  guint         n_shards;
  GMainContext *owner;
  Link         *link;
  gsize         max_payload;
  guint         keepalive_s;
  guint64       next_id;        /* owner thread only */
};

typedef enum { CMD_ADOPT, CMD_SEND, CMD_CLOSE, CMD_STOP } CmdKind;

typedef struct {
  CmdKind    kind;
  Shard     *shard;
  guint64    id;
  GArray    *ids;               /* CMD_SEND: guint64 */
  char      *text;              /* CMD_SEND: the message; CMD_CLOSE: the reason */
  gushort    code;
  GIOStream *stream;
  GUri      *uri;
  char      *origin;
} Cmd;

typedef struct {
  Link    *link;
  guint64  id;
  GBytes  *message;
  gint     type;
} Event;

static Link *
link_ref (Link *link)
{
  g_atomic_int_inc (&link->ref);
  return link;
}

static void
link_unref (Link *link)
{
  if (g_atomic_int_dec_and_test (&link->ref))
    g_free (link);
}

static void
event_free (Event *event)
{
  g_clear_pointer (&event->message, g_bytes_unref);
  link_unref (event->link);
  g_free (event);
}

static gboolean
event_deliver (gpointer user_data)
{
  Event *event = user_data;

  if (!event->link->dead)
    event->link->func (event->id, event->message, event->type, event->link->user_data);
  return G_SOURCE_REMOVE;
}

/* From a worker to the owner's context. */
static void
post_event (Shard   *shard,
            guint64  id,
            GBytes  *message,
            gint     type)
{
  Event *event = g_new0 (Event, 1);

  event->link = link_ref (shard->pool->link);
  event->id = id;
  event->message = message ? g_bytes_ref (message) : NULL;
  event->type = type;
  g_main_context_invoke_full (shard->pool->owner, G_PRIORITY_DEFAULT, event_deliver, event,
                              (GDestroyNotify) event_free);
}

static void
cmd_free (Cmd *cmd)
{
  g_clear_pointer (&cmd->ids, g_array_unref);
  g_free (cmd->text);
  g_clear_object (&cmd->stream);
  g_clear_pointer (&cmd->uri, g_uri_unref);
  g_free (cmd->origin);
  g_free (cmd);
}

static guint64
conn_id (SoupWebsocketConnection *conn)
{
  return *(guint64 *) g_object_get_data (G_OBJECT (conn), "hz-id");
}

static void
conn_message_cb (SoupWebsocketConnection *conn,
                 gint                     type,
                 GBytes                  *message,
                 gpointer                 user_data)
{
  /* what still arrives after we began closing is not the hub's business */
  if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
    post_event (user_data, conn_id (conn), message, type);
}

static gboolean
quit_if_empty (Shard *shard)
{
  if (shard->stopping && g_hash_table_size (shard->conns) == 0)
    {
      g_main_loop_quit (shard->loop);
      return TRUE;
    }
  return FALSE;
}

static void
conn_closed_cb (SoupWebsocketConnection *conn,
                gpointer                 user_data)
{
  Shard *shard = user_data;
  guint64 id = conn_id (conn);

  post_event (shard, id, NULL, 0);
  g_signal_handlers_disconnect_by_data (conn, shard);
  g_hash_table_remove (shard->conns, &id);
  quit_if_empty (shard);
}

static void
conn_close (SoupWebsocketConnection *conn,
            gushort                  code,
            const char              *reason)
{
  if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (conn, code, reason);
}

static gboolean
stop_timeout_cb (gpointer user_data)
{
  Shard *shard = user_data;

  g_main_loop_quit (shard->loop);
  return G_SOURCE_REMOVE;
}

/* Runs on the shard's own thread. */
static gboolean
cmd_run (gpointer user_data)
{
  Cmd *cmd = user_data;
  Shard *shard = cmd->shard;
  HzHubWsPool *pool = shard->pool;
  SoupWebsocketConnection *conn;
  GHashTableIter iter;
  guint i;

  switch (cmd->kind)
    {
    case CMD_ADOPT:
      {
        guint64 *key = g_new (guint64, 1);
        *key = cmd->id;
        conn = soup_websocket_connection_new (cmd->stream, cmd->uri, SOUP_WEBSOCKET_CONNECTION_SERVER,
                                              cmd->origin, NULL, NULL);
        g_object_set_data_full (G_OBJECT (conn), "hz-id", g_memdup2 (key, sizeof *key), g_free);
        soup_websocket_connection_set_max_incoming_payload_size (conn, pool->max_payload);
        soup_websocket_connection_set_keepalive_interval (conn, pool->keepalive_s);
        g_signal_connect (conn, "message", G_CALLBACK (conn_message_cb), shard);
        g_signal_connect (conn, "closed", G_CALLBACK (conn_closed_cb), shard);
        g_hash_table_insert (shard->conns, key, conn);
        if (shard->stopping)
          conn_close (conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "hub stopping");
        break;
      }
    case CMD_SEND:
      for (i = 0; i < cmd->ids->len; i++)
        {
          conn = g_hash_table_lookup (shard->conns, &g_array_index (cmd->ids, guint64, i));
          if (conn && soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
            soup_websocket_connection_send_text (conn, cmd->text);
        }
      break;
    case CMD_CLOSE:
      conn = g_hash_table_lookup (shard->conns, &cmd->id);
      if (conn)
        conn_close (conn, cmd->code, cmd->text);
      break;
    case CMD_STOP:
      shard->stopping = TRUE;
      g_hash_table_iter_init (&iter, shard->conns);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &conn))
        conn_close (conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "hub stopping");
      if (!quit_if_empty (shard))
        {
          g_autoptr(GSource) timeout = g_timeout_source_new (STOP_GRACE_MS);
          g_source_set_callback (timeout, stop_timeout_cb, shard, NULL);
          g_source_attach (timeout, shard->context);
        }
      break;
    }
  return G_SOURCE_REMOVE;
}

static void
post_cmd (Cmd *cmd)
{
  g_main_context_invoke_full (cmd->shard->context, G_PRIORITY_DEFAULT, cmd_run, cmd, (GDestroyNotify) cmd_free);
}

static void
drop_conn (gpointer data)
{
  SoupWebsocketConnection *conn = data;

  g_signal_handlers_disconnect_matched (conn, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, conn_closed_cb, NULL);
  g_signal_handlers_disconnect_matched (conn, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, conn_message_cb, NULL);
  g_object_unref (conn);
}

static gpointer
shard_main (gpointer user_data)
{
  Shard *shard = user_data;

  g_main_context_push_thread_default (shard->context);
  g_main_loop_run (shard->loop);
  /* commands still queued, then whatever did not finish its closing
   * handshake in time */
  while (g_main_context_iteration (shard->context, FALSE))
    ;
  g_hash_table_remove_all (shard->conns);
  while (g_main_context_iteration (shard->context, FALSE))
    ;
  g_main_context_pop_thread_default (shard->context);
  return NULL;
}

HzHubWsPool *
hz_hub_ws_pool_new (guint            n_threads,
                    gsize            max_payload,
                    guint            keepalive_s,
                    HzHubWsEventFunc func,
                    gpointer         user_data)
{
  HzHubWsPool *self = g_new0 (HzHubWsPool, 1);
  guint i;

  self->n_shards = MAX (n_threads, 1);
  self->shards = g_new0 (Shard, self->n_shards);
  self->owner = g_main_context_ref_thread_default ();
  self->link = g_new0 (Link, 1);
  self->link->ref = 1;
  self->link->func = func;
  self->link->user_data = user_data;
  self->max_payload = max_payload;
  self->keepalive_s = keepalive_s;
  self->next_id = 1;
  for (i = 0; i < self->n_shards; i++)
    {
      Shard *shard = &self->shards[i];
      g_autofree char *name = g_strdup_printf ("hz-ws-%u", i);

      shard->pool = self;
      shard->context = g_main_context_new ();
      shard->loop = g_main_loop_new (shard->context, FALSE);
      shard->conns = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, drop_conn);
      shard->thread = g_thread_new (name, shard_main, shard);
    }
  return self;
}

static Shard *
shard_for (HzHubWsPool *self,
           guint64      id)
{
  return &self->shards[id % self->n_shards];
}

/**
 * hz_hub_ws_pool_adopt:
 * @stream: a connection whose WebSocket handshake is done (stolen from
 *   its SoupServerMessage)
 *
 * Returns: the connection's id, for sending and for its events.
 */
guint64
hz_hub_ws_pool_adopt (HzHubWsPool *self,
                      GIOStream   *stream,
                      GUri        *uri,
                      const char  *origin)
{
  Cmd *cmd = g_new0 (Cmd, 1);
  guint64 id = self->next_id++;

  cmd->kind = CMD_ADOPT;
  cmd->id = id;
  cmd->shard = shard_for (self, id);
  cmd->stream = g_object_ref (stream);
  cmd->uri = g_uri_ref (uri);
  cmd->origin = g_strdup (origin);
  post_cmd (cmd);  /* the worker owns and frees cmd from here on */
  return id;
}

/* One command per thread, however many connections. */
void
hz_hub_ws_pool_send_many (HzHubWsPool   *self,
                          const guint64 *ids,
                          guint          n_ids,
                          const char    *text)
{
  g_autofree Cmd **per_shard = g_new0 (Cmd *, self->n_shards);
  guint i;

  for (i = 0; i < n_ids; i++)
    {
      guint s = (guint) (ids[i] % self->n_shards);
      if (per_shard[s] == NULL)
        {
          per_shard[s] = g_new0 (Cmd, 1);
          per_shard[s]->kind = CMD_SEND;
          per_shard[s]->shard = &self->shards[s];
          per_shard[s]->ids = g_array_new (FALSE, FALSE, sizeof (guint64));
          per_shard[s]->text = g_strdup (text);
        }
      g_array_append_val (per_shard[s]->ids, ids[i]);
    }
  for (i = 0; i < self->n_shards; i++)
    if (per_shard[i])
      post_cmd (per_shard[i]);
}

void
hz_hub_ws_pool_send (HzHubWsPool *self,
                     guint64      id,
                     const char  *text)
{
  hz_hub_ws_pool_send_many (self, &id, 1, text);
}

void
hz_hub_ws_pool_close (HzHubWsPool *self,
                      guint64      id,
                      gushort      code,
                      const char  *reason)
{
  Cmd *cmd = g_new0 (Cmd, 1);

  cmd->kind = CMD_CLOSE;
  cmd->id = id;
  cmd->shard = shard_for (self, id);
  cmd->code = code;
  cmd->text = g_strdup (reason);
  post_cmd (cmd);
}

void
hz_hub_ws_pool_free (HzHubWsPool *self)
{
  guint i;

  if (self == NULL)
    return;
  self->link->dead = TRUE;
  for (i = 0; i < self->n_shards; i++)
    {
      Cmd *cmd = g_new0 (Cmd, 1);
      cmd->kind = CMD_STOP;
      cmd->shard = &self->shards[i];
      post_cmd (cmd);
    }
  for (i = 0; i < self->n_shards; i++)
    {
      Shard *shard = &self->shards[i];
      g_thread_join (shard->thread);
      g_hash_table_unref (shard->conns);
      g_main_loop_unref (shard->loop);
      g_main_context_unref (shard->context);
    }
  g_free (self->shards);
  link_unref (self->link);
  g_main_context_unref (self->owner);
  g_free (self);
}
