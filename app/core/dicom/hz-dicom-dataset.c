/* hz-dicom-dataset.c: a parsed DICOM data set and typed access to its
 * values. The values stay in the file's bytes; nothing is copied until a
 * caller asks for it. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hz-dicom-dataset-private.h"

G_DEFINE_QUARK (hz-dicom-error-quark, hz_dicom_error)

G_DEFINE_FINAL_TYPE (HzDicomDataset, hz_dicom_dataset, G_TYPE_OBJECT)

static void
element_free (gpointer data)
{
  HzDicomElement *e = data;

  g_clear_pointer (&e->items, g_ptr_array_unref);
  g_clear_pointer (&e->fragments, g_array_unref);
}

static void
hz_dicom_dataset_finalize (GObject *object)
{
  HzDicomDataset *self = HZ_DICOM_DATASET (object);

  g_clear_pointer (&self->elements, g_array_unref);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->meta_bytes, g_bytes_unref);
  g_clear_pointer (&self->transfer_syntax, g_free);
  g_clear_pointer (&self->charset, g_free);
  g_clear_pointer (&self->offset_table, g_free);

  G_OBJECT_CLASS (hz_dicom_dataset_parent_class)->finalize (object);
}

static void
hz_dicom_dataset_class_init (HzDicomDatasetClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hz_dicom_dataset_finalize;
}

static void
hz_dicom_dataset_init (HzDicomDataset *self)
{
  self->elements = g_array_new (FALSE, TRUE, sizeof (HzDicomElement));
  g_array_set_clear_func (self->elements, element_free);
  self->sorted = TRUE;
}

HzDicomDataset *
_hz_dicom_dataset_new_empty (GBytes     *bytes,
                             const char *charset)
{
  HzDicomDataset *self = g_object_new (HZ_TYPE_DICOM_DATASET, NULL);

  self->bytes = bytes ? g_bytes_ref (bytes) : NULL;
  self->charset = g_strdup (charset);
  return self;
}

void
_hz_dicom_dataset_add (HzDicomDataset *self,
                       HzDicomElement *element)
{
  if (self->elements->len > 0
      && g_array_index (self->elements, HzDicomElement, self->elements->len - 1).tag >= element->tag)
    self->sorted = FALSE;
  g_array_append_val (self->elements, *element);

  /* SpecificCharacterSet comes first in tag order, so it is known before
   * any text or sequence that it governs is read. */
  if (element->tag == HZ_DICOM_TAG (0x0008, 0x0005) && element->value != NULL)
    {
      g_free (self->charset);
      self->charset = g_strndup ((const char *) element->value, element->length);
    }
}

const HzDicomElement *
_hz_dicom_dataset_lookup (HzDicomDataset *self,
                          guint32         tag)
{
  const HzDicomElement *els = (const HzDicomElement *) (gpointer) self->elements->data;
  guint n = self->elements->len;
  guint i;

  if (self->sorted)
    {
      guint lo = 0, hi = n;

      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;

          if (els[mid].tag == tag)
            return &els[mid];
          if (els[mid].tag < tag)
            lo = mid + 1;
          else
            hi = mid;
        }
      return NULL;
    }
  for (i = 0; i < n; i++)
    if (els[i].tag == tag)
      return &els[i];
  return NULL;
}

/**
 * hz_dicom_dataset_new_from_bytes:
 * Parses a Part 10 file (with or without preamble and meta header) or a
 * bare data set in one of the uncompressed transfer syntaxes.
 */
HzDicomDataset *
hz_dicom_dataset_new_from_bytes (GBytes  *bytes,
                                 GError **error)
{
  g_autoptr(HzDicomDataset) self = _hz_dicom_dataset_new_empty (bytes, NULL);

  g_return_val_if_fail (bytes != NULL, NULL);

  if (!_hz_dicom_parse (self, bytes, error))
    return NULL;
  return g_steal_pointer (&self);
}

HzDicomDataset *
hz_dicom_dataset_new_from_file (const char  *path,
                                GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;

  /* Mapped, not read: a 2 GB multi-frame file costs only what we touch. */
  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      /* GLib's message names the file already. */
      g_set_error_literal (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_IO, local_error->message);
      return NULL;
    }
  if (g_mapped_file_get_length (mapped) > HZ_DICOM_MAX_FILE_BYTES)
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_TOO_LARGE,
                   _("%s is larger than 2 GiB"), path);
      return NULL;
    }
  bytes = g_mapped_file_get_bytes (mapped);
  return hz_dicom_dataset_new_from_bytes (bytes, error);
}

const char *
hz_dicom_dataset_get_transfer_syntax (HzDicomDataset *self)
{
  g_return_val_if_fail (HZ_IS_DICOM_DATASET (self), NULL);
  return self->transfer_syntax;
}

gboolean
hz_dicom_dataset_has_preamble (HzDicomDataset *self)
{
  g_return_val_if_fail (HZ_IS_DICOM_DATASET (self), FALSE);
  return self->preamble;
}

gboolean
hz_dicom_dataset_contains (HzDicomDataset *self,
                           guint32         tag)
{
  g_return_val_if_fail (HZ_IS_DICOM_DATASET (self), FALSE);
  return _hz_dicom_dataset_lookup (self, tag) != NULL;
}

const char *
hz_dicom_dataset_get_vr (HzDicomDataset *self,
                         guint32         tag)
{
  const HzDicomElement *e;

  g_return_val_if_fail (HZ_IS_DICOM_DATASET (self), NULL);
  e = _hz_dicom_dataset_lookup (self, tag);
  return e ? e->vr : NULL;
}

const guint8 *
hz_dicom_dataset_get_raw (HzDicomDataset *self,
                          guint32         tag,
                          gsize          *length)
{
  const HzDicomElement *e;

  g_return_val_if_fail (HZ_IS_DICOM_DATASET (self), NULL);
  e = _hz_dicom_dataset_lookup (self, tag);
  if (e == NULL || e->value == NULL)
    {
      if (length)
        *length = 0;
      return NULL;
    }
  if (length)
    *length = e->length;
  return e->length ? e->value : (const guint8 *) "";
}

static gboolean
vr_is (const HzDicomElement *e, const char *vr)
{
  return e->vr[0] == vr[0] && e->vr[1] == vr[1];
}

/* The VRs whose text is in the SpecificCharacterSet; the others are ASCII. */
static gboolean
vr_uses_charset (const HzDicomElement *e)
{
  return vr_is (e, "SH") || vr_is (e, "LO") || vr_is (e, "ST") || vr_is (e, "PN")
         || vr_is (e, "LT") || vr_is (e, "UC") || vr_is (e, "UT") || vr_is (e, "UN");
}

static gboolean
vr_is_single_text (const HzDicomElement *e)
{
  return vr_is (e, "LT") || vr_is (e, "ST") || vr_is (e, "UT");
}

static char *
strip_value (char *s, gboolean keep_leading)
{
  gsize len = strlen (s);

  while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\0'))
    s[--len] = '\0';
  if (!keep_leading)
    g_strchug (s);
  return s;
}

static char *
element_text (HzDicomDataset *self, const HzDicomElement *e)
{
  if (e->value == NULL)
    return NULL;
  return _hz_dicom_charset_decode (vr_uses_charset (e) ? self->charset : NULL, e->value, e->length);
}

char *
hz_dicom_dataset_get_string (HzDicomDataset *self,
                             guint32         tag)
{
  const HzDicomElement *e;
  char *text;

  g_return_val_if_fail (HZ_IS_DICOM_DATASET (self), NULL);
  e = _hz_dicom_dataset_lookup (self, tag);
  if (e == NULL || (text = element_text (self, e)) == NULL)
    return NULL;
  return strip_value (text, vr_is_single_text (e));
}

char *
hz_dicom_dataset_get_string_at (HzDicomDataset *self,
                                guint32         tag,
                                guint           index)
{
  const HzDicomElement *e;
  g_autofree char *text = NULL;
  g_auto(GStrv) values = NULL;

  g_return_val_if_fail (HZ_IS_DICOM_DATASET (self), NULL);
  e = _hz_dicom_dataset_lookup (self, tag);
  if (e == NULL || (text = element_text (self, e)) == NULL)
    return NULL;
  if (vr_is_single_text (e))
    return index == 0 ? strip_value (g_steal_pointer (&text), TRUE) : NULL;
  /* Split after decoding: in GBK a backslash byte can be half a character. */
  values = g_strsplit (text, "\\", -1);
  if (index >= g_strv_length (values))
    return NULL;
  return strip_value (g_strdup (values[index]), FALSE);
}

guint
hz_dicom_dataset_get_n_values (HzDicomDataset *self,
                               guint32         tag)
{
  const HzDicomElement *e;
  g_autofree char *text = NULL;
  guint n = 1;
  const char *p;

  g_return_val_if_fail (HZ_IS_DICOM_DATASET (self), 0);
  e = _hz_dicom_dataset_lookup (self, tag);
  if (e == NULL || e->value == NULL || e->length == 0)
    return 0;
  if (vr_is (e, "US") || vr_is (e, "SS")) return (guint) (e->length / 2);
  if (vr_is (e, "UL") || vr_is (e, "SL") || vr_is (e, "FL")) return (guint) (e->length / 4);
  if (vr_is (e, "FD")) return (guint) (e->length / 8);
  if (vr_is_single_text (e)) return 1;
  text = element_text (self, e);
  for (p = text; *p; p++)
    if (*p == '\\')
      n++;
  return n;
}

/* A binary number at index, if the element holds binary numbers. */
static gboolean
binary_number (const HzDicomElement *e, guint index, gboolean *is_float, gint64 *i, double *d)
{
  gsize size;
  const guint8 *p;

  if (vr_is (e, "US") || vr_is (e, "SS"))
    size = 2;
  else if (vr_is (e, "UL") || vr_is (e, "SL") || vr_is (e, "FL"))
    size = 4;
  else if (vr_is (e, "FD"))
    size = 8;
  else
    return FALSE;
  if (e->value == NULL || (gsize) index >= e->length / size)
    return FALSE;
  p = e->value + (gsize) index * size;
  *is_float = FALSE;
  if (vr_is (e, "US"))
    *i = hz_dicom_read_u16 (p, e->big_endian);
  else if (vr_is (e, "SS"))
    *i = (gint16) hz_dicom_read_u16 (p, e->big_endian);
  else if (vr_is (e, "UL"))
    *i = hz_dicom_read_u32 (p, e->big_endian);
  else if (vr_is (e, "SL"))
    *i = (gint32) hz_dicom_read_u32 (p, e->big_endian);
  else if (vr_is (e, "FL"))
    {
      union { guint32 u; float f; } v = { .u = hz_dicom_read_u32 (p, e->big_endian) };
      *d = v.f;
      *is_float = TRUE;
    }
  else
    {
      union { guint64 u; double f; } v;
      guint64 hi = hz_dicom_read_u32 (p + (e->big_endian ? 0 : 4), e->big_endian);
      guint64 lo = hz_dicom_read_u32 (p + (e->big_endian ? 4 : 0), e->big_endian);
      v.u = (hi << 32) | lo;
      *d = v.f;
      *is_float = TRUE;
    }
  return TRUE;
}

gboolean
hz_dicom_dataset_get_double (HzDicomDataset *self,
                             guint32         tag,
                             guint           index,
                             double         *value)
{
  const HzDicomElement *e;
  g_autofree char *text = NULL;
  gboolean is_float;
  gint64 i;
  double d;
  char *end;

  g_return_val_if_fail (HZ_IS_DICOM_DATASET (self), FALSE);
  e = _hz_dicom_dataset_lookup (self, tag);
  if (e == NULL)
    return FALSE;
  if (binary_number (e, index, &is_float, &i, &d))
    {
      *value = is_float ? d : (double) i;
      return TRUE;
    }
  if (!(vr_is (e, "DS") || vr_is (e, "IS")))
    return FALSE;
  text = hz_dicom_dataset_get_string_at (self, tag, index);
  if (text == NULL || *text == '\0')
    return FALSE;
  d = g_ascii_strtod (text, &end);
  if (*end != '\0' || end == text || !isfinite (d))
    return FALSE;
  *value = d;
  return TRUE;
}

gboolean
hz_dicom_dataset_get_int (HzDicomDataset *self,
                          guint32         tag,
                          guint           index,
                          gint64         *value)
{
  const HzDicomElement *e;
  gboolean is_float;
  gint64 i;
  double d;

  g_return_val_if_fail (HZ_IS_DICOM_DATASET (self), FALSE);
  e = _hz_dicom_dataset_lookup (self, tag);
  if (e == NULL)
    return FALSE;
  if (binary_number (e, index, &is_float, &i, &d))
    {
      if (is_float)
        return FALSE;
      *value = i;
      return TRUE;
    }
  if (vr_is (e, "IS") || vr_is (e, "DS"))
    {
      /* Range first: casting an out-of-range double is undefined. */
      if (!hz_dicom_dataset_get_double (self, tag, index, &d) || d < -9.0e15 || d > 9.0e15
          || d != (double) (gint64) d)
        return FALSE;
      *value = (gint64) d;
      return TRUE;
    }
  return FALSE;
}

guint
hz_dicom_dataset_get_n_items (HzDicomDataset *self,
                              guint32         tag)
{
  const HzDicomElement *e;

  g_return_val_if_fail (HZ_IS_DICOM_DATASET (self), 0);
  e = _hz_dicom_dataset_lookup (self, tag);
  return e && e->items ? e->items->len : 0;
}

/**
 * hz_dicom_dataset_get_item:
 * Returns: (transfer none): the item, or %NULL
 */
HzDicomDataset *
hz_dicom_dataset_get_item (HzDicomDataset *self,
                           guint32         tag,
                           guint           index)
{
  const HzDicomElement *e;

  g_return_val_if_fail (HZ_IS_DICOM_DATASET (self), NULL);
  e = _hz_dicom_dataset_lookup (self, tag);
  if (e == NULL || e->items == NULL || index >= e->items->len)
    return NULL;
  return g_ptr_array_index (e->items, index);
}

gboolean
hz_dicom_dataset_is_encapsulated (HzDicomDataset *self,
                                  guint32         tag)
{
  const HzDicomElement *e;

  g_return_val_if_fail (HZ_IS_DICOM_DATASET (self), FALSE);
  e = _hz_dicom_dataset_lookup (self, tag);
  return e != NULL && e->fragments != NULL;
}

guint
hz_dicom_dataset_get_n_fragments (HzDicomDataset *self,
                                  guint32         tag)
{
  const HzDicomElement *e;

  g_return_val_if_fail (HZ_IS_DICOM_DATASET (self), 0);
  e = _hz_dicom_dataset_lookup (self, tag);
  if (e == NULL || e->fragments == NULL || e->fragments->len == 0)
    return 0;
  return e->fragments->len - 1;  /* [0] is the offset table */
}

const guint8 *
hz_dicom_dataset_get_fragment (HzDicomDataset *self,
                               guint32         tag,
                               guint           index,
                               gsize          *length)
{
  const HzDicomElement *e;
  const HzDicomFragment *f;

  g_return_val_if_fail (HZ_IS_DICOM_DATASET (self), NULL);
  e = _hz_dicom_dataset_lookup (self, tag);
  if (e == NULL || e->fragments == NULL || index + 1 >= e->fragments->len)
    return NULL;
  f = &g_array_index (e->fragments, HzDicomFragment, index + 1);
  *length = f->length;
  return f->data;
}

const guint32 *
hz_dicom_dataset_get_offset_table (HzDicomDataset *self,
                                   guint32         tag,
                                   guint          *n_offsets)
{
  const HzDicomElement *e;
  const HzDicomFragment *bot;
  guint i;

  g_return_val_if_fail (HZ_IS_DICOM_DATASET (self), NULL);
  *n_offsets = 0;
  e = _hz_dicom_dataset_lookup (self, tag);
  if (e == NULL || e->fragments == NULL || e->fragments->len == 0)
    return NULL;
  if (self->offset_table == NULL)
    {
      bot = &g_array_index (e->fragments, HzDicomFragment, 0);
      self->n_offsets = (guint) (bot->length / 4);
      self->offset_table = g_new0 (guint32, self->n_offsets + 1);
      for (i = 0; i < self->n_offsets; i++)
        self->offset_table[i] = hz_dicom_read_u32 (bot->data + 4 * i, e->big_endian);
    }
  *n_offsets = self->n_offsets;
  return self->offset_table;
}
