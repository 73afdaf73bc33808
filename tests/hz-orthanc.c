/* hz-orthanc.c: starts, loads and stops a private Orthanc for one test run.
 *
 * Orthanc cannot bind to loopback only, so tests run it inside a network
 * namespace that has nothing but lo (see dicomweb/run-in-netns.sh); where
 * that is impossible, RemoteAccessAllowed false and authentication keep
 * other hosts out. The child gets SIGKILL if the test dies, so a failed
 * assertion never leaves an Orthanc behind. */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <sys/prctl.h>

#include "hz-orthanc.h"
#include "hz-test-utils.h"

#define ORTHANC  "/usr/sbin/Orthanc"
#define PLUGIN   "/usr/share/orthanc/plugins/libOrthancDicomWeb.so"

struct _HzOrthanc
{
  char        *dir;
  char        *url;
  char        *dicomweb_url;
  char        *user;
  char        *password;
  GSubprocess *process;
  SoupSession *session;
};

const char *
hz_orthanc_isolation (void)
{
  const char *netns = g_getenv ("HZ_TEST_NETNS");

  if (g_strcmp0 (netns, "private") == 0)
    return "a private network namespace with only lo";
  return "plain loopback (no private network namespace here): "
         "Orthanc listens on all addresses, RemoteAccessAllowed false and "
         "authentication keep others out";
}

static guint16
free_port (GError **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL || !g_socket_bind (socket, any, FALSE, error))
    return 0;
  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return 0;
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static SoupMessage *
new_message (HzOrthanc  *self,
             const char *method,
             const char *path)
{
  g_autofree char *url = g_strconcat (self->url, path, NULL);
  g_autofree char *pair = g_strconcat (self->user, ":", self->password, NULL);
  g_autofree char *b64 = g_base64_encode ((const guchar *) pair, strlen (pair));
  g_autofree char *auth = g_strconcat ("Basic ", b64, NULL);
  SoupMessage *msg = soup_message_new (method, url);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  return msg;
}

static char *
log_tail (HzOrthanc *self)
{
  g_autofree char *path = g_build_filename (self->dir, "orthanc.log", NULL);
  g_autofree char *text = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &text, &len, NULL))
    return g_strdup ("(no log)");
  return g_strdup (len > 2000 ? text + len - 2000 : text);
}

static gboolean
wait_ready (HzOrthanc  *self,
            GError    **error)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(SoupMessage) msg = new_message (self, "GET", "/system");
      g_autoptr(GBytes) body = NULL;

      if (g_subprocess_get_identifier (self->process) == NULL)
        break;  /* exited: no point waiting */
      body = soup_session_send_and_read (self->session, msg, NULL, NULL);
      if (body != NULL && soup_message_get_status (msg) == SOUP_STATUS_OK)
        return TRUE;
      g_usleep (20 * 1000);
    }
  {
    g_autofree char *tail = log_tail (self);
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                 "Orthanc did not become ready; its log ends with:\n%s", tail);
  }
  return FALSE;
}

HzOrthanc *
hz_orthanc_start (GError **error)
{
  g_autoptr(HzOrthanc) self = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *config = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *storage = NULL;
  g_autofree char *index = NULL;
  g_autofree char *log = NULL;
  guint16 port;

  if (!g_file_test (ORTHANC, G_FILE_TEST_IS_EXECUTABLE) || !g_file_test (PLUGIN, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "Orthanc with its DICOMweb plugin is not installed "
                   "(Debian packages orthanc and orthanc-dicomweb)");
      return NULL;
    }
  port = free_port (error);
  if (port == 0)
    return NULL;

  self = g_new0 (HzOrthanc, 1);
  self->dir = hz_test_tmpdir ();
  self->user = g_strdup ("huizhen");
  self->password = g_strdup_printf ("pw-%08x", g_random_int ());
  self->url = g_strdup_printf ("http://127.0.0.1:%u", port);
  self->dicomweb_url = g_strconcat (self->url, "/dicom-web", NULL);
  self->session = soup_session_new ();
  storage = g_build_filename (self->dir, "storage", NULL);
  index = g_build_filename (self->dir, "index", NULL);
  log = g_build_filename (self->dir, "orthanc.log", NULL);
  /* DefaultEncoding Utf8: with the default (Latin1) Orthanc's QIDO answers
   * turn the ideographic name of a UTF-8 study into "^". */
  config = g_strdup_printf (
    "{\n"
    "  \"Name\": \"huizhen-test\",\n"
    "  \"StorageDirectory\": \"%s\",\n"
    "  \"IndexDirectory\": \"%s\",\n"
    "  \"HttpPort\": %u,\n"
    "  \"DicomServerEnabled\": false,\n"
    "  \"RemoteAccessAllowed\": false,\n"
    "  \"AuthenticationEnabled\": true,\n"
    "  \"RegisteredUsers\": { \"%s\": \"%s\" },\n"
    "  \"DefaultEncoding\": \"Utf8\",\n"
    "  \"StorageCompression\": false,\n"
    "  \"Plugins\": [ \"%s\" ],\n"
    "  \"DicomWeb\": { \"Enable\": true, \"Root\": \"/dicom-web/\" }\n"
    "}\n",
    storage, index, port, self->user, self->password, PLUGIN);
  config_path = g_build_filename (self->dir, "orthanc.json", NULL);
  if (!g_file_set_contents (config_path, config, -1, error))
    return NULL;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_stdout_file_path (launcher, log);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  self->process = g_subprocess_launcher_spawn (launcher, error, ORTHANC, config_path, NULL);
  if (self->process == NULL || !wait_ready (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
hz_orthanc_get_url (HzOrthanc *self)
{
  return self->url;
}

const char *
hz_orthanc_get_dicomweb_url (HzOrthanc *self)
{
  return self->dicomweb_url;
}

const char *
hz_orthanc_get_user (HzOrthanc *self)
{
  return self->user;
}

const char *
hz_orthanc_get_password (HzOrthanc *self)
{
  return self->password;
}

gboolean
hz_orthanc_upload (HzOrthanc  *self,
                   GBytes     *part10,
                   GError    **error)
{
  g_autoptr(SoupMessage) msg = new_message (self, "POST", "/instances");
  g_autoptr(GBytes) body = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/dicom", part10);
  body = soup_session_send_and_read (self->session, msg, NULL, error);
  if (body == NULL)
    return FALSE;
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Orthanc refused an upload: HTTP %u: %.*s",
                   soup_message_get_status (msg), (int) MIN (g_bytes_get_size (body), 500),
                   (const char *) g_bytes_get_data (body, NULL));
      return FALSE;
    }
  return TRUE;
}

int
hz_orthanc_upload_dir (HzOrthanc   *self,
                       const char  *dir,
                       GError     **error)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, error);
  const char *name;
  int count = 0;

  if (d == NULL)
    return -1;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          int n = hz_orthanc_upload_dir (self, path, error);
          if (n < 0)
            return -1;
          count += n;
        }
      else if (g_str_has_suffix (name, ".dcm"))
        {
          g_autoptr(GBytes) bytes = hz_test_read_file (path);
          if (!hz_orthanc_upload (self, bytes, error))
            return -1;
          count++;
        }
    }
  return count;
}

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *done = TRUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

/* Waits in a private main context, so no test callbacks run meanwhile. */
static gboolean
wait_exit (GSubprocess *process,
           guint        seconds)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSource) timeout = g_timeout_source_new_seconds (seconds);
  gboolean done = FALSE;
  gboolean expired = FALSE;

  g_main_context_push_thread_default (context);
  g_subprocess_wait_async (process, NULL, wait_cb, &done);
  g_source_set_callback (timeout, timeout_cb, &expired, NULL);
  g_source_attach (timeout, context);
  while (!done && !expired)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
  /* Let the cancelled wait finish inside this context. */
  while (!done)
    {
      g_subprocess_force_exit (process);
      g_main_context_iteration (context, TRUE);
    }
  g_main_context_pop_thread_default (context);
  return !expired;
}

void
hz_orthanc_stop (HzOrthanc *self)
{
  if (self->process == NULL)
    return;
  if (g_subprocess_get_identifier (self->process) != NULL)
    {
      g_subprocess_send_signal (self->process, SIGTERM);
      if (!wait_exit (self->process, 15))
        g_printerr ("# Orthanc ignored SIGTERM for 15 s and was killed\n");
    }
  g_clear_object (&self->process);
}

gboolean
hz_orthanc_is_running (HzOrthanc *self)
{
  return self->process != NULL && g_subprocess_get_identifier (self->process) != NULL;
}

void
hz_orthanc_free (HzOrthanc *self)
{
  if (self == NULL)
    return;
  hz_orthanc_stop (self);
  g_clear_object (&self->session);
  if (self->dir != NULL)
    hz_test_rmdir (self->dir);
  g_free (self->dir);
  g_free (self->url);
  g_free (self->dicomweb_url);
  g_free (self->user);
  g_free (self->password);
  g_free (self);
}
