/* hz-netsim.c: the impaired test network from C, by way of netsim.sh so
 * that shell users and GTests build exactly the same topology. */
#include "hz-netsim.h"

#include <string.h>
#include <unistd.h>

static const char *
script_path (void)
{
  const char *script = g_getenv ("HZ_NETSIM_SCRIPT");

  if (script == NULL)
    g_error ("HZ_NETSIM_SCRIPT is not set (run the test through meson)");
  return script;
}

/* Runs netsim.sh with argv; returns its exit status (or -1 if it could not
 * run) and its output. */
static int
run_script (const char * const *argv, char **out, char **err, GError **error)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;

  g_ptr_array_add (args, (gpointer) script_path ());
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);

  proc = g_subprocess_newv ((const char * const *) args->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            error);
  if (proc == NULL || !g_subprocess_communicate_utf8 (proc, NULL, NULL, out, err, error))
    return -1;
  g_subprocess_wait (proc, NULL, NULL);
  return g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
}

static gboolean
run_checked (const char * const *argv, char **out, GError **error)
{
  g_autofree char *err = NULL;
  int status = run_script (argv, out, &err, error);

  if (status == 0)
    return TRUE;
  if (status != -1 || (error != NULL && *error == NULL))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "netsim.sh %s failed (%d): %s",
                 argv[2] ? argv[2] : argv[0], status, err ? g_strstrip (err) : "");
  return FALSE;
}

gboolean
hz_netsim_available (char **reason)
{
  const char *argv[] = { "check", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;
  int status = run_script (argv, &out, &err, &error);

  if (status == 0)
    return TRUE;
  if (status == 77)
    {
      *reason = g_strdup (g_strstrip (err));
      return FALSE;
    }
  g_error ("netsim.sh check: %s", error ? error->message : err);
  return FALSE;
}

HzNetsim *
hz_netsim_up (GError **error, const char *first_option, ...)
{
  static guint counter;
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(HzNetsim) net = g_new0 (HzNetsim, 1);
  g_autofree char *out = NULL;
  va_list ap;

  net->script = g_strdup (script_path ());
  /* The PID lets netsim.sh cleanup recognise a dead owner's leftovers. */
  net->name = g_strdup_printf ("hzn%d-%u", (int) getpid (), counter++ % 100);
  g_ptr_array_add (args, g_strdup ("-n"));
  g_ptr_array_add (args, g_strdup (net->name));
  g_ptr_array_add (args, g_strdup ("up"));
  g_ptr_array_add (args, g_strdup ("--owner"));
  g_ptr_array_add (args, g_strdup_printf ("%d", (int) getpid ()));
  va_start (ap, first_option);
  for (const char *o = first_option; o != NULL; o = va_arg (ap, const char *))
    g_ptr_array_add (args, g_strdup (o));
  va_end (ap);
  g_ptr_array_add (args, NULL);

  if (!run_checked ((const char * const *) args->pdata, &out, error))
    {
      /* Nothing to tear down: a failed "up" cleans after itself. */
      g_clear_pointer (&net->name, g_free);
      return NULL;
    }
  net->addr_a = g_strdup ("10.201.0.1");
  net->addr_b = g_strdup ("10.201.0.2");
  return g_steal_pointer (&net);
}

void
hz_netsim_free (HzNetsim *net)
{
  if (net->name != NULL)
    {
      const char *argv[] = { "-n", net->name, "down", NULL };
      g_autofree char *out = NULL, *err = NULL;

      if (run_script (argv, &out, &err, NULL) != 0)
        g_warning ("netsim.sh down %s: %s", net->name, err);
    }
  g_free (net->script);
  g_free (net->name);
  g_free (net->addr_a);
  g_free (net->addr_b);
  g_free (net);
}

char **
hz_netsim_argv (HzNetsim *net, const char *side, const char * const *argv)
{
  GPtrArray *args = g_ptr_array_new ();

  g_ptr_array_add (args, g_strdup (net->script));
  g_ptr_array_add (args, g_strdup ("-n"));
  g_ptr_array_add (args, g_strdup (net->name));
  g_ptr_array_add (args, g_strdup ("exec"));
  g_ptr_array_add (args, g_strdup (side));
  g_ptr_array_add (args, g_strdup ("--"));
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, g_strdup (argv[i]));
  g_ptr_array_add (args, NULL);
  return (char **) g_ptr_array_free (args, FALSE);
}

GSubprocess *
hz_netsim_spawn (HzNetsim *net, const char *side, GSubprocessFlags flags, GError **error,
                 const char *argv0, ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_auto(GStrv) full = NULL;
  va_list ap;

  va_start (ap, argv0);
  for (const char *a = argv0; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  full = hz_netsim_argv (net, side, (const char * const *) args->pdata);
  return g_subprocess_newv ((const char * const *) full, flags, error);
}

gboolean
hz_netsim_control (HzNetsim *net, const char *command, GError **error)
{
  g_auto(GStrv) words = g_strsplit (command, " ", -1);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *out = NULL;

  g_ptr_array_add (args, (gpointer) "-n");
  g_ptr_array_add (args, net->name);
  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_ptr_array_add (args, words[i]);
  g_ptr_array_add (args, NULL);
  return run_checked ((const char * const *) args->pdata, &out, error);
}

char *
hz_netsim_stats (HzNetsim *net, GError **error)
{
  const char *argv[] = { "-n", net->name, "stats", NULL };
  char *out = NULL;

  if (!run_checked (argv, &out, error))
    {
      g_free (out);
      return NULL;
    }
  return out;
}

double
hz_netsim_value (const char *text, const char *prefix, const char *key)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autofree char *needle = g_strconcat (key, "=", NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) words = NULL;

      if (prefix != NULL && !g_str_has_prefix (lines[i], prefix))
        continue;
      words = g_strsplit (lines[i], " ", -1);
      for (guint j = 0; words[j] != NULL; j++)
        if (g_str_has_prefix (words[j], needle))
          return g_ascii_strtod (words[j] + strlen (needle), NULL);
    }
  return -1;
}
