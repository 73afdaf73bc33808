/* hz-consult-row.c: HzConsultRow: urgency, patient, age/sex, reason,
 * institution, state and waiting time of one consult. Emergencies carry
 * a red badge and a tinted row so they stand out at a glance. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hz-consult-row.h"

struct _HzConsultRow
{
  GtkListBoxRow  parent_instance;

  GtkLabel      *urgency_label;
  GtkLabel      *patient_label;
  GtkLabel      *reason_label;
  GtkLabel      *meta_label;
  GtkLabel      *state_label;
  GtkLabel      *waiting_label;

  JsonObject    *consult;
  char          *search_text;   /* casefolded */
};

G_DEFINE_FINAL_TYPE (HzConsultRow, hz_consult_row, GTK_TYPE_LIST_BOX_ROW)

const char *
hz_state_label (const char *state)
{
  static const struct { const char *name; const char *label; } states[] = {
    { "requested", N_("Waiting") },
    { "info_requested", N_("Needs information") },
    { "accepted", N_("Accepted") },
    { "in_session", N_("In call") },
    { "reported", N_("Opinion ready") },
    { "closed", N_("Closed") },
    { "declined", N_("Declined") },
    { "cancelled", N_("Cancelled") },
    { "expired", N_("Expired") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    if (g_strcmp0 (state, states[i].name) == 0)
      return _(states[i].label);
  return state ? state : "";
}

const char *
hz_urgency_label (const char *urgency)
{
  if (g_strcmp0 (urgency, "emergency") == 0)
    return _("Emergency");
  if (g_strcmp0 (urgency, "urgent") == 0)
    return _("Urgent");
  return _("Routine");
}

const char *
hz_sex_label (const char *sex)
{
  if (g_strcmp0 (sex, "male") == 0)
    return _("male");
  if (g_strcmp0 (sex, "female") == 0)
    return _("female");
  return _("sex unknown");
}

char *
hz_waiting_text (const char *created_iso)
{
  g_autoptr(GDateTime) created = created_iso ? g_date_time_new_from_iso8601 (created_iso, NULL) : NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  gint64 minutes;

  if (created == NULL)
    return g_strdup ("");
  minutes = MAX (g_date_time_difference (now, created) / G_TIME_SPAN_MINUTE, 0);
  if (minutes < 1)
    return g_strdup (_("just now"));
  if (minutes < 60)
    return g_strdup_printf (ngettext ("%lld min", "%lld min", minutes), (long long) minutes);
  if (minutes < 48 * 60)
    return g_strdup_printf (ngettext ("%lld hour", "%lld hours", minutes / 60), (long long) (minutes / 60));
  return g_strdup_printf (ngettext ("%lld day", "%lld days", minutes / (24 * 60)),
                          (long long) (minutes / (24 * 60)));
}

/* A Chinese name for Chinese readers, the English one otherwise. */
const char *
hz_directory_name (JsonObject *directory,
                   const char *list,
                   const char *id)
{
  JsonArray *items;
  const char *lang = g_get_language_names ()[0];
  gboolean chinese = g_str_has_prefix (lang, "zh");

  if (directory == NULL || id == NULL || !json_object_has_member (directory, list))
    return id;
  items = json_object_get_array_member (directory, list);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      if (item && g_strcmp0 (json_object_get_string_member_with_default (item, "id", ""), id) == 0)
        {
          const char *name = json_object_get_string_member_with_default (item, chinese ? "name" : "name_en", NULL);
          if (name == NULL || *name == '\0')
            name = json_object_get_string_member_with_default (item, "name", NULL);
          if (name == NULL)
            name = json_object_get_string_member_with_default (item, "display_name", id);
          return name;
        }
    }
  return id;
}

static const char *
str (JsonObject *object,
     const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

static void
fill (HzConsultRow *self,
      JsonObject   *directory)
{
  JsonObject *patient = json_object_has_member (self->consult, "patient")
                        ? json_object_get_object_member (self->consult, "patient") : NULL;
  const char *urgency = str (self->consult, "urgency");
  const char *state = str (self->consult, "state");
  const char *name = str (patient, "name");
  const char *latin = str (patient, "name_latin");
  const char *institution = hz_directory_name (directory, "institutions", str (self->consult, "requester_institution"));
  const char *department = hz_directory_name (directory, "departments", str (self->consult, "target_department"));
  g_autofree char *title = NULL;
  g_autofree char *meta = NULL;
  g_autofree char *waiting = hz_waiting_text (str (self->consult, "created"));
  g_autofree char *accessible = NULL;
  g_autofree char *joined = NULL;
  gint64 age = patient && json_object_has_member (patient, "age") ? json_object_get_int_member (patient, "age") : -1;

  /* TRANSLATORS: patient name, then age in years and sex */
  if (age >= 0)
    title = g_strdup_printf (_("%s, %lld y, %s"), name ? name : _("Unnamed patient"), (long long) age,
                             hz_sex_label (str (patient, "sex")));
  else
    title = g_strdup_printf ("%s, %s", name ? name : _("Unnamed patient"), hz_sex_label (str (patient, "sex")));
  gtk_label_set_label (self->patient_label, title);
  gtk_label_set_label (self->reason_label, str (self->consult, "reason") ? str (self->consult, "reason") : "");
  meta = g_strdup_printf ("%s → %s · %s", institution ? institution : "", department ? department : "",
                          str (self->consult, "id") ? str (self->consult, "id") : "");
  gtk_label_set_label (self->meta_label, meta);
  gtk_label_set_label (self->urgency_label, hz_urgency_label (urgency));
  gtk_widget_add_css_class (GTK_WIDGET (self->urgency_label), urgency ? urgency : "routine");
  gtk_widget_add_css_class (GTK_WIDGET (self), g_strcmp0 (urgency, "emergency") == 0 ? "hz-emergency-row" : "hz-row");
  gtk_label_set_label (self->state_label, hz_state_label (state));
  gtk_widget_add_css_class (GTK_WIDGET (self->state_label), state ? state : "requested");
  gtk_label_set_label (self->waiting_label, waiting);

  joined = g_strjoin (" ", name ? name : "", latin ? latin : "",
                                                  str (patient, "id") ? str (patient, "id") : "",
                                                  str (self->consult, "id") ? str (self->consult, "id") : "",
                                                  str (self->consult, "reason") ? str (self->consult, "reason") : "",
                                                  institution ? institution : "", NULL);
  self->search_text = g_utf8_casefold (joined, -1);
  accessible = g_strdup_printf ("%s. %s. %s. %s", hz_urgency_label (urgency), title, hz_state_label (state), waiting);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

GtkWidget *
hz_consult_row_new (JsonObject *consult,
                    JsonObject *directory)
{
  HzConsultRow *self = g_object_new (HZ_TYPE_CONSULT_ROW, NULL);

  self->consult = json_object_ref (consult);
  fill (self, directory);
  return GTK_WIDGET (self);
}

const char *
hz_consult_row_get_consult_id (HzConsultRow *self)
{
  return str (self->consult, "id");
}

GtkWidget *
hz_consult_row_get_badge (HzConsultRow *self)
{
  return GTK_WIDGET (self->urgency_label);
}

const char *
hz_consult_row_get_urgency (HzConsultRow *self)
{
  return str (self->consult, "urgency");
}

const char *
hz_consult_row_get_state (HzConsultRow *self)
{
  return str (self->consult, "state");
}

gboolean
hz_consult_row_matches (HzConsultRow *self,
                        const char   *needle)
{
  g_autofree char *folded = NULL;

  if (needle == NULL || *needle == '\0')
    return TRUE;
  folded = g_utf8_casefold (needle, -1);
  return strstr (self->search_text, folded) != NULL;
}

static void
hz_consult_row_finalize (GObject *object)
{
  HzConsultRow *self = HZ_CONSULT_ROW (object);

  g_clear_pointer (&self->consult, json_object_unref);
  g_free (self->search_text);
  G_OBJECT_CLASS (hz_consult_row_parent_class)->finalize (object);
}

static void
hz_consult_row_class_init (HzConsultRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = hz_consult_row_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, "/cn/huizhen/Huizhen/hz-consult-row.ui");
  gtk_widget_class_bind_template_child (widget_class, HzConsultRow, urgency_label);
  gtk_widget_class_bind_template_child (widget_class, HzConsultRow, patient_label);
  gtk_widget_class_bind_template_child (widget_class, HzConsultRow, reason_label);
  gtk_widget_class_bind_template_child (widget_class, HzConsultRow, meta_label);
  gtk_widget_class_bind_template_child (widget_class, HzConsultRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, HzConsultRow, waiting_label);
}

static void
hz_consult_row_init (HzConsultRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
