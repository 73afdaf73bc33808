/* hz-dicom-reader.c: the Part 10 element stream (preamble, meta header,
 * the four uncompressed transfer syntaxes, sequences and encapsulated
 * pixel data) read into an HzDicomDataset.
 *
 * Every length read from the file is checked against the bytes that are
 * left before anything is read past it, and the number of elements and
 * the nesting depth are bounded, so hostile input costs at most a clear
 * error and memory proportional to its size. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <zlib.h>

#include "hz-dicom-dataset-private.h"

#define TAG_ITEM            0xfffee000u
#define TAG_ITEM_END        0xfffee00du
#define TAG_SEQUENCE_END    0xfffee0ddu
#define UNDEFINED_LENGTH    0xffffffffu

/* Each element or item costs about a hundred bytes in memory; this keeps
 * a file of tiny empty items from costing gigabytes. */
#define MAX_NODES           (1u << 20)

typedef struct {
  const guint8 *base;
  gsize         size;
  GBytes       *bytes;
  gboolean      big_endian;
  gboolean      implicit;
  guint         nodes;
} Reader;

static gboolean parse_dataset (Reader *r, HzDicomDataset *ds, gsize *pos, gsize end,
                               gboolean until_item_end, guint depth, GError **error);

static gboolean
fail_truncated (GError **error, guint32 tag)
{
  if (tag == 0)
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_TRUNCATED,
                   _("The file ends inside an element header"));
      return FALSE;
    }
  g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_TRUNCATED,
               _("The file ends inside element (%04X,%04X)"),
               HZ_DICOM_TAG_GROUP (tag), HZ_DICOM_TAG_ELEMENT (tag));
  return FALSE;
}

static gboolean
fail_malformed (GError **error, guint32 tag, const char *why)
{
  g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_MALFORMED,
               _("Element (%04X,%04X) is malformed: %s"),
               HZ_DICOM_TAG_GROUP (tag), HZ_DICOM_TAG_ELEMENT (tag), why);
  return FALSE;
}

static gboolean
count_node (Reader *r, GError **error)
{
  if (++r->nodes > MAX_NODES)
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_TOO_LARGE,
                   _("The data set has more than %u elements"), MAX_NODES);
      return FALSE;
    }
  return TRUE;
}

static gboolean
vr_has_long_length (const char *vr)
{
  static const char *const long_vrs[] = {
    "OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (long_vrs); i++)
    if (vr[0] == long_vrs[i][0] && vr[1] == long_vrs[i][1])
      return TRUE;
  return FALSE;
}

static void
element_clear (HzDicomElement *e)
{
  g_clear_pointer (&e->items, g_ptr_array_unref);
  g_clear_pointer (&e->fragments, g_array_unref);
}

/* Items of a sequence, from *pos; bounded by end, and if undefined by a
 * sequence delimiter too. */
static gboolean
parse_items (Reader *r, HzDicomDataset *parent, HzDicomElement *e, gsize *pos, gsize end,
             gboolean undefined, guint depth, GError **error)
{
  if (depth >= HZ_DICOM_MAX_DEPTH)
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_TOO_DEEP,
                   _("Sequences are nested deeper than %u levels"), HZ_DICOM_MAX_DEPTH);
      return FALSE;
    }
  e->items = g_ptr_array_new_with_free_func (g_object_unref);

  for (;;)
    {
      g_autoptr(HzDicomDataset) item = NULL;
      guint32 tag, length;

      if (!undefined && *pos == end)
        return TRUE;
      if (end - *pos < 8)
        return fail_truncated (error, e->tag);
      tag = ((guint32) hz_dicom_read_u16 (r->base + *pos, r->big_endian) << 16)
            | hz_dicom_read_u16 (r->base + *pos + 2, r->big_endian);
      length = hz_dicom_read_u32 (r->base + *pos + 4, r->big_endian);
      *pos += 8;
      if (tag == TAG_SEQUENCE_END && undefined)
        return TRUE;
      if (tag != TAG_ITEM)
        return fail_malformed (error, e->tag, _("a sequence holds something other than items"));
      if (!count_node (r, error))
        return FALSE;

      item = _hz_dicom_dataset_new_empty (r->bytes, parent->charset);
      item->transfer_syntax = g_strdup (parent->transfer_syntax);
      if (length == UNDEFINED_LENGTH)
        {
          if (!parse_dataset (r, item, pos, end, TRUE, depth + 1, error))
            return FALSE;
        }
      else
        {
          gsize item_end;

          if (length > end - *pos)
            return fail_malformed (error, e->tag, _("an item is longer than its sequence"));
          item_end = *pos + length;
          if (!parse_dataset (r, item, pos, item_end, FALSE, depth + 1, error))
            return FALSE;
        }
      g_ptr_array_add (e->items, g_steal_pointer (&item));
    }
}

static gboolean
parse_fragments (Reader *r, HzDicomElement *e, gsize *pos, gsize end, GError **error)
{
  e->fragments = g_array_new (FALSE, FALSE, sizeof (HzDicomFragment));

  for (;;)
    {
      HzDicomFragment f;
      guint32 tag, length;

      if (end - *pos < 8)
        return fail_truncated (error, e->tag);
      tag = ((guint32) hz_dicom_read_u16 (r->base + *pos, r->big_endian) << 16)
            | hz_dicom_read_u16 (r->base + *pos + 2, r->big_endian);
      length = hz_dicom_read_u32 (r->base + *pos + 4, r->big_endian);
      *pos += 8;
      if (tag == TAG_SEQUENCE_END)
        return TRUE;
      if (tag != TAG_ITEM || length == UNDEFINED_LENGTH)
        return fail_malformed (error, e->tag, _("encapsulated pixel data holds something other than fragments"));
      if (length > end - *pos)
        return fail_truncated (error, e->tag);
      if (!count_node (r, error))
        return FALSE;
      f.data = r->base + *pos;
      f.length = length;
      g_array_append_val (e->fragments, f);
      *pos += length;
    }
}

/* One element at *pos; *item_end is set when it was an item delimiter. */
static gboolean
parse_element (Reader *r, HzDicomDataset *ds, gsize *pos, gsize end, guint depth,
               gboolean *item_end, GError **error)
{
  HzDicomElement e = { 0 };
  const guint8 *p = r->base + *pos;
  guint32 length;
  gsize header;

  *item_end = FALSE;
  if (end - *pos < 8)
    return fail_truncated (error, 0);
  e.tag = ((guint32) hz_dicom_read_u16 (p, r->big_endian) << 16) | hz_dicom_read_u16 (p + 2, r->big_endian);
  e.big_endian = r->big_endian;

  if (e.tag == TAG_ITEM_END)
    {
      *pos += 8;
      *item_end = TRUE;
      return TRUE;
    }
  if (e.tag == TAG_ITEM || e.tag == TAG_SEQUENCE_END)
    return fail_malformed (error, e.tag, _("an item delimiter outside a sequence"));

  if (r->implicit)
    {
      memcpy (e.vr, _hz_dicom_dictionary_vr (e.tag), 3);
      length = hz_dicom_read_u32 (p + 4, FALSE);
      header = 8;
    }
  else
    {
      if (!g_ascii_isupper (p[4]) || !g_ascii_isupper (p[5]))
        return fail_malformed (error, e.tag, _("no valid value representation"));
      e.vr[0] = (char) p[4];
      e.vr[1] = (char) p[5];
      if (vr_has_long_length (e.vr))
        {
          if (end - *pos < 12)
            return fail_truncated (error, e.tag);
          length = hz_dicom_read_u32 (p + 8, r->big_endian);
          header = 12;
        }
      else
        {
          length = hz_dicom_read_u16 (p + 6, r->big_endian);
          header = 8;
        }
    }
  *pos += header;
  if (!count_node (r, error))
    return FALSE;

  if (length == UNDEFINED_LENGTH)
    {
      if (e.tag == HZ_DICOM_TAG_PIXEL_DATA)
        {
          if (!parse_fragments (r, &e, pos, end, error))
            goto fail;
        }
      else if (strcmp (e.vr, "SQ") == 0 || strcmp (e.vr, "UN") == 0)
        {
          /* An undefined-length UN is a sequence in implicit VR LE (PS3.5 6.2.2). */
          gboolean was_implicit = r->implicit, was_big = r->big_endian, ok;

          if (strcmp (e.vr, "UN") == 0)
            {
              r->implicit = TRUE;
              r->big_endian = FALSE;
              memcpy (e.vr, "SQ", 3);
            }
          ok = parse_items (r, ds, &e, pos, end, TRUE, depth, error);
          r->implicit = was_implicit;
          r->big_endian = was_big;
          if (!ok)
            goto fail;
        }
      else
        {
          fail_malformed (error, e.tag, _("undefined length on a value that cannot have one"));
          goto fail;
        }
    }
  else
    {
      if (length > end - *pos)
        {
          g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_TRUNCATED,
                       _("Element (%04X,%04X) claims %u bytes but only %lu are left"),
                       HZ_DICOM_TAG_GROUP (e.tag), HZ_DICOM_TAG_ELEMENT (e.tag), length, (gulong) (end - *pos));
          return FALSE;
        }
      e.value = r->base + *pos;
      e.length = length;
      /* Implicit VR gives no type: a value that opens with an item tag is a sequence. */
      if (strcmp (e.vr, "SQ") == 0
          || (r->implicit && strcmp (e.vr, "UN") == 0 && length >= 8
              && hz_dicom_read_u32 (e.value, FALSE) == 0xe000fffeu))
        {
          gsize seq_pos = *pos;

          memcpy (e.vr, "SQ", 3);
          if (!parse_items (r, ds, &e, &seq_pos, *pos + length, FALSE, depth, error))
            goto fail;
        }
      *pos += length;
    }

  _hz_dicom_dataset_add (ds, &e);
  return TRUE;

fail:
  element_clear (&e);
  return FALSE;
}

/* Elements from *pos up to end, or up to an item delimiter. */
static gboolean
parse_dataset (Reader *r, HzDicomDataset *ds, gsize *pos, gsize end,
               gboolean until_item_end, guint depth, GError **error)
{
  while (*pos < end)
    {
      gboolean item_end;

      if (!parse_element (r, ds, pos, end, depth, &item_end, error))
        return FALSE;
      if (item_end && until_item_end)
        return TRUE;
      /* a stray delimiter in a defined-length item is harmless */
    }
  if (until_item_end)
    return fail_truncated (error, TAG_ITEM);
  return TRUE;
}

static GBytes *
inflate_raw (const guint8 *data, gsize size, GError **error)
{
  z_stream zs = { 0 };
  g_autoptr(GByteArray) out = g_byte_array_new ();
  int status;

  if (inflateInit2 (&zs, -MAX_WBITS) != Z_OK)
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_CODEC, _("Could not start inflating the data set"));
      return NULL;
    }
  zs.next_in = (Bytef *) data;
  zs.avail_in = (uInt) MIN (size, G_MAXUINT);
  do
    {
      gsize used = out->len;
      gsize room = MAX (size * 2, 65536);

      if (used + room > HZ_DICOM_MAX_INFLATED)
        room = HZ_DICOM_MAX_INFLATED - used;
      if (room == 0)
        {
          inflateEnd (&zs);
          g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_TOO_LARGE,
                       _("The deflated data set inflates to more than %u MiB"), HZ_DICOM_MAX_INFLATED >> 20);
          return NULL;
        }
      g_byte_array_set_size (out, (guint) (used + room));
      zs.next_out = out->data + used;
      zs.avail_out = (uInt) room;
      status = inflate (&zs, Z_NO_FLUSH);
      g_byte_array_set_size (out, (guint) (used + room - zs.avail_out));
      if (status == Z_BUF_ERROR && zs.avail_in == 0)
        break;  /* the stream just stops: take what was inflated */
      if (status != Z_OK && status != Z_STREAM_END)
        {
          inflateEnd (&zs);
          g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_MALFORMED,
                       _("The deflated data set is corrupt"));
          return NULL;
        }
    }
  while (status != Z_STREAM_END);
  inflateEnd (&zs);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* Without a meta header, the first element tells the encoding: a VR after
 * the tag means explicit, a byte-swapped group means big endian. */
static const char *
guess_transfer_syntax (const guint8 *p, gsize size)
{
  if (size < 8)
    return HZ_DICOM_TS_IMPLICIT_LE;
  if (p[0] == 0 && p[1] != 0)
    return HZ_DICOM_TS_EXPLICIT_BE;
  if (g_ascii_isupper (p[4]) && g_ascii_isupper (p[5]))
    return HZ_DICOM_TS_EXPLICIT_LE;
  return HZ_DICOM_TS_IMPLICIT_LE;
}

gboolean
_hz_dicom_parse (HzDicomDataset *self,
                 GBytes         *bytes,
                 GError        **error)
{
  Reader r = { 0 };
  g_autofree char *ts = NULL;
  gsize pos = 0;

  r.base = g_bytes_get_data (bytes, &r.size);
  r.bytes = bytes;
  if (r.size >= 132 && memcmp (r.base + 128, "DICM", 4) == 0)
    {
      self->preamble = TRUE;
      pos = 132;
    }
  else if (r.size >= 4 && memcmp (r.base, "DICM", 4) == 0)
    pos = 4;  /* a preamble cut off by a careless tool */

  /* The meta header is explicit VR little endian, whatever follows. */
  while (r.size - pos >= 8 && hz_dicom_read_u16 (r.base + pos, FALSE) == 0x0002)
    {
      gboolean item_end;

      if (!parse_element (&r, self, &pos, r.size, 0, &item_end, error))
        return FALSE;
    }

  {
    const HzDicomElement *e = _hz_dicom_dataset_lookup (self, HZ_DICOM_TAG (0x0002, 0x0010));

    if (e != NULL && e->value != NULL)
      ts = _hz_dicom_charset_decode (NULL, e->value, e->length);
    else
      {
        guint16 group;

        if (r.size - pos < 8)
          {
            g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_NOT_DICOM,
                         _("The file is too short to be DICOM"));
            return FALSE;
          }
        ts = g_strdup (guess_transfer_syntax (r.base + pos, r.size - pos));
        /* A bare data set starts with a low group; anything else is not DICOM. */
        group = hz_dicom_read_u16 (r.base + pos, strcmp (ts, HZ_DICOM_TS_EXPLICIT_BE) == 0);
        if (group < 0x0008 || group > 0x0028)
          {
            g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_NOT_DICOM,
                         _("The file is not DICOM: it has neither a DICOM header nor a recognisable data set"));
            return FALSE;
          }
      }
  }
  g_strstrip (ts);
  self->transfer_syntax = g_strdup (ts);

  if (strcmp (ts, HZ_DICOM_TS_IMPLICIT_LE) == 0)
    r.implicit = TRUE;
  else if (strcmp (ts, HZ_DICOM_TS_EXPLICIT_BE) == 0)
    r.big_endian = TRUE;
  else if (strcmp (ts, HZ_DICOM_TS_DEFLATED_LE) == 0)
    {
      g_autoptr(GBytes) inflated = inflate_raw (r.base + pos, r.size - pos, error);

      if (inflated == NULL)
        return FALSE;
      /* The meta elements keep pointing into the file. */
      self->meta_bytes = g_steal_pointer (&self->bytes);
      self->bytes = g_bytes_ref (inflated);
      r.base = g_bytes_get_data (inflated, &r.size);
      r.bytes = inflated;
      pos = 0;
      return parse_dataset (&r, self, &pos, r.size, FALSE, 0, error);
    }
  /* Anything else is explicit VR LE around encapsulated pixel data;
   * whether we can decode the pixels is the pixel decoder's question. */

  if (pos == r.size && self->elements->len == 0)
    {
      g_set_error (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_NOT_DICOM, _("The file is empty"));
      return FALSE;
    }
  return parse_dataset (&r, self, &pos, r.size, FALSE, 0, error);
}
