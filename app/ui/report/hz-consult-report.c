/* hz-consult-report.c: the printable consult report (A4, cairo + pango).
 *
 * The report is laid out once into a list of placed lines (text is
 * paginated line by line, so a long opinion flows over pages), then drawn
 * page by page: into a cairo PDF surface for the exported file, or into
 * any cairo_t (a print context) through draw_page. Fonts are Noto Sans
 * CJK SC, so Chinese and Latin text share one face and cairo embeds the
 * used glyphs into the PDF. Labels follow the process locale (gettext);
 * the clinical text is shown as signed. */
#include "config.h"

#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "hz-consult-report.h"

#define MARGIN_X      56.0   /* 2 cm */
#define MARGIN_TOP    56.0
#define MARGIN_BOTTOM 64.0
#define FOOTER_Y      (HZ_CONSULT_REPORT_PAGE_HEIGHT - 36.0)
#define LABEL_WIDTH   112.0
#define CONTENT_WIDTH (HZ_CONSULT_REPORT_PAGE_WIDTH - 2 * MARGIN_X)
#define FONT_FAMILY   "Noto Sans CJK SC, Noto Sans, sans-serif"

typedef enum {
  PLACED_LINE,
  PLACED_RULE,
} PlacedKind;

typedef struct {
  PlacedKind       kind;
  guint            page;
  PangoLayoutLine *line;   /* PLACED_LINE */
  double           x, y;   /* y: the baseline for a line */
} Placed;

typedef struct {
  char *name, *title, *department, *institution;
} Party;

struct _HzConsultReport {
  GObject          parent_instance;

  HzSignedOpinion *opinion;
  GPtrArray       *addenda;   /* HzSignedOpinion */
  Party            requester;
  Party            responder;
  char            *patient_name, *patient_latin, *patient_sex, *patient_id;
  int              patient_age;
  char            *urgency, *reason, *question;

  /* The laid-out pages, built on demand. */
  PangoContext    *context;
  GArray          *placed;    /* Placed */
  GPtrArray       *layouts;   /* keep the placed lines' layouts alive */
  guint            n_pages;
  double           y;         /* while laying out */
};

G_DEFINE_QUARK (hz-consult-report-error-quark, hz_consult_report_error)
G_DEFINE_FINAL_TYPE (HzConsultReport, hz_consult_report, G_TYPE_OBJECT)

static void
party_clear (Party *p)
{
  g_clear_pointer (&p->name, g_free);
  g_clear_pointer (&p->title, g_free);
  g_clear_pointer (&p->department, g_free);
  g_clear_pointer (&p->institution, g_free);
}

static void
placed_clear (gpointer data)
{
  Placed *p = data;
  g_clear_pointer (&p->line, pango_layout_line_unref);
}

static void
invalidate (HzConsultReport *self)
{
  g_clear_pointer (&self->placed, g_array_unref);
  g_clear_pointer (&self->layouts, g_ptr_array_unref);
  self->n_pages = 0;
}

static void
hz_consult_report_finalize (GObject *object)
{
  HzConsultReport *self = HZ_CONSULT_REPORT (object);

  invalidate (self);
  g_clear_object (&self->context);
  g_clear_object (&self->opinion);
  g_ptr_array_unref (self->addenda);
  party_clear (&self->requester);
  party_clear (&self->responder);
  g_free (self->patient_name);
  g_free (self->patient_latin);
  g_free (self->patient_sex);
  g_free (self->patient_id);
  g_free (self->urgency);
  g_free (self->reason);
  g_free (self->question);
  G_OBJECT_CLASS (hz_consult_report_parent_class)->finalize (object);
}

static void
hz_consult_report_class_init (HzConsultReportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hz_consult_report_finalize;
}

static void
hz_consult_report_init (HzConsultReport *self)
{
  self->addenda = g_ptr_array_new_with_free_func (g_object_unref);
  self->patient_age = -1;
}

HzConsultReport *
hz_consult_report_new (HzSignedOpinion *opinion)
{
  HzConsultReport *self;

  g_return_val_if_fail (HZ_IS_SIGNED_OPINION (opinion), NULL);
  g_return_val_if_fail (hz_signed_opinion_get_kind (opinion) == HZ_SIGNED_KIND_OPINION, NULL);
  self = g_object_new (HZ_TYPE_CONSULT_REPORT, NULL);
  self->opinion = g_object_ref (opinion);
  return self;
}

static void
party_set (Party               *p,
           const HzReportParty *from)
{
  party_clear (p);
  if (from == NULL)
    return;
  p->name = g_strdup (from->name);
  p->title = g_strdup (from->title);
  p->department = g_strdup (from->department);
  p->institution = g_strdup (from->institution);
}

void
hz_consult_report_set_requester (HzConsultReport     *self,
                                 const HzReportParty *party)
{
  g_return_if_fail (HZ_IS_CONSULT_REPORT (self));
  party_set (&self->requester, party);
  invalidate (self);
}

void
hz_consult_report_set_responder (HzConsultReport     *self,
                                 const HzReportParty *party)
{
  g_return_if_fail (HZ_IS_CONSULT_REPORT (self));
  party_set (&self->responder, party);
  invalidate (self);
}

/* sex: "male", "female", "other" or "unknown" (FHIR's codes); age < 0 if
 * not known. */
void
hz_consult_report_set_patient (HzConsultReport *self,
                               const char      *name,
                               const char      *name_latin,
                               const char      *sex,
                               int              age,
                               const char      *patient_id)
{
  g_return_if_fail (HZ_IS_CONSULT_REPORT (self));
  g_free (self->patient_name);
  self->patient_name = g_strdup (name);
  g_free (self->patient_latin);
  self->patient_latin = g_strdup (name_latin);
  g_free (self->patient_sex);
  self->patient_sex = g_strdup (sex);
  self->patient_age = age;
  g_free (self->patient_id);
  self->patient_id = g_strdup (patient_id);
  invalidate (self);
}

/* urgency: "routine", "urgent" or "emergency". */
void
hz_consult_report_set_request (HzConsultReport *self,
                               const char      *urgency,
                               const char      *reason,
                               const char      *question)
{
  g_return_if_fail (HZ_IS_CONSULT_REPORT (self));
  g_free (self->urgency);
  self->urgency = g_strdup (urgency);
  g_free (self->reason);
  self->reason = g_strdup (reason);
  g_free (self->question);
  self->question = g_strdup (question);
  invalidate (self);
}

void
hz_consult_report_add_addendum (HzConsultReport *self,
                                HzSignedOpinion *addendum)
{
  g_return_if_fail (HZ_IS_CONSULT_REPORT (self));
  g_return_if_fail (hz_signed_opinion_get_kind (addendum) == HZ_SIGNED_KIND_ADDENDUM);
  g_ptr_array_add (self->addenda, g_object_ref (addendum));
  invalidate (self);
}

/* Words ------------------------------------------------------------------- */

static const char *
urgency_label (const char *urgency)
{
  if (g_strcmp0 (urgency, "emergency") == 0)
    return _("Emergency");
  if (g_strcmp0 (urgency, "urgent") == 0)
    return _("Urgent");
  return _("Routine");
}

static const char *
sex_label (const char *sex)
{
  if (g_strcmp0 (sex, "male") == 0)
    return _("Male");
  if (g_strcmp0 (sex, "female") == 0)
    return _("Female");
  if (g_strcmp0 (sex, "other") == 0)
    return _("Other");
  return _("Unknown");
}

/* "2026-11-22 18:30 (UTC+08:00)": local time, with the offset so a
 * printed report is unambiguous. */
static char *
local_time (const char *iso)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_iso8601 (iso, NULL);
  g_autoptr(GDateTime) local = NULL;

  if (t == NULL)
    return g_strdup (iso);
  local = g_date_time_to_local (t);
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S (UTC%:z)");
}

static char *
party_text (const Party *p)
{
  GString *s = g_string_new (p->name ? p->name : "—");

  if (p->title && *p->title)
    g_string_append_printf (s, "%s%s", C_("list separator", ", "), p->title);
  if (p->department && *p->department)
    g_string_append_printf (s, "%s%s", C_("list separator", ", "), p->department);
  return g_string_free (s, FALSE);
}

/* Layout ------------------------------------------------------------------ */

static PangoLayout *
make_layout (HzConsultReport *self,
             const char      *text,
             double           size,
             gboolean         bold,
             double           width)
{
  PangoLayout *layout = pango_layout_new (self->context);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (FONT_FAMILY);

  pango_font_description_set_size (font, (int) (size * PANGO_SCALE));
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_spacing (layout, (int) (size * 0.25 * PANGO_SCALE));
  pango_layout_set_text (layout, text ? text : "", -1);
  return layout;
}

static void
new_page (HzConsultReport *self)
{
  self->n_pages++;
  self->y = MARGIN_TOP;
}

static double
first_line_height (PangoLayout *layout)
{
  PangoRectangle logical;
  PangoLayoutIter *iter = pango_layout_get_iter (layout);

  pango_layout_iter_get_line_extents (iter, NULL, &logical);
  pango_layout_iter_free (iter);
  return (double) logical.height / PANGO_SCALE;
}

/* Places layout's lines from the current y, breaking pages between lines.
 * With beside, that layout's lines go at beside_x next to the first ones
 * (a row's label). Returns nothing: self->y moves on. */
static void
place (HzConsultReport *self,
       PangoLayout     *layout,
       double           x,
       PangoLayout     *beside,
       double           beside_x)
{
  PangoLayoutIter *iter = pango_layout_get_iter (layout);

  g_ptr_array_add (self->layouts, g_object_ref (layout));
  if (beside)
    g_ptr_array_add (self->layouts, g_object_ref (beside));

  PangoRectangle whole;

  /* Short blocks (up to about five lines) are not split over pages. */
  pango_layout_get_extents (layout, NULL, &whole);
  if ((self->y + first_line_height (layout) > HZ_CONSULT_REPORT_PAGE_HEIGHT - MARGIN_BOTTOM) ||
      (whole.height / PANGO_SCALE < 80 && self->y + whole.height / PANGO_SCALE > HZ_CONSULT_REPORT_PAGE_HEIGHT - MARGIN_BOTTOM))
    new_page (self);
  do
    {
      PangoRectangle logical;
      double height, baseline;
      Placed p = { PLACED_LINE, 0, NULL, x, 0 };

      pango_layout_iter_get_line_extents (iter, NULL, &logical);
      height = (double) logical.height / PANGO_SCALE;
      baseline = (double) (pango_layout_iter_get_baseline (iter) - logical.y) / PANGO_SCALE;
      if (self->y + height > HZ_CONSULT_REPORT_PAGE_HEIGHT - MARGIN_BOTTOM)
        new_page (self);
      p.page = self->n_pages - 1;
      p.x = x + (double) logical.x / PANGO_SCALE;  /* alignment */
      p.line = pango_layout_line_ref (pango_layout_iter_get_line_readonly (iter));
      p.y = self->y + baseline;
      g_array_append_val (self->placed, p);
      if (beside)
        {
          Placed b = { PLACED_LINE, p.page, pango_layout_line_ref (pango_layout_get_line_readonly (beside, 0)),
                       beside_x, p.y };
          g_array_append_val (self->placed, b);
          beside = NULL;
        }
      /* Lines are spaced as the layout spaces them. */
      {
        PangoRectangle next;
        if (pango_layout_iter_next_line (iter))
          {
            pango_layout_iter_get_line_extents (iter, NULL, &next);
            self->y += (double) (next.y - logical.y) / PANGO_SCALE;
            continue;
          }
        self->y += height;
        break;
      }
    }
  while (TRUE);
  pango_layout_iter_free (iter);
}

static void
add_paragraph (HzConsultReport *self,
               const char      *text,
               double           size,
               gboolean         bold,
               PangoAlignment   align,
               double           space_before)
{
  g_autoptr(PangoLayout) layout = make_layout (self, text, size, bold, CONTENT_WIDTH);

  pango_layout_set_alignment (layout, align);
  self->y += space_before;
  place (self, layout, MARGIN_X, NULL, 0);
}

static void
add_rule (HzConsultReport *self,
          double           space)
{
  Placed p = { PLACED_RULE, 0, NULL, MARGIN_X, 0 };

  self->y += space;
  p.page = self->n_pages - 1;
  p.y = self->y;
  g_array_append_val (self->placed, p);
  self->y += space;
}

/* A heading is never left alone at the foot of a page. */
static void
add_heading (HzConsultReport *self,
             const char      *text)
{
  g_autoptr(PangoLayout) layout = make_layout (self, text, 12.5, TRUE, CONTENT_WIDTH);

  self->y += 14;
  if (self->y + 3 * first_line_height (layout) > HZ_CONSULT_REPORT_PAGE_HEIGHT - MARGIN_BOTTOM)
    new_page (self);
  place (self, layout, MARGIN_X, NULL, 0);
  add_rule (self, 3);
}

/* label | value, the value wrapping in its own column. */
static void
add_row (HzConsultReport *self,
         const char      *label,
         const char      *value)
{
  g_autoptr(PangoLayout) l = make_layout (self, label, 10, TRUE, LABEL_WIDTH);
  g_autoptr(PangoLayout) v = make_layout (self, value && *value ? value : "—", 10,
                                          FALSE, CONTENT_WIDTH - LABEL_WIDTH - 8);

  pango_layout_set_ellipsize (l, PANGO_ELLIPSIZE_END);
  self->y += 4;
  place (self, v, MARGIN_X + LABEL_WIDTH + 8, l, MARGIN_X);
}

static void
lay_out_signature (HzConsultReport *self,
                   HzSignedOpinion *signed_item,
                   const char      *author_name)
{
  g_autofree char *when = local_time (hz_signed_opinion_get_signed_at (signed_item));
  g_autofree char *grouped = hz_fingerprint_format (hz_signed_opinion_get_key_fingerprint (signed_item));
  g_autofree char *hash = hz_fingerprint_format (hz_signed_opinion_get_hash (signed_item));
  g_autofree char *by = NULL;

  /* Two lines of eight groups: read aloud and compared, they must not
   * wrap mid-group. */
  if (strlen (grouped) > 40)
    grouped[39] = '\n';
  if (strlen (hash) > 40)
    hash[39] = '\n';
  /* TRANSLATORS: a person's name, then their user name */
  by = g_strdup_printf (_("%s (%s)"), author_name ? author_name : hz_signed_opinion_get_author (signed_item),
                        hz_signed_opinion_get_author (signed_item));
  add_row (self, _("Signed by"), by);
  add_row (self, _("Signed at"), when);
  add_row (self, _("Key fingerprint"), grouped);
  add_row (self, _("Signed text hash"), hash);
}

static void
lay_out (HzConsultReport *self)
{
  HzOpinion *o = hz_signed_opinion_get_opinion (self->opinion);
  g_autofree char *subtitle = NULL;
  g_autofree char *requester = party_text (&self->requester);
  g_autofree char *responder = party_text (&self->responder);
  g_autoptr(GString) patient = g_string_new (NULL);
  g_autoptr(GString) diagnoses = g_string_new (NULL);
  g_autofree char *referral = NULL;
  guint i;

  if (self->placed)
    return;
  if (self->context == NULL)
    {
      cairo_font_options_t *options = cairo_font_options_create ();
      self->context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
      /* Points, unhinted metrics: the same layout on screen, PDF and paper. */
      pango_cairo_context_set_resolution (self->context, 72);
      cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
      cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
      pango_cairo_context_set_font_options (self->context, options);
      cairo_font_options_destroy (options);
      /* Han characters in their simplified Chinese forms. */
      pango_context_set_language (self->context, pango_language_from_string ("zh-cn"));
    }
  self->placed = g_array_new (FALSE, TRUE, sizeof (Placed));
  self->layouts = g_ptr_array_new_with_free_func (g_object_unref);
  g_array_set_clear_func (self->placed, placed_clear);
  self->n_pages = 0;
  new_page (self);

  add_paragraph (self, _("Remote Consultation Report"), 18, TRUE, PANGO_ALIGN_CENTER, 0);
  subtitle = g_strdup_printf (_("Consult %s"), hz_signed_opinion_get_consult_id (self->opinion));
  add_paragraph (self, subtitle, 9.5, FALSE, PANGO_ALIGN_CENTER, 4);
  add_rule (self, 8);

  add_heading (self, _("Institutions and doctors"));
  add_row (self, _("Requesting institution"), self->requester.institution);
  add_row (self, _("Requesting doctor"), requester);
  add_row (self, _("Consulting institution"), self->responder.institution);
  add_row (self, _("Consulting specialist"), responder);

  add_heading (self, _("Patient"));
  g_string_append (patient, self->patient_name ? self->patient_name : "—");
  if (self->patient_latin && *self->patient_latin)
    {
      g_autofree char *both = g_strdup_printf (_("%s (%s)"), patient->str, self->patient_latin);
      g_string_assign (patient, both);
    }
  add_row (self, _("Name"), patient->str);
  add_row (self, _("Sex"), sex_label (self->patient_sex));
  if (self->patient_age >= 0)
    {
      g_autofree char *age = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d year", "%d years",
                                                           (gulong) self->patient_age), self->patient_age);
      add_row (self, _("Age"), age);
    }
  add_row (self, _("Patient ID"), self->patient_id);

  add_heading (self, _("Consultation request"));
  add_row (self, _("Urgency"), urgency_label (self->urgency));
  add_row (self, _("Reason"), self->reason);
  add_row (self, _("Question"), self->question);

  add_heading (self, _("Specialist opinion"));
  add_row (self, _("Findings"), hz_opinion_get_findings (o));
  for (i = 0; i < hz_opinion_get_n_diagnoses (o); i++)
    {
      const HzDiagnosis *d = hz_opinion_get_diagnosis (o, i);
      g_string_append_printf (diagnoses, "%s%s  %s", i ? "\n" : "", d->code, d->label);
    }
  add_row (self, _("Diagnoses (ICD-10)"), diagnoses->str);
  add_row (self, _("Treatment advice"), hz_opinion_get_treatment (o));
  add_row (self, _("Follow-up"), hz_opinion_get_follow_up (o));
  if (hz_opinion_get_referral (o) == HZ_REFERRAL_REFER)
    {
      const char *to = hz_opinion_get_referral_to (o);
      referral = to ? g_strdup_printf (_("Refer to %s (%s)"), to, urgency_label (hz_referral_urgency_to_string (hz_opinion_get_referral_urgency (o))))
                    : g_strdup_printf (_("Refer to the consulting hospital (%s)"),
                                       urgency_label (hz_referral_urgency_to_string (hz_opinion_get_referral_urgency (o))));
    }
  else
    referral = g_strdup (_("Treat locally"));
  add_row (self, _("Referral"), referral);
  add_row (self, _("Remarks"), hz_opinion_get_text (o));

  add_heading (self, _("Electronic signature"));
  lay_out_signature (self, self->opinion, self->responder.name);

  for (i = 0; i < self->addenda->len; i++)
    {
      HzSignedOpinion *a = self->addenda->pdata[i];
      g_autofree char *heading = g_strdup_printf (_("Addendum %u"), i + 1);
      add_heading (self, heading);
      add_row (self, _("Correction"), hz_signed_opinion_get_addendum_text (a));
      lay_out_signature (self, a, g_strcmp0 (hz_signed_opinion_get_author (a), hz_signed_opinion_get_author (self->opinion)) == 0
                                    ? self->responder.name : NULL);
    }

  add_paragraph (self, _("This opinion is advice from a remote consultation. The diagnosis and the treatment decision remain with the requesting doctor."),
                 8.5, FALSE, PANGO_ALIGN_LEFT, 18);
}

/* Drawing ----------------------------------------------------------------- */

guint
hz_consult_report_get_n_pages (HzConsultReport *self)
{
  g_return_val_if_fail (HZ_IS_CONSULT_REPORT (self), 0);
  lay_out (self);
  return self->n_pages;
}

/* Draws one page (0-based) in points on cr, A4 at the origin. */
void
hz_consult_report_draw_page (HzConsultReport *self,
                             cairo_t         *cr,
                             guint            page)
{
  g_autofree char *footer = NULL;
  g_autoptr(PangoLayout) left = NULL;
  g_autoptr(PangoLayout) right = NULL;
  guint i;

  g_return_if_fail (HZ_IS_CONSULT_REPORT (self));
  lay_out (self);
  g_return_if_fail (page < self->n_pages);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  for (i = 0; i < self->placed->len; i++)
    {
      const Placed *p = &g_array_index (self->placed, Placed, i);
      if (p->page != page)
        continue;
      if (p->kind == PLACED_RULE)
        {
          cairo_set_line_width (cr, 0.6);
          cairo_move_to (cr, MARGIN_X, p->y);
          cairo_line_to (cr, MARGIN_X + CONTENT_WIDTH, p->y);
          cairo_stroke (cr);
          continue;
        }
      cairo_move_to (cr, p->x, p->y);
      pango_cairo_show_layout_line (cr, p->line);
    }

  /* Footer: the consult and the page, so loose pages find their report. */
  footer = g_strdup_printf (_("Page %u of %u"), page + 1, self->n_pages);
  right = make_layout (self, footer, 8.5, FALSE, CONTENT_WIDTH);
  pango_layout_set_alignment (right, PANGO_ALIGN_RIGHT);
  left = make_layout (self, hz_signed_opinion_get_consult_id (self->opinion), 8.5, FALSE, CONTENT_WIDTH);
  cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
  cairo_set_line_width (cr, 0.4);
  cairo_move_to (cr, MARGIN_X, FOOTER_Y - 4);
  cairo_line_to (cr, MARGIN_X + CONTENT_WIDTH, FOOTER_Y - 4);
  cairo_stroke (cr);
  cairo_move_to (cr, MARGIN_X, FOOTER_Y);
  pango_cairo_show_layout (cr, left);
  cairo_move_to (cr, MARGIN_X, FOOTER_Y);
  pango_cairo_show_layout (cr, right);
  cairo_restore (cr);
}

static cairo_status_t
write_cb (void                *closure,
          const unsigned char *data,
          unsigned int         length)
{
  GOutputStream *out = closure;

  if (!g_output_stream_write_all (out, data, length, NULL, NULL,
                                  g_object_get_data (G_OBJECT (out), "hz-error")))
    return CAIRO_STATUS_WRITE_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

/* The file is created private (0600): it holds patient data. */
gboolean
hz_consult_report_write_pdf (HzConsultReport  *self,
                             const char       *path,
                             GError          **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GError) local = NULL;
  GError *write_error = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  g_autofree char *title = NULL;
  guint page, n;

  g_return_val_if_fail (HZ_IS_CONSULT_REPORT (self), FALSE);

  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION, NULL, &local);
  if (out == NULL)
    {
      g_set_error (error, HZ_CONSULT_REPORT_ERROR, HZ_CONSULT_REPORT_ERROR_WRITE,
                   _("Could not write the report %s: %s"), path, local->message);
      return FALSE;
    }
  g_object_set_data (G_OBJECT (out), "hz-error", &write_error);
  n = hz_consult_report_get_n_pages (self);
  surface = cairo_pdf_surface_create_for_stream (write_cb, out, HZ_CONSULT_REPORT_PAGE_WIDTH,
                                                 HZ_CONSULT_REPORT_PAGE_HEIGHT);
  title = g_strdup_printf ("%s %s", _("Remote Consultation Report"), hz_signed_opinion_get_consult_id (self->opinion));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Huizhen " PACKAGE_VERSION);
  cr = cairo_create (surface);
  for (page = 0; page < n; page++)
    {
      hz_consult_report_draw_page (self, cr, page);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status == CAIRO_STATUS_SUCCESS && !g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &write_error))
    status = CAIRO_STATUS_WRITE_ERROR;
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, HZ_CONSULT_REPORT_ERROR, HZ_CONSULT_REPORT_ERROR_WRITE,
                   _("Could not write the report %s: %s"), path,
                   write_error ? write_error->message : cairo_status_to_string (status));
      g_clear_error (&write_error);
      return FALSE;
    }
  return TRUE;
}
