/* hz-netcall.c: a call between two hz-call-peer processes in the impaired
 * network's namespaces, through a hub in namespace A (see hz-netcall.h and
 * tests/netsim/README.md). */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "hz-hub-harness.h"
#include "hz-netcall.h"
#include "hz-test-utils.h"

#define NEW_REQUEST \
  "{\"patient\":{\"id\":\"QS-000731\",\"name\":\"王建国\",\"sex\":\"male\",\"age\":62}," \
  "\"reason\":\"胸痛\",\"urgency\":\"urgent\",\"mode\":\"live\"," \
  "\"target\":{\"department\":\"cardiology\"},\"consent\":{\"by\":\"patient\",\"method\":\"written\"}}"

/* Nothing we start may outlive a test that crashed. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *
spawn_in (HzNetcall          *nc,
          const char         *side,
          const char * const *argv,
          GError            **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_auto(GStrv) full = hz_netsim_argv (nc->net, side, argv);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  return g_subprocess_launcher_spawnv (launcher, (const char * const *) full, error);
}

/* ---- peers ---- */

static void read_next (HzNetPeer *p);

static void
line_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  HzNetPeer *p = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (p->out, result, NULL, NULL);
  g_autoptr(JsonParser) parser = NULL;

  if (line == NULL)
    {
      p->eof = TRUE;
      return;
    }
  if (p->log)
    fprintf (p->log, "%s\n", line);
  /* GLib's debug output (G_MESSAGES_DEBUG) shares stdout: JSON lines only */
  parser = json_parser_new ();
  if (line[0] == '{' && json_parser_load_from_data (parser, line, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    g_ptr_array_add (p->events, json_object_ref (json_node_get_object (json_parser_get_root (parser))));
  read_next (p);
}

static void
read_next (HzNetPeer *p)
{
  g_data_input_stream_read_line_async (p->out, G_PRIORITY_DEFAULT, NULL, line_cb, p);
}

static HzNetPeer *
peer_start (HzNetcall          *nc,
            const char         *side,
            const char         *user,
            const char         *role,
            const char * const *extra,
            GError            **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *binary = g_getenv ("HZ_CALL_PEER");
  HzNetPeer *p;
  GSubprocess *process;

  g_assert_nonnull (binary);
  g_ptr_array_add (argv, (char *) binary);
  g_ptr_array_add (argv, (char *) "--hub");
  g_ptr_array_add (argv, nc->hub_url);
  g_ptr_array_add (argv, (char *) "--user");
  g_ptr_array_add (argv, (char *) user);
  g_ptr_array_add (argv, (char *) "--consult");
  g_ptr_array_add (argv, nc->consult);
  g_ptr_array_add (argv, (char *) "--role");
  g_ptr_array_add (argv, (char *) role);
  for (; extra && *extra; extra++)
    g_ptr_array_add (argv, (char *) *extra);
  g_ptr_array_add (argv, NULL);
  process = spawn_in (nc, side, (const char * const *) argv->pdata, error);
  if (process == NULL)
    return NULL;
  p = g_new0 (HzNetPeer, 1);
  p->name = g_strdup (user);
  p->process = process;
  p->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  p->events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  if (g_getenv ("HZ_NETCALL_LOG_DIR"))
    {
      g_autofree char *name = g_strdup_printf ("%s.log", user);
      g_autofree char *path = g_build_filename (g_getenv ("HZ_NETCALL_LOG_DIR"), name, NULL);
      p->log = fopen (path, "w");
    }
  read_next (p);
  return p;
}

static void
peer_stop (HzNetPeer *p)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  if (p == NULL)
    return;
  /* SIGTERM: the peer hangs up and exits */
  g_subprocess_send_signal (p->process, SIGTERM);
  while (!p->eof && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
  if (!p->eof)
    g_subprocess_force_exit (p->process);
  g_subprocess_wait (p->process, NULL, NULL);
  /* the pending read finishes (and lets go of p) before p goes */
  while (!p->eof)
    g_main_context_iteration (NULL, TRUE);
  if (p->log)
    fclose (p->log);
  g_object_unref (p->out);
  g_object_unref (p->process);
  g_ptr_array_unref (p->events);
  g_free (p->name);
  g_free (p);
}

const char *
hz_net_event_str (JsonObject *event,
                  const char *member)
{
  return json_object_get_string_member_with_default (event, member, "");
}

double
hz_net_event_num (JsonObject *event,
                  const char *member)
{
  return json_object_get_double_member_with_default (event, member, 0);
}

int
hz_net_peer_wait (HzNetPeer  *peer,
                  guint       from,
                  const char *event,
                  const char *field,
                  const char *value,
                  guint       timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint i = from;

  for (;;)
    {
      for (; i < peer->events->len; i++)
        {
          JsonObject *e = g_ptr_array_index (peer->events, i);

          if (g_str_equal (hz_net_event_str (e, "event"), event) &&
              (field == NULL || g_str_equal (hz_net_event_str (e, field), value)))
            return (int) i;
        }
      if (peer->eof || g_get_monotonic_time () >= end)
        return -1;
      g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
    }
}

gboolean
hz_net_peer_cpu (HzNetPeer *peer,
                 double    *run_s,
                 double    *wait_s)
{
  g_autofree char *dir = g_strdup_printf ("/proc/%s/task", g_subprocess_get_identifier (peer->process) ?: "0");
  g_autoptr(GDir) tasks = g_dir_open (dir, 0, NULL);
  const char *tid;

  *run_s = *wait_s = 0;
  if (tasks == NULL)
    return FALSE;
  while ((tid = g_dir_read_name (tasks)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, tid, "schedstat", NULL);
      g_autofree char *text = NULL;
      char *end;

      if (!g_file_get_contents (path, &text, NULL, NULL))
        continue;
      /* "ns-on-cpu ns-waiting timeslices" */
      *run_s += g_ascii_strtoull (text, &end, 10) / 1e9;
      *wait_s += g_ascii_strtoull (end, NULL, 10) / 1e9;
    }
  return TRUE;
}

const char *
hz_net_peer_state (HzNetPeer *peer)
{
  for (guint i = peer->events->len; i > 0; i--)
    {
      JsonObject *e = g_ptr_array_index (peer->events, i - 1);

      if (g_str_equal (hz_net_event_str (e, "event"), "state"))
        return hz_net_event_str (e, "state");
    }
  return "";
}

void
hz_netcall_pump (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
}

/* ---- the set-up ---- */

/* The consult is made on a hub on loopback (this process is outside the
 * namespaces), which then stops; the same store is served from A. */
static char *
make_consult (char **data_dir)
{
  g_autoptr(HzHub) hub = hz_hub_start ("", NULL);
  g_autofree char *zhou = hz_hub_login (hub, "dr.zhou");
  g_autofree char *chen = hz_hub_login (hub, "dr.chen");
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) accepted = NULL;
  g_autofree char *path = NULL;
  guint status = 0;
  char *id;

  reply = hz_hub_call (hub, zhou, "POST", "consults", NEW_REQUEST, &status);
  g_assert_cmpuint (status, ==, 201);
  id = g_strdup (hz_json_str (reply, "id"));
  path = g_strdup_printf ("consults/%s/actions/accept", id);
  accepted = hz_hub_call (hub, chen, "POST", path, "{}", &status);
  g_assert_cmpuint (status, ==, 200);
  hz_hub_kill (hub, FALSE);
  *data_dir = g_steal_pointer (&hub->data_dir);
  return id;
}

HzNetcall *
hz_netcall_up (const char * const *o,
               GError            **error)
{
  g_autoptr(HzNetcall) nc = g_new0 (HzNetcall, 1);
  g_autofree char *config = NULL;
  g_autofree char *line = NULL;
  g_autofree char *listen = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  const char *binary = g_getenv ("HUIZHEN_HUB");
  guint n = 0;

  g_assert_nonnull (binary);
  while (o && o[n])
    n++;
  g_assert_cmpuint (n, <=, 12);
  nc->consult = make_consult (&nc->data_dir);
  nc->net = hz_netsim_up (error, n > 0 ? o[0] : NULL, n > 1 ? o[1] : NULL, n > 2 ? o[2] : NULL,
                          n > 3 ? o[3] : NULL, n > 4 ? o[4] : NULL, n > 5 ? o[5] : NULL,
                          n > 6 ? o[6] : NULL, n > 7 ? o[7] : NULL, n > 8 ? o[8] : NULL,
                          n > 9 ? o[9] : NULL, n > 10 ? o[10] : NULL, n > 11 ? o[11] : NULL, NULL);
  if (nc->net == NULL)
    return NULL;

  /* Plain HTTP on a non-loopback address must be asked for. */
  config = g_build_filename (nc->data_dir, "hub-netsim.conf", NULL);
  if (!g_file_set_contents (config, "[hub]\nallow-insecure-http=true\n", -1, error))
    return NULL;
  listen = g_strdup_printf ("%s:0", nc->net->addr_a);
  {
    const char *argv[] = { binary, "--listen", listen, "--data-dir", nc->data_dir, "--config", config, NULL };
    nc->hub = spawn_in (nc, "A", argv, error);
  }
  if (nc->hub == NULL)
    return NULL;
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (nc->hub));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, error);
  if (line == NULL || !g_str_has_prefix (line, "huizhen-hub listening on "))
    {
      if (error && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the hub in namespace A did not start");
      return NULL;
    }
  nc->hub_url = g_strdup (line + strlen ("huizhen-hub listening on "));
  return g_steal_pointer (&nc);
}

gboolean
hz_netcall_start_call (HzNetcall          *nc,
                       const char * const *peer_args,
                       GError            **error)
{
  nc->callee = peer_start (nc, "A", "dr.chen", "callee", peer_args, error);
  if (nc->callee == NULL)
    return FALSE;
  if (hz_net_peer_wait (nc->callee, 0, "ready", NULL, NULL, 20000) < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "the callee in A did not sign in");
      return FALSE;
    }
  nc->caller = peer_start (nc, "B", "dr.zhou", "caller", peer_args, error);
  return nc->caller != NULL;
}

void
hz_netcall_free (HzNetcall *nc)
{
  if (nc == NULL)
    return;
  peer_stop (nc->caller);
  peer_stop (nc->callee);
  if (nc->hub)
    {
      g_subprocess_send_signal (nc->hub, SIGTERM);
      g_subprocess_wait (nc->hub, NULL, NULL);
      g_object_unref (nc->hub);
    }
  g_clear_pointer (&nc->net, hz_netsim_free);
  if (nc->data_dir)
    hz_test_rmdir (nc->data_dir);
  g_free (nc->data_dir);
  g_free (nc->hub_url);
  g_free (nc->consult);
  g_free (nc);
}
