/* hz-dicom-dataset.h: a parsed DICOM data set, its elements and sequences. */
#pragma once

#include <glib-object.h>

#include "hz-dicom-error.h"

G_BEGIN_DECLS

#define HZ_DICOM_TAG(group, element) ((guint32) (((guint32) (group) << 16) | (guint32) (element)))
#define HZ_DICOM_TAG_GROUP(tag)      ((guint16) ((tag) >> 16))
#define HZ_DICOM_TAG_ELEMENT(tag)    ((guint16) ((tag) & 0xffff))

#define HZ_DICOM_TAG_PIXEL_DATA      HZ_DICOM_TAG (0x7fe0, 0x0010)

/* Transfer syntaxes we know by name. */
#define HZ_DICOM_TS_IMPLICIT_LE      "1.2.840.10008.1.2"
#define HZ_DICOM_TS_EXPLICIT_LE      "1.2.840.10008.1.2.1"
#define HZ_DICOM_TS_DEFLATED_LE      "1.2.840.10008.1.2.1.99"
#define HZ_DICOM_TS_EXPLICIT_BE      "1.2.840.10008.1.2.2"
#define HZ_DICOM_TS_JPEG_BASELINE    "1.2.840.10008.1.2.4.50"
#define HZ_DICOM_TS_JPEG_EXTENDED    "1.2.840.10008.1.2.4.51"
#define HZ_DICOM_TS_JPEG_LOSSLESS    "1.2.840.10008.1.2.4.57"
#define HZ_DICOM_TS_JPEG_LOSSLESS_SV1 "1.2.840.10008.1.2.4.70"
#define HZ_DICOM_TS_JPEG_LS_LOSSLESS "1.2.840.10008.1.2.4.80"
#define HZ_DICOM_TS_JPEG_LS_NEAR     "1.2.840.10008.1.2.4.81"
#define HZ_DICOM_TS_J2K_LOSSLESS     "1.2.840.10008.1.2.4.90"
#define HZ_DICOM_TS_J2K              "1.2.840.10008.1.2.4.91"
#define HZ_DICOM_TS_RLE              "1.2.840.10008.1.2.5"

#define HZ_TYPE_DICOM_DATASET (hz_dicom_dataset_get_type ())

G_DECLARE_FINAL_TYPE (HzDicomDataset, hz_dicom_dataset, HZ, DICOM_DATASET, GObject)

HzDicomDataset *hz_dicom_dataset_new_from_bytes     (GBytes          *bytes,
                                                     GError         **error);
HzDicomDataset *hz_dicom_dataset_new_from_file      (const char      *path,
                                                     GError         **error);

const char     *hz_dicom_dataset_get_transfer_syntax (HzDicomDataset *self);
gboolean        hz_dicom_dataset_has_preamble        (HzDicomDataset *self);
gboolean        hz_dicom_dataset_contains            (HzDicomDataset *self,
                                                      guint32         tag);
/* The two-letter VR as read or as known for implicit syntaxes ("UN" if not). */
const char     *hz_dicom_dataset_get_vr              (HzDicomDataset *self,
                                                      guint32         tag);
/* The value bytes, in the data set's byte order. */
const guint8   *hz_dicom_dataset_get_raw             (HzDicomDataset *self,
                                                      guint32         tag,
                                                      gsize          *length);

/* Text values, converted to UTF-8 with the SpecificCharacterSet in force,
 * without padding. get_string gives the whole value (with backslashes);
 * get_string_at one value of a multi-valued element. NULL if absent. */
char           *hz_dicom_dataset_get_string          (HzDicomDataset *self,
                                                      guint32         tag);
char           *hz_dicom_dataset_get_string_at       (HzDicomDataset *self,
                                                      guint32         tag,
                                                      guint           index);
/* Numbers from binary (US, SS, UL, SL, FL, FD) or text (IS, DS) elements. */
gboolean        hz_dicom_dataset_get_int             (HzDicomDataset *self,
                                                      guint32         tag,
                                                      guint           index,
                                                      gint64         *value);
gboolean        hz_dicom_dataset_get_double          (HzDicomDataset *self,
                                                      guint32         tag,
                                                      guint           index,
                                                      double         *value);
guint           hz_dicom_dataset_get_n_values        (HzDicomDataset *self,
                                                      guint32         tag);

/* Sequences. */
guint           hz_dicom_dataset_get_n_items         (HzDicomDataset *self,
                                                      guint32         tag);
HzDicomDataset *hz_dicom_dataset_get_item            (HzDicomDataset *self,
                                                      guint32         tag,
                                                      guint           index);

/* Encapsulated pixel data: fragments after the basic offset table. */
gboolean        hz_dicom_dataset_is_encapsulated     (HzDicomDataset *self,
                                                      guint32         tag);
guint           hz_dicom_dataset_get_n_fragments     (HzDicomDataset *self,
                                                      guint32         tag);
const guint8   *hz_dicom_dataset_get_fragment        (HzDicomDataset *self,
                                                      guint32         tag,
                                                      guint           index,
                                                      gsize          *length);
/* The basic offset table, as byte offsets into the fragment stream (may be empty). */
const guint32  *hz_dicom_dataset_get_offset_table    (HzDicomDataset *self,
                                                      guint32         tag,
                                                      guint          *n_offsets);

G_END_DECLS
