/* hz-allergy-banner.c: the patient's allergies across the top of the
 * record. A high-risk allergy turns the whole banner the error colour
 * and says so in words and with an icon, so neither colour-blind eyes
 * nor a quick glance can miss it. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hz-allergy-banner.h"
#include "hz-widgets-style.h"

struct _HzAllergyBanner
{
  GtkBox    parent_instance;

  GtkWidget *title;
  GtkWidget *icon;
  GtkWidget *lines;    /* a vertical box of labels */
  gboolean   high_risk;
  guint      n_allergies;
};

G_DEFINE_FINAL_TYPE (HzAllergyBanner, hz_allergy_banner, GTK_TYPE_BOX)

GtkWidget *
hz_allergy_banner_new (void)
{
  return g_object_new (HZ_TYPE_ALLERGY_BANNER, NULL);
}

static char *
describe (const HzFhirAllergy *allergy)
{
  GString *text = g_string_new (allergy->substance ? allergy->substance : _("Unknown substance"));

  if (allergy->manifestation != NULL)
    g_string_append_printf (text, _(" — reaction: %s"), allergy->manifestation);
  if (allergy->severity != NULL)
    g_string_append_printf (text, _(" (%s)"), allergy->severity);
  if (allergy->criticality == HZ_ALLERGY_CRITICALITY_HIGH)
    g_string_append (text, _(", criticality high"));
  return g_string_free (text, FALSE);
}

void
hz_allergy_banner_set_record (HzAllergyBanner *self,
                              HzPatientRecord *record)
{
  GListModel *allergies = NULL;
  GtkWidget *child;
  guint n = 0;

  g_return_if_fail (HZ_IS_ALLERGY_BANNER (self));

  while ((child = gtk_widget_get_first_child (self->lines)) != NULL)
    gtk_box_remove (GTK_BOX (self->lines), child);
  self->high_risk = FALSE;

  if (record != NULL)
    {
      allergies = hz_patient_record_get_entries (record, HZ_RECORD_KIND_ALLERGY);
      n = g_list_model_get_n_items (allergies);
    }
  /* High-risk allergies first: the first line is the one read. */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(HzRecordEntry) entry = g_list_model_get_item (allergies, i);
        const HzFhirAllergy *allergy = hz_record_entry_get_allergy (entry);
        g_autofree char *text = NULL;
        GtkWidget *label;

        if (allergy == NULL || !allergy->is_high_risk != (pass == 1))
          continue;
        text = describe (allergy);
        label = gtk_label_new (text);
        gtk_label_set_xalign (GTK_LABEL (label), 0);
        gtk_label_set_wrap (GTK_LABEL (label), TRUE);
        if (allergy->is_high_risk)
          {
            gtk_widget_add_css_class (label, "heading");
            self->high_risk = TRUE;
          }
        gtk_box_append (GTK_BOX (self->lines), label);
      }
  self->n_allergies = n;

  gtk_widget_remove_css_class (GTK_WIDGET (self), "high-risk");
  gtk_widget_remove_css_class (GTK_WIDGET (self), "other");
  gtk_widget_add_css_class (GTK_WIDGET (self), self->high_risk ? "high-risk" : "other");
  gtk_label_set_text (GTK_LABEL (self->title),
                      self->high_risk ? _("HIGH-RISK ALLERGY") : _("Allergies"));
  gtk_image_set_from_icon_name (GTK_IMAGE (self->icon),
                                self->high_risk ? "dialog-error-symbolic" : "dialog-warning-symbolic");
  gtk_widget_set_visible (GTK_WIDGET (self), n > 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  gtk_label_get_text (GTK_LABEL (self->title)),
                                  -1);
}

gboolean
hz_allergy_banner_get_high_risk (HzAllergyBanner *self)
{
  g_return_val_if_fail (HZ_IS_ALLERGY_BANNER (self), FALSE);
  return self->high_risk;
}

guint
hz_allergy_banner_get_n_allergies (HzAllergyBanner *self)
{
  g_return_val_if_fail (HZ_IS_ALLERGY_BANNER (self), 0);
  return self->n_allergies;
}

static void
hz_allergy_banner_class_init (HzAllergyBannerClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  hz_widgets_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/cn/huizhen/Huizhen/widgets/hz-allergy-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, HzAllergyBanner, icon);
  gtk_widget_class_bind_template_child (widget_class, HzAllergyBanner, title);
  gtk_widget_class_bind_template_child (widget_class, HzAllergyBanner, lines);
  gtk_widget_class_set_css_name (widget_class, "hz-allergy-banner");
  /* Screen readers announce it as soon as it appears. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_ALERT);
}

static void
hz_allergy_banner_init (HzAllergyBanner *self)
{
  hz_widgets_style_ensure ();
  gtk_widget_init_template (GTK_WIDGET (self));
}
