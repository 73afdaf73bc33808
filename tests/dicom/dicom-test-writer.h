/* dicom-test-writer.h: tiny little-endian DICOM files built in tests. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  GByteArray *buf;
  gboolean    implicit;
} TestWriter;

void    tw_init          (TestWriter *w, const char *transfer_syntax, gboolean with_meta);
void    tw_element       (TestWriter *w, guint16 group, guint16 elem, const char *vr,
                          const void *data, gsize length);
void    tw_string        (TestWriter *w, guint16 group, guint16 elem, const char *vr, const char *value);
void    tw_u16           (TestWriter *w, guint16 group, guint16 elem, guint16 value);
void    tw_u32           (TestWriter *w, guint16 group, guint16 elem, guint32 value);
/* Undefined-length sequence and items. */
void    tw_sequence      (TestWriter *w, guint16 group, guint16 elem);
void    tw_item          (TestWriter *w);
void    tw_item_end      (TestWriter *w);
void    tw_sequence_end  (TestWriter *w);
/* Encapsulated pixel data: an empty offset table and the given fragments. */
void    tw_encapsulated  (TestWriter *w, const GBytes *const *fragments, guint n);
GBytes *tw_finish        (TestWriter *w);

G_END_DECLS
