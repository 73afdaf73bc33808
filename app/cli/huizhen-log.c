/* huizhen-log: read and check a Huizhen consultation log, for the
 * hospital's auditors and for support staff. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "hz-consult-log.h"
#include "huizhen-log-demo.h"

enum { EXIT_OK = 0, EXIT_BROKEN = 1, EXIT_ERROR = 2 };

static char *opt_db;

static const GOptionEntry entries[] = {
  { "db", 'd', 0, G_OPTION_ARG_FILENAME, &opt_db,
    N_("The consultation log to read (default: the current user’s)"), N_("FILE") },
  { NULL }
};

static char *
default_db_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "huizhen", "consult-log.db", NULL);
}

static char *
format_local_time (gint64 time_us)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (time_us / G_USEC_PER_SEC);

  return local ? g_date_time_format (local, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");
}

static const char *
state_label (HzConsultState state)
{
  switch (state)
    {
    case HZ_CONSULT_STATE_REQUESTED: return _("requested");
    case HZ_CONSULT_STATE_INFO_REQUESTED: return _("more information requested");
    case HZ_CONSULT_STATE_ACCEPTED: return _("accepted");
    case HZ_CONSULT_STATE_IN_SESSION: return _("in session");
    case HZ_CONSULT_STATE_REPORTED: return _("opinion given");
    case HZ_CONSULT_STATE_CLOSED: return _("closed");
    case HZ_CONSULT_STATE_DECLINED: return _("declined");
    case HZ_CONSULT_STATE_CANCELLED: return _("cancelled");
    case HZ_CONSULT_STATE_EXPIRED: return _("expired");
    default: return "?";
    }
}

static int
cmd_verify (HzConsultLog *log)
{
  g_autoptr(GError) error = NULL;
  HzLogVerifyReport report;
  int status;

  if (!hz_consult_log_verify (log, &report, &error))
    {
      g_printerr (_("Could not check %s: %s\n"), hz_consult_log_get_path (log), error->message);
      return EXIT_ERROR;
    }
  if (report.problem == HZ_LOG_CHAIN_INTACT)
    {
      g_print (ngettext ("The log is intact: %lld event checked.\n",
                         "The log is intact: %lld events checked.\n",
                         (gulong) report.n_events), (long long) report.n_events);
      status = EXIT_OK;
    }
  else
    {
      g_print (_("The log has been tampered with or damaged.\n"
                 "First broken link at position %lld: %s\n"),
               (long long) report.position, report.detail);
      status = EXIT_BROKEN;
    }
  hz_log_verify_report_clear (&report);
  return status;
}

static int
cmd_list (HzConsultLog *log)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) consults = hz_consult_log_list_consults (log, &error);
  guint i;

  if (consults == NULL)
    {
      g_printerr (_("Could not read the consults: %s\n"), error->message);
      return EXIT_ERROR;
    }
  if (consults->len == 0)
    g_print (_("No consults in this log yet.\n"));
  for (i = 0; i < consults->len; i++)
    {
      HzLogConsult *c = g_ptr_array_index (consults, i);
      g_autofree char *updated = format_local_time (c->updated_us);

      g_print ("%-24s %-12s %-24s %s\n", c->id, c->patient_ref, state_label (c->state), updated);
    }
  return EXIT_OK;
}

static gboolean
print_event (const HzLogEvent *event,
             gpointer          user_data)
{
  g_autofree char *when = format_local_time (event->time_us);

  g_print ("  #%-6" G_GINT64_FORMAT " %s  %-22s %-20s %s\n",
           event->seq, when, event->kind, event->actor, event->payload);
  return TRUE;
}

static void
print_opinions (GPtrArray *opinions)
{
  guint i;

  if (opinions->len == 0)
    return;
  g_print (_("Opinions:\n"));
  for (i = 0; i < opinions->len; i++)
    {
      HzLogOpinion *o = g_ptr_array_index (opinions, i);
      g_autofree char *when = format_local_time (o->signed_us);

      if (o->parent_id)
        g_print (_("  Addendum %s to %s by %s, %s, SHA-256 %s\n"),
                 o->id, o->parent_id, o->author, when, o->body_hash);
      else
        g_print (_("  Opinion %s by %s, %s, SHA-256 %s\n"), o->id, o->author, when, o->body_hash);
      g_print ("    %s\n", o->body);
    }
}

static int
cmd_show (HzConsultLog *log,
          const char   *consult_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzLogConsult) consult = hz_consult_log_get_consult (log, consult_id, &error);
  g_autoptr(GPtrArray) opinions = NULL;
  g_autofree char *created = NULL;
  g_autofree char *updated = NULL;

  if (consult == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_ERROR;
    }
  created = format_local_time (consult->created_us);
  updated = format_local_time (consult->updated_us);
  g_print (_("Consult %s\n"), consult->id);
  g_print (_("  Patient:   %s\n"), consult->patient_ref);
  g_print (_("  Requester: %s\n"), consult->requester);
  g_print (_("  Responder: %s\n"), consult->responder ? consult->responder : _("(not yet accepted)"));
  g_print (_("  State:     %s\n"), state_label (consult->state));
  g_print (_("  Created:   %s\n"), created);
  g_print (_("  Updated:   %s\n"), updated);
  g_print (_("Events:\n"));
  if (!hz_consult_log_foreach_event (log, consult_id, print_event, NULL, &error))
    {
      g_printerr (_("Could not read the events: %s\n"), error->message);
      return EXIT_ERROR;
    }
  opinions = hz_consult_log_list_opinions (log, consult_id, &error);
  if (opinions == NULL)
    {
      g_printerr (_("Could not read the opinions: %s\n"), error->message);
      return EXIT_ERROR;
    }
  print_opinions (opinions);
  return EXIT_OK;
}

static gboolean
export_event (const HzLogEvent *event,
              gpointer          user_data)
{
  g_autofree char *line = hz_log_event_to_json_line (event);
  guint *count = user_data;

  fputs (line, stdout);
  fputc ('\n', stdout);
  (*count)++;
  return TRUE;
}

static int
cmd_export (HzConsultLog *log,
            const char   *consult_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzLogConsult) consult = hz_consult_log_get_consult (log, consult_id, &error);
  guint count = 0;

  if (consult == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_ERROR;
    }
  if (!hz_consult_log_foreach_event (log, consult_id, export_event, &count, &error) ||
      fflush (stdout) != 0)
    {
      g_printerr (_("Could not export the events: %s\n"),
                  error ? error->message : g_strerror (errno));
      return EXIT_ERROR;
    }
  return EXIT_OK;
}

static void
print_usage (GOptionContext *context)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
  g_printerr ("%s", help);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HzConsultLog) log = NULL;
  g_autofree char *path = NULL;
  const char *localedir = g_getenv ("HUIZHEN_LOCALEDIR");
  const char *command;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (_("COMMAND [CONSULT]"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Read and check a Huizhen consultation log."));
  g_option_context_set_description (context,
    _("Commands:\n"
      "  verify           check the whole hash chain; exit status 1 if it is broken\n"
      "  list             list the consults in the log\n"
      "  show CONSULT     show a consult, its events and its opinions\n"
      "  export CONSULT   write a consult's events as JSON lines\n"
      "  demo             fill the log with sample consults, then list and verify"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_ERROR;
    }
  if (argc < 2)
    {
      print_usage (context);
      return EXIT_ERROR;
    }
  command = argv[1];
  if ((g_str_equal (command, "show") || g_str_equal (command, "export")) ? argc != 3 : argc != 2)
    {
      print_usage (context);
      return EXIT_ERROR;
    }
  if (!g_str_equal (command, "verify") && !g_str_equal (command, "list") &&
      !g_str_equal (command, "show") && !g_str_equal (command, "export") &&
      !g_str_equal (command, "demo"))
    {
      g_printerr (_("Unknown command “%s”\n"), command);
      print_usage (context);
      return EXIT_ERROR;
    }

  path = opt_db ? g_strdup (opt_db) : default_db_path ();
  if (!g_str_equal (command, "demo") && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_printerr (_("There is no consultation log at %s\n"), path);
      return EXIT_ERROR;
    }
  log = hz_consult_log_open (path, &error);
  if (log == NULL)
    {
      g_printerr (_("Could not open %s: %s\n"), path, error->message);
      return EXIT_ERROR;
    }

  if (g_str_equal (command, "verify"))
    return cmd_verify (log);
  if (g_str_equal (command, "list"))
    return cmd_list (log);
  if (g_str_equal (command, "show"))
    return cmd_show (log, argv[2]);
  if (g_str_equal (command, "export"))
    return cmd_export (log, argv[2]);
  if (huizhen_log_demo_fill (log) != EXIT_OK)
    return EXIT_ERROR;
  g_print ("\n");
  if (cmd_list (log) != EXIT_OK)
    return EXIT_ERROR;
  g_print ("\n");
  return cmd_verify (log);
}
