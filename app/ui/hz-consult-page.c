/* hz-consult-page.c: HzConsultPage: what a doctor reads before acting,
 * and only the moves the workflow (app/core/hub/hz-consult-workflow.h)
 * allows this user in the consult's current state. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hz-consult-attachments.h"
#include "hz-consult-page.h"
#include "hz-consult-row.h"
#include "hz-consult-workflow.h"

struct _HzConsultPage
{
  GtkWidget        parent_instance;

  AdwWindowTitle  *title;
  GtkLabel        *urgency_label;
  GtkLabel        *state_label;
  GtkLabel        *error_label;
  GtkWidget       *accept_button;
  GtkWidget       *decline_button;
  GtkWidget       *request_info_button;
  GtkWidget       *provide_info_button;
  GtkWidget       *start_button;
  GtkWidget       *end_button;
  GtkWidget       *workspace_button;
  GtkWidget       *close_button;
  GtkWidget       *cancel_button;
  GtkWidget       *reassign_button;
  AdwActionRow    *patient_row;
  AdwActionRow    *consent_row;
  AdwActionRow    *reason_row;
  AdwActionRow    *question_row;
  AdwActionRow    *route_row;
  AdwActionRow    *mode_row;
  AdwActionRow    *bundle_row;
  HzConsultAttachments *attachments;
  GtkListBox      *history_list;

  HzHubClient     *client;
  HzProfile       *profile;
  char            *consult_id;
  JsonObject      *consult;
  GCancellable    *cancellable;
  guint            loading;
};

G_DEFINE_FINAL_TYPE (HzConsultPage, hz_consult_page, GTK_TYPE_WIDGET)

static const char *
str (JsonObject *object,
     const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

static JsonObject *
obj (JsonObject *object,
     const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static void
set_subtitle (AdwActionRow *row,
              const char   *text)
{
  adw_action_row_set_subtitle (row, text && *text ? text : "—");
}

/* How this user stands to the consult: the same rules as the hub's
 * hz-hub-access.c, from what the consult and the user say. */
static HzConsultParty
parties (HzConsultPage *self)
{
  JsonObject *user = hz_hub_client_get_user (self->client);
  const char *me = str (user, "id");
  const char *role = str (user, "role");
  HzConsultParty result = HZ_PARTY_NONE;

  if (me == NULL || self->consult == NULL)
    return HZ_PARTY_NONE;
  if (g_strcmp0 (me, str (self->consult, "requester")) == 0)
    result |= HZ_PARTY_REQUESTER;
  if (g_strcmp0 (me, str (self->consult, "responder")) == 0)
    result |= HZ_PARTY_RESPONDER;
  if (g_strcmp0 (role, "specialist") == 0 && str (self->consult, "responder") == NULL &&
      (str (self->consult, "target_specialist")
       ? g_strcmp0 (str (self->consult, "target_specialist"), me) == 0
       : (str (user, "department") && g_strcmp0 (str (user, "department"), str (self->consult, "target_department")) == 0)))
    result |= HZ_PARTY_CANDIDATE;
  if (g_strcmp0 (role, "coordinator") == 0)
    result |= HZ_PARTY_COORDINATOR;
  return result;
}

static gboolean
allows (HzConsultPage   *self,
        HzConsultAction  action)
{
  HzConsultState state;

  if (self->consult == NULL || !hz_consult_state_from_string (str (self->consult, "state"), &state))
    return FALSE;
  return hz_consult_workflow_allows (state, action, parties (self));
}

static void
update_actions (HzConsultPage *self)
{
  gboolean live = g_strcmp0 (str (self->consult, "mode"), "store_forward") != 0;
  gboolean in_session = g_strcmp0 (str (self->consult, "state"), "in_session") == 0;
  struct { GtkWidget *button; const char *action; gboolean allowed; } moves[] = {
    { self->accept_button, "consult.accept", allows (self, HZ_CONSULT_ACTION_ACCEPT) },
    { self->decline_button, "consult.decline", allows (self, HZ_CONSULT_ACTION_DECLINE) },
    { self->request_info_button, "consult.request-info", allows (self, HZ_CONSULT_ACTION_REQUEST_INFO) },
    { self->provide_info_button, "consult.provide-info", allows (self, HZ_CONSULT_ACTION_PROVIDE_INFO) },
    { self->start_button, "consult.start-call", live && allows (self, HZ_CONSULT_ACTION_START_SESSION) },
    { self->end_button, "consult.end-call", allows (self, HZ_CONSULT_ACTION_END_SESSION) },
    { self->close_button, "consult.close", allows (self, HZ_CONSULT_ACTION_CLOSE) },
    { self->cancel_button, "consult.cancel", allows (self, HZ_CONSULT_ACTION_CANCEL) },
    { self->reassign_button, "consult.reassign", allows (self, HZ_CONSULT_ACTION_ASSIGN) },
  };

  for (guint i = 0; i < G_N_ELEMENTS (moves); i++)
    {
      /* a flow box wraps each button in a child: hide that */
      gtk_widget_set_visible (gtk_widget_get_parent (moves[i].button), moves[i].allowed);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), moves[i].action, moves[i].allowed);
    }
  gtk_widget_set_visible (gtk_widget_get_parent (self->workspace_button), in_session);
}

static void
show_error (HzConsultPage *self,
            const char    *text)
{
  gtk_label_set_label (self->error_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
}

static const char *
consent_by_label (const char *by)
{
  if (g_strcmp0 (by, "guardian") == 0)
    return _("the guardian");
  if (g_strcmp0 (by, "relative") == 0)
    return _("a relative");
  return _("the patient");
}

static const char *
consent_method_label (const char *method)
{
  if (g_strcmp0 (method, "verbal") == 0)
    return _("verbally");
  if (g_strcmp0 (method, "electronic") == 0)
    return _("electronically");
  return _("in writing");
}

static void
fill (HzConsultPage *self)
{
  JsonObject *patient = obj (self->consult, "patient");
  JsonObject *consent = obj (self->consult, "consent");
  const char *urgency = str (self->consult, "urgency");
  const char *state = str (self->consult, "state");
  g_autofree char *patient_text = NULL;
  g_autofree char *consent_text = NULL;
  g_autofree char *route = NULL;
  g_autofree char *waiting = hz_waiting_text (str (self->consult, "created"));
  g_autofree char *state_text = NULL;
  gint64 age = patient && json_object_has_member (patient, "age") ? json_object_get_int_member (patient, "age") : -1;

  adw_window_title_set_subtitle (self->title, self->consult_id);
  gtk_label_set_label (self->urgency_label, hz_urgency_label (urgency));
  gtk_widget_remove_css_class (GTK_WIDGET (self->urgency_label), "emergency");
  gtk_widget_remove_css_class (GTK_WIDGET (self->urgency_label), "urgent");
  gtk_widget_remove_css_class (GTK_WIDGET (self->urgency_label), "routine");
  gtk_widget_add_css_class (GTK_WIDGET (self->urgency_label), urgency ? urgency : "routine");
  if (g_str_equal (waiting, _("just now")))
    /* TRANSLATORS: a consult's state */
    state_text = g_strdup_printf (_("%s · sent just now"), hz_state_label (state));
  else
    /* TRANSLATORS: a consult's state, then how long ago it was sent */
    state_text = g_strdup_printf (_("%s · sent %s ago"), hz_state_label (state), waiting);
  gtk_label_set_label (self->state_label, state_text);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->patient_row),
                                 str (patient, "name") ? str (patient, "name") : _("Unnamed patient"));
  if (age >= 0)
    patient_text = g_strdup_printf (_("%lld years, %s · ID %s"), (long long) age, hz_sex_label (str (patient, "sex")),
                                    str (patient, "id") ? str (patient, "id") : "—");
  else
    patient_text = g_strdup_printf (_("%s · ID %s"), hz_sex_label (str (patient, "sex")),
                                    str (patient, "id") ? str (patient, "id") : "—");
  set_subtitle (self->patient_row, patient_text);
  if (consent)
    /* TRANSLATORS: e.g. "Given by the patient, in writing" */
    consent_text = g_strdup_printf (_("Given by %s, %s"), consent_by_label (str (consent, "by")),
                                    consent_method_label (str (consent, "method")));
  set_subtitle (self->consent_row, consent_text ? consent_text : _("Not recorded"));
  set_subtitle (self->reason_row, str (self->consult, "reason"));
  set_subtitle (self->question_row, str (self->consult, "question"));
  {
    g_autoptr(JsonObject) directory = self->profile ? hz_profile_load_json (self->profile, "directory.json") : NULL;
    const char *requester = hz_directory_name (directory, "users", str (self->consult, "requester"));
    const char *institution = hz_directory_name (directory, "institutions", str (self->consult, "requester_institution"));
    const char *department = hz_directory_name (directory, "departments", str (self->consult, "target_department"));
    /* who answers, or else who it is addressed to by name */
    const char *responder = hz_directory_name (directory, "users", str (self->consult, "responder")
                                                                   ? str (self->consult, "responder")
                                                                   : str (self->consult, "target_specialist"));

    route = g_strdup_printf ("%s, %s → %s%s%s", requester ? requester : "", institution ? institution : "",
                             department ? department : "", responder ? " · " : "", responder ? responder : "");
  }
  set_subtitle (self->route_row, route);
  set_subtitle (self->mode_row, g_strcmp0 (str (self->consult, "mode"), "store_forward") == 0
                                ? _("Store and forward (written answer)") : _("Live video call"));
  update_actions (self);
}

static void
events_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HzConsultPage) self = user_data;
  g_autoptr(JsonArray) events = hz_hub_client_list_events_finish (HZ_HUB_CLIENT (source), result, NULL);
  g_autoptr(JsonObject) directory = NULL;
  GtkWidget *child;

  self->loading--;
  if (events == NULL)
    return;
  /* Who did it, by the name doctors know each other by, not the login. */
  directory = self->profile ? hz_profile_load_json (self->profile, "directory.json") : NULL;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->history_list))))
    gtk_list_box_remove (self->history_list, child);
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);
      JsonObject *payload = obj (event, "payload");
      const char *kind = str (event, "kind");
      g_autoptr(GDateTime) time = str (event, "time") ? g_date_time_new_from_iso8601 (str (event, "time"), NULL) : NULL;
      g_autoptr(GDateTime) local = time ? g_date_time_to_local (time) : NULL;
      g_autofree char *when = local ? g_date_time_format (local, "%Y-%m-%d %H:%M") : g_strdup ("");
      g_autofree char *subtitle = NULL;
      const char *what;
      GtkWidget *row = adw_action_row_new ();

      if (g_strcmp0 (kind, "consult.created") == 0)
        what = _("Request sent");
      else if (g_strcmp0 (kind, "consult.state_changed") == 0 && g_strcmp0 (str (payload, "action"), "assign") == 0)
        what = _("Reassigned");
      else if (g_strcmp0 (kind, "consult.state_changed") == 0)
        what = hz_state_label (str (payload, "to"));
      else if (g_strcmp0 (kind, "record.read") == 0)
        what = _("Case record read");
      else if (g_strcmp0 (kind, "attachment.added") == 0)
        what = _("Attachment added");
      else
        what = kind ? kind : "";
      const char *actor = hz_directory_name (directory, "users", str (event, "actor"));

      subtitle = g_strdup_printf ("%s · %s%s%s", when, actor ? actor : "",
                                  str (payload, "reason") ? " · " : "",
                                  str (payload, "reason") ? str (payload, "reason") : "");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), what);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_append (self->history_list, row);
    }
}

static void
bundle_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HzConsultPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean from_cache = FALSE;
  g_autoptr(GBytes) bytes = hz_hub_client_get_bundle_finish (HZ_HUB_CLIENT (source), result, &from_cache, &error);
  g_autofree char *text = NULL;

  self->loading--;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (bytes == NULL)
    {
      set_subtitle (self->bundle_row, error->message);
      return;
    }
  text = g_strdup_printf (from_cache ? _("%.1f kB, saved on this computer") : _("%.1f kB, fresh from the hub"),
                          g_bytes_get_size (bytes) / 1024.0);
  set_subtitle (self->bundle_row, text);
}

static void
consult_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HzConsultPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) consult = hz_hub_client_get_consult_finish (HZ_HUB_CLIENT (source), result, &error);

  self->loading--;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (consult == NULL)
    {
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  g_clear_pointer (&self->consult, json_object_unref);
  self->consult = g_steal_pointer (&consult);
  fill (self);
  hz_consult_attachments_load (self->attachments, self->consult_id);
  if (json_object_get_boolean_member_with_default (self->consult, "has_bundle", FALSE))
    {
      self->loading++;
      hz_hub_client_get_bundle_async (self->client, self->consult_id, self->cancellable, bundle_cb, g_object_ref (self));
    }
  else
    set_subtitle (self->bundle_row, _("None attached"));
}

void
hz_consult_page_reload (HzConsultPage *self)
{
  if (self->client == NULL || self->consult_id == NULL)
    return;
  self->loading += 2;
  hz_hub_client_get_consult_async (self->client, self->consult_id, self->cancellable, consult_cb, g_object_ref (self));
  hz_hub_client_list_events_async (self->client, self->consult_id, self->cancellable, events_cb, g_object_ref (self));
}

void
hz_consult_page_show (HzConsultPage *self,
                      const char    *consult_id)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->loading = 0;
  g_free (self->consult_id);
  self->consult_id = g_strdup (consult_id);
  g_clear_pointer (&self->consult, json_object_unref);
  show_error (self, NULL);
  update_actions (self);
  hz_consult_attachments_load (self->attachments, NULL);
  hz_consult_page_reload (self);
}

GtkWidget *
hz_consult_page_get_attachments (HzConsultPage *self)
{
  return GTK_WIDGET (self->attachments);
}

JsonObject *
hz_consult_page_get_consult (HzConsultPage *self)
{
  return self->consult;
}

const char *
hz_consult_page_get_state (HzConsultPage *self)
{
  return str (self->consult, "state");
}

gboolean
hz_consult_page_is_loading (HzConsultPage *self)
{
  return self->loading > 0;
}

static void
consult_changed_cb (HzConsultPage *self,
                    const char    *consult_id)
{
  if (g_strcmp0 (consult_id, self->consult_id) == 0 && gtk_widget_get_mapped (GTK_WIDGET (self)))
    hz_consult_page_reload (self);
}

void
hz_consult_page_set_client (HzConsultPage *self,
                            HzHubClient   *client,
                            HzProfile     *profile)
{
  if (self->client)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_set_object (&self->client, client);
  g_set_object (&self->profile, profile);
  hz_consult_attachments_set_client (self->attachments, client);
  g_signal_connect_swapped (client, "consult-changed", G_CALLBACK (consult_changed_cb), self);
}

/* Acting */

static void
action_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HzConsultPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) consult = hz_hub_client_consult_action_finish (HZ_HUB_CLIENT (source), result, &error);
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_WINDOW);

  self->loading--;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (consult == NULL && !g_error_matches (error, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_QUEUED))
    {
      show_error (self, error->message);
      hz_consult_page_reload (self);
      return;
    }
  if (consult)
    {
      g_clear_pointer (&self->consult, json_object_unref);
      self->consult = g_steal_pointer (&consult);
      fill (self);
      hz_consult_page_reload (self);
    }
  else if (window)
    gtk_widget_activate_action (window, "win.toast-queued", NULL);
  show_error (self, error && consult == NULL ? error->message : NULL);
}

static void
act_with_body (HzConsultPage *self,
               const char    *action,
               JsonObject    *body)
{
  self->loading++;
  hz_hub_client_consult_action_async (self->client, self->consult_id, action, body, self->cancellable,
                                      action_cb, g_object_ref (self));
}

void
hz_consult_page_act (HzConsultPage *self,
                     const char    *action,
                     const char    *reason)
{
  g_autoptr(JsonObject) body = json_object_new ();

  if (reason && *reason)
    json_object_set_string_member (body, "reason", reason);
  act_with_body (self, action, body);
}

/* Reassigning (coordinators): to a department, whoever is on duty there,
 * or to a named specialist from the directory, with an optional reason
 * the doctors see in the history. @key is "department:ID" or
 * "specialist:ID". */
void
hz_consult_page_reassign (HzConsultPage *self,
                          const char    *key,
                          const char    *reason)
{
  g_autoptr(JsonObject) body = json_object_new ();

  if (g_str_has_prefix (key, "department:"))
    json_object_set_string_member (body, "department", key + strlen ("department:"));
  else if (g_str_has_prefix (key, "specialist:"))
    json_object_set_string_member (body, "specialist", key + strlen ("specialist:"));
  else
    return;
  if (reason && *reason)
    json_object_set_string_member (body, "reason", reason);
  act_with_body (self, "assign", body);
}

static void
reassign_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      gpointer          user_data)
{
  HzConsultPage *self = user_data;
  GtkDropDown *targets = g_object_get_data (G_OBJECT (dialog), "hz-targets");
  GtkEditable *reason = g_object_get_data (G_OBJECT (dialog), "hz-reason");
  GPtrArray *keys = g_object_get_data (G_OBJECT (dialog), "hz-keys");
  guint selected = gtk_drop_down_get_selected (targets);

  if (g_strcmp0 (response, "reassign") == 0 && selected < keys->len)
    hz_consult_page_reassign (self, g_ptr_array_index (keys, selected), gtk_editable_get_text (reason));
}

/* The choices, in the user's language: departments first ("any doctor on
 * duty"), then the specialists by name and title; the one the consult
 * goes to now is left out. */
static GtkStringList *
reassign_choices (HzConsultPage *self,
                  JsonObject    *directory,
                  GPtrArray     *keys)
{
  gboolean chinese = g_str_has_prefix (g_get_language_names ()[0], "zh");
  JsonArray *departments = json_object_has_member (directory, "departments")
                           ? json_object_get_array_member (directory, "departments") : NULL;
  JsonArray *users = json_object_has_member (directory, "users")
                     ? json_object_get_array_member (directory, "users") : NULL;
  const char *now_specialist = str (self->consult, "target_specialist");
  const char *now_department = str (self->consult, "target_department");
  gboolean accepted = str (self->consult, "responder") != NULL;
  GtkStringList *list = gtk_string_list_new (NULL);

  /* The hub re-addresses an accepted consult only to a named specialist. */
  for (guint i = 0; !accepted && departments && i < json_array_get_length (departments); i++)
    {
      JsonObject *d = json_array_get_object_element (departments, i);
      const char *id = str (d, "id");
      const char *name = str (d, chinese ? "name" : "name_en") ? str (d, chinese ? "name" : "name_en") : str (d, "name");
      g_autofree char *label = NULL;

      if (id == NULL || (now_specialist == NULL && g_strcmp0 (id, now_department) == 0))
        continue;
      /* TRANSLATORS: a department as the new target of a request */
      label = g_strdup_printf (_("%s (any doctor on duty)"), name ? name : id);
      g_ptr_array_add (keys, g_strconcat ("department:", id, NULL));
      gtk_string_list_append (list, label);
    }
  for (guint i = 0; users && i < json_array_get_length (users); i++)
    {
      JsonObject *u = json_array_get_object_element (users, i);
      const char *id = str (u, "id");
      g_autofree char *label = NULL;

      if (id == NULL || g_strcmp0 (str (u, "role"), "specialist") != 0 || g_strcmp0 (id, now_specialist) == 0)
        continue;
      label = g_strdup_printf ("%s · %s", str (u, "display_name") ? str (u, "display_name") : id,
                               str (u, "title") ? str (u, "title") : "");
      g_ptr_array_add (keys, g_strconcat ("specialist:", id, NULL));
      gtk_string_list_append (list, label);
    }
  return list;
}

static void
open_reassign_dialog (HzConsultPage *self,
                      JsonObject    *directory)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_WINDOW);
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GtkStringList) choices = reassign_choices (self, directory, keys);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (window), _("Reassign This Request"),
                                              _("Choose the department or the specialist who should answer it. "
                                                "Both doctors see the reason in the history."));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *targets = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (choices)), NULL);
  GtkWidget *reason = gtk_entry_new ();

  gtk_drop_down_set_enable_search (GTK_DROP_DOWN (targets), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (targets), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Reassign to"), -1);
  gtk_entry_set_placeholder_text (GTK_ENTRY (reason), _("Reason (optional)"));
  gtk_entry_set_activates_default (GTK_ENTRY (reason), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (reason), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Reason for reassigning"), -1);
  gtk_box_append (GTK_BOX (box), targets);
  gtk_box_append (GTK_BOX (box), reason);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Back"), "reassign", _("_Reassign"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "reassign", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "reassign", keys->len > 0);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "reassign");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "hz-targets", targets);
  g_object_set_data (G_OBJECT (dialog), "hz-reason", reason);
  g_object_set_data_full (G_OBJECT (dialog), "hz-keys", keys, (GDestroyNotify) g_ptr_array_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (reassign_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
reassign_directory_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(HzConsultPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) directory = hz_hub_client_get_finish (HZ_HUB_CLIENT (source), result, &error);

  self->loading--;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Offline: the directory this profile saw last. */
  if (directory == NULL && self->profile)
    directory = hz_profile_load_json (self->profile, "directory.json");
  if (directory == NULL)
    {
      show_error (self, _("The directory of departments and doctors is not available. Try again when the hub is back."));
      return;
    }
  open_reassign_dialog (self, directory);
}

static void
reason_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  HzConsultPage *self = user_data;
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  const char *action = g_object_get_data (G_OBJECT (dialog), "hz-action");

  if (g_strcmp0 (response, "ok") == 0)
    hz_consult_page_act (self, action, gtk_editable_get_text (entry));
}

static void
reason_changed_cb (GtkEditable      *entry,
                   AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "ok", *text != '\0');
}

/* The moves that need a reason ask for it first. */
static void
ask_reason (HzConsultPage *self,
            const char    *action,
            const char    *heading,
            const char    *body,
            const char    *ok_label)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_WINDOW);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (window), heading, body);
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  /* Not "Reason": that is the consult's own reason (会诊原因) elsewhere. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Your reason"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Back"), "ok", ok_label, NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "ok", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "ok", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "ok");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "hz-action", g_strdup (action), g_free);
  g_signal_connect (entry, "changed", G_CALLBACK (reason_changed_cb), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (reason_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
move_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HzConsultPage *self = HZ_CONSULT_PAGE (widget);

  if (g_str_equal (action_name, "consult.accept"))
    hz_consult_page_act (self, "accept", NULL);
  else if (g_str_equal (action_name, "consult.decline"))
    ask_reason (self, "decline", _("Decline This Request?"),
                _("The requesting doctor will see your reason."), _("_Decline"));
  else if (g_str_equal (action_name, "consult.request-info"))
    ask_reason (self, "request_info", _("Ask for More Information"),
                _("Say what is missing, for example a recent ECG."), _("_Ask"));
  else if (g_str_equal (action_name, "consult.provide-info"))
    hz_consult_page_act (self, "provide_info", NULL);
  else if (g_str_equal (action_name, "consult.cancel"))
    ask_reason (self, "cancel", _("Cancel This Request?"),
                _("The specialist will see your reason."), _("Cancel _Request"));
  else if (g_str_equal (action_name, "consult.start-call"))
    {
      hz_consult_page_act (self, "start_session", NULL);
      gtk_widget_activate_action (widget, "win.open-workspace", NULL);
    }
  else if (g_str_equal (action_name, "consult.end-call"))
    hz_consult_page_act (self, "end_session", NULL);
  else if (g_str_equal (action_name, "consult.close"))
    hz_consult_page_act (self, "close", NULL);
  else if (g_str_equal (action_name, "consult.reassign"))
    {
      self->loading++;
      hz_hub_client_directory_async (self->client, self->cancellable, reassign_directory_cb, g_object_ref (self));
    }
}

static void
hz_consult_page_dispose (GObject *object)
{
  HzConsultPage *self = HZ_CONSULT_PAGE (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  if (self->client)
    g_signal_handlers_disconnect_by_data (self->client, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), HZ_TYPE_CONSULT_PAGE);
  /* the template's root box is not a bound child: unparent it here */
  {
    GtkWidget *child;
    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
      gtk_widget_unparent (child);
  }
  g_clear_object (&self->client);
  g_clear_object (&self->profile);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->consult, json_object_unref);
  g_clear_pointer (&self->consult_id, g_free);
  G_OBJECT_CLASS (hz_consult_page_parent_class)->dispose (object);
}

static void
hz_consult_page_class_init (HzConsultPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char *moves[] = { "consult.accept", "consult.decline", "consult.request-info",
                                 "consult.provide-info", "consult.cancel", "consult.start-call",
                                 "consult.end-call", "consult.close", "consult.reassign" };

  G_OBJECT_CLASS (klass)->dispose = hz_consult_page_dispose;
  g_type_ensure (HZ_TYPE_CONSULT_ATTACHMENTS);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cn/huizhen/Huizhen/hz-consult-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HzConsultPage, title);
  gtk_widget_class_bind_template_child (widget_class, HzConsultPage, urgency_label);
  gtk_widget_class_bind_template_child (widget_class, HzConsultPage, state_label);
  gtk_widget_class_bind_template_child (widget_class, HzConsultPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, HzConsultPage, accept_button);
  gtk_widget_class_bind_template_child (widget_class, HzConsultPage, decline_button);
  gtk_widget_class_bind_template_child (widget_class, HzConsultPage, request_info_button);
  gtk_widget_class_bind_template_child (widget_class, HzConsultPage, provide_info_button);
  gtk_widget_class_bind_template_child (widget_class, HzConsultPage, start_button);
  gtk_widget_class_bind_template_child (widget_class, HzConsultPage, end_button);
  gtk_widget_class_bind_template_child (widget_class, HzConsultPage, workspace_button);
  gtk_widget_class_bind_template_child (widget_class, HzConsultPage, close_button);
  gtk_widget_class_bind_template_child (widget_class, HzConsultPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, HzConsultPage, reassign_button);
  gtk_widget_class_bind_template_child (widget_class, HzConsultPage, patient_row);
  gtk_widget_class_bind_template_child (widget_class, HzConsultPage, consent_row);
  gtk_widget_class_bind_template_child (widget_class, HzConsultPage, reason_row);
  gtk_widget_class_bind_template_child (widget_class, HzConsultPage, question_row);
  gtk_widget_class_bind_template_child (widget_class, HzConsultPage, route_row);
  gtk_widget_class_bind_template_child (widget_class, HzConsultPage, mode_row);
  gtk_widget_class_bind_template_child (widget_class, HzConsultPage, bundle_row);
  gtk_widget_class_bind_template_child (widget_class, HzConsultPage, history_list);
  gtk_widget_class_bind_template_child (widget_class, HzConsultPage, attachments);
  for (guint i = 0; i < G_N_ELEMENTS (moves); i++)
    gtk_widget_class_install_action (widget_class, moves[i], NULL, move_action);
}

static void
hz_consult_page_init (HzConsultPage *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  update_actions (self);
}
