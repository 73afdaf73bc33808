/* hz-dicomweb-retrieve.c: WADO-RS answers read as a stream of instances.
 *
 * The body is read in chunks and fed to the multipart reader, so each
 * instance reaches the caller while later ones are still on the wire, and
 * at most one instance sits in memory. Cancelling stops the pending read
 * at once; dropping the unfinished body makes libsoup close the
 * connection, so no more bytes are fetched for nothing. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hz-dicomweb-client-private.h"
#include "hz-multipart-reader.h"
#include "hz-part10-meta.h"

#define READ_CHUNK (256 * 1024)

typedef struct {
  GInputStream        *stream;
  HzMultipartReader   *reader;
  guint8              *buffer;
  GError              *part_error;
  guint64              content_length;
  HzDicomwebPartFunc   part_func;
  HzDicomwebBytesFunc  bytes_func;
  gpointer             func_data;
} Stream;

static void
stream_free (Stream *stream)
{
  g_clear_object (&stream->stream);
  g_clear_pointer (&stream->reader, hz_multipart_reader_free);
  g_free (stream->buffer);
  g_clear_error (&stream->part_error);
  g_free (stream);
}

static gboolean
is_dicom_type (const char *content_type)
{
  g_autofree char *media = NULL;

  if (content_type == NULL)
    return TRUE;  /* the body's type parameter already said so */
  media = g_strndup (content_type, strcspn (content_type, "; \t"));
  return g_ascii_strcasecmp (media, "application/dicom") == 0;
}

static void
stream_part_cb (const char *content_type,
                GBytes     *body,
                gpointer    user_data)
{
  Stream *stream = user_data;

  if (stream->part_error != NULL)
    return;
  if (!is_dicom_type (content_type))
    {
      g_set_error (&stream->part_error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_BAD_RESPONSE,
                   _("The image server sent “%s” where a DICOM file was expected"),
                   content_type);
      return;
    }
  stream->part_func (body, stream->func_data);
}

static void stream_read_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data);

static void
stream_read_next (GTask *task)
{
  Stream *stream = g_task_get_task_data (task);

  g_input_stream_read_async (stream->stream, stream->buffer, READ_CHUNK, G_PRIORITY_DEFAULT,
                             g_task_get_cancellable (task), stream_read_cb, task);
}

static void
stream_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  Stream *stream = g_task_get_task_data (task);
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (n < 0)
    {
      GError *read_error = g_steal_pointer (&error);
      _hz_dicomweb_propagate_send_error (&error, read_error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (n == 0)
    {
      if (!hz_multipart_reader_finish (stream->reader, &error))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_int (task, hz_multipart_reader_get_n_parts (stream->reader));
      return;
    }
  if (stream->bytes_func != NULL)
    stream->bytes_func (n, stream->content_length, stream->func_data);
  if (!hz_multipart_reader_feed (stream->reader, stream->buffer, n, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (stream->part_error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&stream->part_error));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  stream_read_next (g_steal_pointer (&task));
}

static void
stream_send_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  SoupSession *session = SOUP_SESSION (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) params = NULL;
  Stream *stream = g_task_get_task_data (task);
  HzDicomwebClient *self = g_task_get_source_object (task);
  SoupMessage *msg = soup_session_get_async_result_message (session, result);
  SoupMessageHeaders *headers;
  const char *content_type;
  const char *boundary;
  const char *type;

  stream->stream = soup_session_send_finish (session, result, &error);
  if (stream->stream == NULL)
    {
      GError *send_error = g_steal_pointer (&error);
      _hz_dicomweb_propagate_send_error (&error, send_error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!_hz_dicomweb_check_status (msg, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  headers = soup_message_get_response_headers (msg);
  content_type = soup_message_headers_get_content_type (headers, &params);
  if (content_type == NULL || g_ascii_strcasecmp (content_type, "multipart/related") != 0)
    {
      g_task_return_new_error (task, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_BAD_RESPONSE,
                               _("The image server answered with “%s” instead of multipart DICOM"),
                               content_type ? content_type : "");
      return;
    }
  type = g_hash_table_lookup (params, "type");
  if (type != NULL && g_ascii_strcasecmp (type, "application/dicom") != 0)
    {
      g_task_return_new_error (task, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_BAD_RESPONSE,
                               _("The image server answered with “%s” parts instead of DICOM files"),
                               type);
      return;
    }
  boundary = g_hash_table_lookup (params, "boundary");
  if (boundary == NULL || *boundary == '\0' || strlen (boundary) > HZ_MULTIPART_MAX_BOUNDARY)
    {
      g_task_return_new_error (task, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_BAD_MULTIPART,
                               _("The server sent a malformed multipart answer: its boundary is missing or too long"));
      return;
    }
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    stream->content_length = soup_message_headers_get_content_length (headers);
  stream->reader = hz_multipart_reader_new (boundary, _hz_dicomweb_client_get_max_part_size (self),
                                            stream_part_cb, stream);
  stream->buffer = g_malloc (READ_CHUNK);
  stream_read_next (g_steal_pointer (&task));
}

void
_hz_dicomweb_stream_async (HzDicomwebClient    *self,
                           const char          *path,
                           HzDicomwebPartFunc   part_func,
                           HzDicomwebBytesFunc  bytes_func,
                           gpointer             func_data,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(SoupMessage) msg = NULL;
  Stream *stream = g_new0 (Stream, 1);

  g_task_set_source_tag (task, _hz_dicomweb_stream_async);
  stream->part_func = part_func;
  stream->bytes_func = bytes_func;
  stream->func_data = func_data;
  g_task_set_task_data (task, stream, (GDestroyNotify) stream_free);

  msg = _hz_dicomweb_client_new_message (self, path, HZ_DICOMWEB_ACCEPT_DICOM);
  /* Offered gzip, Orthanc does not compress DICOM but drops Content-Length
   * and closes the connection after every answer; images compress poorly
   * anyway, so keep connections alive instead. */
  soup_message_disable_feature (msg, SOUP_TYPE_CONTENT_DECODER);
  soup_session_send_async (_hz_dicomweb_client_get_session (self), msg, G_PRIORITY_DEFAULT,
                           cancellable, stream_send_cb, g_steal_pointer (&task));
}

gboolean
_hz_dicomweb_stream_finish (HzDicomwebClient  *self,
                            GAsyncResult      *result,
                            guint             *n_parts,
                            GError           **error)
{
  gssize n;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  n = g_task_propagate_int (G_TASK (result), error);
  if (n_parts != NULL)
    *n_parts = MAX (n, 0);
  return n >= 0;
}

/* One-request retrieval of a study, series or instance. */

typedef struct {
  HzDicomwebInstanceFunc  instance_func;
  HzDicomwebProgressFunc  progress_func;
  gpointer                func_data;
  GDestroyNotify          func_data_destroy;
  HzDicomwebCache        *cache;
  GCancellable           *cancellable;
  HzDicomwebProgress      progress;
} Retrieve;

static void
retrieve_free (Retrieve *retrieve)
{
  if (retrieve->func_data_destroy != NULL)
    retrieve->func_data_destroy (retrieve->func_data);
  g_clear_object (&retrieve->cache);
  g_clear_object (&retrieve->cancellable);
  g_free (retrieve);
}

static void
retrieve_part_cb (GBytes   *part10,
                  gpointer  user_data)
{
  Retrieve *retrieve = user_data;
  g_autofree char *uid = hz_part10_sop_instance_uid (part10);

  if (g_cancellable_is_cancelled (retrieve->cancellable))
    return;
  /* The cache is a convenience: failing to keep an image must not fail
   * showing it. */
  if (retrieve->cache != NULL && uid != NULL)
    {
      g_autoptr(GError) error = NULL;
      if (!hz_dicomweb_cache_store (retrieve->cache, uid, part10, &error))
        g_debug ("Not caching %s: %s", uid, error->message);
    }
  retrieve->progress.instances_done++;
  if (retrieve->instance_func != NULL)
    retrieve->instance_func (uid, part10, retrieve->func_data);
  if (retrieve->progress_func != NULL)
    retrieve->progress_func (&retrieve->progress, retrieve->func_data);
}

static void
retrieve_bytes_cb (gsize    n_read,
                   guint64  content_length,
                   gpointer user_data)
{
  Retrieve *retrieve = user_data;

  retrieve->progress.bytes_received += n_read;
  retrieve->progress.bytes_total = content_length;
  if (retrieve->progress_func != NULL && !g_cancellable_is_cancelled (retrieve->cancellable))
    retrieve->progress_func (&retrieve->progress, retrieve->func_data);
}

static void
retrieve_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  Retrieve *retrieve = g_task_get_task_data (task);

  if (!_hz_dicomweb_stream_finish (HZ_DICOMWEB_CLIENT (object), result, NULL, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else if (retrieve->progress.instances_done == 0)
    g_task_return_new_error (task, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_NOT_FOUND,
                             _("The image server sent no images"));
  else
    {
      retrieve->progress.instances_total = retrieve->progress.instances_done;
      g_task_return_boolean (task, TRUE);
    }
}

void
hz_dicomweb_client_retrieve_async (HzDicomwebClient       *self,
                                   const char             *study_instance_uid,
                                   const char             *series_instance_uid,
                                   const char             *sop_instance_uid,
                                   HzDicomwebInstanceFunc  instance_func,
                                   HzDicomwebProgressFunc  progress_func,
                                   gpointer                func_data,
                                   GDestroyNotify          func_data_destroy,
                                   GCancellable           *cancellable,
                                   GAsyncReadyCallback     callback,
                                   gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;
  Retrieve *retrieve;

  g_return_if_fail (HZ_IS_DICOMWEB_CLIENT (self));
  g_return_if_fail (sop_instance_uid == NULL || series_instance_uid != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hz_dicomweb_client_retrieve_async);
  retrieve = g_new0 (Retrieve, 1);
  retrieve->instance_func = instance_func;
  retrieve->progress_func = progress_func;
  retrieve->func_data = func_data;
  retrieve->func_data_destroy = func_data_destroy;
  retrieve->cache = hz_dicomweb_client_get_cache (self);
  if (retrieve->cache != NULL)
    g_object_ref (retrieve->cache);
  retrieve->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
  g_task_set_task_data (task, retrieve, (GDestroyNotify) retrieve_free);

  if (!hz_dicom_uid_is_valid (study_instance_uid) ||
      (series_instance_uid != NULL && !hz_dicom_uid_is_valid (series_instance_uid)) ||
      (sop_instance_uid != NULL && !hz_dicom_uid_is_valid (sop_instance_uid)))
    {
      g_task_return_new_error (task, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_INVALID_ARGUMENT,
                               _("Cannot ask the image server for an invalid DICOM UID"));
      return;
    }
  path = _hz_dicomweb_path (study_instance_uid, series_instance_uid, sop_instance_uid, NULL);
  _hz_dicomweb_stream_async (self, path, retrieve_part_cb, retrieve_bytes_cb, retrieve,
                             cancellable, retrieve_cb, g_steal_pointer (&task));
}

gboolean
hz_dicomweb_client_retrieve_finish (HzDicomwebClient    *self,
                                    GAsyncResult        *result,
                                    HzDicomwebProgress  *progress,
                                    GError             **error)
{
  Retrieve *retrieve;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  retrieve = g_task_get_task_data (G_TASK (result));
  if (progress != NULL)
    *progress = retrieve->progress;
  return g_task_propagate_boolean (G_TASK (result), error);
}
