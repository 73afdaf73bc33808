/* dicom-test-writer.c: writes the synthetic files our tests need (ECG
 * waveforms, broken lengths, deep nesting), element by element. */
#include "config.h"

#include <string.h>

#include "dicom-test-writer.h"

static void
put16 (GByteArray *b, guint16 v)
{
  guint8 p[2] = { v & 0xff, v >> 8 };
  g_byte_array_append (b, p, 2);
}

static void
put32 (GByteArray *b, guint32 v)
{
  guint8 p[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };
  g_byte_array_append (b, p, 4);
}

static void
header (GByteArray *b, gboolean implicit, guint16 group, guint16 elem, const char *vr, guint32 length)
{
  put16 (b, group);
  put16 (b, elem);
  if (implicit)
    {
      put32 (b, length);
      return;
    }
  g_byte_array_append (b, (const guint8 *) vr, 2);
  if (strstr ("OB OW OF SQ UT UN OD OL", vr) != NULL)
    {
      put16 (b, 0);
      put32 (b, length);
    }
  else
    put16 (b, (guint16) length);
}

void
tw_init (TestWriter *w, const char *transfer_syntax, gboolean with_meta)
{
  w->buf = g_byte_array_new ();
  w->implicit = g_strcmp0 (transfer_syntax, "1.2.840.10008.1.2") == 0;
  if (with_meta)
    {
      TestWriter meta = { w->buf, FALSE };
      guint8 zero[128] = { 0 };
      guint8 version[2] = { 0, 1 };

      g_byte_array_append (w->buf, zero, sizeof zero);
      g_byte_array_append (w->buf, (const guint8 *) "DICM", 4);
      tw_element (&meta, 0x0002, 0x0001, "OB", version, 2);
      tw_string (&meta, 0x0002, 0x0010, "UI", transfer_syntax);
    }
}

void
tw_element (TestWriter *w, guint16 group, guint16 elem, const char *vr, const void *data, gsize length)
{
  gsize padded = length + (length & 1);

  header (w->buf, w->implicit, group, elem, vr, (guint32) padded);
  if (length)
    g_byte_array_append (w->buf, data, (guint) length);
  if (padded != length)
    {
      guint8 pad = (strcmp (vr, "UI") == 0 || strcmp (vr, "OB") == 0) ? 0 : ' ';
      g_byte_array_append (w->buf, &pad, 1);
    }
}

void
tw_string (TestWriter *w, guint16 group, guint16 elem, const char *vr, const char *value)
{
  tw_element (w, group, elem, vr, value, strlen (value));
}

void
tw_u16 (TestWriter *w, guint16 group, guint16 elem, guint16 value)
{
  guint8 p[2] = { value & 0xff, value >> 8 };
  tw_element (w, group, elem, "US", p, 2);
}

void
tw_u32 (TestWriter *w, guint16 group, guint16 elem, guint32 value)
{
  guint8 p[4] = { value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, value >> 24 };
  tw_element (w, group, elem, "UL", p, 4);
}

void
tw_sequence (TestWriter *w, guint16 group, guint16 elem)
{
  header (w->buf, w->implicit, group, elem, "SQ", 0xffffffff);
}

void
tw_item (TestWriter *w)
{
  put16 (w->buf, 0xfffe); put16 (w->buf, 0xe000); put32 (w->buf, 0xffffffff);
}

void
tw_item_end (TestWriter *w)
{
  put16 (w->buf, 0xfffe); put16 (w->buf, 0xe00d); put32 (w->buf, 0);
}

void
tw_sequence_end (TestWriter *w)
{
  put16 (w->buf, 0xfffe); put16 (w->buf, 0xe0dd); put32 (w->buf, 0);
}

void
tw_encapsulated (TestWriter *w, const GBytes *const *fragments, guint n)
{
  guint i;

  header (w->buf, w->implicit, 0x7fe0, 0x0010, "OB", 0xffffffff);
  put16 (w->buf, 0xfffe); put16 (w->buf, 0xe000); put32 (w->buf, 0);
  for (i = 0; i < n; i++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data ((GBytes *) fragments[i], &len);

      put16 (w->buf, 0xfffe); put16 (w->buf, 0xe000); put32 (w->buf, (guint32) (len + (len & 1)));
      g_byte_array_append (w->buf, data, (guint) len);
      if (len & 1)
        g_byte_array_append (w->buf, (const guint8 *) "", 1);
    }
  tw_sequence_end (w);
}

GBytes *
tw_finish (TestWriter *w)
{
  return g_byte_array_free_to_bytes (g_steal_pointer (&w->buf));
}
