/* hz-ecg-strip.c: an ECG drawn on the standard paper grid. Millimetres
 * are real ones at the set pixel density so a doctor can measure
 * intervals and amplitudes on screen as on paper. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "hz-ecg-strip.h"

#define ROW_HEIGHT_MM   30.0   /* ±1.5 mV at 10 mm/mV: a QRS fits */
#define LABEL_GAP_PX    4

typedef struct {
  char   *label;
  double  rate_hz;
  guint   n_samples;
  float  *mv;          /* millivolts; NaN for a gap */
} Lead;

struct _HzEcgStrip
{
  GtkWidget  parent_instance;

  GPtrArray *leads;     /* of Lead */
  double     pixels_per_mm;  /* 0: the default */
  double     speed;
  double     gain;
};

G_DEFINE_FINAL_TYPE (HzEcgStrip, hz_ecg_strip, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PIXELS_PER_MM,
  PROP_SPEED,
  PROP_GAIN,
  PROP_N_LEADS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
lead_free (gpointer data)
{
  Lead *lead = data;

  g_free (lead->label);
  g_free (lead->mv);
  g_free (lead);
}

GtkWidget *
hz_ecg_strip_new (void)
{
  return g_object_new (HZ_TYPE_ECG_STRIP, NULL);
}

double
hz_ecg_strip_get_pixels_per_mm (HzEcgStrip *self)
{
  g_return_val_if_fail (HZ_IS_ECG_STRIP (self), HZ_ECG_STRIP_DEFAULT_PIXELS_PER_MM);
  return self->pixels_per_mm > 0 ? self->pixels_per_mm : HZ_ECG_STRIP_DEFAULT_PIXELS_PER_MM;
}

double
hz_ecg_strip_time_to_x (HzEcgStrip *self,
                        double      seconds)
{
  return seconds * self->speed * hz_ecg_strip_get_pixels_per_mm (self);
}

static void
changed (HzEcgStrip *self)
{
  gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
hz_ecg_strip_clear (HzEcgStrip *self)
{
  g_return_if_fail (HZ_IS_ECG_STRIP (self));

  g_ptr_array_set_size (self->leads, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_LEADS]);
  changed (self);
}

guint
hz_ecg_strip_get_n_leads (HzEcgStrip *self)
{
  g_return_val_if_fail (HZ_IS_ECG_STRIP (self), 0);
  return self->leads->len;
}

/* Factor from @unit to millivolts; 0 for a unit that is no voltage. */
static double
to_mv (const char *unit)
{
  if (unit == NULL)
    return 0;
  if (g_str_equal (unit, "uV") || g_str_equal (unit, "µV") || g_str_equal (unit, "μV"))
    return 0.001;
  if (g_str_equal (unit, "mV"))
    return 1;
  if (g_str_equal (unit, "V"))
    return 1000;
  return 0;
}

static void
add_sampled_data (HzEcgStrip    *self,
                  HzSampledData *data,
                  const char    *label)
{
  guint dims, n;
  double factor;

  dims = hz_sampled_data_get_dimensions (data);
  n = hz_sampled_data_get_n_samples (data);
  factor = to_mv (hz_sampled_data_get_unit (data));
  if (factor == 0)
    {
      /* Drawing the wrong scale on ECG paper would mislead: refuse. */
      g_debug ("ECG strip: unit of the sampled data is not a voltage");
      return;
    }
  for (guint d = 0; d < dims && hz_sampled_data_get_rate_hz (data) > 0; d++)
    {
      Lead *lead = g_new0 (Lead, 1);

      lead->label = dims == 1 ? g_strdup (label) : g_strdup_printf ("%s %u", label ? label : "", d + 1);
      lead->rate_hz = hz_sampled_data_get_rate_hz (data);
      lead->n_samples = n;
      lead->mv = g_new (float, MAX (n, 1));
      for (guint i = 0; i < n; i++)
        lead->mv[i] = (float) (hz_sampled_data_get_value (data, d, i) * factor);
      g_ptr_array_add (self->leads, lead);
    }
}

void
hz_ecg_strip_set_sampled_data (HzEcgStrip    *self,
                               HzSampledData *data,
                               const char    *label)
{
  g_return_if_fail (HZ_IS_ECG_STRIP (self));
  g_return_if_fail (data != NULL);

  g_ptr_array_set_size (self->leads, 0);
  add_sampled_data (self, data, label);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_LEADS]);
  changed (self);
}

/* The 12 leads' codes in ISO/IEEE 11073-10101 (MDC_ECG_ELEC_POTL_*). */
static const char *
lead_name (const HzFhirObservation *observation)
{
  static const struct { const char *code; const char *name; } leads[] = {
    { "131329", "I" }, { "131330", "II" }, { "131389", "III" },
    { "131390", "aVR" }, { "131391", "aVL" }, { "131392", "aVF" },
    { "131331", "V1" }, { "131332", "V2" }, { "131333", "V3" },
    { "131334", "V4" }, { "131335", "V5" }, { "131336", "V6" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (leads) && observation->code; i++)
    if (g_str_equal (observation->code, leads[i].code))
      return leads[i].name;
  return observation->display;
}

gboolean
hz_ecg_strip_set_observation (HzEcgStrip              *self,
                              const HzFhirObservation *observation)
{
  g_return_val_if_fail (HZ_IS_ECG_STRIP (self), FALSE);
  g_return_val_if_fail (observation != NULL, FALSE);

  g_ptr_array_set_size (self->leads, 0);
  if (observation->value_kind == HZ_FHIR_VALUE_SAMPLED_DATA && observation->sampled_data)
    add_sampled_data (self, observation->sampled_data, lead_name (observation));
  for (guint i = 0; observation->components && i < observation->components->len; i++)
    {
      const HzFhirObservation *component = g_ptr_array_index (observation->components, i);

      if (component->value_kind == HZ_FHIR_VALUE_SAMPLED_DATA && component->sampled_data)
        add_sampled_data (self, component->sampled_data, lead_name (component));
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_LEADS]);
  changed (self);
  return self->leads->len > 0;
}

void
hz_ecg_strip_set_waveform (HzEcgStrip            *self,
                           const HzDicomWaveform *waveform)
{
  g_return_if_fail (HZ_IS_ECG_STRIP (self));
  g_return_if_fail (waveform != NULL);

  g_ptr_array_set_size (self->leads, 0);
  for (guint l = 0; l < waveform->leads->len && waveform->sampling_frequency > 0; l++)
    {
      const HzDicomLead *source = g_ptr_array_index (waveform->leads, l);
      double factor = to_mv (source->units);
      Lead *lead;

      if (factor == 0)
        continue;
      lead = g_new0 (Lead, 1);
      lead->label = g_strdup (source->label);
      lead->rate_hz = waveform->sampling_frequency;
      lead->n_samples = waveform->n_samples;
      lead->mv = g_new (float, MAX (waveform->n_samples, 1));
      for (guint i = 0; i < waveform->n_samples; i++)
        lead->mv[i] = (float) (source->samples[i] * factor);
      g_ptr_array_add (self->leads, lead);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_LEADS]);
  changed (self);
}

void
hz_ecg_strip_set_pixels_per_mm (HzEcgStrip *self,
                                double      pixels_per_mm)
{
  g_return_if_fail (HZ_IS_ECG_STRIP (self));

  if (!isfinite (pixels_per_mm) || pixels_per_mm < 0 || pixels_per_mm == self->pixels_per_mm)
    return;
  self->pixels_per_mm = pixels_per_mm;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PIXELS_PER_MM]);
  changed (self);
}

void
hz_ecg_strip_set_speed (HzEcgStrip *self,
                        double      mm_per_s)
{
  g_return_if_fail (HZ_IS_ECG_STRIP (self));

  if (!isfinite (mm_per_s) || mm_per_s <= 0 || mm_per_s == self->speed)
    return;
  self->speed = mm_per_s;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
  changed (self);
}

void
hz_ecg_strip_set_gain (HzEcgStrip *self,
                       double      mm_per_mv)
{
  g_return_if_fail (HZ_IS_ECG_STRIP (self));

  if (!isfinite (mm_per_mv) || mm_per_mv <= 0 || mm_per_mv == self->gain)
    return;
  self->gain = mm_per_mv;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GAIN]);
  changed (self);
}

static double
duration (HzEcgStrip *self)
{
  double longest = 0;

  for (guint i = 0; i < self->leads->len; i++)
    {
      Lead *lead = g_ptr_array_index (self->leads, i);
      longest = MAX (longest, lead->n_samples / lead->rate_hz);
    }
  return longest;
}

static void
hz_ecg_strip_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  HzEcgStrip *self = HZ_ECG_STRIP (widget);
  double ppmm = hz_ecg_strip_get_pixels_per_mm (self);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* Ten seconds at least, like a standard strip; more scrolls. */
      *minimum = (int) ceil (MIN (duration (self), 2.0) * self->speed * ppmm);
      *natural = (int) ceil (MAX (duration (self), 10.0) * self->speed * ppmm);
    }
  else
    *minimum = *natural = (int) ceil (MAX (self->leads->len, 1) * ROW_HEIGHT_MM * ppmm);
}

/* Grid lines on whole pixels: one crisp pixel per line, the way a
 * printed strip looks, whatever the density. */
static void
draw_grid (HzEcgStrip  *self,
           GtkSnapshot *snapshot,
           int          width,
           int          height)
{
  double ppmm = hz_ecg_strip_get_pixels_per_mm (self);
  GdkRGBA paper = { 1.0, 0.97, 0.96, 1 };
  GdkRGBA minor = { 0.96, 0.76, 0.76, 1 };
  GdkRGBA major = { 0.85, 0.42, 0.42, 1 };

  gtk_snapshot_append_color (snapshot, &paper, &GRAPHENE_RECT_INIT (0, 0, width, height));
  for (int pass = 0; pass < 2; pass++)
    {
      for (int i = 0; i * ppmm < width; i++)
        if ((i % 5 == 0) == (pass == 1))
          gtk_snapshot_append_color (snapshot, pass ? &major : &minor,
                                     &GRAPHENE_RECT_INIT (floor (i * ppmm), 0, 1, height));
      for (int i = 0; i * ppmm < height; i++)
        if ((i % 5 == 0) == (pass == 1))
          gtk_snapshot_append_color (snapshot, pass ? &major : &minor,
                                     &GRAPHENE_RECT_INIT (0, floor (i * ppmm), width, 1));
    }
}

static void
draw_lead (HzEcgStrip *self,
           cairo_t    *cr,
           Lead       *lead,
           double      baseline,
           int         width)
{
  double ppmm = hz_ecg_strip_get_pixels_per_mm (self);
  double x_per_sample = self->speed * ppmm / lead->rate_hz;
  double y_per_mv = self->gain * ppmm;
  gboolean pen_down = FALSE;

  cairo_set_source_rgb (cr, 0.05, 0.05, 0.1);
  cairo_set_line_width (cr, 1.3);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < lead->n_samples; i++)
    {
      double x = i * x_per_sample;

      if (x > width + 1)
        break;
      /* A gap lifts the pen: nothing is drawn that was not measured. */
      if (isnan (lead->mv[i]))
        {
          pen_down = FALSE;
          continue;
        }
      if (pen_down)
        cairo_line_to (cr, x, baseline - lead->mv[i] * y_per_mv);
      else
        {
          cairo_move_to (cr, x, baseline - lead->mv[i] * y_per_mv);
          pen_down = TRUE;
        }
    }
  cairo_stroke (cr);
}

static void
hz_ecg_strip_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  HzEcgStrip *self = HZ_ECG_STRIP (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double ppmm = hz_ecg_strip_get_pixels_per_mm (self);
  double row = ROW_HEIGHT_MM * ppmm;
  GdkRGBA ink = { 0.1, 0.1, 0.15, 1 };
  cairo_t *cr;

  draw_grid (self, snapshot, width, height);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  for (guint i = 0; i < self->leads->len; i++)
    draw_lead (self, cr, g_ptr_array_index (self->leads, i), (i + 0.5) * row, width);
  cairo_destroy (cr);

  for (guint i = 0; i < self->leads->len; i++)
    {
      Lead *lead = g_ptr_array_index (self->leads, i);
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, lead->label ? lead->label : "");

      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (LABEL_GAP_PX, i * row + LABEL_GAP_PX));
      gtk_snapshot_append_layout (snapshot, layout, &ink);
      gtk_snapshot_restore (snapshot);
    }

  {
    g_autofree char *scale = g_strdup_printf (_("%.0f mm/s, %.0f mm/mV"), self->speed, self->gain);
    g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget,
                                                                    self->leads->len ? scale : _("No ECG"));
    int lw, lh;

    pango_layout_get_pixel_size (layout, &lw, &lh);
    gtk_snapshot_save (snapshot);
    gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (MAX (0, width - lw - LABEL_GAP_PX),
                                                            height - lh - LABEL_GAP_PX));
    gtk_snapshot_append_layout (snapshot, layout, &ink);
    gtk_snapshot_restore (snapshot);
  }
}

static void
hz_ecg_strip_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  HzEcgStrip *self = HZ_ECG_STRIP (object);

  switch (prop_id)
    {
    case PROP_PIXELS_PER_MM: g_value_set_double (value, self->pixels_per_mm); break;
    case PROP_SPEED: g_value_set_double (value, self->speed); break;
    case PROP_GAIN: g_value_set_double (value, self->gain); break;
    case PROP_N_LEADS: g_value_set_uint (value, self->leads->len); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hz_ecg_strip_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  HzEcgStrip *self = HZ_ECG_STRIP (object);

  switch (prop_id)
    {
    case PROP_PIXELS_PER_MM: hz_ecg_strip_set_pixels_per_mm (self, g_value_get_double (value)); break;
    case PROP_SPEED: hz_ecg_strip_set_speed (self, g_value_get_double (value)); break;
    case PROP_GAIN: hz_ecg_strip_set_gain (self, g_value_get_double (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hz_ecg_strip_finalize (GObject *object)
{
  HzEcgStrip *self = HZ_ECG_STRIP (object);

  g_clear_pointer (&self->leads, g_ptr_array_unref);
  G_OBJECT_CLASS (hz_ecg_strip_parent_class)->finalize (object);
}

static void
hz_ecg_strip_class_init (HzEcgStripClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = hz_ecg_strip_get_property;
  object_class->set_property = hz_ecg_strip_set_property;
  object_class->finalize = hz_ecg_strip_finalize;
  widget_class->measure = hz_ecg_strip_measure;
  widget_class->snapshot = hz_ecg_strip_snapshot;

  properties[PROP_PIXELS_PER_MM] = g_param_spec_double ("pixels-per-mm", NULL, NULL, 0, 100, 0, rw);
  properties[PROP_SPEED] = g_param_spec_double ("speed", NULL, NULL, 1, 200, 25, rw);
  properties[PROP_GAIN] = g_param_spec_double ("gain", NULL, NULL, 1, 100, 10, rw);
  properties[PROP_N_LEADS] = g_param_spec_uint ("n-leads", NULL, NULL, 0, G_MAXUINT, 0,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "hz-ecg-strip");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
hz_ecg_strip_init (HzEcgStrip *self)
{
  self->leads = g_ptr_array_new_with_free_func (lead_free);
  self->speed = 25;
  self->gain = 10;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Electrocardiogram"),
                                  -1);
}
