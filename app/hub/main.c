/* huizhen-hub: the consultation hub a hospital runs. */
#include "config.h"

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <sys/resource.h>

#include "hz-hub-demo.h"
#include "hz-hub-server.h"

static gboolean
quit_cb (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static gboolean
drain_timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
drain_main_context (guint max_ms)
{
  gboolean done = FALSE;
  guint id = g_timeout_add (max_ms, drain_timeout_cb, &done);

  while (!done && g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  if (!done)
    g_source_remove (id);
}

/* One descriptor per client socket: thousands of sessions need more than
 * the usual soft limit of 1024, so take what the hard limit allows. */
static void
raise_file_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

/* The demo data: next to the sources when run from the build tree. */
static char *
find_demo_dir (void)
{
  const char *env = g_getenv ("HUIZHEN_DEMO_DIR");

  if (env)
    return g_strdup (env);
  if (g_file_test (SOURCE_DEMO_DIR, G_FILE_TEST_IS_DIR))
    return g_strdup (SOURCE_DEMO_DIR);
  return g_strdup (DEMO_DIR);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HzHubConfig) config = hz_hub_config_new ();
  g_autoptr(HzHubStore) store = NULL;
  g_autoptr(HzHubServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *config_file = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *check_config = NULL;
  gboolean demo = FALSE;
  gint demo_users = 0;
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_file, "Configuration file (key-file format)", "FILE" },
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &listen, "Address and port to listen on (port 0: any free port)", "ADDRESS:PORT" },
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir, "Where the store lives", "DIR" },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo, "Seed an empty store with the demo network and cases", NULL },
    { "demo-users", 0, 0, G_OPTION_ARG_INT, &demo_users,
      "With --demo: also N requesters bench.req.NNNN and N cardiologists bench.spec.NNNN (load tests)", "N" },
    { "check-config", 0, 0, G_OPTION_ARG_FILENAME, &check_config,
      "Check a configuration file (and its TLS files) and exit", "FILE" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  g_option_context_set_summary (context, "The Huizhen consultation hub: accounts, directory, consult workflow, "
                                         "case records and the signaling relay.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      (config_file && !hz_hub_config_load_file (config, config_file, &error)))
    {
      g_printerr ("huizhen-hub: %s\n", error->message);
      return 2;
    }
  if (check_config)
    {
      g_autoptr(HzHubConfig) checked = hz_hub_config_new ();
      if (!hz_hub_config_load_file (checked, check_config, &error) || !hz_hub_config_check (checked, &error))
        {
          g_printerr ("huizhen-hub: %s: %s\n", check_config, error->message);
          return 1;
        }
      g_print ("%s: OK\n", check_config);
      return 0;
    }
  if (demo_users < 0 || (demo_users > 0 && !demo))
    {
      g_printerr ("huizhen-hub: --demo-users needs --demo and a count of at least 0\n");
      return 2;
    }
  if (listen)
    {
      g_free (config->listen);
      config->listen = g_steal_pointer (&listen);
    }
  if (data_dir)
    {
      g_free (config->data_dir);
      config->data_dir = g_steal_pointer (&data_dir);
    }

  if (g_mkdir_with_parents (config->data_dir, 0700) != 0)
    {
      g_printerr ("huizhen-hub: cannot create %s\n", config->data_dir);
      return 1;
    }
  db_path = g_build_filename (config->data_dir, "hub.db", NULL);
  store = hz_hub_store_open (db_path, &error);
  if (store == NULL)
    {
      g_printerr ("huizhen-hub: %s\n", error->message);
      return 1;
    }
  g_chmod (db_path, 0600);
  if (demo)
    {
      g_autofree char *demo_dir = find_demo_dir ();
      if (!hz_hub_demo_seed (store, demo_dir, &error))
        {
          g_printerr ("huizhen-hub: cannot seed the demo from %s: %s\n", demo_dir, error->message);
          return 1;
        }
      if (!hz_hub_demo_add_load_users (store, (guint) demo_users, &error))
        {
          g_printerr ("huizhen-hub: cannot add the load-test users: %s\n", error->message);
          return 1;
        }
    }

  raise_file_limit ();
  server = hz_hub_server_new (config, store);
  if (!hz_hub_server_listen (server, &error))
    {
      g_printerr ("huizhen-hub: cannot listen on %s: %s\n", config->listen, error->message);
      return 1;
    }
  url = hz_hub_server_get_url (server);
  /* tests and scripts read this line to find the port */
  g_print ("huizhen-hub listening on %s\n", url);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_main_loop_run (loop);

  /* Close every connection and let the closing handshakes finish, so a
   * stop is clean for clients (and for the leak checker). */
  g_clear_object (&server);
  drain_main_context (500);
  return 0;
}
