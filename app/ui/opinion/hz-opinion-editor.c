/* hz-opinion-editor.c: the specialist's structured opinion form.
 *
 * The form keeps no opinion of its own: every check builds an HzOpinion
 * from the widgets and asks the model (hz_opinion_validate), so the form
 * and the hub refuse the same things. Signing emits "signed" with the
 * HzSignedOpinion and locks the form: a signed opinion is corrected by
 * addenda, never edited. Diagnoses store the national clinical edition's
 * Chinese name as their label, as Chinese medical records do, whatever
 * the interface language. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hz-opinion-editor.h"
#include "hz-opinion-ui-resources.h"

#define MAX_SUGGESTIONS 8

struct _HzOpinionEditor {
  AdwBin            parent_instance;

  GtkWidget        *form;
  GtkTextView      *findings_view;
  GtkSearchEntry   *icd_search;
  GtkListBox       *suggestions;
  GtkListBox       *diagnoses_list;
  GtkTextView      *treatment_view;
  GtkTextView      *follow_up_view;
  AdwComboRow      *decision_row;
  AdwComboRow      *urgency_row;
  AdwEntryRow      *hospital_row;
  GtkTextView      *text_view;
  GtkLabel         *status_label;
  GtkButton        *sign_button;
  GtkWidget        *addendum_section;
  GtkBox           *addenda_box;
  GtkRevealer      *addendum_revealer;
  GtkTextView      *addendum_view;

  HzIcd10Catalogue *catalogue;
  HzSigningKey     *key;
  char             *consult_id;
  char             *author;
  GArray           *diagnoses;   /* HzDiagnosis */
  HzSignedOpinion  *signed_opinion;
  GPtrArray        *addenda;     /* HzSignedOpinion, in chain order */
  char             *signer_name; /* as people read it; the author id without */
};

enum {
  SIGNAL_SIGNED,
  SIGNAL_ADDENDUM_SIGNED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HzOpinionEditor, hz_opinion_editor, ADW_TYPE_BIN)

static void update_state (HzOpinionEditor *self);
static void update_addendum_state (HzOpinionEditor *self);

static void
diagnosis_clear (gpointer data)
{
  HzDiagnosis *d = data;
  g_clear_pointer (&d->code, g_free);
  g_clear_pointer (&d->label, g_free);
}

static char *
buffer_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
}

static void
set_buffer_text (GtkTextView *view,
                 const char  *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text ? text : "", -1);
}

static void
remove_all_rows (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    {
      if (!GTK_IS_LIST_BOX_ROW (child))
        break;  /* the placeholder is not a row and stays */
      gtk_list_box_remove (list, child);
    }
}

static void
remove_diagnosis_cb (GtkButton       *button,
                     HzOpinionEditor *self);

static void
rebuild_diagnoses (HzOpinionEditor *self)
{
  guint i;

  remove_all_rows (self->diagnoses_list);
  for (i = 0; i < self->diagnoses->len; i++)
    {
      const HzDiagnosis *d = &g_array_index (self->diagnoses, HzDiagnosis, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");
      g_autofree char *accessible = g_strdup_printf (_("Remove %s"), d->code);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), d->label);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), d->code);
      /* Locked: the codes read as signed, nothing to remove. */
      gtk_widget_set_visible (remove, self->signed_opinion == NULL);
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, _("Remove"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
      g_object_set_data (G_OBJECT (remove), "hz-index", GUINT_TO_POINTER (i));
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_diagnosis_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      gtk_list_box_append (self->diagnoses_list, row);
    }
}

static void
remove_diagnosis_cb (GtkButton       *button,
                     HzOpinionEditor *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "hz-index"));

  if (self->signed_opinion || index >= self->diagnoses->len)
    return;
  g_array_remove_index (self->diagnoses, index);
  rebuild_diagnoses (self);
  update_state (self);
}

/* Adds the catalogue entry for code; FALSE if unknown or already there. */
gboolean
hz_opinion_editor_add_diagnosis (HzOpinionEditor *self,
                                 const char      *code)
{
  const HzIcd10Entry *entry;
  HzDiagnosis d;
  guint i;

  g_return_val_if_fail (HZ_IS_OPINION_EDITOR (self), FALSE);
  if (self->signed_opinion || (entry = hz_icd10_catalogue_lookup (self->catalogue, code)) == NULL ||
      self->diagnoses->len >= HZ_OPINION_MAX_DIAGNOSES)
    return FALSE;
  for (i = 0; i < self->diagnoses->len; i++)
    if (g_strcmp0 (g_array_index (self->diagnoses, HzDiagnosis, i).code, entry->code) == 0)
      return FALSE;
  d.code = g_strdup (entry->code);
  d.label = g_strdup (entry->name_zh);
  g_array_append_val (self->diagnoses, d);
  rebuild_diagnoses (self);
  update_state (self);
  return TRUE;
}

/* Search ------------------------------------------------------------------ */

static void
icd_search_changed_cb (HzOpinionEditor *self)
{
  g_autoptr(GPtrArray) hits = NULL;
  guint i;

  remove_all_rows (self->suggestions);
  hits = hz_icd10_catalogue_search (self->catalogue, gtk_editable_get_text (GTK_EDITABLE (self->icd_search)),
                                    MAX_SUGGESTIONS);
  for (i = 0; i < hits->len; i++)
    {
      const HzIcd10Entry *e = hits->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *subtitle = g_strdup_printf ("%s · %s", e->code, e->name_en);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), e->name_zh);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("list-add-symbolic"));
      g_object_set_data_full (G_OBJECT (row), "hz-code", g_strdup (e->code), g_free);
      gtk_list_box_append (self->suggestions, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->suggestions), hits->len > 0);
}

static void
take_suggestion (HzOpinionEditor *self,
                 GtkListBoxRow   *row)
{
  const char *code = row ? g_object_get_data (G_OBJECT (row), "hz-code") : NULL;

  if (code == NULL)
    return;
  hz_opinion_editor_add_diagnosis (self, code);
  gtk_editable_set_text (GTK_EDITABLE (self->icd_search), "");
  icd_search_changed_cb (self);
}

static void
suggestion_activated_cb (HzOpinionEditor *self,
                         GtkListBoxRow   *row)
{
  take_suggestion (self, row);
}

/* Enter in the search takes the best match. */
static void
icd_search_activate_cb (HzOpinionEditor *self)
{
  take_suggestion (self, gtk_list_box_get_row_at_index (self->suggestions, 0));
}

void
hz_opinion_editor_search (HzOpinionEditor *self,
                          const char      *query)
{
  g_return_if_fail (HZ_IS_OPINION_EDITOR (self));
  gtk_editable_set_text (GTK_EDITABLE (self->icd_search), query ? query : "");
  /* search-changed is delayed; the result is wanted now. */
  icd_search_changed_cb (self);
}

/* The opinion ---------------------------------------------------------------- */

HzOpinion *
hz_opinion_editor_dup_opinion (HzOpinionEditor *self)
{
  HzOpinion *o;
  g_autofree char *findings = NULL;
  g_autofree char *treatment = NULL;
  g_autofree char *follow_up = NULL;
  g_autofree char *text = NULL;
  g_autofree char *hospital = NULL;
  guint i;

  g_return_val_if_fail (HZ_IS_OPINION_EDITOR (self), NULL);
  if (self->signed_opinion)
    return hz_opinion_copy (hz_signed_opinion_get_opinion (self->signed_opinion));

  o = hz_opinion_new ();
  findings = buffer_text (self->findings_view);
  treatment = buffer_text (self->treatment_view);
  follow_up = buffer_text (self->follow_up_view);
  text = buffer_text (self->text_view);
  hospital = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->hospital_row))));
  hz_opinion_set_findings (o, findings);
  hz_opinion_set_treatment (o, treatment);
  hz_opinion_set_follow_up (o, follow_up);
  hz_opinion_set_text (o, text);
  for (i = 0; i < self->diagnoses->len; i++)
    {
      const HzDiagnosis *d = &g_array_index (self->diagnoses, HzDiagnosis, i);
      hz_opinion_add_diagnosis (o, d->code, d->label);
    }
  switch (adw_combo_row_get_selected (self->decision_row))
    {
    case 1:
      hz_opinion_set_referral (o, HZ_REFERRAL_TREAT_LOCALLY, HZ_REFERRAL_URGENCY_ROUTINE, NULL);
      break;
    case 2:
      hz_opinion_set_referral (o, HZ_REFERRAL_REFER,
                               MIN (adw_combo_row_get_selected (self->urgency_row), HZ_REFERRAL_URGENCY_EMERGENCY),
                               hospital);
      break;
    default:
      break;
    }
  hz_opinion_set_consult_id (o, self->consult_id);
  hz_opinion_set_author (o, self->author);
  return o;
}

static void
fill_form (HzOpinionEditor *self,
           HzOpinion       *opinion)
{
  guint i;

  set_buffer_text (self->findings_view, hz_opinion_get_findings (opinion));
  set_buffer_text (self->treatment_view, hz_opinion_get_treatment (opinion));
  set_buffer_text (self->follow_up_view, hz_opinion_get_follow_up (opinion));
  set_buffer_text (self->text_view, hz_opinion_get_text (opinion));
  g_array_set_size (self->diagnoses, 0);
  for (i = 0; i < hz_opinion_get_n_diagnoses (opinion); i++)
    {
      const HzDiagnosis *from = hz_opinion_get_diagnosis (opinion, i);
      HzDiagnosis d = { g_strdup (from->code), g_strdup (from->label) };
      g_array_append_val (self->diagnoses, d);
    }
  rebuild_diagnoses (self);
  adw_combo_row_set_selected (self->decision_row, hz_opinion_get_referral (opinion));
  adw_combo_row_set_selected (self->urgency_row, hz_opinion_get_referral_urgency (opinion));
  gtk_editable_set_text (GTK_EDITABLE (self->hospital_row),
                         hz_opinion_get_referral_to (opinion) ? hz_opinion_get_referral_to (opinion) : "");
}

void
hz_opinion_editor_set_opinion (HzOpinionEditor *self,
                               HzOpinion       *opinion)
{
  g_return_if_fail (HZ_IS_OPINION_EDITOR (self));
  g_return_if_fail (HZ_IS_OPINION (opinion));
  g_return_if_fail (self->signed_opinion == NULL);

  fill_form (self, opinion);
  update_state (self);
}

gboolean
hz_opinion_editor_validate (HzOpinionEditor  *self,
                            GError          **error)
{
  g_autoptr(HzOpinion) o = hz_opinion_editor_dup_opinion (self);

  return hz_opinion_validate (o, error);
}

static void
set_status (HzOpinionEditor *self,
            const char      *text,
            const char      *css_class)
{
  gtk_label_set_text (self->status_label, text);
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "dim-label");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "success");
  if (css_class)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), css_class);
}

/* The sign action is enabled exactly when the model would accept it. */
static void
update_state (HzOpinionEditor *self)
{
  g_autoptr(GError) error = NULL;
  gboolean refer = adw_combo_row_get_selected (self->decision_row) == 2;
  gboolean valid;

  gtk_widget_set_sensitive (GTK_WIDGET (self->urgency_row), refer);
  gtk_widget_set_sensitive (GTK_WIDGET (self->hospital_row), refer);
  update_addendum_state (self);
  if (self->signed_opinion)
    {
      g_autoptr(GDateTime) t = g_date_time_new_from_iso8601 (hz_signed_opinion_get_signed_at (self->signed_opinion), NULL);
      g_autoptr(GDateTime) local = g_date_time_to_local (t);
      g_autofree char *when = g_date_time_format (local, "%Y-%m-%d %H:%M");
      g_autofree char *fp = hz_fingerprint_format (hz_signed_opinion_get_key_fingerprint (self->signed_opinion));
      /* TRANSLATORS: the signer's name, when, the key's fingerprint */
      g_autofree char *status = g_strdup_printf (_("Signed by %s on %s with the key %s. The opinion is locked: corrections are signed addenda."),
                                                 self->signer_name ? self->signer_name
                                                                   : hz_signed_opinion_get_author (self->signed_opinion),
                                                 when, fp);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "opinion.sign", FALSE);
      gtk_widget_set_sensitive (self->form, FALSE);
      /* Nothing more to search for: the codes are signed. */
      gtk_widget_set_visible (GTK_WIDGET (self->icd_search), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->suggestions), FALSE);
      /* Signed once: the way on is Add Addendum below. */
      gtk_widget_set_visible (GTK_WIDGET (self->sign_button), FALSE);
      set_status (self, status, "success");
      return;
    }
  valid = hz_opinion_editor_validate (self, &error);
  if (valid && self->key == NULL)
    {
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "opinion.sign", FALSE);
      set_status (self, _("No signing key is set up for your account: the opinion cannot be signed yet."), "error");
      return;
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "opinion.sign", valid);
  set_status (self, valid ? _("Ready to sign. Once signed, the opinion cannot be changed.") : error->message,
              "dim-label");
}

static void
changed_cb (HzOpinionEditor *self)
{
  update_state (self);
}

static void
sign_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HzOpinionEditor *self = HZ_OPINION_EDITOR (widget);
  g_autoptr(HzOpinion) o = NULL;
  g_autoptr(GError) error = NULL;

  if (self->signed_opinion || self->key == NULL)
    return;
  o = hz_opinion_editor_dup_opinion (self);
  self->signed_opinion = hz_signed_opinion_sign (o, self->consult_id, self->author, self->key, NULL, &error);
  if (self->signed_opinion == NULL)
    {
      set_status (self, error->message, "error");
      return;
    }
  rebuild_diagnoses (self);
  update_state (self);
  g_signal_emit (self, signals[SIGNAL_SIGNED], 0, self->signed_opinion);
}

/* Addenda ----------------------------------------------------------------- */

static char *
addendum_text (HzOpinionEditor *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->addendum_view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  return g_strstrip (g_steal_pointer (&text));
}

/* A signed opinion takes addenda, signed with the same key: the section
 * shows once the opinion is locked, signing once there is a text. */
static void
update_addendum_state (HzOpinionEditor *self)
{
  g_autofree char *text = addendum_text (self);
  gboolean can = self->signed_opinion != NULL && self->key != NULL;

  gtk_widget_set_visible (self->addendum_section, self->signed_opinion != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "opinion.add-addendum", can);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "opinion.sign-addendum",
                                 can && gtk_revealer_get_reveal_child (self->addendum_revealer) &&
                                 *text != '\0' && g_utf8_strlen (text, -1) <= HZ_ADDENDUM_MAX_TEXT);
}

static void
addendum_changed_cb (HzOpinionEditor *self)
{
  update_addendum_state (self);
}

static void
add_addendum_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  HzOpinionEditor *self = HZ_OPINION_EDITOR (widget);

  gtk_revealer_set_reveal_child (self->addendum_revealer, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->addendum_view));
  update_addendum_state (self);
}

static void
show_addendum (HzOpinionEditor *self,
               HzSignedOpinion *addendum)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_iso8601 (hz_signed_opinion_get_signed_at (addendum), NULL);
  g_autoptr(GDateTime) local = t ? g_date_time_to_local (t) : NULL;
  g_autofree char *when = local ? g_date_time_format (local, "%Y-%m-%d %H:%M") : g_strdup ("");
  /* TRANSLATORS: %u is the addendum's number, %s when it was signed */
  g_autofree char *heading = g_strdup_printf (_("Addendum %u, signed %s"), self->addenda->len, when);
  g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>\n%s", heading,
                                                     hz_signed_opinion_get_addendum_text (addendum));
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_markup (GTK_LABEL (label), markup);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_box_append (self->addenda_box, label);
}

static void
sign_addendum_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  HzOpinionEditor *self = HZ_OPINION_EDITOR (widget);
  g_autofree char *text = addendum_text (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(HzSignedOpinion) addendum = NULL;
  HzSignedOpinion *parent;

  if (self->signed_opinion == NULL || self->key == NULL || *text == '\0')
    return;
  /* Chained to the newest item: the opinion, then each addendum. */
  parent = self->addenda->len > 0 ? g_ptr_array_index (self->addenda, self->addenda->len - 1) : self->signed_opinion;
  addendum = hz_signed_opinion_sign_addendum (parent, text, self->author, self->key, NULL, &error);
  if (addendum == NULL)
    {
      set_status (self, error->message, "error");
      return;
    }
  g_ptr_array_add (self->addenda, g_object_ref (addendum));
  show_addendum (self, addendum);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->addendum_view), "", -1);
  gtk_revealer_set_reveal_child (self->addendum_revealer, FALSE);
  update_addendum_state (self);
  g_signal_emit (self, signals[SIGNAL_ADDENDUM_SIGNED], 0, addendum);
}

void
hz_opinion_editor_set_addendum_text (HzOpinionEditor *self,
                                     const char      *text)
{
  g_return_if_fail (HZ_IS_OPINION_EDITOR (self));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->addendum_view), text ? text : "", -1);
}

guint
hz_opinion_editor_get_n_addenda (HzOpinionEditor *self)
{
  g_return_val_if_fail (HZ_IS_OPINION_EDITOR (self), 0);
  return self->addenda->len;
}

HzSignedOpinion *
hz_opinion_editor_get_addendum (HzOpinionEditor *self,
                                guint            index)
{
  g_return_val_if_fail (HZ_IS_OPINION_EDITOR (self), NULL);
  g_return_val_if_fail (index < self->addenda->len, NULL);
  return g_ptr_array_index (self->addenda, index);
}

/* Setup ------------------------------------------------------------------- */

void
hz_opinion_editor_set_consult (HzOpinionEditor *self,
                               const char      *consult_id,
                               const char      *author)
{
  g_return_if_fail (HZ_IS_OPINION_EDITOR (self));
  g_free (self->consult_id);
  self->consult_id = g_strdup (consult_id);
  g_free (self->author);
  self->author = g_strdup (author);
  update_state (self);
}

void
hz_opinion_editor_set_signing_key (HzOpinionEditor *self,
                                   HzSigningKey    *key)
{
  g_return_if_fail (HZ_IS_OPINION_EDITOR (self));
  g_set_object (&self->key, key);
  update_state (self);
}

void
hz_opinion_editor_set_catalogue (HzOpinionEditor  *self,
                                 HzIcd10Catalogue *catalogue)
{
  HzIcd10Catalogue *chosen = catalogue ? catalogue : hz_icd10_catalogue_get_default ();

  g_return_if_fail (HZ_IS_OPINION_EDITOR (self));
  g_set_object (&self->catalogue, chosen);
}

/**
 * hz_opinion_editor_set_signed:
 * @opinion: the opinion this specialist signed earlier, verified
 * @addenda: (nullable): its verified addenda, in chain order
 *
 * Brings back the locked form of an opinion signed in an earlier
 * session: the fields read-only as signed, the addenda listed, and Add
 * Addendum the only way on. Calling it again with the same opinion and
 * a longer chain adds the new addenda.
 */
void
hz_opinion_editor_set_signed (HzOpinionEditor *self,
                              HzSignedOpinion *opinion,
                              GPtrArray       *addenda)
{
  g_return_if_fail (HZ_IS_OPINION_EDITOR (self));
  g_return_if_fail (HZ_IS_SIGNED_OPINION (opinion));

  if (self->signed_opinion == NULL ||
      g_strcmp0 (hz_signed_opinion_get_hash (self->signed_opinion), hz_signed_opinion_get_hash (opinion)) != 0)
    {
      GtkWidget *child;

      g_set_object (&self->signed_opinion, opinion);
      fill_form (self, hz_signed_opinion_get_opinion (opinion));
      g_ptr_array_set_size (self->addenda, 0);
      while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->addenda_box))) != NULL)
        gtk_box_remove (self->addenda_box, child);
    }
  for (guint i = self->addenda->len; addenda != NULL && i < addenda->len; i++)
    {
      g_ptr_array_add (self->addenda, g_object_ref (g_ptr_array_index (addenda, i)));
      show_addendum (self, g_ptr_array_index (addenda, i));
    }
  update_state (self);
}

void
hz_opinion_editor_set_signer_name (HzOpinionEditor *self,
                                   const char      *name)
{
  g_return_if_fail (HZ_IS_OPINION_EDITOR (self));
  g_free (self->signer_name);
  self->signer_name = g_strdup (name);
  update_state (self);
}

gboolean
hz_opinion_editor_get_locked (HzOpinionEditor *self)
{
  g_return_val_if_fail (HZ_IS_OPINION_EDITOR (self), FALSE);
  return self->signed_opinion != NULL;
}

HzSignedOpinion *
hz_opinion_editor_get_signed (HzOpinionEditor *self)
{
  g_return_val_if_fail (HZ_IS_OPINION_EDITOR (self), NULL);
  return self->signed_opinion;
}

GtkWidget *
hz_opinion_editor_new (void)
{
  return g_object_new (HZ_TYPE_OPINION_EDITOR, NULL);
}

static void
hz_opinion_editor_dispose (GObject *object)
{
  HzOpinionEditor *self = HZ_OPINION_EDITOR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), HZ_TYPE_OPINION_EDITOR);
  g_clear_object (&self->catalogue);
  g_clear_object (&self->key);
  g_clear_object (&self->signed_opinion);
  g_clear_pointer (&self->addenda, g_ptr_array_unref);
  G_OBJECT_CLASS (hz_opinion_editor_parent_class)->dispose (object);
}

static void
hz_opinion_editor_finalize (GObject *object)
{
  HzOpinionEditor *self = HZ_OPINION_EDITOR (object);

  g_free (self->consult_id);
  g_free (self->author);
  g_free (self->signer_name);
  g_array_unref (self->diagnoses);
  G_OBJECT_CLASS (hz_opinion_editor_parent_class)->finalize (object);
}

static void
hz_opinion_editor_class_init (HzOpinionEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hz_opinion_editor_dispose;
  object_class->finalize = hz_opinion_editor_finalize;

  /**
   * HzOpinionEditor::signed:
   * @opinion: the HzSignedOpinion, owned by the editor
   *
   * The specialist signed; the form is locked from now on.
   */
  signals[SIGNAL_SIGNED] = g_signal_new ("signed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, HZ_TYPE_SIGNED_OPINION);
  /**
   * HzOpinionEditor::addendum-signed:
   * @addendum: the HzSignedOpinion (an addendum), owned by the editor
   *
   * The specialist signed an addendum to the locked opinion.
   */
  signals[SIGNAL_ADDENDUM_SIGNED] = g_signal_new ("addendum-signed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, HZ_TYPE_SIGNED_OPINION);

  /* The library is static: register its resources by hand, once. */
  hz_opinion_ui_register_resource ();
  gtk_widget_class_set_template_from_resource (widget_class, "/org/huizhen/opinion/hz-opinion-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, HzOpinionEditor, form);
  gtk_widget_class_bind_template_child (widget_class, HzOpinionEditor, findings_view);
  gtk_widget_class_bind_template_child (widget_class, HzOpinionEditor, icd_search);
  gtk_widget_class_bind_template_child (widget_class, HzOpinionEditor, suggestions);
  gtk_widget_class_bind_template_child (widget_class, HzOpinionEditor, diagnoses_list);
  gtk_widget_class_bind_template_child (widget_class, HzOpinionEditor, treatment_view);
  gtk_widget_class_bind_template_child (widget_class, HzOpinionEditor, follow_up_view);
  gtk_widget_class_bind_template_child (widget_class, HzOpinionEditor, decision_row);
  gtk_widget_class_bind_template_child (widget_class, HzOpinionEditor, urgency_row);
  gtk_widget_class_bind_template_child (widget_class, HzOpinionEditor, hospital_row);
  gtk_widget_class_bind_template_child (widget_class, HzOpinionEditor, text_view);
  gtk_widget_class_bind_template_child (widget_class, HzOpinionEditor, status_label);
  gtk_widget_class_bind_template_child (widget_class, HzOpinionEditor, sign_button);
  gtk_widget_class_bind_template_child (widget_class, HzOpinionEditor, addendum_section);
  gtk_widget_class_bind_template_child (widget_class, HzOpinionEditor, addenda_box);
  gtk_widget_class_bind_template_child (widget_class, HzOpinionEditor, addendum_revealer);
  gtk_widget_class_bind_template_child (widget_class, HzOpinionEditor, addendum_view);
  gtk_widget_class_bind_template_callback (widget_class, icd_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, icd_search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, suggestion_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, changed_cb);

  gtk_widget_class_install_action (widget_class, "opinion.sign", NULL, sign_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "opinion.sign", NULL);
  gtk_widget_class_install_action (widget_class, "opinion.add-addendum", NULL, add_addendum_action);
  gtk_widget_class_install_action (widget_class, "opinion.sign-addendum", NULL, sign_addendum_action);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_FORM);
}

static void
hz_opinion_editor_init (HzOpinionEditor *self)
{
  GtkTextView *views[4];
  guint i;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->addenda = g_ptr_array_new_with_free_func (g_object_unref);
  self->diagnoses = g_array_new (FALSE, TRUE, sizeof (HzDiagnosis));
  g_array_set_clear_func (self->diagnoses, diagnosis_clear);
  self->catalogue = g_object_ref (hz_icd10_catalogue_get_default ());
  views[0] = self->findings_view;
  views[1] = self->treatment_view;
  views[2] = self->follow_up_view;
  views[3] = self->text_view;
  for (i = 0; i < G_N_ELEMENTS (views); i++)
    g_signal_connect_swapped (gtk_text_view_get_buffer (views[i]), "changed", G_CALLBACK (changed_cb), self);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->addendum_view), "changed",
                            G_CALLBACK (addendum_changed_cb), self);
  update_state (self);
}
