/* hz-record-summary.c: who the patient is, at the top of the record:
 * the Chinese name large with the Latin one beside it (the specialist
 * may read only one of them), age, sex and identifiers. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hz-record-summary.h"
#include "hz-widgets-style.h"

struct _HzRecordSummary
{
  GtkBox     parent_instance;

  GtkWidget *name;
  GtkWidget *latin;
  GtkWidget *details;
  GtkWidget *identifiers;
};

G_DEFINE_FINAL_TYPE (HzRecordSummary, hz_record_summary, GTK_TYPE_BOX)

GtkWidget *
hz_record_summary_new (void)
{
  return g_object_new (HZ_TYPE_RECORD_SUMMARY, NULL);
}

static const char *
sex_label (HzFhirSex sex)
{
  switch (sex)
    {
    case HZ_FHIR_SEX_MALE: return _("Male");
    case HZ_FHIR_SEX_FEMALE: return _("Female");
    case HZ_FHIR_SEX_OTHER: return _("Other sex");
    case HZ_FHIR_SEX_UNKNOWN:
    default: return _("Sex unknown");
    }
}

static const char *
identifier_label (const HzFhirIdentifier *identifier)
{
  if (g_strcmp0 (identifier->type_code, "NI") == 0)
    return _("National ID");
  if (g_strcmp0 (identifier->type_code, "MC") == 0)
    return _("Health card");
  if (g_strcmp0 (identifier->type_code, "MR") == 0)
    return _("Record number");
  return identifier->type_text ? identifier->type_text : _("Identifier");
}

void
hz_record_summary_set_record (HzRecordSummary *self,
                              HzPatientRecord *record,
                              GDateTime       *when)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GString) details = g_string_new (NULL);
  g_autoptr(GString) ids = g_string_new (NULL);
  const char *official, *latin;
  GPtrArray *identifiers;
  int age;

  g_return_if_fail (HZ_IS_RECORD_SUMMARY (self));

  if (record == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->name), "");
      gtk_label_set_text (GTK_LABEL (self->latin), "");
      gtk_label_set_text (GTK_LABEL (self->details), "");
      gtk_label_set_text (GTK_LABEL (self->identifiers), "");
      return;
    }
  if (when == NULL)
    when = now = g_date_time_new_now_local ();

  official = hz_patient_record_get_official_name (record);
  latin = hz_patient_record_get_latin_name (record);
  gtk_label_set_text (GTK_LABEL (self->name), official ? official : (latin ? latin : _("Unnamed patient")));
  gtk_label_set_text (GTK_LABEL (self->latin), official && latin ? latin : "");

  age = hz_patient_record_get_age_at (record, when);
  if (age >= 0)
    g_string_append_printf (details, g_dngettext (GETTEXT_PACKAGE, "%d year", "%d years", age), age);
  else
    g_string_append (details, _("Age unknown"));
  g_string_append (details, " · ");
  g_string_append (details, sex_label (hz_patient_record_get_sex (record)));
  if (hz_patient_record_get_birth_date (record))
    {
      g_string_append (details, " · ");
      g_string_append_printf (details, _("born %s"), hz_patient_record_get_birth_date (record));
    }
  gtk_label_set_text (GTK_LABEL (self->details), details->str);

  identifiers = hz_patient_record_get_identifiers (record);
  for (guint i = 0; identifiers && i < identifiers->len; i++)
    {
      const HzFhirIdentifier *identifier = g_ptr_array_index (identifiers, i);

      if (identifier->value == NULL)
        continue;
      if (ids->len > 0)
        g_string_append (ids, "   ");
      g_string_append_printf (ids, "%s: %s", identifier_label (identifier), identifier->value);
    }
  gtk_label_set_text (GTK_LABEL (self->identifiers), ids->str);
}

static void
hz_record_summary_class_init (HzRecordSummaryClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  hz_widgets_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/cn/huizhen/Huizhen/widgets/hz-record-summary.ui");
  gtk_widget_class_bind_template_child (widget_class, HzRecordSummary, name);
  gtk_widget_class_bind_template_child (widget_class, HzRecordSummary, latin);
  gtk_widget_class_bind_template_child (widget_class, HzRecordSummary, details);
  gtk_widget_class_bind_template_child (widget_class, HzRecordSummary, identifiers);
  gtk_widget_class_set_css_name (widget_class, "hz-record-summary");
}

static void
hz_record_summary_init (HzRecordSummary *self)
{
  hz_widgets_style_ensure ();
  gtk_widget_init_template (GTK_WIDGET (self));
}
