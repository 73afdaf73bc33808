/* test-hub-tls.c: huizhen-hub serving HTTPS and wss with a certificate
 * made by the test (its own CA, with openssl), and refusing plain HTTP
 * beyond loopback. */
#include "config.h"

#include <string.h>

#include "hz-hub-harness.h"
#include "hz-test-utils.h"

static void
run_openssl (const char *dir,
             const char *command)
{
  g_autofree char *full = g_strdup_printf ("sh -c 'cd \"%s\" && %s'", dir, command);
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_command_line_sync (full, NULL, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", command, err);
}

/* ca.pem, and server.pem/server.key for 127.0.0.1 signed by it. */
static void
make_certificates (const char *dir)
{
  g_autofree char *ext = g_build_filename (dir, "server.ext", NULL);

  g_assert_true (g_file_set_contents (ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                           "basicConstraints=CA:FALSE\n"
                                           "keyUsage=digitalSignature,keyEncipherment\n"
                                           "extendedKeyUsage=serverAuth\n", -1, NULL));
  run_openssl (dir, "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
                    " -keyout ca.key -out ca.pem -days 2 -subj \"/CN=Huizhen Test CA\" 2>&1");
  run_openssl (dir, "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
                    " -keyout server.key -out server.csr -subj \"/CN=127.0.0.1\" 2>&1");
  run_openssl (dir, "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial"
                    " -out server.pem -days 2 -extfile server.ext 2>&1");
}

static gboolean
tls_refused (GError *error)
{
  return error && error->domain == G_TLS_ERROR;
}

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_tls (void)
{
  g_autofree char *certs = hz_test_tmpdir ();
  g_autofree char *config = NULL;
  g_autofree char *ca = g_build_filename (certs, "ca.pem", NULL);
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HzHub) hub = NULL;
  g_autoptr(HzWs) ws = NULL;
  g_autoptr(JsonNode) hello = NULL;
  g_autoptr(JsonNode) pong = NULL;
  g_autofree char *token = NULL;
  g_autofree char *ws_uri = NULL;
  g_autoptr(SoupSession) untrusting = soup_session_new_with_options ("timeout", 10, NULL);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) reply = NULL;

  make_certificates (certs);
  config = g_strdup_printf ("[tls]\ncertificate=%s/server.pem\nkey=%s/server.key\n", certs, certs);
  hub = hz_hub_start (config, NULL);
  g_assert_true (g_str_has_prefix (hub->url, "https://127.0.0.1:"));

  /* a client that trusts the test CA signs in and opens wss */
  database = g_tls_file_database_new (ca, &error);
  g_assert_no_error (error);
  g_clear_object (&hub->session);
  hub->session = soup_session_new_with_options ("timeout", 20, "tls-database", database, NULL);
  token = hz_hub_login (hub, "dr.zhou");
  g_assert_nonnull (token);
  ws = hz_ws_connect (hub, token);
  g_assert_cmpstr (g_uri_get_scheme (soup_websocket_connection_get_uri (ws->conn)), ==, "wss");
  hello = hz_ws_next (ws, "hello", 3000);
  g_assert_nonnull (hello);
  hz_ws_send (ws, "{\"type\":\"ping\"}");
  pong = hz_ws_next (ws, "pong", 3000);
  g_assert_nonnull (pong);

  /* one that does not know the CA is refused, on HTTPS and on wss */
  {
    g_autofree char *uri = g_strconcat (hub->url, "api/v1/login", NULL);
    msg = soup_message_new ("POST", uri);
    reply = soup_session_send_and_read (untrusting, msg, NULL, &error);
    g_assert_null (reply);
    g_assert_true (tls_refused (error));
    g_clear_error (&error);
    g_clear_object (&msg);
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(SoupWebsocketConnection) conn = NULL;
    ws_uri = g_strconcat ("wss", hub->url + strlen ("https"), "api/v1/ws", NULL);
    msg = soup_message_new ("GET", ws_uri);
    soup_session_websocket_connect_async (untrusting, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                          connect_cb, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    conn = soup_session_websocket_connect_finish (untrusting, result, &error);
    g_assert_null (conn);
    g_assert_true (tls_refused (error));
    g_clear_error (&error);
  }

  /* and plain HTTP to the TLS port gets nowhere */
  {
    g_autofree char *plain = g_strconcat ("http", hub->url + strlen ("https"), "api/v1/me", NULL);
    g_autoptr(SoupMessage) m = soup_message_new ("GET", plain);
    g_autoptr(GBytes) r = soup_session_send_and_read (untrusting, m, NULL, &error);
    g_assert_true (r == NULL || soup_message_get_status (m) >= 400);
    g_clear_error (&error);
  }
  hz_test_rmdir (certs);
}

/* Plain HTTP on an address beyond loopback: refused at start, unless
 * allow-insecure-http says a TLS proxy sits in front. */
static void
test_plain_refused (void)
{
  g_autofree char *dir = hz_test_tmpdir ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *binary = g_getenv ("HUIZHEN_HUB");
  const char *argv[] = { binary, "--listen", "0.0.0.0:0", "--data-dir", dir, NULL };
  int status = 0;

  g_assert_nonnull (binary);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (err, "refusing plain HTTP on 0.0.0.0:0"));
  g_assert_null (strstr (out, "listening"));
  hz_test_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub-tls/https-and-wss", test_tls);
  g_test_add_func ("/hub-tls/plain-http-refused", test_plain_refused);
  return g_test_run ();
}
