/* hz-consult-attachments.h: the files a consult carries (photos, PDFs,
 * DICOM files), listed from the hub, each saved where the user says. */
#pragma once

#include <adwaita.h>

#include "hz-hub-client.h"

G_BEGIN_DECLS

#define HZ_TYPE_CONSULT_ATTACHMENTS (hz_consult_attachments_get_type ())

G_DECLARE_FINAL_TYPE (HzConsultAttachments, hz_consult_attachments, HZ, CONSULT_ATTACHMENTS, GtkWidget)

void        hz_consult_attachments_set_client (HzConsultAttachments *self,
                                               HzHubClient          *client);
/* Lists @consult_id's attachments (NULL: none). */
void        hz_consult_attachments_load       (HzConsultAttachments *self,
                                               const char           *consult_id);
gboolean    hz_consult_attachments_is_loading (HzConsultAttachments *self);
guint       hz_consult_attachments_get_count  (HzConsultAttachments *self);
/* The hub's record of attachment @index: sha256, filename, content_type,
 * size; NULL past the end. */
JsonObject *hz_consult_attachments_get_item   (HzConsultAttachments *self,
                                               guint                 index);
/* What the Download button does once the user has chosen @file: fetches
 * attachment @index from the hub and writes it there (0600). */
void        hz_consult_attachments_save_async (HzConsultAttachments *self,
                                               guint                 index,
                                               GFile                *file,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean    hz_consult_attachments_save_finish (HzConsultAttachments *self,
                                               GAsyncResult         *result,
                                               GError              **error);

G_END_DECLS
