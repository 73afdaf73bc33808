/* hz-coturn.c: starts coturn's turnserver for a test, in its own folder,
 * with a config file written here (coturn 4.6 stays in the foreground
 * without -o; see /work/shared/MACHINE.md). */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "hz-coturn.h"
#include "hz-test-utils.h"

#define READY_TIMEOUT_S 10
#define UCLIENT_TIMEOUT_S 15

struct _HzCoturn {
  char        *dir;
  char        *log_path;
  char        *url;
  char        *realm;
  GSubprocess *process;
  guint16      port;
};

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* A port free for both UDP and TCP on 127.0.0.1 (coturn listens on both). */
static guint16
free_port (GError **error)
{
  for (guint attempt = 0; attempt < 20; attempt++)
    {
      g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
      g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
      g_autoptr(GSocket) udp = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
      g_autoptr(GSocket) tcp = NULL;
      g_autoptr(GSocketAddress) bound = NULL;
      g_autoptr(GSocketAddress) same = NULL;
      guint16 port;

      if (udp == NULL || !g_socket_bind (udp, any, FALSE, error) ||
          (bound = g_socket_get_local_address (udp, error)) == NULL)
        return 0;
      port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
      tcp = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
      same = g_inet_socket_address_new (lo, port);
      if (tcp && g_socket_bind (tcp, same, TRUE, NULL))
        return port;
    }
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE, "no free port for coturn");
  return 0;
}

/* One STUN binding request (RFC 5389); TRUE when any answer comes back. */
static gboolean
answers_stun (guint16 port)
{
  static const guint8 request[20] = { 0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42,
                                      'h', 'z', '-', 'c', 'o', 't', 'u', 'r', 'n', '-', 'o', 'k' };
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) to = g_inet_socket_address_new (lo, port);
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);
  guint8 reply[512];

  if (sock == NULL)
    return FALSE;
  g_socket_set_timeout (sock, 1);
  if (g_socket_send_to (sock, to, (const char *) request, sizeof request, NULL, NULL) != sizeof request)
    return FALSE;
  if (!g_socket_condition_timed_wait (sock, G_IO_IN, 200 * 1000, NULL, NULL))
    return FALSE;
  return g_socket_receive (sock, (char *) reply, sizeof reply, NULL, NULL) >= 20 &&
         reply[0] == 0x01 && reply[1] == 0x01;  /* binding success */
}

HzCoturn *
hz_coturn_start (const char *secret,
                 GError    **error)
{
  g_autoptr(HzCoturn) self = g_new0 (HzCoturn, 1);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *binary = g_find_program_in_path ("turnserver");
  g_autofree char *config_path = NULL;
  g_autofree char *config = NULL;
  gint64 deadline;

  if (binary == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "turnserver (coturn) is not installed");
      return NULL;
    }
  self->dir = hz_test_tmpdir ();
  self->port = free_port (error);
  if (self->port == 0)
    return NULL;
  self->realm = g_strdup ("huizhen.test");
  self->url = g_strdup_printf ("turn:127.0.0.1:%u?transport=udp", self->port);
  self->log_path = g_build_filename (self->dir, "turnserver.log", NULL);
  config_path = g_build_filename (self->dir, "turnserver.conf", NULL);
  config = g_strdup_printf ("listening-port=%u\n"
                            "listening-ip=127.0.0.1\n"
                            "relay-ip=127.0.0.1\n"
                            "allow-loopback-peers\n"
                            "use-auth-secret\n"
                            "static-auth-secret=%s\n"
                            "realm=%s\n"
                            "no-tls\nno-dtls\nno-cli\nno-rfc5780\n"
                            /* verbose: allocations are logged, which tests check */
                            "fingerprint\nlog-file=stdout\nsimple-log\nverbose\n"
                            "pidfile=%s/turnserver.pid\n"
                            "userdb=%s/turndb\n",
                            self->port, secret, self->realm, self->dir, self->dir);
  if (!g_file_set_contents (config_path, config, -1, error))
    return NULL;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_set_stdout_file_path (launcher, self->log_path);
  self->process = g_subprocess_launcher_spawn (launcher, error, binary, "-c", config_path, NULL);
  if (self->process == NULL)
    return NULL;

  deadline = g_get_monotonic_time () + READY_TIMEOUT_S * G_USEC_PER_SEC;
  while (!answers_stun (self->port))
    {
      /* the identifier goes once the process has ended */
      if (g_subprocess_get_identifier (self->process) == NULL || g_get_monotonic_time () > deadline)
        {
          g_autofree char *log = hz_coturn_get_log (self);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "turnserver did not start:\n%s", log ? log : "");
          return NULL;
        }
      g_usleep (50 * 1000);
    }
  return g_steal_pointer (&self);
}

guint16
hz_coturn_get_port (HzCoturn *self)
{
  return self->port;
}

const char *
hz_coturn_get_url (HzCoturn *self)
{
  return self->url;
}

const char *
hz_coturn_get_realm (HzCoturn *self)
{
  return self->realm;
}

char *
hz_coturn_get_log (HzCoturn *self)
{
  char *text = NULL;

  g_file_get_contents (self->log_path, &text, NULL, NULL);
  return text;
}

void
hz_coturn_credentials (const char *secret,
                       gint64      expiry_unix,
                       const char *user,
                       char      **username,
                       char      **password)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA1, (const guchar *) secret, strlen (secret));
  guint8 digest[20];
  gsize len = sizeof digest;

  *username = g_strdup_printf ("%" G_GINT64_FORMAT ":%s", expiry_unix, user);
  g_hmac_update (hmac, (const guchar *) *username, strlen (*username));
  g_hmac_get_digest (hmac, digest, &len);
  *password = g_base64_encode (digest, len);
}

static gboolean
uclient_timeout_cb (gpointer user_data)
{
  g_subprocess_force_exit (user_data);
  return G_SOURCE_REMOVE;
}

gboolean
hz_coturn_try_allocation (HzCoturn   *self,
                          const char *username,
                          const char *password,
                          char      **output)
{
  g_autoptr(GSubprocess) uclient = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port = g_strdup_printf ("%u", self->port);
  g_autofree char *out = NULL;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSource) timeout = NULL;
  gboolean ok;

  /* -y: two allocations talk to each other through the relay, so no
   * outside peer is needed; -c: no RTCP pair; -n 1: one message */
  uclient = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error,
                              "turnutils_uclient", "-v", "-y", "-c", "-n", "1", "-u", username, "-w", password,
                              "-p", port, "127.0.0.1", NULL);
  if (uclient == NULL)
    {
      if (output)
        *output = g_strdup (error->message);
      return FALSE;
    }
  /* it may hang waiting for relayed data that never comes: cap it */
  g_main_context_push_thread_default (context);
  timeout = g_timeout_source_new_seconds (UCLIENT_TIMEOUT_S);
  g_source_set_callback (timeout, uclient_timeout_cb, uclient, NULL);
  g_source_attach (timeout, context);
  g_subprocess_communicate_utf8 (uclient, NULL, NULL, &out, NULL, NULL);
  g_subprocess_wait (uclient, NULL, NULL);
  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);

  ok = g_subprocess_get_if_exited (uclient) && g_subprocess_get_exit_status (uclient) == 0 &&
       out && strstr (out, "Received relay addr") != NULL;
  if (output)
    *output = g_steal_pointer (&out);
  return ok;
}

void
hz_coturn_stop (HzCoturn *self)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  if (self->process == NULL)
    return;
  g_subprocess_send_signal (self->process, SIGTERM);
  while (g_subprocess_get_identifier (self->process) != NULL && g_get_monotonic_time () < deadline)
    g_usleep (20 * 1000);
  g_subprocess_force_exit (self->process);
  g_subprocess_wait (self->process, NULL, NULL);
  g_clear_object (&self->process);
}

void
hz_coturn_free (HzCoturn *self)
{
  if (self == NULL)
    return;
  hz_coturn_stop (self);
  if (self->dir)
    hz_test_rmdir (self->dir);
  g_free (self->dir);
  g_free (self->log_path);
  g_free (self->url);
  g_free (self->realm);
  g_free (self);
}
