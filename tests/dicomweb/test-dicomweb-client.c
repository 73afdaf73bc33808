/* test-dicomweb-client.c: the client against a misbehaving fake server. */
#include "config.h"

#include <libsoup/soup.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "hz-dicomweb-client.h"
#include "hz-test-utils.h"

#define BOUNDARY "b0undary"

/* libsoup 3.2's server (only the fake server here, not the client under
 * test) leaks its listener's address and every accepted socket. Read
 * only in sanitizer builds; the slow unwinder is what lets suppressions
 * see past GLib, which has no frame pointers. */
const char *__lsan_default_suppressions (void);
const char *__asan_default_options (void);

const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}

const char *
__lsan_default_suppressions (void)
{
  return "leak:soup_server_listen_local\n"
         "leak:g_socket_accept\n";
}

static char *base_url;
static char *last_authorization;
static char *last_user_agent;

static void
reply (SoupServerMessage *msg,
       guint              status,
       const char        *content_type,
       const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  if (content_type != NULL)
    soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, strlen (body));
}

static guint n_in_flight;
static guint max_in_flight;

typedef struct {
  SoupServerMessage *msg;
  char              *uid;
} Pending;

/* The smallest Part-10 file the client reads: preamble, magic, and a
 * meta group with the SOP Instance UID. */
static GBytes *
tiny_part10 (const char *uid)
{
  GByteArray *a = g_byte_array_new ();
  guint8 zero[128] = { 0 };
  gsize len = strlen (uid) + strlen (uid) % 2;
  guint8 header[8] = { 0x02, 0x00, 0x03, 0x00, 'U', 'I', len & 0xff, len >> 8 };

  g_byte_array_append (a, zero, sizeof zero);
  g_byte_array_append (a, (const guint8 *) "DICM", 4);
  g_byte_array_append (a, header, sizeof header);
  g_byte_array_append (a, (const guint8 *) uid, strlen (uid));
  if (strlen (uid) % 2)
    g_byte_array_append (a, zero, 1);
  return g_byte_array_free_to_bytes (a);
}

static gboolean
answer_later_cb (gpointer user_data)
{
  Pending *pending = user_data;
  g_autoptr(GBytes) part10 = tiny_part10 (pending->uid);
  g_autoptr(GByteArray) body = g_byte_array_new ();
  const char *head = "--" BOUNDARY "\r\nContent-Type: application/dicom\r\n\r\n";
  const char *tail = "\r\n--" BOUNDARY "--\r\n";

  g_byte_array_append (body, (const guint8 *) head, strlen (head));
  g_byte_array_append (body, g_bytes_get_data (part10, NULL), g_bytes_get_size (part10));
  g_byte_array_append (body, (const guint8 *) tail, strlen (tail));
  soup_server_message_set_status (pending->msg, 200, NULL);
  soup_server_message_set_response (pending->msg, "multipart/related; type=\"application/dicom\"; boundary=" BOUNDARY,
                                    SOUP_MEMORY_COPY, (const char *) body->data, body->len);
  soup_server_message_unpause (pending->msg);
  n_in_flight--;
  g_object_unref (pending->msg);
  g_free (pending->uid);
  g_free (pending);
  return G_SOURCE_REMOVE;
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *part = "--" BOUNDARY "\r\nContent-Type: application/dicom\r\n\r\n";
  g_autofree char *big = NULL;

  g_free (last_authorization);
  last_authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  g_free (last_user_agent);
  last_user_agent = g_strdup (soup_message_headers_get_one (headers, "User-Agent"));

  if (g_strcmp0 (last_authorization, "Bearer t0ken") != 0)
    reply (msg, 401, "text/plain", "who are you?");
  else if (g_str_equal (path, "/dw/studies") && query != NULL &&
           g_strcmp0 (g_hash_table_lookup (query, "StudyInstanceUID"), "1.2.10") == 0)
    reply (msg, 200, "application/dicom+json", "[{\"0020000D\":{\"vr\":\"UI\",\"Value\":[\"1.2.10\"]}}]");
  else if (g_str_equal (path, "/dw/studies"))
    reply (msg, 200, "application/dicom+json", "<html>not json</html>");
  else if (g_str_equal (path, "/dw/studies/1.2.3"))
    reply (msg, 500, "text/plain", "oops");
  else if (g_str_equal (path, "/dw/studies/1.2.4"))
    {
      g_autofree char *body = g_strconcat (part, "half a file", NULL);
      reply (msg, 200, "multipart/related; type=\"application/dicom\"; boundary=" BOUNDARY, body);
    }
  else if (g_str_equal (path, "/dw/studies/1.2.5"))
    reply (msg, 200, "application/dicom", "DICM");
  else if (g_str_equal (path, "/dw/studies/1.2.6"))
    reply (msg, 200, "multipart/related; type=\"application/json\"; boundary=" BOUNDARY, "--" BOUNDARY "--");
  else if (g_str_equal (path, "/dw/studies/1.2.7"))
    {
      big = g_strnfill (5000, 'x');
      g_autofree char *body = g_strconcat (part, big, "\r\n--" BOUNDARY "--\r\n", NULL);
      reply (msg, 200, "multipart/related; type=\"application/dicom\"; boundary=" BOUNDARY, body);
    }
  else if (g_str_equal (path, "/dw/studies/1.2.8"))
    reply (msg, 200, "multipart/related; type=\"application/dicom\"", "--x--");
  else if (g_str_equal (path, "/dw/studies/1.2.9"))
    reply (msg, 403, "text/plain", "not yours");
  else if (g_str_equal (path, "/dw/studies/1.2.10/series"))
    reply (msg, 200, "application/dicom+json",
           "[{\"0020000E\":{\"vr\":\"UI\",\"Value\":[\"1.2.10.1\"]},"
           "\"00201209\":{\"vr\":\"IS\",\"Value\":[1]}}]");
  else if (g_str_equal (path, "/dw/studies/1.2.10/series/1.2.10.1"))
    {
      /* Well formed, but the part is no Part-10 file. */
      g_autofree char *body = g_strconcat (part, "not dicom\r\n--" BOUNDARY "--\r\n", NULL);
      reply (msg, 200, "multipart/related; type=\"application/dicom\"; boundary=" BOUNDARY, body);
    }
  else if (g_str_has_prefix (path, "/dw/studies/1.3/series/1.3.1/instances/"))
    {
      /* Held back a little, to see how many requests the client keeps
       * in flight at once. */
      Pending *pending = g_new0 (Pending, 1);

      pending->msg = g_object_ref (msg);
      pending->uid = g_strdup (path + strlen ("/dw/studies/1.3/series/1.3.1/instances/"));
      soup_server_message_pause (msg);
      n_in_flight++;
      max_in_flight = MAX (max_in_flight, n_in_flight);
      g_timeout_add (20, answer_later_cb, pending);
    }
  else
    reply (msg, 404, "text/plain", "no such thing");
}

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static HzDicomwebClient *
new_client (void)
{
  HzDicomwebClient *client = hz_dicomweb_client_new (base_url);

  hz_dicomweb_client_set_bearer_token (client, "t0ken");
  hz_dicomweb_client_set_user_agent (client, "huizhen-test/1");
  return client;
}

static void
expect_retrieve_error (const char *study,
                       int         code)
{
  g_autoptr(HzDicomwebClient) client = new_client ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  hz_dicomweb_client_set_max_part_size (client, 1000);
  hz_dicomweb_client_retrieve_async (client, study, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                     result_cb, &result);
  g_assert_false (hz_dicomweb_client_retrieve_finish (client, wait_result (&result), NULL, &error));
  g_test_message ("%s: %s", study, error->message);
  g_assert_error (error, HZ_DICOMWEB_ERROR, code);
}

static void
test_status_codes (void)
{
  expect_retrieve_error ("1.2.3", HZ_DICOMWEB_ERROR_SERVER_ERROR);
  expect_retrieve_error ("1.2.9", HZ_DICOMWEB_ERROR_AUTH_FAILED);
  expect_retrieve_error ("1.2.99", HZ_DICOMWEB_ERROR_NOT_FOUND);
}

static void
test_bad_bodies (void)
{
  expect_retrieve_error ("1.2.4", HZ_DICOMWEB_ERROR_BAD_MULTIPART);   /* truncated */
  expect_retrieve_error ("1.2.5", HZ_DICOMWEB_ERROR_BAD_RESPONSE);    /* single part */
  expect_retrieve_error ("1.2.6", HZ_DICOMWEB_ERROR_BAD_RESPONSE);    /* not DICOM parts */
  expect_retrieve_error ("1.2.7", HZ_DICOMWEB_ERROR_TOO_LARGE);       /* over the bound */
  expect_retrieve_error ("1.2.8", HZ_DICOMWEB_ERROR_BAD_MULTIPART);   /* no boundary */
}

static void
test_not_part10 (void)
{
  g_autoptr(HzDicomwebClient) client = new_client ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  hz_dicomweb_client_fetch_async (client, "1.2.10", "1.2.10.1", NULL, NULL, NULL, NULL, NULL,
                                  result_cb, &result);
  g_assert_false (hz_dicomweb_client_fetch_finish (client, wait_result (&result), NULL, &error));
  g_assert_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_BAD_RESPONSE);
}

static void
test_search_not_json (void)
{
  g_autoptr(HzDicomwebClient) client = new_client ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) studies = NULL;
  g_autoptr(GError) error = NULL;

  hz_dicomweb_client_search_studies_async (client, "QS 1/2", NULL, NULL, result_cb, &result);
  studies = hz_dicomweb_client_search_studies_finish (client, wait_result (&result), &error);
  g_assert_null (studies);
  g_assert_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_BAD_RESPONSE);
  /* Credentials go up front, with our user agent. */
  g_assert_cmpstr (last_authorization, ==, "Bearer t0ken");
  g_assert_cmpstr (last_user_agent, ==, "huizhen-test/1");
}

static void
test_unreachable (void)
{
  g_autoptr(HzDicomwebClient) client = hz_dicomweb_client_new ("http://127.0.0.1:1/dw/");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) studies = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (hz_dicomweb_client_get_base_url (client), ==, "http://127.0.0.1:1/dw");
  hz_dicomweb_client_search_studies_async (client, NULL, NULL, NULL, result_cb, &result);
  studies = hz_dicomweb_client_search_studies_finish (client, wait_result (&result), &error);
  g_assert_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_UNREACHABLE);
}

static void
count_instance_cb (const char *uid,
                   GBytes     *part10,
                   gpointer    user_data)
{
  GPtrArray *uids = user_data;

  g_ptr_array_add (uids, g_strdup (uid));
}

/* A later opening fetches instance by instance, never more at once than
 * the concurrency limit, and uses all of it. */
static void
test_concurrency_limit (void)
{
  g_autofree char *dir = hz_test_tmpdir ();
  g_autoptr(HzDicomwebCache) cache = NULL;
  g_autoptr(HzDicomwebClient) client = new_client ();
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) hz_dicomweb_instance_free);
  g_autoptr(GPtrArray) uids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HzDicomwebProgress progress;

  cache = hz_dicomweb_cache_new (dir, 1024 * 1024, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 12; i++)
    {
      HzDicomwebInstance *instance = g_new0 (HzDicomwebInstance, 1);
      instance->study_instance_uid = g_strdup ("1.3");
      instance->series_instance_uid = g_strdup ("1.3.1");
      instance->sop_instance_uid = g_strdup_printf ("1.3.1.%u", i + 1);
      instance->instance_number = i + 1;
      g_ptr_array_add (list, instance);
    }
  g_assert_true (hz_dicomweb_cache_store_manifest (cache, "1.3.1", list, &error));
  hz_dicomweb_client_set_cache (client, cache);
  hz_dicomweb_client_set_concurrency (client, 3);
  g_assert_cmpuint (hz_dicomweb_client_get_concurrency (client), ==, 3);
  max_in_flight = 0;

  hz_dicomweb_client_fetch_async (client, "1.3", "1.3.1", count_instance_cb, NULL, uids, NULL, NULL,
                                  result_cb, &result);
  g_assert_true (hz_dicomweb_client_fetch_finish (client, wait_result (&result), &progress, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (uids->len, ==, 12);
  g_assert_cmpuint (progress.instances_total, ==, 12);
  g_assert_cmpuint (max_in_flight, ==, 3);
  g_assert_cmpuint (hz_dicomweb_client_get_n_requests (client), ==, 12);
  /* In instance-number order, as a viewer scrolls. */
  g_assert_cmpstr (g_ptr_array_index (uids, 0), ==, "1.3.1.1");
  g_assert_cmpuint (hz_dicomweb_cache_get_n_instances (cache), ==, 12);

  /* The limit is clamped to what the session allows. */
  hz_dicomweb_client_set_concurrency (client, 100);
  g_assert_cmpuint (hz_dicomweb_client_get_concurrency (client), ==, HZ_DICOMWEB_MAX_CONCURRENCY);
  hz_test_rmdir (dir);
}

/* cert.pem and key.pem for 127.0.0.1, made with the openssl command. */
static char *
make_certificate (const char *dir)
{
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  const char *argv[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                         "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                         "-addext", "subjectAltName=IP:127.0.0.1", NULL };
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    return NULL;
  return g_steal_pointer (&cert);
}

/* A hospital PACS behind an internal CA: trusted through the CA file
 * only. (Debian's Orthanc 1.10 dies on its first HTTPS connection with
 * OpenSSL 3, so this is a libsoup server.) */
static void
tls_body (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hz-tls-XXXXXX", NULL);
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(HzDicomwebClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) result2 = NULL;
  g_autoptr(GPtrArray) studies = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_assert_nonnull (dir);
  cert = make_certificate (dir);
  if (cert == NULL)
    {
      g_test_skip ("no openssl command to make a certificate");
      return;
    }
  key = g_build_filename (dir, "key.pem", NULL);
  certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (server, NULL, handler, NULL, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  {
    g_autofree char *root = g_uri_to_string (uris->data);
    url = g_strconcat (root, "dw/", NULL);
  }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_assert_true (g_str_has_prefix (url, "https://127.0.0.1:"));

  client = hz_dicomweb_client_new (url);
  hz_dicomweb_client_set_bearer_token (client, "t0ken");
  /* The system store does not know our CA. */
  hz_dicomweb_client_search_studies_async (client, NULL, "1.2.10", NULL, result_cb, &result);
  studies = hz_dicomweb_client_search_studies_finish (client, wait_result (&result), &error);
  g_assert_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_UNREACHABLE);
  g_clear_error (&error);

  g_assert_true (hz_dicomweb_client_set_ca_file (client, cert, &error));
  g_assert_no_error (error);
  hz_dicomweb_client_search_studies_async (client, NULL, "1.2.10", NULL, result_cb, &result2);
  studies = hz_dicomweb_client_search_studies_finish (client, wait_result (&result2), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (studies->len, ==, 1);

  g_unlink (cert);
  g_unlink (key);
  g_rmdir (dir);
}

/* In a child that leaves with _exit(): LeakSanitizer crashes at exit on
 * the thread-local storage of the TLS libraries glib-networking loads
 * with dlopen() (a bogus "DTLS" range, GCC 12 libsanitizer), and leaving
 * TLS out of its scan gives false leaks from GLib's per-thread data. */
static void
test_tls (void)
{
  if (g_test_subprocess ())
    {
      tls_body ();
      fflush (stdout);
      _exit (0);
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_ca_file (void)
{
  g_autoptr(HzDicomwebClient) client = new_client ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int fd;

  g_assert_false (hz_dicomweb_client_set_ca_file (client, "/nonexistent/ca.pem", &error));
  g_assert_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  fd = g_file_open_tmp ("hz-ca-XXXXXX.pem", &path, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, "not a certificate\n", -1, NULL));
  close (fd);
  g_assert_false (hz_dicomweb_client_set_ca_file (client, path, &error));
  g_assert_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_INVALID_ARGUMENT);
  g_unlink (path);

  /* Back to the system store. */
  g_assert_true (hz_dicomweb_client_set_ca_file (client, NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;
  int status;

  g_test_init (&argc, &argv, NULL);

  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, NULL, handler, NULL, NULL);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("cannot listen: %s", error->message);
  uris = soup_server_get_uris (server);
  {
    g_autofree char *root = g_uri_to_string (uris->data);
    base_url = g_strconcat (root, "dw/", NULL);
  }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_test_add_func ("/dicomweb/client/status-codes", test_status_codes);
  g_test_add_func ("/dicomweb/client/bad-bodies", test_bad_bodies);
  g_test_add_func ("/dicomweb/client/not-part10", test_not_part10);
  g_test_add_func ("/dicomweb/client/search-not-json", test_search_not_json);
  g_test_add_func ("/dicomweb/client/unreachable", test_unreachable);
  g_test_add_func ("/dicomweb/client/ca-file", test_ca_file);
  g_test_add_func ("/dicomweb/client/tls", test_tls);
  g_test_add_func ("/dicomweb/client/concurrency-limit", test_concurrency_limit);
  status = g_test_run ();
  /* Close the server side of kept-alive connections, and let their
   * sources run, so nothing is left for the leak checker. */
  soup_server_disconnect (server);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_free (base_url);
  g_free (last_authorization);
  g_free (last_user_agent);
  return status;
}
