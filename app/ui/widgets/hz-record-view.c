/* hz-record-view.c: a patient's record in sections beside a sidebar,
 * under the allergy banner and the patient's identity, which stay in
 * sight whatever section is open. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>

#include "hz-allergy-banner.h"
#include "hz-ecg-strip.h"
#include "hz-record-rows.h"
#include "hz-record-summary.h"
#include "hz-record-view.h"
#include "hz-trend-plot.h"
#include "hz-widgets-style.h"

#define LOINC "http://loinc.org"

struct _HzRecordView
{
  GtkWidget        parent_instance;

  GtkWidget       *box;
  GtkWidget       *banner;
  GtkWidget       *summary;
  GtkWidget       *stack;
  GHashTable      *pages;      /* section id -> the box holding its content */
  HzPatientRecord *record;
  gboolean         applying;   /* a section shown from code: no signal */
};

G_DEFINE_FINAL_TYPE (HzRecordView, hz_record_view, GTK_TYPE_WIDGET)

enum {
  SECTION_CHANGED,
  STUDY_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const section_ids[] = {
  /* In the order the sidebar shows them, which is the order rebuild()
   * adds them in. */
  "allergies", "problems", "medications", "vital-signs", "labs",
  "ecg", "trends", "documents", "imaging", "encounters", NULL,
};

const char * const *
hz_record_view_get_section_ids (void)
{
  return section_ids;
}

static const char *
section_title (const char *id)
{
  if (g_str_equal (id, "allergies")) return _("Allergies");
  if (g_str_equal (id, "problems")) return _("Problems");
  if (g_str_equal (id, "medications")) return _("Medications");
  if (g_str_equal (id, "vital-signs")) return _("Vital signs");
  if (g_str_equal (id, "labs")) return _("Laboratory results");
  if (g_str_equal (id, "trends")) return _("Trends");
  if (g_str_equal (id, "ecg")) return _("ECG");
  if (g_str_equal (id, "documents")) return _("Documents and photos");
  if (g_str_equal (id, "imaging")) return _("Imaging");
  return _("Encounters");
}

GtkWidget *
hz_record_view_new (void)
{
  return g_object_new (HZ_TYPE_RECORD_VIEW, NULL);
}

static GtkWidget *
new_list (GtkWidget *page_box)
{
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_box_append (GTK_BOX (page_box), list);
  return list;
}

/* A scrolled, clamped page with a heading, made once: removing stack
 * pages while a GtkStackSidebar watches trips GTK 4.8, so a new record
 * refills the pages instead. */
static void
create_page (HzRecordView *self,
             const char   *id)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *heading = gtk_label_new (section_title (id));

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 900);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "title-2");
  gtk_box_append (GTK_BOX (box), heading);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), clamp);
  gtk_stack_add_titled (GTK_STACK (self->stack), scroller, id, section_title (id));
  g_hash_table_insert (self->pages, (gpointer) id, box);
}

/* The page's box, emptied but for its heading. */
static GtkWidget *
add_page (HzRecordView *self,
          const char   *id)
{
  GtkWidget *box = g_hash_table_lookup (self->pages, id);
  GtkWidget *child;

  while ((child = gtk_widget_get_next_sibling (gtk_widget_get_first_child (box))) != NULL)
    gtk_box_remove (GTK_BOX (box), child);
  return box;
}

static void
study_row_activated_cb (AdwActionRow *row,
                        HzRecordView *self)
{
  const char *uid = g_object_get_data (G_OBJECT (row), "hz-study-uid");

  if (uid != NULL)
    g_signal_emit (self, signals[STUDY_ACTIVATED], 0, uid);
}

static void
fill_entries (HzRecordView *self,
              const char   *id,
              HzRecordKind  kind)
{
  GtkWidget *box = add_page (self, id);
  GtkWidget *list = new_list (box);
  GListModel *entries = self->record ? hz_patient_record_get_entries (self->record, kind) : NULL;
  guint n = entries ? g_list_model_get_n_items (entries) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HzRecordEntry) entry = g_list_model_get_item (entries, i);

      GtkWidget *row;

      if (kind == HZ_RECORD_KIND_ALLERGY)
        row = hz_record_rows_allergy (entry);
      else if (kind == HZ_RECORD_KIND_DOCUMENT)
        row = hz_record_rows_document (entry);
      else
        row = hz_record_rows_entry (entry);
      if (kind == HZ_RECORD_KIND_IMAGING && hz_record_entry_get_imaging_study (entry)
          && hz_record_entry_get_imaging_study (entry)->study_uid)
        {
          g_object_set_data_full (G_OBJECT (row), "hz-study-uid",
                                  g_strdup (hz_record_entry_get_imaging_study (entry)->study_uid), g_free);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
          g_signal_connect (row, "activated", G_CALLBACK (study_row_activated_cb), self);
        }
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }
  if (n == 0)
    gtk_list_box_append (GTK_LIST_BOX (list), hz_record_rows_empty (_("Nothing recorded")));
}

static gboolean
has_sampled_data (const HzFhirObservation *observation)
{
  if (observation->value_kind == HZ_FHIR_VALUE_SAMPLED_DATA)
    return TRUE;
  for (guint i = 0; observation->components && i < observation->components->len; i++)
    if (((HzFhirObservation *) g_ptr_array_index (observation->components, i))->value_kind == HZ_FHIR_VALUE_SAMPLED_DATA)
      return TRUE;
  return FALSE;
}

/* Vital signs by category; labs are the other measured values. */
static void
fill_observations (HzRecordView *self)
{
  GtkWidget *vitals = new_list (add_page (self, "vital-signs"));
  GtkWidget *labs = new_list (add_page (self, "labs"));
  GtkWidget *ecg_box = add_page (self, "ecg");
  GListModel *entries = self->record ? hz_patient_record_get_entries (self->record, HZ_RECORD_KIND_OBSERVATION) : NULL;
  guint n = entries ? g_list_model_get_n_items (entries) : 0;
  guint n_vitals = 0, n_labs = 0, n_ecgs = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HzRecordEntry) entry = g_list_model_get_item (entries, i);
      const HzFhirObservation *observation = hz_record_entry_get_observation (entry);

      if (observation == NULL)
        continue;
      if (has_sampled_data (observation))
        {
          GtkWidget *strip = hz_ecg_strip_new ();
          GtkWidget *scroller = gtk_scrolled_window_new ();
          g_autofree char *date = hz_record_rows_format_date (entry);
          /* The entry's title is the MDC code's text, which no doctor reads. */
          g_autofree char *caption = date ? g_strdup_printf ("%s · %s", _("ECG recording"), date)
                                          : g_strdup (_("ECG recording"));
          GtkWidget *label = gtk_label_new (caption);

          hz_ecg_strip_set_observation (HZ_ECG_STRIP (strip), observation);
          gtk_label_set_xalign (GTK_LABEL (label), 0);
          gtk_widget_add_css_class (label, "heading");
          gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
          gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), strip);
          gtk_box_append (GTK_BOX (ecg_box), label);
          gtk_box_append (GTK_BOX (ecg_box), scroller);
          n_ecgs++;
        }
      else if (g_strcmp0 (observation->category, "vital-signs") == 0)
        {
          gtk_list_box_append (GTK_LIST_BOX (vitals), hz_record_rows_observation (entry));
          n_vitals++;
        }
      else
        {
          gtk_list_box_append (GTK_LIST_BOX (labs), hz_record_rows_observation (entry));
          n_labs++;
        }
    }
  if (n_vitals == 0)
    gtk_list_box_append (GTK_LIST_BOX (vitals), hz_record_rows_empty (_("Nothing recorded")));
  if (n_labs == 0)
    gtk_list_box_append (GTK_LIST_BOX (labs), hz_record_rows_empty (_("Nothing recorded")));
  if (n_ecgs == 0)
    gtk_list_box_append (GTK_LIST_BOX (new_list (ecg_box)), hz_record_rows_empty (_("No ECG recorded")));
}

static void
fill_trends (HzRecordView *self)
{
  GtkWidget *box = add_page (self, "trends");
  static const struct { const char *code; const char *label; } singles[] = {
    { "8867-4", N_("Heart rate") },
    { "2345-7", N_("Fasting glucose") },
    { "8310-5", N_("Body temperature") },
    { "29463-7", N_("Body weight") },
  };
  GdkRGBA red = { 0.80, 0.14, 0.16, 1 }, blue = { 0.11, 0.44, 0.85, 1 }, green = { 0.15, 0.55, 0.30, 1 };
  guint plots = 0;

  if (self->record != NULL)
    {
      GArray *systolic = hz_patient_record_get_series (self->record, LOINC, "8480-6");
      GArray *diastolic = hz_patient_record_get_series (self->record, LOINC, "8462-4");

      if ((systolic && systolic->len) || (diastolic && diastolic->len))
        {
          GtkWidget *plot = hz_trend_plot_new (_("Blood pressure"));

          if (systolic && systolic->len)
            hz_trend_plot_add_series (HZ_TREND_PLOT (plot), _("Systolic"), systolic, &red);
          if (diastolic && diastolic->len)
            hz_trend_plot_add_series (HZ_TREND_PLOT (plot), _("Diastolic"), diastolic, &blue);
          gtk_widget_set_name (plot, "blood-pressure");
          gtk_box_append (GTK_BOX (box), plot);
          plots++;
        }
      g_clear_pointer (&systolic, g_array_unref);
      g_clear_pointer (&diastolic, g_array_unref);

      /* Other values only when there is a trend to see. */
      for (guint i = 0; i < G_N_ELEMENTS (singles); i++)
        {
          g_autoptr(GArray) points = hz_patient_record_get_series (self->record, LOINC, singles[i].code);

          if (points && points->len >= 2)
            {
              GtkWidget *plot = hz_trend_plot_new (_(singles[i].label));

              hz_trend_plot_add_series (HZ_TREND_PLOT (plot), _(singles[i].label), points, &green);
              gtk_box_append (GTK_BOX (box), plot);
              plots++;
            }
        }
    }
  if (plots == 0)
    gtk_list_box_append (GTK_LIST_BOX (new_list (box)), hz_record_rows_empty (_("Not enough measurements for a trend")));
}

static void
rebuild (HzRecordView *self)
{
  fill_entries (self, "allergies", HZ_RECORD_KIND_ALLERGY);
  fill_entries (self, "problems", HZ_RECORD_KIND_PROBLEM);
  fill_entries (self, "medications", HZ_RECORD_KIND_MEDICATION);
  fill_observations (self);
  fill_trends (self);
  fill_entries (self, "documents", HZ_RECORD_KIND_DOCUMENT);
  fill_entries (self, "imaging", HZ_RECORD_KIND_IMAGING);
  fill_entries (self, "encounters", HZ_RECORD_KIND_ENCOUNTER);
}

void
hz_record_view_set_record (HzRecordView    *self,
                           HzPatientRecord *record,
                           GDateTime       *when)
{
  g_return_if_fail (HZ_IS_RECORD_VIEW (self));

  g_set_object (&self->record, record);
  hz_allergy_banner_set_record (HZ_ALLERGY_BANNER (self->banner), record);
  hz_record_summary_set_record (HZ_RECORD_SUMMARY (self->summary), record, when);
  rebuild (self);
}

HzPatientRecord *
hz_record_view_get_record (HzRecordView *self)
{
  g_return_val_if_fail (HZ_IS_RECORD_VIEW (self), NULL);
  return self->record;
}

const char *
hz_record_view_get_section (HzRecordView *self)
{
  g_return_val_if_fail (HZ_IS_RECORD_VIEW (self), NULL);
  return gtk_stack_get_visible_child_name (GTK_STACK (self->stack));
}

gboolean
hz_record_view_show_section (HzRecordView *self,
                             const char   *id)
{
  g_return_val_if_fail (HZ_IS_RECORD_VIEW (self), FALSE);

  if (id == NULL || !g_strv_contains (section_ids, id))
    return FALSE;
  self->applying = TRUE;
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), id);
  self->applying = FALSE;
  return TRUE;
}

GtkWidget *
hz_record_view_get_section_widget (HzRecordView *self,
                                   const char   *id)
{
  g_return_val_if_fail (HZ_IS_RECORD_VIEW (self), NULL);
  return gtk_stack_get_child_by_name (GTK_STACK (self->stack), id);
}

GtkWidget *
hz_record_view_get_allergy_banner (HzRecordView *self)
{
  g_return_val_if_fail (HZ_IS_RECORD_VIEW (self), NULL);
  return self->banner;
}

static void
visible_child_cb (GtkStack     *stack,
                  GParamSpec   *pspec,
                  HzRecordView *self)
{
  const char *id = gtk_stack_get_visible_child_name (stack);

  if (!self->applying && id != NULL)
    g_signal_emit (self, signals[SECTION_CHANGED], 0, id);
}

static void
hz_record_view_dispose (GObject *object)
{
  HzRecordView *self = HZ_RECORD_VIEW (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->record);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  G_OBJECT_CLASS (hz_record_view_parent_class)->dispose (object);
}

static void
hz_record_view_class_init (HzRecordViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hz_record_view_dispose;

  /**
   * HzRecordView::section-changed:
   * @id: the section the user opened; send it to the follower
   */
  signals[SECTION_CHANGED] =
    g_signal_new ("section-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * HzRecordView::study-activated:
   * @study_uid: the StudyInstanceUID the user chose to open
   */
  signals[STUDY_ACTIVATED] =
    g_signal_new ("study-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (HZ_TYPE_ALLERGY_BANNER);
  g_type_ensure (HZ_TYPE_RECORD_SUMMARY);
  hz_widgets_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/cn/huizhen/Huizhen/widgets/hz-record-view.ui");
  gtk_widget_class_bind_template_child (widget_class, HzRecordView, box);
  gtk_widget_class_bind_template_child (widget_class, HzRecordView, banner);
  gtk_widget_class_bind_template_child (widget_class, HzRecordView, summary);
  gtk_widget_class_bind_template_child (widget_class, HzRecordView, stack);
  gtk_widget_class_bind_template_callback (widget_class, visible_child_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hz-record-view");
}

static void
hz_record_view_init (HzRecordView *self)
{
  hz_widgets_style_ensure ();
  gtk_widget_init_template (GTK_WIDGET (self));

  self->pages = g_hash_table_new (g_str_hash, g_str_equal);
  self->applying = TRUE;
  for (guint i = 0; section_ids[i]; i++)
    create_page (self, section_ids[i]);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "problems");
  self->applying = FALSE;
  rebuild (self);
}
