/* hz-hub-restart.c: the same hub again, same port and data folder: what
 * a client sees when the server comes back after a crash. */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "hz-hub-restart.h"

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

void
hz_hub_restart (HzHub *hub)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autofree char *listen = NULL;
  const char *port = strrchr (hub->url, ':') + 1;

  g_assert_null (hub->process);
  listen = g_strdup_printf ("127.0.0.1:%.*s", (int) strcspn (port, "/"), port);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  for (int attempt = 0; attempt < 50; attempt++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDataInputStream) out = NULL;
      g_autofree char *line = NULL;

      hub->process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("HUIZHEN_HUB"), "--demo",
                                                  "--listen", listen, "--data-dir", hub->data_dir,
                                                  "--config", hub->config, NULL);
      g_assert_no_error (error);
      out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (hub->process));
      line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, NULL);
      if (line && g_str_has_prefix (line, "huizhen-hub listening on "))
        return;
      /* the port may linger for a moment */
      g_subprocess_wait (hub->process, NULL, NULL);
      g_clear_object (&hub->process);
      g_usleep (100 * 1000);
    }
  g_assert_not_reached ();
}
