/* hz-sampled-data.c: a FHIR SampledData waveform (an ECG lead, say)
 * decoded into floats in the units of its origin, ready to draw. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "hz-sampled-data-private.h"

struct _HzSampledData {
  gatomicrefcount ref_count;
  double          origin;
  double          period_ms;
  double          factor;
  double          lower_limit;   /* NaN when not given */
  double          upper_limit;
  char           *unit;
  guint           dimensions;
  guint           n_gaps;
  GArray         *values;        /* float, interleaved by dimension */
};

G_DEFINE_BOXED_TYPE (HzSampledData, hz_sampled_data, hz_sampled_data_ref, hz_sampled_data_unref)

HzSampledData *
hz_sampled_data_ref (HzSampledData *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
hz_sampled_data_unref (HzSampledData *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->unit);
  g_array_unref (self->values);
  g_free (self);
}

/* One value of the data string: a decimal, or one of the markers E
 * (error), L (below the detection limit) and U (above it), which
 * become gaps rather than invented numbers. */
static gboolean
decode_token (const char *token,
              gsize       len,
              double     *value)
{
  char buf[64];
  char *end = NULL;

  if (len == 1 && (token[0] == 'E' || token[0] == 'L' || token[0] == 'U'))
    {
      *value = NAN;
      return TRUE;
    }
  if (len >= sizeof buf)
    return FALSE;
  memcpy (buf, token, len);
  buf[len] = '\0';
  /* strtod would also take "inf", "nan" and hex, which FHIR's decimal
   * does not allow: insist on the decimal alphabet first. */
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (buf[i]) && !strchr ("+-.eE", buf[i]))
      return FALSE;
  *value = g_ascii_strtod (buf, &end);
  return end == buf + len && isfinite (*value);
}

static void
decode_data (HzFhirReader  *reader,
             HzSampledData *self,
             const char    *data)
{
  const char *p = data;
  guint n_bad = 0;

  while (*p)
    {
      const char *start;
      double raw;
      float value;

      while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
      if (*p == '\0')
        break;
      start = p;
      while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
        p++;

      if (!decode_token (start, p - start, &raw))
        {
          n_bad++;
          raw = NAN;
        }
      /* beyond what a float holds is no measurement either: a gap */
      value = isnan (raw) ? NAN : (float) (self->origin + self->factor * raw);
      if (!isfinite (value))
        {
          self->n_gaps++;
          value = NAN;
        }
      g_array_append_val (self->values, value);
    }
  if (n_bad > 0)
    hz_fhir_reader_warn (reader,
                         g_dngettext (GETTEXT_PACKAGE,
                                      "%u waveform value is not a number; it is left as a gap",
                                      "%u waveform values are not numbers; they are left as gaps",
                                      n_bad),
                         n_bad);
}

HzSampledData *
_hz_sampled_data_parse (HzFhirReader *reader,
                        JsonObject   *object)
{
  g_autoptr(HzSampledData) self = g_new0 (HzSampledData, 1);
  JsonObject *origin;
  const char *data;
  gint64 dimensions = 1;

  g_atomic_ref_count_init (&self->ref_count);
  self->values = g_array_new (FALSE, FALSE, sizeof (float));

  origin = hz_fhir_reader_get_object (reader, object, "origin");
  self->origin = hz_fhir_reader_get_number (reader, origin, "value");
  self->unit = g_strdup (hz_fhir_reader_get_string (reader, origin, "code"));
  if (self->unit == NULL)
    self->unit = g_strdup (hz_fhir_reader_get_string (reader, origin, "unit"));
  if (origin == NULL || isnan (self->origin))
    {
      /* origin is required; 0 is the only guess that keeps the shape */
      hz_fhir_reader_warn (reader, _("the waveform has no origin; 0 is assumed"));
      self->origin = 0;
    }

  self->period_ms = hz_fhir_reader_get_number (reader, object, "period");
  if (!(self->period_ms > 0))
    {
      hz_fhir_reader_warn (reader, _("the waveform has no valid sampling period"));
      self->period_ms = NAN;
    }

  self->factor = hz_fhir_reader_get_number (reader, object, "factor");
  if (isnan (self->factor))
    self->factor = 1;
  self->lower_limit = hz_fhir_reader_get_number (reader, object, "lowerLimit");
  self->upper_limit = hz_fhir_reader_get_number (reader, object, "upperLimit");

  if (!hz_fhir_reader_get_int (reader, object, "dimensions", &dimensions)
      || dimensions < 1 || dimensions > 1024)
    {
      if (json_object_has_member (object, "dimensions"))
        hz_fhir_reader_warn (reader, _("the waveform has an invalid number of dimensions; 1 is assumed"));
      dimensions = 1;
    }
  self->dimensions = (guint) dimensions;

  data = hz_fhir_reader_get_string (reader, object, "data");
  if (data != NULL)
    decode_data (reader, self, data);
  if (self->values->len % self->dimensions != 0)
    hz_fhir_reader_warn (reader, _("the waveform data do not divide evenly into its dimensions"));

  return g_steal_pointer (&self);
}

double
hz_sampled_data_get_period_ms (HzSampledData *self)
{
  return self->period_ms;
}

/* NaN when the period is unknown. */
double
hz_sampled_data_get_rate_hz (HzSampledData *self)
{
  return 1000.0 / self->period_ms;
}

double
hz_sampled_data_get_origin (HzSampledData *self)
{
  return self->origin;
}

double
hz_sampled_data_get_factor (HzSampledData *self)
{
  return self->factor;
}

double
hz_sampled_data_get_lower_limit (HzSampledData *self)
{
  return self->lower_limit;
}

double
hz_sampled_data_get_upper_limit (HzSampledData *self)
{
  return self->upper_limit;
}

const char *
hz_sampled_data_get_unit (HzSampledData *self)
{
  return self->unit;
}

guint
hz_sampled_data_get_dimensions (HzSampledData *self)
{
  return self->dimensions;
}

/* Samples per channel; a trailing partial frame is not counted. */
guint
hz_sampled_data_get_n_samples (HzSampledData *self)
{
  return self->values->len / self->dimensions;
}

guint
hz_sampled_data_get_n_gaps (HzSampledData *self)
{
  return self->n_gaps;
}

/* All values, interleaved by channel as in FHIR; NaN marks a gap. */
const float *
hz_sampled_data_get_values (HzSampledData *self,
                            gsize         *n_values)
{
  if (n_values)
    *n_values = self->values->len;
  return (const float *) (gpointer) self->values->data;
}

float
hz_sampled_data_get_value (HzSampledData *self,
                           guint          channel,
                           guint          index)
{
  gsize i;

  if (channel >= self->dimensions || index >= hz_sampled_data_get_n_samples (self))
    return NAN;
  i = (gsize) index * self->dimensions + channel;
  return g_array_index (self->values, float, i);
}
