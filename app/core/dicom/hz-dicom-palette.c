/* hz-dicom-palette.c: the red, green and blue tables of a PALETTE COLOR
 * image, read once per image and applied to each decoded frame.
 *
 * Only the plain tables are read; segmented palettes (0028,1221..1223)
 * are refused with a clear error rather than shown in false colours. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hz-dicom-dataset-private.h"
#include "hz-dicom-palette.h"

#define TAG_RED_DESCRIPTOR   HZ_DICOM_TAG (0x0028, 0x1101)
#define TAG_RED_DATA         HZ_DICOM_TAG (0x0028, 0x1201)
#define TAG_RED_SEGMENTED    HZ_DICOM_TAG (0x0028, 0x1221)

struct _HzDicomPalette
{
  gint32   first;        /* the stored value mapped to entry 0 */
  guint    n_entries;
  guint    bits;
  guint16 *tables[3];    /* red, green, blue: n_entries each */
};

void
_hz_dicom_palette_free (HzDicomPalette *palette)
{
  if (palette == NULL)
    return;
  for (guint c = 0; c < 3; c++)
    g_free (palette->tables[c]);
  g_free (palette);
}

guint
_hz_dicom_palette_bits (const HzDicomPalette *palette)
{
  return palette->bits;
}

/* The descriptor's three values: entries (0 means 65536), the first
 * mapped value (signed when the pixels are), and the bits per entry. */
static gboolean
read_descriptor (HzDicomDataset *ds, guint32 tag, gboolean pixels_signed,
                 guint *n_entries, gint32 *first, guint *bits, GError **error)
{
  gint64 v[3];

  for (guint i = 0; i < 3; i++)
    if (!hz_dicom_dataset_get_int (ds, tag, i, &v[i]))
      {
        g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_MISSING,
                     _("The colour palette’s descriptor is missing or incomplete"));
        return FALSE;
      }
  /* The descriptor is US in most files even when the pixels are signed,
   * so the first mapped value is reinterpreted as the pixels are. */
  *n_entries = v[0] == 0 ? 65536 : (guint) (v[0] & 0xffff);
  *first = pixels_signed ? (gint32) (gint16) (v[1] & 0xffff) : (gint32) (v[1] & 0xffff);
  *bits = (guint) v[2];
  if (*bits != 8 && *bits != 16)
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_UNSUPPORTED,
                   _("A colour palette of %u bits per entry is not supported"), *bits);
      return FALSE;
    }
  return TRUE;
}

/* 8-bit entries come packed two to a word, or one per word in files
 * that ignore the descriptor; both are accepted. */
static guint16 *
read_table (HzDicomDataset *ds, guint32 tag, guint n_entries, guint bits, GError **error)
{
  const HzDicomElement *el = _hz_dicom_dataset_lookup (ds, tag);
  g_autofree guint16 *table = NULL;

  if (el == NULL || el->value == NULL)
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_MISSING,
                   _("The colour palette’s table is missing"));
      return NULL;
    }
  table = g_new (guint16, n_entries);
  if (el->length >= (gsize) n_entries * 2)
    {
      for (guint i = 0; i < n_entries; i++)
        table[i] = hz_dicom_read_u16 (el->value + 2 * i, el->big_endian);
      if (bits == 8)
        for (guint i = 0; i < n_entries; i++)
          table[i] &= 0xff;
    }
  else if (bits == 8 && el->length >= n_entries)
    {
      /* Packed bytes in a little-endian OW: entry i is byte i; in a
       * big-endian one the bytes of each word are swapped. */
      for (guint i = 0; i < n_entries; i++)
        table[i] = el->value[el->big_endian ? (i ^ 1u) : i];
    }
  else
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_MALFORMED,
                   _("The colour palette’s table is shorter than its descriptor says"));
      return NULL;
    }
  return g_steal_pointer (&table);
}

HzDicomPalette *
_hz_dicom_palette_new (HzDicomDataset *dataset, gboolean pixels_signed, GError **error)
{
  g_autoptr(HzDicomPalette) palette = g_new0 (HzDicomPalette, 1);

  if (hz_dicom_dataset_contains (dataset, TAG_RED_SEGMENTED))
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_UNSUPPORTED,
                   _("Segmented colour palettes are not supported"));
      return NULL;
    }
  for (guint c = 0; c < 3; c++)
    {
      guint n, bits;
      gint32 first;

      /* Red, green and blue follow each other: (0028,1101/1102/1103). */
      if (!read_descriptor (dataset, TAG_RED_DESCRIPTOR + c, pixels_signed, &n, &first, &bits, error))
        return NULL;
      if (c == 0)
        {
          palette->n_entries = n;
          palette->first = first;
          palette->bits = bits;
        }
      else if (n != palette->n_entries || first != palette->first || bits != palette->bits)
        {
          g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_UNSUPPORTED,
                       _("The red, green and blue palettes differ in size"));
          return NULL;
        }
      palette->tables[c] = read_table (dataset, TAG_RED_DATA + c, n, bits, error);
      if (palette->tables[c] == NULL)
        return NULL;
    }
  return g_steal_pointer (&palette);
}

void
_hz_dicom_palette_apply (const HzDicomPalette *palette,
                         const gint32         *indices,
                         gsize                 n,
                         gint32               *rgb)
{
  gint64 last = (gint64) palette->n_entries - 1;

  for (gsize i = 0; i < n; i++)
    {
      gint64 entry = CLAMP ((gint64) indices[i] - palette->first, 0, last);

      rgb[3 * i] = palette->tables[0][entry];
      rgb[3 * i + 1] = palette->tables[1][entry];
      rgb[3 * i + 2] = palette->tables[2][entry];
    }
}
