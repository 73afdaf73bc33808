/* hz-dicom-dataset-private.h: what the reader fills into a data set. */
#pragma once

#include "hz-dicom-dataset.h"

G_BEGIN_DECLS

typedef struct {
  const guint8 *data;
  gsize         length;
} HzDicomFragment;

typedef struct {
  guint32       tag;
  char          vr[3];
  guint8        big_endian;
  const guint8 *value;       /* into the bytes the data set holds */
  gsize         length;
  GPtrArray    *items;       /* HzDicomDataset, for sequences */
  GArray       *fragments;   /* HzDicomFragment, for encapsulated pixel data; [0] is the offset table */
} HzDicomElement;

struct _HzDicomDataset
{
  GObject    parent_instance;

  GBytes    *bytes;          /* the bytes the elements point into */
  GBytes    *meta_bytes;     /* the file, when the data set was inflated from it */
  GArray    *elements;       /* HzDicomElement, in the order read */
  char      *transfer_syntax;
  char      *charset;        /* SpecificCharacterSet in force, inherited by items */
  gboolean   preamble;
  gboolean   sorted;         /* elements ascend, so lookups may bisect */
  guint32   *offset_table;   /* decoded basic offset table, cached */
  guint      n_offsets;
};

HzDicomDataset       *_hz_dicom_dataset_new_empty   (GBytes         *bytes,
                                                     const char     *charset);
void                  _hz_dicom_dataset_add         (HzDicomDataset *self,
                                                     HzDicomElement *element);
const HzDicomElement *_hz_dicom_dataset_lookup      (HzDicomDataset *self,
                                                     guint32         tag);
gboolean              _hz_dicom_parse               (HzDicomDataset *self,
                                                     GBytes         *bytes,
                                                     GError        **error);
const char           *_hz_dicom_dictionary_vr       (guint32         tag);
/* Text bytes in a SpecificCharacterSet (its whole value) to valid UTF-8. */
char                 *_hz_dicom_charset_decode      (const char     *charset,
                                                     const guint8   *data,
                                                     gsize           length);

static inline guint16
hz_dicom_read_u16 (const guint8 *p, gboolean big_endian)
{
  return big_endian ? (guint16) ((p[0] << 8) | p[1]) : (guint16) (p[0] | (p[1] << 8));
}

static inline guint32
hz_dicom_read_u32 (const guint8 *p, gboolean big_endian)
{
  return big_endian
    ? ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3]
    : ((guint32) p[3] << 24) | ((guint32) p[2] << 16) | ((guint32) p[1] << 8) | p[0];
}

G_END_DECLS
