/* hz-hub-harness.c: starts huizhen-hub (from HUIZHEN_HUB, set by meson)
 * on 127.0.0.1 with a free port, in its own data folder. */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>

#include "hz-hub-harness.h"
#include "hz-signed-opinion.h"
#include "hz-test-utils.h"

/* A hub must not outlive a test that crashed: meson would wait for it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

HzHub *
hz_hub_start (const char *config_text,
              const char *data_dir)
{
  return hz_hub_start_full (config_text, data_dir, NULL, NULL);
}

/**
 * hz_hub_start_full:
 * @env: (nullable): NAME=VALUE strings added to the hub's environment
 * @args: (nullable): more command-line arguments
 */
HzHub *
hz_hub_start_full (const char         *config_text,
                   const char         *data_dir,
                   const char * const *env,
                   const char * const *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  HzHub *hub = g_new0 (HzHub, 1);
  const char *binary = g_getenv ("HUIZHEN_HUB");

  g_assert_nonnull (binary);
  hub->data_dir = data_dir ? g_strdup (data_dir) : hz_test_tmpdir ();
  hub->config = g_build_filename (hub->data_dir, "hub.conf", NULL);
  g_assert_true (g_file_set_contents (hub->config, config_text ? config_text : "", -1, NULL));
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  for (; env && *env; env++)
    {
      g_auto(GStrv) pair = g_strsplit (*env, "=", 2);
      g_subprocess_launcher_setenv (launcher, pair[0], pair[1] ? pair[1] : "", TRUE);
    }
  g_ptr_array_add (argv, (char *) binary);
  g_ptr_array_add (argv, (char *) "--demo");
  g_ptr_array_add (argv, (char *) "--listen");
  g_ptr_array_add (argv, (char *) "127.0.0.1:0");
  g_ptr_array_add (argv, (char *) "--data-dir");
  g_ptr_array_add (argv, hub->data_dir);
  g_ptr_array_add (argv, (char *) "--config");
  g_ptr_array_add (argv, hub->config);
  for (; args && *args; args++)
    g_ptr_array_add (argv, (char *) *args);
  g_ptr_array_add (argv, NULL);
  hub->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (hub->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "huizhen-hub listening on "));
  hub->url = g_strdup (line + strlen ("huizhen-hub listening on "));
  hub->session = soup_session_new_with_options ("timeout", 20, NULL);
  return hub;
}

void
hz_hub_kill (HzHub   *hub,
             gboolean hard)
{
  if (hub->process == NULL)
    return;
  g_subprocess_send_signal (hub->process, hard ? SIGKILL : SIGTERM);
  g_subprocess_wait (hub->process, NULL, NULL);
  g_clear_object (&hub->process);
}

void
hz_hub_free (HzHub *hub)
{
  hz_hub_kill (hub, FALSE);
  g_clear_object (&hub->session);
  g_free (hub->url);
  g_free (hub->config);
  g_free (hub->data_dir);
  g_free (hub);
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

JsonNode *
hz_hub_call_raw (HzHub      *hub,
                 const char *token,
                 const char *method,
                 const char *path,
                 const char *content_type,
                 GBytes     *body,
                 guint      *status)
{
  g_autofree char *uri = g_strconcat (hub->url, "api/v1/", path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;
  const char *data;

  g_assert_nonnull (msg);
  if (token)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (body)
    soup_message_set_request_body_from_bytes (msg, content_type, body);
  /* asynchronously, iterating the default context: the hub may live in
   * this very process (test-hub-inprocess) and must answer meanwhile */
  soup_session_send_and_read_async (hub->session, msg, G_PRIORITY_DEFAULT, NULL, send_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  reply = soup_session_send_and_read_finish (hub->session, result, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  data = g_bytes_get_data (reply, &len);
  if (len == 0)
    return NULL;
  if (!json_parser_load_from_data (parser, data, (gssize) len, NULL))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

JsonNode *
hz_hub_call (HzHub      *hub,
             const char *token,
             const char *method,
             const char *path,
             const char *body,
             guint      *status)
{
  g_autoptr(GBytes) bytes = body ? g_bytes_new (body, strlen (body)) : NULL;

  return hz_hub_call_raw (hub, token, method, path, "application/json", bytes, status);
}

char *
hz_hub_login (HzHub      *hub,
              const char *user)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"huizhen-demo\"}", user);
  guint status = 0;
  g_autoptr(JsonNode) reply = hz_hub_call (hub, NULL, "POST", "login", body, &status);

  g_assert_cmpuint (status, ==, 200);
  return g_strdup (hz_json_str (reply, "token"));
}

/* A string member by dotted path ("error.code"), or NULL. */
const char *
hz_json_str (JsonNode   *node,
             const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);
  guint i;

  for (i = 0; parts[i]; i++)
    {
      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        return NULL;
      node = json_object_get_member (json_node_get_object (node), parts[i]);
    }
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static void
ws_message_cb (SoupWebsocketConnection *conn,
               gint                     type,
               GBytes                  *message,
               gpointer                 user_data)
{
  HzWs *ws = user_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;
  const char *data = g_bytes_get_data (message, &len);

  if (json_parser_load_from_data (parser, data, (gssize) len, NULL))
    g_queue_push_tail (&ws->messages, json_node_copy (json_parser_get_root (parser)));
}

static void
ws_closed_cb (SoupWebsocketConnection *conn,
              gpointer                 user_data)
{
  HzWs *ws = user_data;

  ws->closed = TRUE;
  ws->close_code = soup_websocket_connection_get_close_code (conn);
}

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;
  *out = g_object_ref (result);
}

HzWs *
hz_ws_connect (HzHub      *hub,
               const char *token)
{
  /* http → ws, https → wss */
  g_autofree char *uri = g_strconcat ("ws", hub->url + strlen ("http"), "api/v1/ws", NULL);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HzWs *ws = g_new0 (HzWs, 1);

  msg = soup_message_new ("GET", uri);
  if (token)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  soup_session_websocket_connect_async (hub->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        connect_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  ws->conn = soup_session_websocket_connect_finish (hub->session, result, &error);
  g_assert_no_error (error);
  g_queue_init (&ws->messages);
  g_signal_connect (ws->conn, "message", G_CALLBACK (ws_message_cb), ws);
  g_signal_connect (ws->conn, "closed", G_CALLBACK (ws_closed_cb), ws);
  return ws;
}

void
hz_ws_send (HzWs       *ws,
            const char *text)
{
  /* the hub may have closed us (a flood test): then sending is moot */
  if (soup_websocket_connection_get_state (ws->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (ws->conn, text);
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* The next message of @type (others are dropped), or NULL on timeout. */
JsonNode *
hz_ws_next (HzWs       *ws,
            const char *type,
            guint       timeout_ms)
{
  gboolean expired = FALSE;
  guint source = g_timeout_add (timeout_ms, timeout_cb, &expired);

  for (;;)
    {
      while (!g_queue_is_empty (&ws->messages))
        {
          JsonNode *node = g_queue_pop_head (&ws->messages);
          if (g_strcmp0 (hz_json_str (node, "type"), type) == 0)
            {
              if (!expired)
                g_source_remove (source);
              return node;
            }
          json_node_unref (node);
        }
      if (expired || ws->closed)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  if (!expired)
    g_source_remove (source);
  return NULL;
}

gboolean
hz_ws_wait_closed (HzWs *ws,
                   guint timeout_ms)
{
  gboolean expired = FALSE;
  guint source = g_timeout_add (timeout_ms, timeout_cb, &expired);

  while (!ws->closed && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (source);
  return ws->closed;
}

void
hz_ws_free (HzWs *ws)
{
  g_signal_handlers_disconnect_by_data (ws->conn, ws);
  if (soup_websocket_connection_get_state (ws->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (ws->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_object_unref (ws->conn);
  g_queue_clear_full (&ws->messages, (GDestroyNotify) json_node_unref);
  g_free (ws);
}

char *
hz_hub_signed_report (HzHub      *hub,
                      const char *token,
                      const char *author,
                      const char *consult_id)
{
  g_autoptr(HzSigningKey) key = hz_signing_key_generate (NULL);
  g_autofree char *pub = hz_signing_key_dup_public_key_base64 (key);
  g_autofree char *put = g_strdup_printf ("{\"public_key\":\"%s\"}", pub);
  g_autoptr(HzOpinion) opinion = hz_opinion_new ();
  g_autoptr(HzSignedOpinion) signed_op = NULL;
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) reply = NULL;
  JsonObject *o = json_object_new ();
  guint status = 0;

  reply = hz_hub_call (hub, token, "PUT", "me/key", put, &status);
  g_assert_cmpuint (status, ==, 200);
  hz_opinion_set_findings (opinion, "ST 段压低");
  hz_opinion_add_diagnosis (opinion, "I20.0", "不稳定型心绞痛");
  hz_opinion_set_referral (opinion, HZ_REFERRAL_REFER, HZ_REFERRAL_URGENCY_URGENT, NULL);
  signed_op = hz_signed_opinion_sign (opinion, consult_id, author, key, NULL, NULL);
  json_object_set_member (o, "opinion", hz_signed_opinion_content_to_node (signed_op));
  json_object_set_member (o, "signature", hz_signed_opinion_signature_to_node (signed_op));
  json_node_take_object (root, o);
  return json_to_string (root, FALSE);
}
