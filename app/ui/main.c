/* main.c: huizhen, the desktop client. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "hz-application.h"

/* --profile decides uniqueness, which GApplication settles before it
 * parses options: so it is read here first. */
static char *
find_profile (int    argc,
              char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      if ((g_str_equal (argv[i], "--profile") || g_str_equal (argv[i], "-p")) && i + 1 < argc)
        return g_strdup (argv[i + 1]);
      if (g_str_has_prefix (argv[i], "--profile="))
        return g_strdup (argv[i] + strlen ("--profile="));
    }
  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(HzApplication) app = NULL;
  g_autofree char *profile = find_profile (argc, argv);
  const char *localedir = g_getenv ("HUIZHEN_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = hz_application_new (profile);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
