/* hz-workspace-opinion.c: the opinion in the workspace: the specialist
 * signs in the editor and it goes to the hub; the requester's side takes
 * it from the hub, checks the signature with the author's key, keeps it
 * in the log and shows it; either side exports the PDF report. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hz-consult-report.h"
#include "hz-workspace-private.h"

guint _hz_workspace_opinion_received_signal;

/* json-glib 1.6 has no _with_default for objects. */
static JsonObject *
object_member (JsonObject *object,
               const char *name,
               gpointer    unused)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}


static void
show_opinion (HzWorkspace     *self,
              HzSignedOpinion *opinion)
{
  HzOpinion *content = hz_signed_opinion_get_opinion (opinion);
  g_autofree char *title = g_strdup_printf (_("Signed by %s at %s"),
                                            hz_signed_opinion_get_author (opinion),
                                            hz_signed_opinion_get_signed_at (opinion));
  g_autofree char *grouped = hz_fingerprint_format (hz_signed_opinion_get_key_fingerprint (opinion));
  g_autofree char *fingerprint = g_strdup_printf (_("Key fingerprint: %s"), grouped);
  g_autoptr(GString) text = g_string_new (NULL);
  const char *findings = hz_opinion_get_findings (content);
  const char *free_text = hz_opinion_get_text (content);

  if (findings != NULL && *findings != '\0')
    g_string_append_printf (text, "%s\n\n", findings);
  for (guint i = 0; i < hz_opinion_get_n_diagnoses (content); i++)
    {
      const HzDiagnosis *d = hz_opinion_get_diagnosis (content, i);

      g_string_append_printf (text, "%s  %s\n", d->code, d->label ? d->label : "");
    }
  if (free_text != NULL && *free_text != '\0')
    g_string_append_printf (text, "\n%s", free_text);
  gtk_label_set_text (self->opinion_title, title);
  gtk_label_set_text (self->opinion_text, text->str);
  gtk_label_set_text (self->opinion_fingerprint, fingerprint);
  gtk_stack_set_visible_child_name (self->opinion_stack, "received");
}

/* ---- the specialist's side ---- */

static void
report_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HzWorkspace) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) consult = NULL;

  consult = hz_hub_client_consult_action_finish (HZ_HUB_CLIENT (source), result, &error);
  if (consult == NULL && !g_error_matches (error, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_QUEUED))
    {
      g_autofree char *text = g_strdup_printf (_("The hub refused the opinion: %s"), error->message);

      gtk_label_set_text (self->opinion_fingerprint, text);
      g_warning ("report for %s refused: %s", self->consult_id, error->message);
    }
}

void
hz_workspace_submit_opinion (HzWorkspace     *self,
                             HzSignedOpinion *opinion)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(GError) error = NULL;

  g_return_if_fail (HZ_IS_WORKSPACE (self));
  g_return_if_fail (HZ_IS_SIGNED_OPINION (opinion));

  g_set_object (&self->opinion, opinion);
  /* Ours first: the log keeps what we signed whatever the network does. */
  if (self->log != NULL && hz_signed_opinion_add_to_log (opinion, self->log, &error) < 0)
    g_warning ("consult log: opinion not recorded: %s", error->message);
  json_object_set_member (body, "opinion", hz_signed_opinion_content_to_node (opinion));
  json_object_set_member (body, "signature", hz_signed_opinion_signature_to_node (opinion));
  hz_hub_client_consult_action_async (self->client, self->consult_id, "report", body,
                                      self->cancellable, report_cb, g_object_ref (self));
}

void
_hz_workspace_opinion_signed_cb (HzWorkspace     *self,
                                 HzSignedOpinion *opinion)
{
  hz_workspace_submit_opinion (self, opinion);
}

void
hz_workspace_set_signing_key (HzWorkspace  *self,
                              HzSigningKey *key)
{
  g_return_if_fail (HZ_IS_WORKSPACE (self));

  g_set_object (&self->key, key);
  hz_opinion_editor_set_signing_key (self->opinion_editor, key);
}

GtkWidget *
hz_workspace_get_opinion_editor (HzWorkspace *self)
{
  g_return_val_if_fail (HZ_IS_WORKSPACE (self), NULL);
  return GTK_WIDGET (self->opinion_editor);
}

HzSignedOpinion *
hz_workspace_get_opinion (HzWorkspace *self)
{
  g_return_val_if_fail (HZ_IS_WORKSPACE (self), NULL);
  return self->opinion;
}

/* ---- the requester's side ---- */

static void
take_opinion (HzWorkspace *self,
              JsonObject  *consult)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzSignedOpinion) opinion = NULL;
  const char *hash = json_object_get_string_member_with_default (consult, "opinion_hash", NULL);

  if (hash == NULL || (self->opinion != NULL && g_strcmp0 (hz_signed_opinion_get_hash (self->opinion), hash) == 0))
    return;
  /* Checked against the author's key the hub handed over, addenda too. */
  opinion = hz_signed_opinion_new_from_consult (consult, NULL, &error);
  if (opinion == NULL)
    {
      /* Shown, not hidden: a tampered opinion is news for the doctor. */
      g_autofree char *text = g_strdup_printf (_("The opinion's signature is not valid: %s"), error->message);

      gtk_label_set_text (self->opinion_title, _("Opinion refused"));
      gtk_label_set_text (self->opinion_text, text);
      gtk_stack_set_visible_child_name (self->opinion_stack, "received");
      g_message ("opinion for %s refused: %s", self->consult_id, error->message);
      return;
    }
  if (self->log != NULL && hz_signed_opinion_add_to_log (opinion, self->log, &error) < 0)
    g_warning ("consult log: opinion not recorded: %s", error->message);
  g_set_object (&self->opinion, opinion);
  show_opinion (self, opinion);
  g_signal_emit (self, _hz_workspace_opinion_received_signal, 0, opinion);
}

static void
consult_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HzWorkspace) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) consult = NULL;

  consult = hz_hub_client_get_consult_finish (HZ_HUB_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->fetching_opinion = FALSE;
  if (consult == NULL)
    {
      g_warning ("consult %s not fetched: %s", self->consult_id, error->message);
      return;
    }
  take_opinion (self, consult);
}

static void
consult_changed_cb (HzHubClient *client,
                    const char  *consult_id,
                    JsonObject  *summary,
                    JsonObject  *event,
                    HzWorkspace *self)
{
  const char *hash = NULL;
  const char *state;

  if (g_strcmp0 (consult_id, self->consult_id) != 0 || self->fetching_opinion)
    return;
  if (event != NULL)
    {
      JsonObject *payload = object_member (event, "payload", NULL);

      hash = payload ? json_object_get_string_member_with_default (payload, "opinion_hash", NULL) : NULL;
    }
  if (hash == NULL && summary != NULL)
    hash = json_object_get_string_member_with_default (summary, "opinion_hash", NULL);
  state = summary ? json_object_get_string_member_with_default (summary, "state", NULL) : NULL;
  /* The summary may leave the opinion out: a reported consult without
   * one here is reason enough to ask. */
  if (hash == NULL && self->opinion == NULL &&
      (g_strcmp0 (state, "reported") == 0 || g_strcmp0 (state, "closed") == 0))
    hash = "";
  if (hash == NULL || (self->opinion != NULL && g_strcmp0 (hz_signed_opinion_get_hash (self->opinion), hash) == 0))
    return;
  self->fetching_opinion = TRUE;
  hz_hub_client_get_consult_async (client, self->consult_id, self->cancellable, consult_cb, g_object_ref (self));
}

void
_hz_workspace_opinion_setup (HzWorkspace *self)
{
  if (self->role == HZ_WORKSPACE_ROLE_SPECIALIST)
    {
      hz_opinion_editor_set_consult (self->opinion_editor, self->consult_id, self->user_id);
      gtk_stack_set_visible_child_name (self->opinion_stack, "editor");
    }
  self->consult_changed_id = g_signal_connect (self->client, "consult-changed",
                                               G_CALLBACK (consult_changed_cb), self);
  if (self->role == HZ_WORKSPACE_ROLE_REQUESTER)
    take_opinion (self, self->consult);
}

/* ---- the report ---- */

gboolean
hz_workspace_export_report (HzWorkspace *self,
                            const char  *path,
                            GError     **error)
{
  g_autoptr(HzConsultReport) report = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autofree char *base = NULL;
  JsonObject *patient;
  HzReportParty requester = { 0 }, responder = { 0 };

  g_return_val_if_fail (HZ_IS_WORKSPACE (self), FALSE);

  if (self->opinion == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("There is no signed opinion to export yet."));
      return FALSE;
    }
  report = hz_consult_report_new (self->opinion);
  requester.name = json_object_get_string_member_with_default (self->consult, "requester", "");
  requester.institution = json_object_get_string_member_with_default (self->consult, "requester_institution", "");
  responder.name = hz_signed_opinion_get_author (self->opinion);
  responder.department = json_object_get_string_member_with_default (self->consult, "target_department", NULL);
  responder.institution = json_object_get_string_member_with_default (self->consult, "target_institution", "");
  hz_consult_report_set_requester (report, &requester);
  hz_consult_report_set_responder (report, &responder);
  patient = object_member (self->consult, "patient", NULL);
  if (patient != NULL)
    hz_consult_report_set_patient (report,
                                   json_object_get_string_member_with_default (patient, "name", NULL),
                                   json_object_get_string_member_with_default (patient, "name_latin", NULL),
                                   json_object_get_string_member_with_default (patient, "sex", NULL),
                                   (int) json_object_get_int_member_with_default (patient, "age", -1),
                                   json_object_get_string_member_with_default (patient, "id", NULL));
  hz_consult_report_set_request (report,
                                 json_object_get_string_member_with_default (self->consult, "urgency", NULL),
                                 json_object_get_string_member_with_default (self->consult, "reason", NULL),
                                 json_object_get_string_member_with_default (self->consult, "question", NULL));
  if (!hz_consult_report_write_pdf (report, path, error))
    return FALSE;
  payload = json_object_new ();
  base = g_path_get_basename (path);
  json_object_set_string_member (payload, "file", base);
  json_object_set_string_member (payload, "opinion_hash", hz_signed_opinion_get_hash (self->opinion));
  _hz_workspace_trace (self, "report.exported", payload);
  return TRUE;
}
