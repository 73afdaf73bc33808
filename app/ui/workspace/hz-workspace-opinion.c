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


/* A name for the reader: the directory's Chinese name for Chinese
 * readers, the English one otherwise; the id when there is none. */
static const char *
directory_name (JsonObject *directory,
                const char *list,
                const char *id)
{
  gboolean chinese = g_str_has_prefix (g_get_language_names ()[0], "zh");
  JsonNode *node = directory && id ? json_object_get_member (directory, list) : NULL;
  JsonArray *items = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonNode *element = json_array_get_element (items, i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      const char *name;

      if (item == NULL || g_strcmp0 (json_object_get_string_member_with_default (item, "id", NULL), id) != 0)
        continue;
      name = json_object_get_string_member_with_default (item, "display_name", NULL);
      if (name == NULL)
        name = json_object_get_string_member_with_default (item, chinese ? "name" : "name_en", NULL);
      if (name == NULL || *name == '\0')
        name = json_object_get_string_member_with_default (item, "name", NULL);
      return name && *name ? name : id;
    }
  return id;
}

static JsonObject *
directory_user (JsonObject *directory,
                const char *id)
{
  JsonNode *node = directory && id ? json_object_get_member (directory, "users") : NULL;
  JsonArray *users = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  for (guint i = 0; users != NULL && i < json_array_get_length (users); i++)
    {
      JsonNode *element = json_array_get_element (users, i);
      JsonObject *user = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;

      if (user && g_strcmp0 (json_object_get_string_member_with_default (user, "id", NULL), id) == 0)
        return user;
    }
  return NULL;
}

/* "2026-11-22 18:30" in the reader's time zone. */
static char *
local_time (const char *iso8601)
{
  g_autoptr(GDateTime) t = iso8601 ? g_date_time_new_from_iso8601 (iso8601, NULL) : NULL;
  g_autoptr(GDateTime) local = t ? g_date_time_to_local (t) : NULL;

  return local ? g_date_time_format (local, "%Y-%m-%d %H:%M") : g_strdup (iso8601 ? iso8601 : "");
}

static const char *
urgency_label (HzReferralUrgency urgency)
{
  switch (urgency)
    {
    case HZ_REFERRAL_URGENCY_EMERGENCY:
      return _("Emergency");
    case HZ_REFERRAL_URGENCY_URGENT:
      return _("Urgent");
    case HZ_REFERRAL_URGENCY_ROUTINE:
    default:
      return _("Routine");
    }
}

static void
set_field (GtkLabel   *label,
           const char *text)
{
  /* An empty field says so rather than vanishing: the reader sees the
   * specialist left it empty, not that the screen lost it. */
  gtk_label_set_text (label, text != NULL && *text != '\0' ? text : _("(none given)"));
}

/* "Signed by 陈建华 (县人民医院) on 2026-11-22 18:30". */
static char *
signed_by (HzWorkspace     *self,
           HzSignedOpinion *item)
{
  const char *author = hz_signed_opinion_get_author (item);
  JsonObject *user = directory_user (self->directory, author);
  const char *name = directory_name (self->directory, "users", author);
  const char *institution_id = user ? json_object_get_string_member_with_default (user, "institution", NULL) : NULL;
  const char *institution;
  g_autofree char *when = local_time (hz_signed_opinion_get_signed_at (item));

  if (institution_id == NULL && g_strcmp0 (author, json_object_get_string_member_with_default (self->consult, "responder", NULL)) == 0)
    institution_id = json_object_get_string_member_with_default (self->consult, "target_institution", NULL);
  institution = directory_name (self->directory, "institutions", institution_id);
  if (institution != NULL)
    /* TRANSLATORS: the signer's name, their institution, the time */
    return g_strdup_printf (_("Signed by %s (%s) on %s"), name, institution, when);
  /* TRANSLATORS: the signer's name, the time */
  return g_strdup_printf (_("Signed by %s on %s"), name, when);
}

/* The specialist who signed gets the locked form back (Add Addendum the
 * way on); anyone else reads it. */
static gboolean
signed_by_me (HzWorkspace *self)
{
  return self->role == HZ_WORKSPACE_ROLE_SPECIALIST && self->opinion != NULL &&
         g_strcmp0 (hz_signed_opinion_get_author (self->opinion), self->user_id) == 0;
}

static void
show_opinion (HzWorkspace *self)
{
  HzSignedOpinion *opinion = self->opinion;
  HzOpinion *content;
  g_autofree char *signer = NULL;
  g_autofree char *grouped = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *verified = NULL;
  g_autofree char *referral = NULL;
  g_autoptr(GString) diagnoses = g_string_new (NULL);
  g_autoptr(GString) follow_up = g_string_new (NULL);
  GtkWidget *child;

  if (opinion == NULL)
    return;
  content = hz_signed_opinion_get_opinion (opinion);
  signer = signed_by (self, opinion);
  grouped = hz_fingerprint_format (hz_signed_opinion_get_key_fingerprint (opinion));
  fingerprint = g_strdup_printf (_("Key fingerprint: %s"), grouped);
  if (self->opinion_from_log)
    verified = g_strdup (_("From this computer's consultation log, unchanged since it was signed or received. The hub cannot be reached to check the signature again."));
  else if (self->addenda->len == 0)
    verified = g_strdup (_("Signature verified: the opinion is as the specialist signed it."));
  else
    verified = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Signatures verified: the opinion and its %u addendum are as the specialist signed them.",
                                          "Signatures verified: the opinion and its %u addenda are as the specialist signed them.",
                                          self->addenda->len), self->addenda->len);

  for (guint i = 0; i < hz_opinion_get_n_diagnoses (content); i++)
    {
      const HzDiagnosis *d = hz_opinion_get_diagnosis (content, i);

      g_string_append_printf (diagnoses, "%s%s  %s", i ? "\n" : "", d->code, d->label ? d->label : "");
    }
  switch (hz_opinion_get_referral (content))
    {
    case HZ_REFERRAL_REFER:
      {
        const char *to = hz_opinion_get_referral_to (content);
        const char *urgency = urgency_label (hz_opinion_get_referral_urgency (content));

        referral = to && *to ? g_strdup_printf (_("Refer to %s (%s)"), to, urgency)
                             : g_strdup_printf (_("Refer to the consulting hospital (%s)"), urgency);
      }
      break;
    case HZ_REFERRAL_TREAT_LOCALLY:
      referral = g_strdup (_("Treat locally"));
      break;
    case HZ_REFERRAL_NONE:
    default:
      referral = NULL;
      break;
    }

  gtk_label_set_text (self->opinion_title, _("Specialist opinion"));
  gtk_label_set_text (self->opinion_verified, verified);
  gtk_widget_remove_css_class (GTK_WIDGET (self->opinion_verified), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->opinion_verified), self->opinion_from_log ? "success" : "warning");
  gtk_widget_add_css_class (GTK_WIDGET (self->opinion_verified), self->opinion_from_log ? "warning" : "success");
  gtk_label_set_text (self->opinion_signer, signer);
  gtk_widget_set_visible (self->opinion_fields, TRUE);
  set_field (self->opinion_findings, hz_opinion_get_findings (content));
  set_field (self->opinion_diagnoses, diagnoses->str);
  set_field (self->opinion_treatment, hz_opinion_get_treatment (content));
  set_field (self->opinion_follow_up, hz_opinion_get_follow_up (content));
  set_field (self->opinion_referral, referral);
  set_field (self->opinion_remarks, hz_opinion_get_text (content));
  gtk_label_set_text (self->opinion_fingerprint, fingerprint);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->opinion_addenda))) != NULL)
    gtk_box_remove (self->opinion_addenda, child);
  for (guint i = 0; i < self->addenda->len; i++)
    {
      HzSignedOpinion *addendum = g_ptr_array_index (self->addenda, i);
      g_autofree char *by = signed_by (self, addendum);
      g_autofree char *heading = g_strdup_printf (_("Addendum %u"), i + 1);
      g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>\n%s\n<small>%s</small>", heading,
                                                         hz_signed_opinion_get_addendum_text (addendum), by);
      GtkWidget *label = gtk_label_new (NULL);

      gtk_label_set_markup (GTK_LABEL (label), markup);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_box_append (self->opinion_addenda, label);
    }
  if (signed_by_me (self))
    hz_opinion_editor_set_signer_name (self->opinion_editor, directory_name (self->directory, "users", self->user_id));
  else
    gtk_stack_set_visible_child_name (self->opinion_stack, "received");
}

static void
show_refused (HzWorkspace *self,
              const char  *reason)
{
  /* Shown, not hidden: a tampered opinion is news for the doctor. */
  g_autofree char *text = g_strdup_printf (_("The opinion's signature is not valid: %s"), reason);

  gtk_label_set_text (self->opinion_title, _("Opinion refused"));
  gtk_label_set_text (self->opinion_verified, text);
  gtk_widget_remove_css_class (GTK_WIDGET (self->opinion_verified), "success");
  gtk_widget_add_css_class (GTK_WIDGET (self->opinion_verified), "error");
  gtk_label_set_text (self->opinion_signer, "");
  gtk_label_set_text (self->opinion_fingerprint, "");
  gtk_widget_set_visible (self->opinion_fields, FALSE);
  gtk_stack_set_visible_child_name (self->opinion_stack, "received");
}

static void
directory_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HzWorkspace) self = user_data;
  g_autoptr(JsonObject) directory = hz_hub_client_get_finish (HZ_HUB_CLIENT (source), result, NULL);

  if (directory != NULL && self->directory == NULL)
    hz_workspace_set_directory (self, directory);
}

void
hz_workspace_set_directory (HzWorkspace *self,
                            JsonObject  *directory)
{
  g_return_if_fail (HZ_IS_WORKSPACE (self));

  g_clear_pointer (&self->directory, json_object_unref);
  self->directory = directory ? json_object_ref (directory) : NULL;
  show_opinion (self);
}

guint
hz_workspace_get_n_addenda (HzWorkspace *self)
{
  g_return_val_if_fail (HZ_IS_WORKSPACE (self), 0);
  return self->addenda->len;
}

HzSignedOpinion *
hz_workspace_get_addendum (HzWorkspace *self,
                           guint        index)
{
  g_return_val_if_fail (HZ_IS_WORKSPACE (self), NULL);
  g_return_val_if_fail (index < self->addenda->len, NULL);
  return g_ptr_array_index (self->addenda, index);
}

/* ---- the specialist's side ---- */

static void post_next_addendum (HzWorkspace *self);

static void
report_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HzWorkspace) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) consult = NULL;

  consult = hz_hub_client_consult_action_finish (HZ_HUB_CLIENT (source), result, &error);
  self->reporting = FALSE;
  post_next_addendum (self);
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
  self->reporting = TRUE;
  hz_hub_client_consult_action_async (self->client, self->consult_id, "report", body,
                                      self->cancellable, report_cb, g_object_ref (self));
}

static void
addendum_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HzWorkspace) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) consult = NULL;

  consult = hz_hub_client_post_finish (HZ_HUB_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (consult == NULL)
    g_warning ("addendum for %s refused: %s", self->consult_id, error->message);
  self->posting_addendum = FALSE;
  post_next_addendum (self);
}

/* One at a time, after the opinion: the hub takes an addendum only onto
 * the opinion it already holds and onto the addendum before it, so one
 * signed right after the opinion, or two in a row, must not overtake. */
static void
post_next_addendum (HzWorkspace *self)
{
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *path = NULL;

  if (self->reporting || self->posting_addendum || g_queue_is_empty (&self->addendum_posts))
    return;
  body = g_queue_pop_head (&self->addendum_posts);
  self->posting_addendum = TRUE;
  path = g_strdup_printf ("consults/%s/addenda", self->consult_id);
  hz_hub_client_post_async (self->client, path, body, self->cancellable, addendum_cb, g_object_ref (self));
}

void
hz_workspace_submit_addendum (HzWorkspace     *self,
                              HzSignedOpinion *addendum)
{
  JsonObject *body = json_object_new ();
  g_autoptr(GError) error = NULL;

  g_return_if_fail (HZ_IS_WORKSPACE (self));
  g_return_if_fail (HZ_IS_SIGNED_OPINION (addendum));
  g_return_if_fail (hz_signed_opinion_get_kind (addendum) == HZ_SIGNED_KIND_ADDENDUM);

  g_ptr_array_add (self->addenda, g_object_ref (addendum));
  if (self->log != NULL && hz_signed_opinion_add_to_log (addendum, self->log, &error) < 0)
    g_warning ("consult log: addendum not recorded: %s", error->message);
  json_object_set_member (body, "addendum", hz_signed_opinion_content_to_node (addendum));
  json_object_set_string_member (body, "parent", hz_signed_opinion_get_parent_hash (addendum));
  json_object_set_member (body, "signature", hz_signed_opinion_signature_to_node (addendum));
  g_queue_push_tail (&self->addendum_posts, body);
  post_next_addendum (self);
  show_opinion (self);
}

void
_hz_workspace_addendum_signed_cb (HzWorkspace     *self,
                                  HzSignedOpinion *addendum)
{
  hz_workspace_submit_addendum (self, addendum);
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

/* ---- an opinion signed earlier, or by the other side ---- */

/* Into the log once: reopening a consult brings back items the log
 * already holds, which is no news. */
static void
keep_in_log (HzWorkspace     *self,
             HzSignedOpinion *item)
{
  g_autoptr(GError) error = NULL;

  if (self->log != NULL && hz_signed_opinion_add_to_log (item, self->log, &error) < 0 &&
      !g_error_matches (error, HZ_CONSULT_LOG_ERROR, HZ_CONSULT_LOG_ERROR_EXISTS))
    g_warning ("consult log: %s not recorded: %s",
               hz_signed_opinion_get_kind (item) == HZ_SIGNED_KIND_OPINION ? "opinion" : "addendum",
               error->message);
}


static gboolean
knows_item (HzWorkspace *self,
            const char  *hash)
{
  if (self->opinion != NULL && g_strcmp0 (hz_signed_opinion_get_hash (self->opinion), hash) == 0)
    return TRUE;
  for (guint i = 0; i < self->addenda->len; i++)
    if (g_strcmp0 (hz_signed_opinion_get_hash (g_ptr_array_index (self->addenda, i)), hash) == 0)
      return TRUE;
  return FALSE;
}

static void
take_opinion (HzWorkspace *self,
              JsonObject  *consult)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzSignedOpinion) opinion = NULL;
  g_autoptr(GPtrArray) addenda = NULL;
  const char *hash = json_object_get_string_member_with_default (consult, "opinion_hash", NULL);
  gboolean new_opinion;
  guint known;

  if (hash == NULL)
    return;
  /* Checked against the author's key the hub handed over, addenda too. */
  opinion = hz_signed_opinion_new_from_consult (consult, &addenda, &error);
  if (opinion == NULL)
    {
      show_refused (self, error->message);
      g_message ("opinion for %s refused: %s", self->consult_id, error->message);
      return;
    }
  new_opinion = self->opinion == NULL ||
                g_strcmp0 (hz_signed_opinion_get_hash (self->opinion), hz_signed_opinion_get_hash (opinion)) != 0;
  if (!new_opinion && addenda->len <= self->addenda->len && !self->opinion_from_log)
    return;
  self->opinion_from_log = FALSE;
  if (new_opinion)
    {
      keep_in_log (self, opinion);
      g_set_object (&self->opinion, opinion);
      g_ptr_array_set_size (self->addenda, 0);
    }
  /* Both logs keep every addendum, in chain order, once. */
  known = self->addenda->len;
  for (guint i = known; i < addenda->len; i++)
    {
      HzSignedOpinion *addendum = g_ptr_array_index (addenda, i);

      keep_in_log (self, addendum);
      g_ptr_array_add (self->addenda, g_object_ref (addendum));
    }
  if (signed_by_me (self))
    hz_opinion_editor_set_signed (self->opinion_editor, self->opinion, self->addenda);
  show_opinion (self);
  if (new_opinion)
    g_signal_emit (self, _hz_workspace_opinion_received_signal, 0, self->opinion);
}

/* The hub out of reach: what this computer's log kept. Each item there
 * was checked when it came (or signed here), and the log refuses a body
 * that no longer matches its hash; the signature itself is checked
 * again here only with our own key, the hub holding everyone else's. */
static void
take_opinion_from_log (HzWorkspace *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(HzSignedOpinion) opinion = NULL;
  g_autoptr(GPtrArray) addenda = g_ptr_array_new_with_free_func (g_object_unref);
  HzSignedOpinion *previous = NULL;

  if (self->log == NULL || self->opinion != NULL)
    return;
  rows = hz_consult_log_list_opinions (self->log, self->consult_id, &error);
  for (guint i = 0; rows != NULL && i < rows->len && error == NULL; i++)
    {
      const HzLogOpinion *row = g_ptr_array_index (rows, i);
      g_autoptr(HzSignedOpinion) item = hz_signed_opinion_new_from_log (row, &error);
      g_autoptr(GBytes) own_key = NULL;

      if (item == NULL)
        break;
      if (self->key != NULL &&
          g_strcmp0 (hz_signed_opinion_get_key_fingerprint (item), hz_signing_key_get_fingerprint (self->key)) == 0 &&
          !hz_signed_opinion_verify (item, (own_key = hz_signing_key_get_public_key (self->key)), &error))
        break;
      if (hz_signed_opinion_get_kind (item) == HZ_SIGNED_KIND_OPINION && opinion == NULL)
        opinion = g_object_ref (item);
      else if (previous == NULL || !hz_signed_opinion_verify_chain (item, previous, &error))
        {
          if (error == NULL)
            g_set_error_literal (&error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_BROKEN_CHAIN,
                                 "an addendum without its opinion");
          break;
        }
      else
        g_ptr_array_add (addenda, g_object_ref (item));
      previous = item;
    }
  if (error != NULL)
    {
      show_refused (self, error->message);
      g_message ("logged opinion for %s refused: %s", self->consult_id, error->message);
      return;
    }
  if (opinion == NULL)
    return;
  self->opinion_from_log = TRUE;
  g_set_object (&self->opinion, opinion);
  g_ptr_array_set_size (self->addenda, 0);
  for (guint i = 0; i < addenda->len; i++)
    g_ptr_array_add (self->addenda, g_object_ref (g_ptr_array_index (addenda, i)));
  if (signed_by_me (self))
    hz_opinion_editor_set_signed (self->opinion_editor, self->opinion, self->addenda);
  show_opinion (self);
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
      g_message ("consult %s not fetched: %s", self->consult_id, error->message);
      take_opinion_from_log (self);
    }
  else
    take_opinion (self, consult);
  if (self->refetch_opinion)
    {
      self->refetch_opinion = FALSE;
      self->fetching_opinion = TRUE;
      hz_hub_client_get_consult_async (self->client, self->consult_id, self->cancellable,
                                       consult_cb, g_object_ref (self));
    }
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

  if (g_strcmp0 (consult_id, self->consult_id) != 0)
    return;
  if (self->fetching_opinion)
    {
      /* An addendum signed while the opinion was on its way: ask again
       * once this answer is in. */
      self->refetch_opinion = TRUE;
      return;
    }
  if (event != NULL)
    {
      JsonObject *payload = object_member (event, "payload", NULL);

      hash = payload ? json_object_get_string_member_with_default (payload, "opinion_hash", NULL) : NULL;
      if (hash == NULL && payload != NULL)
        hash = json_object_get_string_member_with_default (payload, "addendum_hash", NULL);
    }
  if (hash == NULL && summary != NULL)
    hash = json_object_get_string_member_with_default (summary, "opinion_hash", NULL);
  state = summary ? json_object_get_string_member_with_default (summary, "state", NULL) : NULL;
  /* The summary may leave the opinion out: a reported consult without
   * one here is reason enough to ask. */
  if (hash == NULL && self->opinion == NULL &&
      (g_strcmp0 (state, "reported") == 0 || g_strcmp0 (state, "closed") == 0))
    hash = "";
  if (hash == NULL || knows_item (self, hash))
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
  /* A consult reopened after the opinion was signed: shown as signed,
   * checked as when it came live. A summary without the opinion is
   * fetched in full. */
  if (json_object_has_member (self->consult, "opinion"))
    take_opinion (self, self->consult);
  else
    consult_changed_cb (self->client, self->consult_id, self->consult, NULL, self);
  hz_hub_client_directory_async (self->client, self->cancellable, directory_cb, g_object_ref (self));
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
  /* Names as people read them, from the directory when it came. */
  requester.name = directory_name (self->directory, "users",
                                   json_object_get_string_member_with_default (self->consult, "requester", ""));
  requester.institution = directory_name (self->directory, "institutions",
                                          json_object_get_string_member_with_default (self->consult, "requester_institution", ""));
  responder.name = directory_name (self->directory, "users", hz_signed_opinion_get_author (self->opinion));
  responder.department = directory_name (self->directory, "departments",
                                         json_object_get_string_member_with_default (self->consult, "target_department", NULL));
  responder.institution = directory_name (self->directory, "institutions",
                                          json_object_get_string_member_with_default (self->consult, "target_institution", ""));
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
  for (guint i = 0; i < self->addenda->len; i++)
    hz_consult_report_add_addendum (report, g_ptr_array_index (self->addenda, i));
  if (!hz_consult_report_write_pdf (report, path, error))
    return FALSE;
  payload = json_object_new ();
  base = g_path_get_basename (path);
  json_object_set_string_member (payload, "file", base);
  json_object_set_string_member (payload, "opinion_hash", hz_signed_opinion_get_hash (self->opinion));
  _hz_workspace_trace (self, "report.exported", payload);
  return TRUE;
}
