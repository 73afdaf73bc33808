/* hz-record-rows.c: one list row per record entry. An abnormal value is
 * flagged three ways at once, colour, icon and a word, because colour
 * alone fails the colour-blind and a grey-scale printout. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "hz-record-rows.h"

static int
flag_rank (HzFhirFlag flag)
{
  switch (flag)
    {
    case HZ_FHIR_FLAG_CRITICAL_LOW:
    case HZ_FHIR_FLAG_CRITICAL_HIGH: return 3;
    case HZ_FHIR_FLAG_LOW:
    case HZ_FHIR_FLAG_HIGH: return 2;
    case HZ_FHIR_FLAG_ABNORMAL: return 1;
    case HZ_FHIR_FLAG_NORMAL:
    case HZ_FHIR_FLAG_NONE:
    default: return 0;
    }
}

HzFhirFlag
hz_record_rows_worst_flag (const HzFhirObservation *observation)
{
  HzFhirFlag worst = observation->flag;

  for (guint i = 0; observation->components && i < observation->components->len; i++)
    {
      const HzFhirObservation *component = g_ptr_array_index (observation->components, i);

      if (flag_rank (component->flag) > flag_rank (worst))
        worst = component->flag;
    }
  return worst;
}

const char *
hz_record_rows_flag_text (HzFhirFlag flag)
{
  switch (flag)
    {
    case HZ_FHIR_FLAG_LOW: return _("↓ Low");
    case HZ_FHIR_FLAG_HIGH: return _("↑ High");
    case HZ_FHIR_FLAG_CRITICAL_LOW: return _("↓↓ Critically low");
    case HZ_FHIR_FLAG_CRITICAL_HIGH: return _("↑↑ Critically high");
    case HZ_FHIR_FLAG_ABNORMAL: return _("Abnormal");
    case HZ_FHIR_FLAG_NORMAL:
    case HZ_FHIR_FLAG_NONE:
    default: return NULL;
    }
}

char *
hz_record_rows_format_date (HzRecordEntry *entry)
{
  GDateTime *date = hz_record_entry_get_date (entry);
  g_autoptr(GDateTime) local = NULL;

  if (date == NULL)
    return NULL;
  local = g_date_time_to_local (date);
  switch (hz_record_entry_get_date_precision (entry))
    {
    case HZ_FHIR_PRECISION_YEAR: return g_date_time_format (local, "%Y");
    case HZ_FHIR_PRECISION_MONTH: return g_date_time_format (local, "%Y-%m");
    case HZ_FHIR_PRECISION_DAY: return g_date_time_format (local, "%Y-%m-%d");
    case HZ_FHIR_PRECISION_TIME: return g_date_time_format (local, "%Y-%m-%d %H:%M");
    case HZ_FHIR_PRECISION_NONE:
    default: return NULL;
    }
}

static GtkWidget *
new_row (const char *title,
         const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  /* Record text is data, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title ? title : "");
  if (subtitle && *subtitle)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 2);
  return row;
}

GtkWidget *
hz_record_rows_entry (HzRecordEntry *entry)
{
  g_autofree char *date = hz_record_rows_format_date (entry);
  g_autofree char *subtitle = NULL;
  const char *summary = hz_record_entry_get_summary (entry);

  if (date && summary)
    subtitle = g_strdup_printf ("%s · %s", summary, date);
  else
    subtitle = g_strdup (summary ? summary : date);
  return new_row (hz_record_entry_get_title (entry), subtitle);
}

/* "8.9 mmol/L", or "158/96 mmHg" for a panel of values in one unit. */
static char *
value_text (HzRecordEntry           *entry,
            const HzFhirObservation *observation)
{
  if (observation->value_kind == HZ_FHIR_VALUE_QUANTITY && !isnan (observation->value))
    return g_strdup_printf ("%g %s", observation->value, observation->unit ? observation->unit : "");
  if (observation->components && observation->components->len > 0)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      const char *unit = NULL;

      for (guint i = 0; i < observation->components->len; i++)
        {
          const HzFhirObservation *c = g_ptr_array_index (observation->components, i);

          if (c->value_kind != HZ_FHIR_VALUE_QUANTITY || isnan (c->value)
              || (unit != NULL && g_strcmp0 (unit, c->unit) != 0))
            return g_strdup (hz_record_entry_get_summary (entry));
          unit = c->unit;
          g_string_append_printf (text, i ? "/%g" : "%g", c->value);
        }
      if (unit != NULL)
        g_string_append_printf (text, " %s", unit);
      return g_string_free (g_steal_pointer (&text), FALSE);
    }
  return g_strdup (hz_record_entry_get_summary (entry));
}

GtkWidget *
hz_record_rows_observation (HzRecordEntry *entry)
{
  const HzFhirObservation *observation = hz_record_entry_get_observation (entry);
  g_autofree char *date = hz_record_rows_format_date (entry);
  g_autofree char *range = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *value_string = NULL;
  HzFhirFlag flag = hz_record_rows_worst_flag (observation);
  const char *flag_text = hz_record_rows_flag_text (flag);
  GtkWidget *row, *value, *suffix;

  if (!isnan (observation->range_low) && !isnan (observation->range_high))
    range = g_strdup_printf (_("reference %g–%g"), observation->range_low, observation->range_high);
  else if (!isnan (observation->range_high))
    range = g_strdup_printf (_("reference below %g"), observation->range_high);
  else if (!isnan (observation->range_low))
    range = g_strdup_printf (_("reference above %g"), observation->range_low);
  subtitle = g_strjoin (" · ", date ? date : "", range ? range : "", NULL);
  g_strstrip (subtitle);
  if (g_str_has_prefix (subtitle, "· "))
    memmove (subtitle, subtitle + 2, strlen (subtitle + 2) + 1);
  if (g_str_has_suffix (subtitle, " ·"))
    subtitle[strlen (subtitle) - 2] = '\0';

  row = new_row (hz_record_entry_get_title (entry), subtitle);
  suffix = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_set_valign (suffix, GTK_ALIGN_CENTER);

  value_string = value_text (entry, observation);
  value = gtk_label_new (value_string);
  gtk_label_set_xalign (GTK_LABEL (value), 1);
  gtk_widget_add_css_class (value, "hz-value");
  gtk_box_append (GTK_BOX (suffix), value);

  if (flag_text != NULL)
    {
      gboolean critical = flag == HZ_FHIR_FLAG_CRITICAL_HIGH || flag == HZ_FHIR_FLAG_CRITICAL_LOW;
      GtkWidget *flag_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
      GtkWidget *icon = gtk_image_new_from_icon_name (critical ? "dialog-error-symbolic"
                                                               : "dialog-warning-symbolic");
      GtkWidget *label = gtk_label_new (flag_text);

      gtk_widget_add_css_class (value, "abnormal");
      gtk_widget_add_css_class (flag_box, "hz-flag");
      gtk_widget_add_css_class (flag_box, critical ? "critical" : "abnormal");
      gtk_box_append (GTK_BOX (flag_box), icon);
      gtk_box_append (GTK_BOX (flag_box), label);
      gtk_box_append (GTK_BOX (suffix), flag_box);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      flag_text, -1);
    }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), suffix);
  return row;
}

GtkWidget *
hz_record_rows_allergy (HzRecordEntry *entry)
{
  const HzFhirAllergy *allergy = hz_record_entry_get_allergy (entry);
  GtkWidget *row = hz_record_rows_entry (entry);

  if (allergy != NULL && allergy->is_high_risk)
    {
      GtkWidget *flag_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);

      gtk_widget_add_css_class (flag_box, "hz-flag");
      gtk_widget_add_css_class (flag_box, "critical");
      gtk_widget_set_valign (flag_box, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (flag_box), gtk_image_new_from_icon_name ("dialog-error-symbolic"));
      gtk_box_append (GTK_BOX (flag_box), gtk_label_new (_("High risk")));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), flag_box);
    }
  return row;
}

#define THUMBNAIL_SIZE 72
/* Photos larger than this are left for the full viewer, not decoded for
 * a thumbnail in the list. */
#define MAX_THUMBNAIL_SOURCE (16 * 1024 * 1024)

/* The inline data of a DocumentReference's first attachment or a Media's
 * content, as base64 text. */
static const char *
inline_data (HzRecordEntry *entry)
{
  JsonNode *raw = hz_record_entry_get_raw (entry);
  JsonObject *resource, *attachment = NULL;
  JsonNode *content;

  if (raw == NULL || !JSON_NODE_HOLDS_OBJECT (raw))
    return NULL;
  resource = json_node_get_object (raw);
  content = json_object_get_member (resource, "content");
  if (content == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_ARRAY (content) && json_array_get_length (json_node_get_array (content)) > 0)
    {
      JsonNode *first = json_array_get_element (json_node_get_array (content), 0);

      if (JSON_NODE_HOLDS_OBJECT (first))
        {
          JsonNode *node = json_object_get_member (json_node_get_object (first), "attachment");
          attachment = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
        }
    }
  else if (JSON_NODE_HOLDS_OBJECT (content))
    attachment = json_node_get_object (content);
  if (attachment == NULL || !json_object_has_member (attachment, "data"))
    return NULL;
  return json_object_get_string_member_with_default (attachment, "data", NULL);
}

static void
decode_thumbnail_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  gsize length = 0;
  g_autofree guchar *data = g_base64_decode (task_data, &length);
  g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&data), length);
  GError *error = NULL;
  GdkTexture *texture = gdk_texture_new_from_bytes (bytes, &error);

  if (texture == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, texture, g_object_unref);
}

static void
thumbnail_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GtkPicture) picture = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = g_task_propagate_pointer (G_TASK (result), &error);

  if (texture == NULL)
    {
      g_debug ("document thumbnail: %s", error->message);
      gtk_widget_set_visible (GTK_WIDGET (picture), FALSE);
      return;
    }
  gtk_picture_set_paintable (picture, GDK_PAINTABLE (texture));
}

GtkWidget *
hz_record_rows_document (HzRecordEntry *entry)
{
  const HzFhirDocument *document = hz_record_entry_get_document (entry);
  GtkWidget *row = hz_record_rows_entry (entry);
  const char *data;

  if (document == NULL || document->content_type == NULL
      || !g_str_has_prefix (document->content_type, "image/")
      || document->data_size == 0 || document->data_size > MAX_THUMBNAIL_SOURCE
      || (data = inline_data (entry)) == NULL)
    return row;

  {
    GtkWidget *picture = gtk_picture_new ();
    g_autoptr(GTask) task = g_task_new (NULL, NULL, thumbnail_done, g_object_ref_sink (picture));

    gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
    gtk_widget_set_size_request (picture, THUMBNAIL_SIZE, THUMBNAIL_SIZE);
    gtk_widget_set_valign (picture, GTK_ALIGN_CENTER);
    gtk_widget_set_name (picture, "document-thumbnail");
    gtk_accessible_update_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    hz_record_entry_get_title (entry), -1);
    adw_action_row_add_prefix (ADW_ACTION_ROW (row), picture);
    g_task_set_task_data (task, g_strdup (data), g_free);
    g_task_run_in_thread (task, decode_thumbnail_thread);
  }
  return row;
}

GtkWidget *
hz_record_rows_empty (const char *text)
{
  GtkWidget *row = new_row (text, NULL);

  gtk_widget_add_css_class (row, "dim-label");
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}
