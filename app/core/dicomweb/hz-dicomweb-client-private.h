/* hz-dicomweb-client-private.h: shared by the client's files. */
#pragma once

#include <libsoup/soup.h>

#include "hz-dicomweb-client.h"

G_BEGIN_DECLS

#define HZ_DICOMWEB_ACCEPT_DICOM "multipart/related; type=\"application/dicom\"; transfer-syntax=*"

SoupSession *_hz_dicomweb_client_get_session       (HzDicomwebClient  *self);
gsize        _hz_dicomweb_client_get_max_part_size (HzDicomwebClient  *self);
SoupMessage *_hz_dicomweb_client_new_message       (HzDicomwebClient  *self,
                                                    const char        *path,
                                                    const char        *accept);
gboolean     _hz_dicomweb_check_status             (SoupMessage       *msg,
                                                    GError           **error);
void         _hz_dicomweb_propagate_send_error     (GError           **error,
                                                    GError            *soup_error);
char        *_hz_dicomweb_path                     (const char        *study_uid,
                                                    const char        *series_uid,
                                                    const char        *sop_uid,
                                                    const char        *suffix);

/* One streamed WADO-RS request: each Part-10 part goes to part_func as it
 * completes, each chunk read to bytes_func (content_length 0 if unknown). */
typedef void (*HzDicomwebPartFunc)  (GBytes   *part10,
                                     gpointer  func_data);
typedef void (*HzDicomwebBytesFunc) (gsize     n_read,
                                     guint64   content_length,
                                     gpointer  func_data);

void         _hz_dicomweb_stream_async             (HzDicomwebClient     *self,
                                                    const char           *path,
                                                    HzDicomwebPartFunc    part_func,
                                                    HzDicomwebBytesFunc   bytes_func,
                                                    gpointer              func_data,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean     _hz_dicomweb_stream_finish            (HzDicomwebClient     *self,
                                                    GAsyncResult         *result,
                                                    guint                *n_parts,
                                                    GError              **error);

G_END_DECLS
