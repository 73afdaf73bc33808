/* hz-pacs-study-dialog.c: HzPacsStudyDialog: a township doctor looks up
 * the patient's studies in the institution's PACS over QIDO-RS (by
 * patient ID, name or study date), sees each one's date, modalities,
 * description and number of images, and picks one to send with the
 * request. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hz-dicom-person-name.h"
#include "hz-pacs-study-dialog.h"

struct _HzPacsStudyDialog
{
  AdwWindow         parent_instance;

  AdwEntryRow      *id_row;
  AdwEntryRow      *name_row;
  AdwEntryRow      *date_row;
  GtkLabel         *message_label;
  GtkListBox       *results_list;

  HzDicomwebClient *pacs;
  GCancellable     *cancellable;
  GPtrArray        *results;      /* HzDicomwebStudy */
  gboolean          searching;
};

enum { STUDY_CHOSEN, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HzPacsStudyDialog, hz_pacs_study_dialog, ADW_TYPE_WINDOW)

char *
hz_pacs_study_patient_display (const HzDicomwebStudy *study)
{
  g_autofree char *value = g_strdup_printf ("%s=%s=%s",
                                            study->patient_name.alphabetic ? study->patient_name.alphabetic : "",
                                            study->patient_name.ideographic ? study->patient_name.ideographic : "",
                                            study->patient_name.phonetic ? study->patient_name.phonetic : "");
  g_autoptr(HzDicomPersonName) name = hz_dicom_person_name_new (value);
  char *display = name ? hz_dicom_person_name_to_display (name) : NULL;

  if (display == NULL || *display == '\0')
    {
      g_free (display);
      return g_strdup (_("Unnamed patient"));
    }
  return display;
}

/* "20261120" as "2026-11-20"; anything else as it came. */
static char *
format_da (const char *da)
{
  if (da && strlen (da) == 8)
    return g_strdup_printf ("%.4s-%.2s-%.2s", da, da + 4, da + 6);
  return g_strdup (da ? da : "");
}

char *
hz_pacs_study_summary (const HzDicomwebStudy *study)
{
  g_autofree char *date = format_da (study->study_date);
  g_autofree char *modalities = g_strjoinv (", ", study->modalities);
  g_autofree char *images = study->n_instances >= 0
                            ? g_strdup_printf (ngettext ("%d image", "%d images", (gulong) study->n_instances),
                                               study->n_instances)
                            : NULL;
  GString *text = g_string_new (date);

  if (*modalities)
    g_string_append_printf (text, "%s%s", text->len ? " · " : "", modalities);
  if (study->study_description && *study->study_description)
    g_string_append_printf (text, "%s%s", text->len ? " · " : "", study->study_description);
  if (images)
    g_string_append_printf (text, "%s%s", text->len ? " · " : "", images);
  return g_string_free (text, FALSE);
}

static void
show_message (HzPacsStudyDialog *self,
              const char        *text)
{
  gtk_label_set_label (self->message_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), text != NULL);
}

const char *
hz_pacs_study_dialog_get_message (HzPacsStudyDialog *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
         ? gtk_label_get_label (self->message_label) : NULL;
}

gboolean
hz_pacs_study_dialog_is_searching (HzPacsStudyDialog *self)
{
  return self->searching;
}

guint
hz_pacs_study_dialog_get_n_results (HzPacsStudyDialog *self)
{
  return self->results ? self->results->len : 0;
}

const HzDicomwebStudy *
hz_pacs_study_dialog_get_result (HzPacsStudyDialog *self,
                                 guint              index)
{
  return index < hz_pacs_study_dialog_get_n_results (self) ? g_ptr_array_index (self->results, index) : NULL;
}

static void
clear_results (HzPacsStudyDialog *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->results_list))))
    gtk_list_box_remove (self->results_list, child);
  gtk_widget_set_visible (GTK_WIDGET (self->results_list), FALSE);
  g_clear_pointer (&self->results, g_ptr_array_unref);
}

static void
found_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(HzPacsStudyDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) studies = hz_dicomweb_client_search_studies_finish (HZ_DICOMWEB_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->searching = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->results_list), TRUE);
  if (studies == NULL)
    {
      /* TRANSLATORS: %s says why, from the DICOMweb client */
      g_autofree char *text = g_strdup_printf (_("The PACS could not be searched: %s"), error->message);
      show_message (self, text);
      return;
    }
  if (studies->len == 0)
    {
      show_message (self, _("No studies found. Check the ID, the name or the date."));
      return;
    }
  show_message (self, NULL);
  self->results = g_steal_pointer (&studies);
  for (guint i = 0; i < self->results->len; i++)
    {
      const HzDicomwebStudy *study = g_ptr_array_index (self->results, i);
      g_autofree char *name = hz_pacs_study_patient_display (study);
      g_autofree char *title = g_strdup_printf ("%s · %s", name, study->patient_id ? study->patient_id : "—");
      g_autofree char *summary = hz_pacs_study_summary (study);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("list-add-symbolic");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), summary);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Add this study"), -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
      gtk_list_box_append (self->results_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->results_list), TRUE);
}

/* The date field: one date or two (a range), in any common writing
 * ("2026-11-20", "20261120", "2026-11-01 to 2026-11-20"). FALSE if it is
 * neither. */
static gboolean
parse_dates (const char  *text,
             char       **qido)
{
  GString *digits = g_string_new (NULL);
  g_autofree char *all = NULL;

  for (const char *p = text; *p; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);
  all = g_string_free (digits, FALSE);
  if (*all == '\0' && *text == '\0')
    *qido = NULL;
  else if (strlen (all) == 8)
    *qido = g_steal_pointer (&all);
  else if (strlen (all) == 16)
    *qido = g_strdup_printf ("%.8s-%.8s", all, all + 8);
  else
    return FALSE;
  return TRUE;
}

static void
search_cb (HzPacsStudyDialog *self)
{
  const char *id = gtk_editable_get_text (GTK_EDITABLE (self->id_row));
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  g_autofree char *id_text = g_strstrip (g_strdup (id));
  g_autofree char *name_text = g_strstrip (g_strdup (name));
  g_autofree char *date_text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->date_row))));
  g_autofree char *date = NULL;

  clear_results (self);
  if (!parse_dates (date_text, &date))
    {
      show_message (self, _("Write the study date as 2026-11-20, or two such dates for a range."));
      return;
    }
  if (*id_text == '\0' && *name_text == '\0' && date == NULL)
    {
      show_message (self, _("Enter a patient ID, a name or a study date."));
      return;
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->searching = TRUE;
  show_message (self, _("Searching…"));
  hz_dicomweb_client_find_studies_async (self->pacs, id_text, name_text, date, self->cancellable,
                                         found_cb, g_object_ref (self));
}

void
hz_pacs_study_dialog_search (HzPacsStudyDialog *self,
                             const char        *patient_id,
                             const char        *patient_name,
                             const char        *study_date)
{
  if (patient_id)
    gtk_editable_set_text (GTK_EDITABLE (self->id_row), patient_id);
  if (patient_name)
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), patient_name);
  if (study_date)
    gtk_editable_set_text (GTK_EDITABLE (self->date_row), study_date);
  search_cb (self);
}

void
hz_pacs_study_dialog_choose (HzPacsStudyDialog *self,
                             guint              index)
{
  const HzDicomwebStudy *study = hz_pacs_study_dialog_get_result (self, index);

  if (study == NULL)
    return;
  g_signal_emit (self, signals[STUDY_CHOSEN], 0, study);
  gtk_window_close (GTK_WINDOW (self));
}

static void
row_activated_cb (HzPacsStudyDialog *self,
                  GtkListBoxRow     *row)
{
  hz_pacs_study_dialog_choose (self, (guint) gtk_list_box_row_get_index (row));
}

static void
hz_pacs_study_dialog_dispose (GObject *object)
{
  HzPacsStudyDialog *self = HZ_PACS_STUDY_DIALOG (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->pacs);
  g_clear_pointer (&self->results, g_ptr_array_unref);
  G_OBJECT_CLASS (hz_pacs_study_dialog_parent_class)->dispose (object);
}

static void
hz_pacs_study_dialog_class_init (HzPacsStudyDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = hz_pacs_study_dialog_dispose;
  signals[STUDY_CHOSEN] = g_signal_new ("study-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  gtk_widget_class_set_template_from_resource (widget_class, "/cn/huizhen/Huizhen/hz-pacs-study-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HzPacsStudyDialog, id_row);
  gtk_widget_class_bind_template_child (widget_class, HzPacsStudyDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, HzPacsStudyDialog, date_row);
  gtk_widget_class_bind_template_child (widget_class, HzPacsStudyDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, HzPacsStudyDialog, results_list);
  gtk_widget_class_bind_template_callback (widget_class, search_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
hz_pacs_study_dialog_init (HzPacsStudyDialog *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

HzPacsStudyDialog *
hz_pacs_study_dialog_new (GtkWindow        *parent,
                          HzDicomwebClient *pacs)
{
  HzPacsStudyDialog *self = g_object_new (HZ_TYPE_PACS_STUDY_DIALOG, "transient-for", parent, NULL);

  self->pacs = g_object_ref (pacs);
  return self;
}

/* The study as a FHIR R4 ImagingStudy for the case bundle: the Study
 * Instance UID as the urn:dicom:uid identifier (what the workspace
 * opens from the PACS), with the date, modalities, description and
 * counts the specialist reads before opening it. */
JsonObject *
hz_pacs_study_to_fhir (const HzDicomwebStudy *study,
                       const char            *patient_reference)
{
  JsonObject *resource = json_object_new ();
  JsonArray *identifiers = json_array_new ();
  JsonObject *identifier = json_object_new ();
  JsonObject *subject = json_object_new ();
  g_autofree char *uid = g_strconcat ("urn:oid:", study->study_instance_uid, NULL);
  g_autofree char *id = g_compute_checksum_for_string (G_CHECKSUM_SHA1, study->study_instance_uid, -1);

  json_object_set_string_member (resource, "resourceType", "ImagingStudy");
  json_object_set_string_member (resource, "id", id);
  json_object_set_string_member (resource, "status", "available");
  json_object_set_string_member (identifier, "system", "urn:dicom:uid");
  json_object_set_string_member (identifier, "value", uid);
  json_array_add_object_element (identifiers, identifier);
  json_object_set_array_member (resource, "identifier", identifiers);
  json_object_set_string_member (subject, "reference", patient_reference);
  json_object_set_object_member (resource, "subject", subject);
  if (study->study_date && strlen (study->study_date) == 8)
    {
      g_autofree char *started = g_strdup_printf ("%.4s-%.2s-%.2s", study->study_date, study->study_date + 4,
                                                  study->study_date + 6);
      json_object_set_string_member (resource, "started", started);
    }
  if (study->modalities[0])
    {
      JsonArray *modalities = json_array_new ();
      for (guint i = 0; study->modalities[i]; i++)
        {
          JsonObject *coding = json_object_new ();
          json_object_set_string_member (coding, "system", "http://dicom.nema.org/resources/ontology/DCM");
          json_object_set_string_member (coding, "code", study->modalities[i]);
          json_array_add_object_element (modalities, coding);
        }
      json_object_set_array_member (resource, "modality", modalities);
    }
  if (study->study_description && *study->study_description)
    json_object_set_string_member (resource, "description", study->study_description);
  if (study->n_series >= 0)
    json_object_set_int_member (resource, "numberOfSeries", study->n_series);
  if (study->n_instances >= 0)
    json_object_set_int_member (resource, "numberOfInstances", study->n_instances);
  return resource;
}
