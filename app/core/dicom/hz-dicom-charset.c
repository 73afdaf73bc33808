/* hz-dicom-charset.c: DICOM text in its SpecificCharacterSet to UTF-8.
 *
 * Chinese files come as ISO_IR 192 (UTF-8), GB18030, GBK, or the older
 * ISO 2022 IR 58 (GB 2312 behind escape sequences). Text must never come
 * out as invalid UTF-8, so anything iconv refuses is replaced rather than
 * dropped: a name with one bad byte is still better shown than hidden. */
#include "config.h"

#include <string.h>

#include "hz-dicom-dataset-private.h"

/* ESC, intermediate bytes 0x20-0x2F, one final byte 0x30-0x7E (ISO 2022). */
static GString *
strip_iso2022_escapes (const guint8 *data, gsize length)
{
  GString *out = g_string_sized_new (length);
  gsize i = 0;

  while (i < length)
    {
      if (data[i] == 0x1b)
        {
          i++;
          while (i < length && data[i] >= 0x20 && data[i] <= 0x2f)
            i++;
          if (i < length)
            i++;  /* the final byte */
          continue;
        }
      g_string_append_c (out, (char) data[i++]);
    }
  return out;
}

static char *
convert_or_replace (const char *text, gsize length, const char *from)
{
  g_autofree char *converted = NULL;
  gsize written = 0;

  converted = g_convert_with_fallback (text, (gssize) length, "UTF-8", from, "\xef\xbf\xbd", NULL, &written, NULL);
  if (converted != NULL && g_utf8_validate (converted, (gssize) written, NULL)
      && memchr (converted, '\0', written) == NULL)
    return g_steal_pointer (&converted);
  /* iconv stops at the first byte it cannot map even with a fallback
   * for unmappable characters; salvage what is valid. */
  return g_utf8_make_valid (text, (gssize) length);
}

static char *
latin1_to_utf8 (const guint8 *data, gsize length)
{
  GString *out = g_string_sized_new (length + 8);
  gsize i;

  for (i = 0; i < length; i++)
    g_string_append_unichar (out, data[i]);
  return g_string_free (out, FALSE);
}

/* The iconv name for one defined term, or NULL for the default repertoire. */
static const char *
iconv_name (const char *term)
{
  static const struct { const char *term; const char *name; } map[] = {
    { "ISO_IR 192", "UTF-8" },
    { "GB18030", "GB18030" },
    { "GBK", "GBK" },
    { "ISO_IR 100", "ISO-8859-1" }, { "ISO 2022 IR 100", "ISO-8859-1" },
    { "ISO_IR 101", "ISO-8859-2" }, { "ISO 2022 IR 101", "ISO-8859-2" },
    { "ISO_IR 144", "ISO-8859-5" }, { "ISO 2022 IR 144", "ISO-8859-5" },
    { "ISO_IR 13", "SHIFT_JIS" },
    { "ISO 2022 IR 58", "GB18030" },  /* GB 2312 in GR is EUC-CN, a subset */
    { "ISO 2022 IR 149", "EUC-KR" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_strcmp0 (term, map[i].term) == 0)
      return map[i].name;
  return NULL;
}

char *
_hz_dicom_charset_decode (const char   *charset,
                          const guint8 *data,
                          gsize         length)
{
  g_auto(GStrv) terms = NULL;
  const char *name = NULL;
  gboolean iso2022 = FALSE;
  guint i;

  /* Values may carry NULs as padding (UI) or garbage; text stops there. */
  const guint8 *nul = memchr (data, '\0', length);
  if (nul != NULL)
    length = (gsize) (nul - data);

  if (charset != NULL)
    {
      terms = g_strsplit (charset, "\\", -1);
      for (i = 0; terms[i] != NULL; i++)
        {
          g_strstrip (terms[i]);
          if (g_str_has_prefix (terms[i], "ISO 2022"))
            iso2022 = TRUE;
          /* With code extensions, the first non-default set decides; a
           * real ISO 2022 switcher is not needed for the sets we meet. */
          if (name == NULL)
            name = iconv_name (terms[i]);
        }
    }

  if (name != NULL && strcmp (name, "UTF-8") == 0)
    return g_utf8_make_valid ((const char *) data, (gssize) length);
  if (name != NULL)
    {
      if (iso2022)
        {
          g_autoptr(GString) plain = strip_iso2022_escapes (data, length);
          return convert_or_replace (plain->str, plain->len, name);
        }
      return convert_or_replace ((const char *) data, length, name);
    }
  /* Default repertoire (ISO-IR 6) is ASCII; stray high bytes are most
   * often Latin-1 from an old modality, so show them as such. */
  return latin1_to_utf8 (data, length);
}
