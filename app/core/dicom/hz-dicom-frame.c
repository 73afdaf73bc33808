/* hz-dicom-frame.c: decoded frames and their display values.
 *
 * Rendering goes through a lookup table over the stored value range, so
 * the per-pixel work is one subtraction and one load, whatever the
 * window; only ranges wider than 2^20 (32-bit data) fall back to
 * arithmetic per pixel. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "hz-dicom-frame.h"

#define MAX_LUT_ENTRIES (1 << 20)

void
hz_dicom_frame_free (HzDicomFrame *frame)
{
  if (frame == NULL)
    return;
  g_free (frame->photometric);
  g_free (frame->values);
  g_free (frame);
}

gsize
hz_dicom_frame_get_n_values (const HzDicomFrame *frame)
{
  return (gsize) frame->rows * frame->columns * frame->samples_per_pixel;
}

gboolean
hz_dicom_frame_is_monochrome (const HzDicomFrame *frame)
{
  return frame->samples_per_pixel == 1;
}

static void
stored_range (const HzDicomFrame *frame, gint32 *lo, gint32 *hi)
{
  gsize i, n = hz_dicom_frame_get_n_values (frame);
  gint32 a = G_MAXINT32, b = G_MININT32;

  for (i = 0; i < n; i++)
    {
      gint32 v = frame->values[i];
      a = MIN (a, v);
      b = MAX (b, v);
    }
  if (n == 0)
    a = b = 0;
  *lo = a;
  *hi = b;
}

void
hz_dicom_frame_get_range (const HzDicomFrame *frame,
                          double              slope,
                          double              intercept,
                          double             *min,
                          double             *max)
{
  gint32 lo, hi;
  double a, b;

  stored_range (frame, &lo, &hi);
  a = lo * slope + intercept;
  b = hi * slope + intercept;
  *min = MIN (a, b);
  *max = MAX (a, b);
}

/* PS3.3 C.11.2.1.2.1, with the output range 0..255. */
static inline guint8
window_value (double x, double c, double w)
{
  double y;

  if (w < 1)
    w = 1;
  if (x <= c - 0.5 - (w - 1) / 2)
    return 0;
  if (x > c - 0.5 + (w - 1) / 2)
    return 255;
  y = ((x - (c - 0.5)) / (w - 1) + 0.5) * 255.0;
  return (guint8) CLAMP (lround (y), 0, 255);
}

static guint8 *
render_colour (const HzDicomFrame *frame, gsize *length)
{
  gsize i, n = hz_dicom_frame_get_n_values (frame);
  guint8 *out = g_malloc (n);
  guint shift = frame->bits_stored > 8 ? frame->bits_stored - 8 : 0;

  for (i = 0; i < n; i++)
    out[i] = (guint8) CLAMP (frame->values[i] >> shift, 0, 255);
  *length = n;
  return out;
}

guint8 *
hz_dicom_frame_render (const HzDicomFrame  *frame,
                       double               slope,
                       double               intercept,
                       const HzDicomWindow *window,
                       gsize               *length)
{
  gsize i, n = hz_dicom_frame_get_n_values (frame);
  gboolean invert = g_strcmp0 (frame->photometric, "MONOCHROME1") == 0;
  HzDicomWindow w;
  guint8 *out;
  gint32 lo, hi;

  g_return_val_if_fail (frame != NULL && length != NULL, NULL);

  if (!hz_dicom_frame_is_monochrome (frame))
    return render_colour (frame, length);

  if (window != NULL && window->width > 0)
    w = *window;
  else
    {
      double min, max;

      hz_dicom_frame_get_range (frame, slope, intercept, &min, &max);
      w.centre = (min + max) / 2 + 0.5;
      w.width = max - min + 1;
    }

  out = g_malloc (n);
  stored_range (frame, &lo, &hi);
  if ((gint64) hi - lo < MAX_LUT_ENTRIES)
    {
      gsize size = (gsize) ((gint64) hi - lo + 1);
      g_autofree guint8 *lut = g_malloc (size);

      for (i = 0; i < size; i++)
        {
          guint8 v = window_value (((double) lo + (double) i) * slope + intercept, w.centre, w.width);
          lut[i] = invert ? 255 - v : v;
        }
      for (i = 0; i < n; i++)
        out[i] = lut[frame->values[i] - lo];
    }
  else
    {
      for (i = 0; i < n; i++)
        {
          guint8 v = window_value (frame->values[i] * slope + intercept, w.centre, w.width);
          out[i] = invert ? 255 - v : v;
        }
    }
  *length = n;
  return out;
}
