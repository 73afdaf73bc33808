/* hz-multipart-reader.h: an incremental multipart/related reader. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One part, handed over as soon as its closing delimiter has arrived.
 * content_type may be NULL when the part has none; body is the part's
 * content, owned by the reader (take a reference to keep it). */
typedef void (*HzMultipartPartFunc) (const char *content_type,
                                     GBytes     *body,
                                     gpointer    user_data);

typedef struct _HzMultipartReader HzMultipartReader;

/* RFC 2046 allows 70; leave room for servers that go past it. */
#define HZ_MULTIPART_MAX_BOUNDARY 200

HzMultipartReader *hz_multipart_reader_new      (const char           *boundary,
                                                 gsize                 max_part_size,
                                                 HzMultipartPartFunc   part_func,
                                                 gpointer              user_data);
void               hz_multipart_reader_free     (HzMultipartReader    *self);
gboolean           hz_multipart_reader_feed     (HzMultipartReader    *self,
                                                 const guint8         *data,
                                                 gsize                 len,
                                                 GError              **error);
gboolean           hz_multipart_reader_finish   (HzMultipartReader    *self,
                                                 GError              **error);
guint              hz_multipart_reader_get_n_parts (HzMultipartReader *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzMultipartReader, hz_multipart_reader_free)

G_END_DECLS
