/* hz-new-request-page.c: HzNewRequestPage: the patient (typed in or
 * imported from a FHIR case bundle), consent, reason and question,
 * urgency, live or store-and-forward, the department or a named
 * specialist, attachments. It checks the form before sending, and keeps
 * a draft (0600, in the profile) that survives closing the app. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hz-new-request-page-private.h"
#include "hz-patient-record.h"

G_DEFINE_FINAL_TYPE (HzNewRequestPage, hz_new_request_page, GTK_TYPE_WIDGET)

/* One patient of the patient folder, for searching. */
typedef struct {
  char *path;
  char *label;
  char *search;   /* casefolded ids and names */
} PatientEntry;

static void
patient_entry_free (PatientEntry *entry)
{
  g_free (entry->path);
  g_free (entry->label);
  g_free (entry->search);
  g_free (entry);
}

#define MAX_PATIENT_FILES 1000
#define MAX_FOUND 8

enum { SUBMITTED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *sexes[] = { "male", "female", "unknown" };
static const char *consent_by[] = { "patient", "guardian", "relative" };
static const char *consent_methods[] = { "written", "verbal", "electronic" };
static const char *urgencies[] = { "routine", "urgent", "emergency" };
static const char *modes[] = { "live", "store_forward" };

static guint
index_of (const char **names,
          guint        n,
          const char  *name)
{
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (names[i], name) == 0)
      return i;
  return 0;
}

static char *
reason_text (HzNewRequestPage *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->reason_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
}

void
_hz_new_request_page_show_problem (HzNewRequestPage *self,
              const char       *text)
{
  gtk_label_set_label (self->problem_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), text != NULL);
}

const char *
hz_new_request_page_get_problem (HzNewRequestPage *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->problem_label))
         ? gtk_label_get_label (self->problem_label) : NULL;
}

gboolean
hz_new_request_page_is_busy (HzNewRequestPage *self)
{
  return self->busy;
}

gboolean
hz_new_request_page_select_target (HzNewRequestPage *self,
                                   const char       *key)
{
  for (guint i = 0; i < self->targets->len; i++)
    if (g_str_equal (g_ptr_array_index (self->targets, i), key))
      {
        adw_combo_row_set_selected (self->target_row, i);
        return TRUE;
      }
  return FALSE;
}

/* Targets: the requester's choices from the directory. */
static void
add_target (HzNewRequestPage *self,
            const char       *key,
            const char       *label)
{
  g_ptr_array_add (self->targets, g_strdup (key));
  gtk_string_list_append (self->target_list, label);
}

static void
fill_targets (HzNewRequestPage *self,
              JsonObject       *directory)
{
  gboolean chinese = g_str_has_prefix (g_get_language_names ()[0], "zh");
  JsonArray *departments = json_object_get_array_member (directory, "departments");
  JsonArray *users = json_object_get_array_member (directory, "users");

  gtk_string_list_splice (self->target_list, 0, g_list_model_get_n_items (G_LIST_MODEL (self->target_list)), NULL);
  g_ptr_array_set_size (self->targets, 0);
  for (guint i = 0; departments && i < json_array_get_length (departments); i++)
    {
      JsonObject *d = json_array_get_object_element (departments, i);
      g_autofree char *key = g_strconcat ("department:", json_object_get_string_member_with_default (d, "id", ""), NULL);
      const char *name = json_object_get_string_member_with_default (d, chinese ? "name" : "name_en",
                                                                     json_object_get_string_member_with_default (d, "name", ""));
      /* TRANSLATORS: a department as the target of a request */
      g_autofree char *label = g_strdup_printf (_("%s (any doctor on duty)"), name);
      add_target (self, key, label);
    }
  for (guint i = 0; users && i < json_array_get_length (users); i++)
    {
      JsonObject *u = json_array_get_object_element (users, i);
      g_autofree char *key = NULL;
      g_autofree char *label = NULL;

      if (g_strcmp0 (json_object_get_string_member_with_default (u, "role", ""), "specialist") != 0)
        continue;
      key = g_strconcat ("specialist:", json_object_get_string_member_with_default (u, "id", ""), NULL);
      label = g_strdup_printf ("%s · %s", json_object_get_string_member_with_default (u, "display_name", ""),
                               json_object_get_string_member_with_default (u, "title", ""));
      add_target (self, key, label);
    }
}

static void
directory_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HzNewRequestPage) self = user_data;
  g_autoptr(JsonObject) directory = hz_hub_client_get_finish (HZ_HUB_CLIENT (source), result, NULL);

  if (directory == NULL && self->profile)
    directory = hz_profile_load_json (self->profile, "directory.json");
  if (directory)
    {
      fill_targets (self, directory);
      _hz_new_request_page_use_pacs (self, directory);
    }
}

/* Finding a patient: the case bundles of the patient folder (exported
 * from the clinic system) are read once and searched by health card,
 * national ID and names. */
static void
index_patients (HzNewRequestPage *self)
{
  g_autofree char *folder = self->settings ? g_settings_get_string (self->settings, "patient-folder") : NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  const char *name;
  guint n = 0;

  if (self->patients)
    return;
  self->patients = g_ptr_array_new_with_free_func ((GDestroyNotify) patient_entry_free);
  if (folder == NULL || *folder == '\0' || (dir = g_dir_open (folder, 0, NULL)) == NULL)
    return;
  while ((name = g_dir_read_name (dir)) && n++ < MAX_PATIENT_FILES)
    {
      g_autofree char *path = NULL;
      g_autoptr(GFile) file = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(HzPatientRecord) record = NULL;
      g_autofree char *joined = NULL;
      PatientEntry *entry;
      const char *official, *latin, *card, *national;
      int age;

      if (!g_str_has_suffix (name, ".json"))
        continue;
      path = g_build_filename (folder, name, NULL);
      file = g_file_new_for_path (path);
      bytes = g_file_load_bytes (file, NULL, NULL, NULL);
      if (bytes == NULL || g_bytes_get_size (bytes) > MAX_BUNDLE_BYTES ||
          (record = hz_patient_record_new_from_bytes (bytes, NULL)) == NULL)
        continue;
      official = hz_patient_record_get_official_name (record);
      latin = hz_patient_record_get_latin_name (record);
      card = hz_patient_record_get_health_card (record);
      national = hz_patient_record_get_national_id (record);
      age = hz_patient_record_get_age_at (record, now);
      entry = g_new0 (PatientEntry, 1);
      entry->path = g_steal_pointer (&path);
      if (age >= 0)
        entry->label = g_strdup_printf (_("%s, %lld y · %s"), official ? official : (latin ? latin : "?"),
                                        (long long) age, card ? card : (national ? national : ""));
      else
        entry->label = g_strdup_printf ("%s · %s", official ? official : (latin ? latin : "?"),
                                        card ? card : (national ? national : ""));
      joined = g_strjoin (" ", official ? official : "", latin ? latin : "", card ? card : "",
                          national ? national : "", hz_patient_record_get_patient_id (record)
                          ? hz_patient_record_get_patient_id (record) : "", NULL);
      entry->search = g_utf8_casefold (joined, -1);
      g_ptr_array_add (self->patients, entry);
    }
}

guint
hz_new_request_page_find_patient (HzNewRequestPage *self,
                                  const char       *text)
{
  g_autofree char *needle = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->patient_results))))
    gtk_list_box_remove (self->patient_results, child);
  g_ptr_array_set_size (self->found, 0);
  if (text == NULL || g_utf8_strlen (text, -1) < 2)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->patient_results), FALSE);
      return 0;
    }
  index_patients (self);
  needle = g_utf8_casefold (text, -1);
  for (guint i = 0; i < self->patients->len && self->found->len < MAX_FOUND; i++)
    {
      PatientEntry *entry = g_ptr_array_index (self->patients, i);
      GtkWidget *row;

      if (strstr (entry->search, needle) == NULL)
        continue;
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), entry->label);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_list_box_append (self->patient_results, row);
      g_ptr_array_add (self->found, g_strdup (entry->path));
    }
  if (self->found->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No patient found. Type the details below."));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_append (self->patient_results, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->patient_results), TRUE);
  return self->found->len;
}

gboolean
hz_new_request_page_choose_patient (HzNewRequestPage *self,
                                    guint             index)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  if (index >= self->found->len)
    return FALSE;
  file = g_file_new_for_path (g_ptr_array_index (self->found, index));
  if (!hz_new_request_page_import_bundle (self, file, &error))
    {
      _hz_new_request_page_show_problem (self, error->message);
      return FALSE;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->patient_search), "");
  hz_new_request_page_find_patient (self, NULL);
  return TRUE;
}

static void
patient_search_cb (HzNewRequestPage *self)
{
  hz_new_request_page_find_patient (self, gtk_editable_get_text (GTK_EDITABLE (self->patient_search)));
}

static void
patient_chosen_cb (HzNewRequestPage *self,
                   GtkListBoxRow    *row)
{
  hz_new_request_page_choose_patient (self, (guint) gtk_list_box_row_get_index (row));
}

void
hz_new_request_page_set_settings (HzNewRequestPage *self,
                                  GSettings        *settings)
{
  g_set_object (&self->settings, settings);
  g_clear_pointer (&self->patients, g_ptr_array_unref);
}

/* Attachments */

void
_hz_new_request_page_update_attachments (HzNewRequestPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->attachments_list))))
    gtk_list_box_remove (self->attachments_list, child);
  for (guint i = 0; i < self->attachments->len; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *name = g_path_get_basename (g_ptr_array_index (self->attachments, i));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      gtk_list_box_append (self->attachments_list, row);
    }
  for (guint i = 0; i < json_array_get_length (self->studies); i++)
    {
      JsonObject *study = json_array_get_object_element (self->studies, i);
      const char *description = json_object_get_string_member_with_default (study, "description", NULL);
      const char *started = json_object_get_string_member_with_default (study, "started", "");
      gint64 images = json_object_get_int_member_with_default (study, "numberOfInstances", -1);
      g_autofree char *subtitle = NULL;
      GtkWidget *row = adw_action_row_new ();

      if (images >= 0)
        /* TRANSLATORS: a study's date, then its number of images */
        subtitle = g_strdup_printf (ngettext ("DICOM study from the PACS · %s · %lld image",
                                              "DICOM study from the PACS · %s · %lld images", (gulong) images),
                                    started, (long long) images);
      else
        subtitle = g_strdup_printf (_("DICOM study from the PACS · %s"), started);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), description ? description : _("Imaging study"));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_append (self->attachments_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->attachments_list),
                          self->attachments->len > 0 || json_array_get_length (self->studies) > 0);
}

static const char *
content_type_for (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  if (g_str_has_suffix (lower, ".jpg") || g_str_has_suffix (lower, ".jpeg"))
    return "image/jpeg";
  if (g_str_has_suffix (lower, ".png"))
    return "image/png";
  if (g_str_has_suffix (lower, ".pdf"))
    return "application/pdf";
  return "application/dicom";
}

/* Draft */

void
hz_new_request_page_save_draft (HzNewRequestPage *self)
{
  g_autoptr(JsonObject) draft = json_object_new ();
  g_autoptr(JsonArray) files = json_array_new ();
  g_autofree char *reason = reason_text (self);

  if (self->profile == NULL || self->busy)
    return;
  json_object_set_string_member (draft, "patient_id", gtk_editable_get_text (GTK_EDITABLE (self->patient_id_row)));
  json_object_set_string_member (draft, "patient_name", gtk_editable_get_text (GTK_EDITABLE (self->patient_name_row)));
  json_object_set_string_member (draft, "sex", sexes[MIN (adw_combo_row_get_selected (self->sex_row), 2)]);
  json_object_set_int_member (draft, "age", gtk_spin_button_get_value_as_int (self->age_spin));
  json_object_set_boolean_member (draft, "consent", gtk_switch_get_active (self->consent_switch));
  json_object_set_string_member (draft, "consent_by", consent_by[MIN (adw_combo_row_get_selected (self->consent_by_row), 2)]);
  json_object_set_string_member (draft, "consent_method", consent_methods[MIN (adw_combo_row_get_selected (self->consent_method_row), 2)]);
  json_object_set_string_member (draft, "reason", reason);
  json_object_set_string_member (draft, "question", gtk_editable_get_text (GTK_EDITABLE (self->question_row)));
  json_object_set_string_member (draft, "urgency", urgencies[MIN (adw_combo_row_get_selected (self->urgency_row), 2)]);
  json_object_set_string_member (draft, "mode", modes[MIN (adw_combo_row_get_selected (self->mode_row), 1)]);
  if (adw_combo_row_get_selected (self->target_row) < self->targets->len)
    json_object_set_string_member (draft, "target", g_ptr_array_index (self->targets, adw_combo_row_get_selected (self->target_row)));
  if (self->bundle_path)
    json_object_set_string_member (draft, "bundle_path", self->bundle_path);
  for (guint i = 0; i < self->attachments->len; i++)
    json_array_add_string_element (files, g_ptr_array_index (self->attachments, i));
  json_object_set_array_member (draft, "attachments", g_steal_pointer (&files));
  json_object_set_array_member (draft, "studies", json_array_ref (self->studies));
  hz_profile_save_json (self->profile, DRAFT_FILE, draft);
}

static void
clear_form (HzNewRequestPage *self)
{
  self->checking = FALSE;
  gtk_editable_set_text (GTK_EDITABLE (self->patient_id_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->patient_name_row), "");
  adw_combo_row_set_selected (self->sex_row, 2);
  gtk_spin_button_set_value (self->age_spin, 0);
  gtk_switch_set_active (self->consent_switch, FALSE);
  adw_combo_row_set_selected (self->consent_by_row, 0);
  adw_combo_row_set_selected (self->consent_method_row, 0);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->reason_view), "", -1);
  gtk_editable_set_text (GTK_EDITABLE (self->question_row), "");
  adw_combo_row_set_selected (self->urgency_row, 0);
  adw_combo_row_set_selected (self->mode_row, 0);
  g_clear_pointer (&self->bundle, json_node_unref);
  g_clear_pointer (&self->bundle_path, g_free);
  adw_action_row_set_subtitle (self->bundle_row, _("None imported"));
  g_ptr_array_set_size (self->attachments, 0);
  json_array_unref (self->studies);
  self->studies = json_array_new ();
  _hz_new_request_page_update_attachments (self);
  _hz_new_request_page_show_problem (self, NULL);
}

static void
load_draft (HzNewRequestPage *self)
{
  g_autoptr(JsonObject) draft = self->profile ? hz_profile_load_json (self->profile, DRAFT_FILE) : NULL;
  const char *target;
  JsonArray *files;

  clear_form (self);
  if (draft == NULL)
    return;
  gtk_editable_set_text (GTK_EDITABLE (self->patient_id_row), json_object_get_string_member_with_default (draft, "patient_id", ""));
  gtk_editable_set_text (GTK_EDITABLE (self->patient_name_row), json_object_get_string_member_with_default (draft, "patient_name", ""));
  adw_combo_row_set_selected (self->sex_row, index_of (sexes, 3, json_object_get_string_member_with_default (draft, "sex", "unknown")));
  gtk_spin_button_set_value (self->age_spin, json_object_get_int_member_with_default (draft, "age", 0));
  gtk_switch_set_active (self->consent_switch, json_object_get_boolean_member_with_default (draft, "consent", FALSE));
  adw_combo_row_set_selected (self->consent_by_row, index_of (consent_by, 3, json_object_get_string_member_with_default (draft, "consent_by", "")));
  adw_combo_row_set_selected (self->consent_method_row, index_of (consent_methods, 3, json_object_get_string_member_with_default (draft, "consent_method", "")));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->reason_view), json_object_get_string_member_with_default (draft, "reason", ""), -1);
  gtk_editable_set_text (GTK_EDITABLE (self->question_row), json_object_get_string_member_with_default (draft, "question", ""));
  adw_combo_row_set_selected (self->urgency_row, index_of (urgencies, 3, json_object_get_string_member_with_default (draft, "urgency", "")));
  adw_combo_row_set_selected (self->mode_row, index_of (modes, 2, json_object_get_string_member_with_default (draft, "mode", "")));
  target = json_object_get_string_member_with_default (draft, "target", NULL);
  for (guint i = 0; target && i < self->targets->len; i++)
    if (g_str_equal (g_ptr_array_index (self->targets, i), target))
      adw_combo_row_set_selected (self->target_row, i);
  if (json_object_has_member (draft, "bundle_path"))
    {
      g_autoptr(GFile) file = g_file_new_for_path (json_object_get_string_member (draft, "bundle_path"));
      hz_new_request_page_import_bundle (self, file, NULL);
    }
  files = json_object_has_member (draft, "attachments") ? json_object_get_array_member (draft, "attachments") : NULL;
  for (guint i = 0; files && i < json_array_get_length (files); i++)
    g_ptr_array_add (self->attachments, g_strdup (json_array_get_string_element (files, i)));
  files = json_object_has_member (draft, "studies") ? json_object_get_array_member (draft, "studies") : NULL;
  for (guint i = 0; files && i < json_array_get_length (files); i++)
    if (JSON_NODE_HOLDS_OBJECT (json_array_get_element (files, i)))
      json_array_add_element (self->studies, json_node_copy (json_array_get_element (files, i)));
  _hz_new_request_page_update_attachments (self);
}

void
hz_new_request_page_start (HzNewRequestPage *self)
{
  load_draft (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->patient_search));
}

/* Import */

gboolean
hz_new_request_page_import_bundle (HzNewRequestPage *self,
                                   GFile            *file,
                                   GError          **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(HzPatientRecord) record = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *subtitle = NULL;
  g_autofree char *basename = g_file_get_basename (file);
  const char *name;
  int age;

  bytes = g_file_load_bytes (file, NULL, NULL, error);
  if (bytes == NULL)
    return FALSE;
  if (g_bytes_get_size (bytes) > MAX_BUNDLE_BYTES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The case bundle is larger than 8 MB."));
      return FALSE;
    }
  record = hz_patient_record_new_from_bytes (bytes, error);
  if (record == NULL ||
      !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), error))
    return FALSE;
  g_clear_pointer (&self->bundle, json_node_unref);
  self->bundle = json_node_copy (json_parser_get_root (parser));
  g_free (self->bundle_path);
  self->bundle_path = g_file_get_path (file);

  name = hz_patient_record_get_official_name (record);
  if (name == NULL)
    name = hz_patient_record_get_latin_name (record);
  if (hz_patient_record_get_health_card (record))
    gtk_editable_set_text (GTK_EDITABLE (self->patient_id_row), hz_patient_record_get_health_card (record));
  else if (hz_patient_record_get_patient_id (record))
    gtk_editable_set_text (GTK_EDITABLE (self->patient_id_row), hz_patient_record_get_patient_id (record));
  if (name)
    gtk_editable_set_text (GTK_EDITABLE (self->patient_name_row), name);
  switch (hz_patient_record_get_sex (record))
    {
    case HZ_FHIR_SEX_MALE: adw_combo_row_set_selected (self->sex_row, 0); break;
    case HZ_FHIR_SEX_FEMALE: adw_combo_row_set_selected (self->sex_row, 1); break;
    default: adw_combo_row_set_selected (self->sex_row, 2); break;
    }
  age = hz_patient_record_get_age_at (record, now);
  if (age >= 0)
    gtk_spin_button_set_value (self->age_spin, age);
  subtitle = g_strdup_printf (_("%s, imported"), basename);
  adw_action_row_set_subtitle (self->bundle_row, subtitle);
  return TRUE;
}

static void
import_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    gpointer         user_data)
{
  HzNewRequestPage *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;

      if (!hz_new_request_page_import_bundle (self, file, &error))
        {
          g_autofree char *text = g_strdup_printf (_("This file could not be read as a FHIR case bundle: %s"),
                                                   error->message);
          _hz_new_request_page_show_problem (self, text);
        }
    }
  g_object_unref (dialog);
}

static GtkFileChooserNative *
new_chooser (HzNewRequestPage *self,
             const char       *title,
             const char       *accept)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  /* GTK 4.8: GtkFileChooserNative (GtkFileDialog came in 4.10). */
  return gtk_file_chooser_native_new (title, GTK_WINDOW (root), GTK_FILE_CHOOSER_ACTION_OPEN, accept, _("_Cancel"));
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HzNewRequestPage *self = HZ_NEW_REQUEST_PAGE (widget);
  GtkFileChooserNative *chooser = new_chooser (self, _("Import a Case Bundle"), _("_Import"));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("FHIR case bundles (JSON)"));
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (import_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
hz_new_request_page_add_attachment (HzNewRequestPage *self,
                                    const char       *path)
{
  g_ptr_array_add (self->attachments, g_strdup (path));
  _hz_new_request_page_update_attachments (self);
}

static void
attach_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    gpointer         user_data)
{
  HzNewRequestPage *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);

      if (path)
        hz_new_request_page_add_attachment (self, path);
    }
  g_object_unref (dialog);
}

static void
attach_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HzNewRequestPage *self = HZ_NEW_REQUEST_PAGE (widget);
  GtkFileChooserNative *chooser = new_chooser (self, _("Add an Attachment"), _("_Add"));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Photos, PDF and DICOM files"));
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_mime_type (filter, "application/dicom");
  gtk_file_filter_add_pattern (filter, "*.dcm");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (attach_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Sending */

/* Returns a message for the first thing that keeps the form from being
 * sent, in the order a doctor fills it in. */
static char *
validate (HzNewRequestPage *self)
{
  g_autofree char *reason = reason_text (self);
  const char *id = gtk_editable_get_text (GTK_EDITABLE (self->patient_id_row));
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->patient_name_row));

  if (*id == '\0' && *name == '\0')
    return g_strdup (_("Enter the patient’s health-card number, national ID or name, or import a case bundle."));
  if (*name == '\0')
    return g_strdup (_("Enter the patient’s name."));
  if (!gtk_switch_get_active (self->consent_switch))
    return g_strdup (_("Record the patient’s informed consent before sending."));
  if (*reason == '\0')
    return g_strdup (_("Write the reason for the consult."));
  if (g_utf8_strlen (reason, -1) > 4000)
    return g_strdup (_("The reason is too long: please keep it under 4000 characters."));
  if (adw_combo_row_get_selected (self->target_row) >= self->targets->len)
    return g_strdup (_("Choose the department or the specialist to ask."));
  return NULL;
}

/* After a refused send the message follows the form: fixing what it
 * names moves it on to the next problem, or takes it away. */
static void
field_changed_cb (HzNewRequestPage *self)
{
  g_autofree char *problem = NULL;

  if (!self->checking)
    return;
  problem = validate (self);
  _hz_new_request_page_show_problem (self, problem);
}

static void upload_next (HzNewRequestPage *self);

static void
finish_submit (HzNewRequestPage *self)
{
  g_autofree char *id = g_steal_pointer (&self->created_id);

  self->busy = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "request.send", TRUE);
  if (self->profile)
    hz_profile_remove_file (self->profile, DRAFT_FILE);
  clear_form (self);
  g_signal_emit (self, signals[SUBMITTED], 0, id);
}

static void
upload_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HzNewRequestPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = hz_hub_client_upload_attachment_finish (HZ_HUB_CLIENT (source), result, &error);

  if (reply == NULL)
    g_warning ("An attachment was not sent: %s", error->message);
  self->uploads++;
  upload_next (self);
}

static void
upload_next (HzNewRequestPage *self)
{
  const char *path;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *name = NULL;

  if (self->uploads >= self->attachments->len || self->created_id == NULL)
    {
      finish_submit (self);
      return;
    }
  path = g_ptr_array_index (self->attachments, self->uploads);
  {
    g_autoptr(GFile) file = g_file_new_for_path (path);
    bytes = g_file_load_bytes (file, NULL, NULL, NULL);
  }
  if (bytes == NULL)
    {
      self->uploads++;
      upload_next (self);
      return;
    }
  name = g_path_get_basename (path);
  hz_hub_client_upload_attachment_async (self->client, self->created_id, bytes, content_type_for (path), name,
                                         self->cancellable, upload_cb, g_object_ref (self));
}

static void
create_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HzNewRequestPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) consult = hz_hub_client_create_consult_finish (HZ_HUB_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (consult == NULL && !g_error_matches (error, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_QUEUED))
    {
      self->busy = FALSE;
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "request.send", TRUE);
      _hz_new_request_page_show_problem (self, error->message);
      return;
    }
  g_free (self->created_id);
  self->created_id = consult ? g_strdup (json_object_get_string_member_with_default (consult, "id", "")) : NULL;
  self->uploads = 0;
  upload_next (self);
}

void
hz_new_request_page_submit (HzNewRequestPage *self)
{
  g_autofree char *problem = validate (self);
  g_autofree char *reason = reason_text (self);
  g_autoptr(JsonObject) request = json_object_new ();
  JsonObject *patient = json_object_new ();
  JsonObject *consent = json_object_new ();
  JsonObject *target = json_object_new ();
  const char *target_key;
  const char *id = gtk_editable_get_text (GTK_EDITABLE (self->patient_id_row));
  const char *question = gtk_editable_get_text (GTK_EDITABLE (self->question_row));

  if (problem || self->client == NULL || self->busy)
    {
      json_object_unref (patient);
      json_object_unref (consent);
      json_object_unref (target);
      if (problem)
        self->checking = TRUE;
      _hz_new_request_page_show_problem (self, problem);
      return;
    }
  _hz_new_request_page_show_problem (self, NULL);
  json_object_set_string_member (patient, "id", *id ? id : "unknown");
  json_object_set_string_member (patient, "name", gtk_editable_get_text (GTK_EDITABLE (self->patient_name_row)));
  json_object_set_string_member (patient, "sex", sexes[MIN (adw_combo_row_get_selected (self->sex_row), 2)]);
  json_object_set_int_member (patient, "age", gtk_spin_button_get_value_as_int (self->age_spin));
  json_object_set_object_member (request, "patient", patient);
  json_object_set_string_member (consent, "by", consent_by[MIN (adw_combo_row_get_selected (self->consent_by_row), 2)]);
  json_object_set_string_member (consent, "method", consent_methods[MIN (adw_combo_row_get_selected (self->consent_method_row), 2)]);
  json_object_set_object_member (request, "consent", consent);
  json_object_set_string_member (request, "reason", reason);
  if (*question)
    json_object_set_string_member (request, "question", question);
  json_object_set_string_member (request, "urgency", urgencies[MIN (adw_combo_row_get_selected (self->urgency_row), 2)]);
  json_object_set_string_member (request, "mode", modes[MIN (adw_combo_row_get_selected (self->mode_row), 1)]);
  target_key = g_ptr_array_index (self->targets, adw_combo_row_get_selected (self->target_row));
  if (g_str_has_prefix (target_key, "specialist:"))
    json_object_set_string_member (target, "specialist", target_key + strlen ("specialist:"));
  else
    json_object_set_string_member (target, "department", target_key + strlen ("department:"));
  json_object_set_object_member (request, "target", target);
  if (self->bundle || json_array_get_length (self->studies) > 0)
    json_object_set_member (request, "bundle", _hz_new_request_page_bundle_with_studies (self));

  self->busy = TRUE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "request.send", FALSE);
  hz_hub_client_create_consult_async (self->client, request, self->cancellable, create_cb, g_object_ref (self));
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  hz_new_request_page_submit (HZ_NEW_REQUEST_PAGE (widget));
}

void
hz_new_request_page_set_client (HzNewRequestPage *self,
                                HzHubClient      *client,
                                HzProfile        *profile)
{
  g_set_object (&self->client, client);
  g_set_object (&self->profile, profile);
  hz_hub_client_directory_async (client, self->cancellable, directory_cb, g_object_ref (self));
}

static void
hz_new_request_page_dispose (GObject *object)
{
  HzNewRequestPage *self = HZ_NEW_REQUEST_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HZ_TYPE_NEW_REQUEST_PAGE);
  /* the template's root box is not a bound child: unparent it here */
  {
    GtkWidget *child;
    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
      gtk_widget_unparent (child);
  }
  g_clear_object (&self->client);
  g_clear_object (&self->profile);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->bundle, json_node_unref);
  g_clear_pointer (&self->bundle_path, g_free);
  g_clear_pointer (&self->created_id, g_free);
  g_clear_pointer (&self->targets, g_ptr_array_unref);
  g_clear_pointer (&self->attachments, g_ptr_array_unref);
  g_clear_pointer (&self->studies, json_array_unref);
  g_clear_object (&self->pacs);
  g_clear_pointer (&self->patients, g_ptr_array_unref);
  g_clear_pointer (&self->found, g_ptr_array_unref);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (hz_new_request_page_parent_class)->dispose (object);
}

static void
hz_new_request_page_class_init (HzNewRequestPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = hz_new_request_page_dispose;
  /* (consult id, or NULL when it waits in the outbox) */
  signals[SUBMITTED] = g_signal_new ("submitted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cn/huizhen/Huizhen/hz-new-request-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HzNewRequestPage, problem_label);
  gtk_widget_class_bind_template_child (widget_class, HzNewRequestPage, patient_id_row);
  gtk_widget_class_bind_template_child (widget_class, HzNewRequestPage, patient_name_row);
  gtk_widget_class_bind_template_child (widget_class, HzNewRequestPage, sex_row);
  gtk_widget_class_bind_template_child (widget_class, HzNewRequestPage, age_spin);
  gtk_widget_class_bind_template_child (widget_class, HzNewRequestPage, bundle_row);
  gtk_widget_class_bind_template_child (widget_class, HzNewRequestPage, consent_switch);
  gtk_widget_class_bind_template_child (widget_class, HzNewRequestPage, consent_by_row);
  gtk_widget_class_bind_template_child (widget_class, HzNewRequestPage, consent_method_row);
  gtk_widget_class_bind_template_child (widget_class, HzNewRequestPage, reason_view);
  gtk_widget_class_bind_template_child (widget_class, HzNewRequestPage, question_row);
  gtk_widget_class_bind_template_child (widget_class, HzNewRequestPage, urgency_row);
  gtk_widget_class_bind_template_child (widget_class, HzNewRequestPage, mode_row);
  gtk_widget_class_bind_template_child (widget_class, HzNewRequestPage, target_row);
  gtk_widget_class_bind_template_child (widget_class, HzNewRequestPage, target_list);
  gtk_widget_class_bind_template_child (widget_class, HzNewRequestPage, attachments_list);
  gtk_widget_class_bind_template_child (widget_class, HzNewRequestPage, patient_search);
  gtk_widget_class_bind_template_child (widget_class, HzNewRequestPage, patient_results);
  gtk_widget_class_bind_template_callback (widget_class, patient_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, patient_chosen_cb);
  gtk_widget_class_install_action (widget_class, "request.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "request.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "request.attach", NULL, attach_action);
  gtk_widget_class_install_action (widget_class, "request.add-study", NULL, _hz_new_request_page_add_study_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "request.send", NULL);
}

static void
hz_new_request_page_init (HzNewRequestPage *self)
{
  self->cancellable = g_cancellable_new ();
  self->targets = g_ptr_array_new_with_free_func (g_free);
  self->attachments = g_ptr_array_new_with_free_func (g_free);
  self->studies = json_array_new ();
  self->found = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  adw_combo_row_set_selected (self->sex_row, 2);
  _hz_new_request_page_update_attachments (self);
  g_signal_connect_swapped (self->patient_id_row, "changed", G_CALLBACK (field_changed_cb), self);
  g_signal_connect_swapped (self->patient_name_row, "changed", G_CALLBACK (field_changed_cb), self);
  g_signal_connect_swapped (self->consent_switch, "notify::active", G_CALLBACK (field_changed_cb), self);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->reason_view), "changed",
                            G_CALLBACK (field_changed_cb), self);
  g_signal_connect_swapped (self->target_row, "notify::selected", G_CALLBACK (field_changed_cb), self);
}
