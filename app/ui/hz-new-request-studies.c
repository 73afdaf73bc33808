/* hz-new-request-studies.c: the new request's imaging studies from the
 * institution's PACS: which PACS (the directory), picking a study
 * (HzPacsStudyDialog), and the case bundle that carries them. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hz-new-request-page-private.h"
#include "hz-pacs-study-dialog.h"

/* FHIR's Patient.gender, as the sex row's items */
static const char *genders[] = { "male", "female", "unknown" };

/* The PACS of the user's institution, as the directory says (the same
 * as the workspace's); credentials, for a PACS that asks for them, from
 * HUIZHEN_PACS_USER and HUIZHEN_PACS_PASSWORD. */
void
_hz_new_request_page_use_pacs (HzNewRequestPage *self,
                               JsonObject       *directory)
{
  JsonObject *user = self->client ? hz_hub_client_get_user (self->client) : NULL;
  const char *institution = user ? json_object_get_string_member_with_default (user, "institution", "") : "";
  JsonArray *institutions = json_object_has_member (directory, "institutions")
                            ? json_object_get_array_member (directory, "institutions") : NULL;

  g_clear_object (&self->pacs);
  for (guint i = 0; institutions && i < json_array_get_length (institutions); i++)
    {
      JsonObject *inst = json_array_get_object_element (institutions, i);
      const char *url;

      if (inst == NULL || g_strcmp0 (json_object_get_string_member_with_default (inst, "id", ""), institution) != 0)
        continue;
      url = json_object_get_string_member_with_default (inst, "pacs_url", NULL);
      if (url == NULL || *url == '\0')
        return;
      self->pacs = hz_dicomweb_client_new (url);
      if (g_getenv ("HUIZHEN_PACS_USER"))
        hz_dicomweb_client_set_basic_auth (self->pacs, g_getenv ("HUIZHEN_PACS_USER"),
                                           g_getenv ("HUIZHEN_PACS_PASSWORD"));
      return;
    }
}

/* The case bundle to send: the imported one (or, without one, a bundle
 * of just the patient as typed in), plus an ImagingStudy for each study
 * picked from the PACS. The hub's request has no field for studies; the
 * case bundle is where the workspace finds them. */
JsonNode *
_hz_new_request_page_bundle_with_studies (HzNewRequestPage *self)
{
  JsonNode *node = self->bundle ? json_node_copy (self->bundle) : NULL;
  JsonObject *bundle;
  JsonArray *entries;
  g_autofree char *patient_ref = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *fresh = json_object_new ();
      JsonObject *entry = json_object_new ();
      JsonObject *patient = json_object_new ();
      JsonArray *identifiers = json_array_new ();
      JsonObject *identifier = json_object_new ();
      JsonArray *names = json_array_new ();
      JsonObject *name = json_object_new ();
      const char *id = gtk_editable_get_text (GTK_EDITABLE (self->patient_id_row));

      g_clear_pointer (&node, json_node_unref);
      json_object_set_string_member (fresh, "resourceType", "Bundle");
      json_object_set_string_member (fresh, "type", "collection");
      json_object_set_string_member (patient, "resourceType", "Patient");
      json_object_set_string_member (patient, "id", "patient");
      json_object_set_string_member (identifier, "value", *id ? id : "unknown");
      json_array_add_object_element (identifiers, identifier);
      json_object_set_array_member (patient, "identifier", identifiers);
      json_object_set_string_member (name, "text", gtk_editable_get_text (GTK_EDITABLE (self->patient_name_row)));
      json_array_add_object_element (names, name);
      json_object_set_array_member (patient, "name", names);
      json_object_set_string_member (patient, "gender", genders[MIN (adw_combo_row_get_selected (self->sex_row), 2)]);
      json_object_set_string_member (entry, "fullUrl", "urn:uuid:00000000-0000-4000-8000-000000000001");
      json_object_set_object_member (entry, "resource", patient);
      entries = json_array_new ();
      json_array_add_object_element (entries, entry);
      json_object_set_array_member (fresh, "entry", entries);
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (node, fresh);
    }
  bundle = json_node_get_object (node);
  if (!json_object_has_member (bundle, "entry") || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (bundle, "entry")))
    json_object_set_array_member (bundle, "entry", json_array_new ());
  entries = json_object_get_array_member (bundle, "entry");
  for (guint i = 0; patient_ref == NULL && i < json_array_get_length (entries); i++)
    {
      JsonNode *entry_node = json_array_get_element (entries, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (entry_node) ? json_node_get_object (entry_node) : NULL;
      JsonNode *resource_node = entry ? json_object_get_member (entry, "resource") : NULL;
      JsonObject *resource = resource_node && JSON_NODE_HOLDS_OBJECT (resource_node) ? json_node_get_object (resource_node) : NULL;

      if (g_strcmp0 (json_object_get_string_member_with_default (resource, "resourceType", ""), "Patient") != 0)
        continue;
      if (json_object_get_string_member_with_default (entry, "fullUrl", NULL))
        patient_ref = g_strdup (json_object_get_string_member (entry, "fullUrl"));
      else
        patient_ref = g_strconcat ("Patient/", json_object_get_string_member_with_default (resource, "id", ""), NULL);
    }
  for (guint i = 0; i < json_array_get_length (self->studies); i++)
    {
      JsonObject *study = json_object_ref (json_array_get_object_element (self->studies, i));
      JsonObject *entry = json_object_new ();
      JsonObject *subject = json_object_new ();

      json_object_set_string_member (subject, "reference", patient_ref ? patient_ref : "Patient/patient");
      json_object_set_object_member (study, "subject", subject);
      json_object_set_object_member (entry, "resource", study);
      json_array_add_object_element (entries, entry);
    }
  return node;
}

/* Adds a study chosen in the PACS; FALSE if it is already in the
 * request (picked before, or in the imported case bundle). */
gboolean
hz_new_request_page_add_study (HzNewRequestPage      *self,
                               const HzDicomwebStudy *study)
{
  g_autoptr(JsonObject) resource = hz_pacs_study_to_fhir (study, "Patient/patient");
  /* quoted whole: "…2.1" must not match "…2.13" */
  g_autofree char *uid = g_strconcat ("\"urn:oid:", study->study_instance_uid, "\"", NULL);
  g_autofree char *bare = g_strconcat ("\"", study->study_instance_uid, "\"", NULL);
  g_autofree char *bundle_text = self->bundle ? json_to_string (self->bundle, FALSE) : NULL;

  for (guint i = 0; i < json_array_get_length (self->studies); i++)
    if (g_strcmp0 (json_object_get_string_member_with_default (json_array_get_object_element (self->studies, i), "id", ""),
                   json_object_get_string_member (resource, "id")) == 0)
      return FALSE;
  if (bundle_text && (strstr (bundle_text, uid) || strstr (bundle_text, bare)))
    {
      _hz_new_request_page_show_problem (self, _("This study is already in the imported case bundle."));
      return FALSE;
    }
  json_array_add_object_element (self->studies, g_steal_pointer (&resource));
  _hz_new_request_page_update_attachments (self);
  return TRUE;
}

static void
study_chosen_cb (HzPacsStudyDialog     *dialog,
                 const HzDicomwebStudy *study,
                 HzNewRequestPage      *self)
{
  hz_new_request_page_add_study (self, study);
}

void
_hz_new_request_page_add_study_action (GtkWidget  *widget,
                                       const char *action_name,
                                       GVariant   *parameter)
{
  HzNewRequestPage *self = HZ_NEW_REQUEST_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  HzPacsStudyDialog *dialog;

  if (self->pacs == NULL)
    {
      _hz_new_request_page_show_problem (self, _("No PACS is set up for your institution on the hub. Attach the images as DICOM files instead."));
      return;
    }
  dialog = hz_pacs_study_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->pacs);
  g_signal_connect_object (dialog, "study-chosen", G_CALLBACK (study_chosen_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  /* The patient's ID as typed, to start from. */
  {
    const char *id = gtk_editable_get_text (GTK_EDITABLE (self->patient_id_row));
    const char *name = gtk_editable_get_text (GTK_EDITABLE (self->patient_name_row));
    if (*name)
      hz_pacs_study_dialog_search (dialog, NULL, name, NULL);
    else if (*id)
      hz_pacs_study_dialog_search (dialog, id, NULL, NULL);
  }
}

