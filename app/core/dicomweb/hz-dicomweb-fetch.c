/* hz-dicomweb-fetch.c: opens a study or series, cache first, then in parallel.
 *
 * One request per series is served by one server thread, one file after
 * another (Orthanc even closes the connection after such an answer, as it
 * sends no Content-Length). One request per instance, a few at a time,
 * lets the server read several files at once, keeps the connections
 * alive, and lets a failed instance be retried alone. Instances in the cache are handed over from disk, one per main
 * loop iteration so a big cached study does not freeze the window. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hz-dicomweb-client-private.h"
#include "hz-part10-meta.h"

typedef struct {
  char                   *study_uid;
  char                   *series_uid;
  GPtrArray              *instances;      /* HzDicomwebInstance, in order */
  GQueue                  from_cache;     /* borrowed HzDicomwebInstance */
  GQueue                  from_network;   /* borrowed HzDicomwebInstance */
  guint                   in_flight;
  guint                   idle_id;
  HzDicomwebCache        *cache;
  GCancellable           *cancellable;    /* ours: also stops the others on error */
  GCancellable           *user_cancellable;
  gulong                  cancelled_id;
  GError                 *error;
  HzDicomwebProgress      progress;
  HzDicomwebInstanceFunc  instance_func;
  HzDicomwebProgressFunc  progress_func;
  gpointer                func_data;
  GDestroyNotify          func_data_destroy;
} Fetch;

typedef struct {
  GTask              *task;
  HzDicomwebInstance *instance;
  guint               n_parts;
} Request;

static void
fetch_free (Fetch *fetch)
{
  g_assert (fetch->idle_id == 0);
  if (fetch->func_data_destroy != NULL)
    fetch->func_data_destroy (fetch->func_data);
  if (fetch->user_cancellable != NULL)
    g_cancellable_disconnect (fetch->user_cancellable, fetch->cancelled_id);
  g_clear_object (&fetch->user_cancellable);
  g_clear_object (&fetch->cancellable);
  g_clear_object (&fetch->cache);
  g_queue_clear (&fetch->from_cache);
  g_queue_clear (&fetch->from_network);
  g_clear_pointer (&fetch->instances, g_ptr_array_unref);
  g_clear_error (&fetch->error);
  g_free (fetch->study_uid);
  g_free (fetch->series_uid);
  g_free (fetch);
}

static void
fetch_cancelled_cb (GCancellable *user_cancellable,
                    GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

/* The first error wins and stops the requests still running. */
static void
fetch_fail (Fetch  *fetch,
            GError *error)
{
  if (fetch->error == NULL)
    fetch->error = error;
  else
    g_error_free (error);
  g_cancellable_cancel (fetch->cancellable);
}

static void
deliver (Fetch      *fetch,
         const char *uid,
         GBytes     *part10,
         gboolean    cached)
{
  fetch->progress.instances_done++;
  if (cached)
    fetch->progress.instances_cached++;
  if (fetch->instance_func != NULL)
    fetch->instance_func (uid, part10, fetch->func_data);
  if (fetch->progress_func != NULL)
    fetch->progress_func (&fetch->progress, fetch->func_data);
}

static void fetch_pump (GTask *task);

static void
request_part_cb (GBytes   *part10,
                 gpointer  user_data)
{
  Request *request = user_data;
  Fetch *fetch = g_task_get_task_data (request->task);
  const char *uid = request->instance->sop_instance_uid;
  g_autofree char *meta_uid = NULL;

  if (fetch->error != NULL || g_cancellable_is_cancelled (fetch->cancellable))
    return;
  if (++request->n_parts > 1)
    return;  /* counted, and refused when the request ends */
  /* A different instance than asked for would be cached under the wrong
   * name and shown in the wrong place. */
  meta_uid = hz_part10_sop_instance_uid (part10);
  if (g_strcmp0 (meta_uid, uid) != 0)
    {
      fetch_fail (fetch, g_error_new (HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_BAD_RESPONSE,
                                      _("The image server sent a different image than the one asked for")));
      return;
    }
  if (fetch->cache != NULL)
    {
      g_autoptr(GError) error = NULL;
      if (!hz_dicomweb_cache_store (fetch->cache, uid, part10, &error))
        g_debug ("Not caching %s: %s", uid, error->message);
    }
  deliver (fetch, uid, part10, FALSE);
}

static void
request_bytes_cb (gsize    n_read,
                  guint64  content_length,
                  gpointer user_data)
{
  Request *request = user_data;
  Fetch *fetch = g_task_get_task_data (request->task);

  fetch->progress.bytes_received += n_read;
  if (fetch->progress_func != NULL && fetch->error == NULL &&
      !g_cancellable_is_cancelled (fetch->cancellable))
    fetch->progress_func (&fetch->progress, fetch->func_data);
}

static void
request_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr(GTask) task = request->task;
  g_autoptr(GError) error = NULL;
  Fetch *fetch = g_task_get_task_data (task);

  fetch->in_flight--;
  if (!_hz_dicomweb_stream_finish (HZ_DICOMWEB_CLIENT (object), result, NULL, &error))
    fetch_fail (fetch, g_steal_pointer (&error));
  else if (request->n_parts != 1)
    fetch_fail (fetch, g_error_new (HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_BAD_RESPONSE,
                                    _("The image server sent %u files where one image was asked for"),
                                    request->n_parts));
  g_free (request);
  fetch_pump (g_steal_pointer (&task));
}

static void
fetch_complete (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);

  if (g_cancellable_is_cancelled (fetch->user_cancellable))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             _("Opening the images was cancelled"));
  else if (fetch->error != NULL)
    g_task_return_error (task, g_steal_pointer (&fetch->error));
  else
    g_task_return_boolean (task, TRUE);
}

/* Starts requests up to the limit; completes the task once nothing is
 * left running or waiting. Takes the caller's reference to task. */
static void
fetch_pump (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);
  HzDicomwebClient *self = g_task_get_source_object (task);
  gboolean stopped = fetch->error != NULL || g_cancellable_is_cancelled (fetch->cancellable);

  while (!stopped && fetch->in_flight < hz_dicomweb_client_get_concurrency (self) &&
         !g_queue_is_empty (&fetch->from_network))
    {
      Request *request = g_new0 (Request, 1);
      g_autofree char *path = NULL;

      request->task = g_object_ref (task);
      request->instance = g_queue_pop_head (&fetch->from_network);
      path = _hz_dicomweb_path (fetch->study_uid, request->instance->series_instance_uid,
                                request->instance->sop_instance_uid, NULL);
      fetch->in_flight++;
      _hz_dicomweb_stream_async (self, path, request_part_cb, request_bytes_cb, request,
                                 fetch->cancellable, request_cb, request);
    }
  if (fetch->in_flight == 0 && fetch->idle_id == 0 &&
      (stopped || g_queue_is_empty (&fetch->from_network)))
    fetch_complete (task);
  g_object_unref (task);
}

static gboolean
fetch_cached_idle_cb (gpointer user_data)
{
  GTask *task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  HzDicomwebInstance *instance;
  g_autoptr(GBytes) part10 = NULL;

  if (fetch->error != NULL || g_cancellable_is_cancelled (fetch->cancellable) ||
      g_queue_is_empty (&fetch->from_cache))
    {
      fetch->idle_id = 0;
      fetch_pump (g_object_ref (task));
      return G_SOURCE_REMOVE;
    }
  instance = g_queue_pop_head (&fetch->from_cache);
  part10 = hz_dicomweb_cache_lookup (fetch->cache, instance->sop_instance_uid);
  if (part10 != NULL)
    deliver (fetch, instance->sop_instance_uid, part10, TRUE);
  else
    {
      /* Evicted since we looked (our own downloads may have pushed it
       * out): fetch it like the others. */
      g_queue_push_tail (&fetch->from_network, instance);
      fetch_pump (g_object_ref (task));
    }
  return G_SOURCE_CONTINUE;
}

static int
compare_instances (gconstpointer a,
                   gconstpointer b)
{
  const HzDicomwebInstance *ia = *(HzDicomwebInstance **) a;
  const HzDicomwebInstance *ib = *(HzDicomwebInstance **) b;
  int c = g_strcmp0 (ia->series_instance_uid, ib->series_instance_uid);

  if (c != 0)
    return c;
  return (ia->instance_number > ib->instance_number) - (ia->instance_number < ib->instance_number);
}

/* Takes the caller's reference to task. */
static void
fetch_start (GTask     *task,
             GPtrArray *instances)
{
  Fetch *fetch = g_task_get_task_data (task);

  fetch->instances = instances;
  g_ptr_array_sort (fetch->instances, compare_instances);
  fetch->progress.instances_total = fetch->instances->len;
  for (guint i = 0; i < fetch->instances->len; i++)
    {
      HzDicomwebInstance *instance = g_ptr_array_index (fetch->instances, i);

      if (fetch->cache != NULL && hz_dicomweb_cache_contains (fetch->cache, instance->sop_instance_uid))
        g_queue_push_tail (&fetch->from_cache, instance);
      else
        g_queue_push_tail (&fetch->from_network, instance);
    }
  /* Always through the main loop, even for an all-cached study: callers
   * must not see callbacks before _async() has returned. */
  fetch->idle_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, fetch_cached_idle_cb,
                                    g_object_ref (task), g_object_unref);
  fetch_pump (task);
}

static void
fetch_listed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) instances = NULL;
  Fetch *fetch = g_task_get_task_data (task);

  instances = hz_dicomweb_client_search_instances_finish (HZ_DICOMWEB_CLIENT (object), result, &error);
  if (instances == NULL)
    {
      fetch_fail (fetch, g_steal_pointer (&error));
      fetch_complete (task);
      return;
    }
  for (guint i = instances->len; i > 0; i--)
    {
      HzDicomwebInstance *instance = g_ptr_array_index (instances, i - 1);

      /* The path names the study; the series is needed to ask for each. */
      if (instance->study_instance_uid == NULL)
        instance->study_instance_uid = g_strdup (fetch->study_uid);
      if (instance->series_instance_uid == NULL && fetch->series_uid != NULL)
        instance->series_instance_uid = g_strdup (fetch->series_uid);
      if (!hz_dicom_uid_is_valid (instance->series_instance_uid))
        g_ptr_array_remove_index (instances, i - 1);
    }
  if (instances->len == 0)
    {
      fetch_fail (fetch, g_error_new (HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_NOT_FOUND,
                                      _("The image server has no images for this study or series")));
      fetch_complete (task);
      return;
    }
  if (fetch->cache != NULL)
    {
      if (!hz_dicomweb_cache_store_manifest (fetch->cache, fetch->series_uid ? fetch->series_uid : fetch->study_uid,
                                             instances, &error))
        g_debug ("Not caching the list of images: %s", error->message);
    }
  fetch_start (g_steal_pointer (&task), g_steal_pointer (&instances));
}

void
hz_dicomweb_client_fetch_async (HzDicomwebClient       *self,
                                const char             *study_instance_uid,
                                const char             *series_instance_uid,
                                HzDicomwebInstanceFunc  instance_func,
                                HzDicomwebProgressFunc  progress_func,
                                gpointer                func_data,
                                GDestroyNotify          func_data_destroy,
                                GCancellable           *cancellable,
                                GAsyncReadyCallback     callback,
                                gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  GPtrArray *manifest = NULL;
  Fetch *fetch;

  g_return_if_fail (HZ_IS_DICOMWEB_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hz_dicomweb_client_fetch_async);
  /* Completion is reported by fetch_complete() with our own message. */
  g_task_set_check_cancellable (task, FALSE);
  fetch = g_new0 (Fetch, 1);
  fetch->study_uid = g_strdup (study_instance_uid);
  fetch->series_uid = g_strdup (series_instance_uid);
  fetch->instance_func = instance_func;
  fetch->progress_func = progress_func;
  fetch->func_data = func_data;
  fetch->func_data_destroy = func_data_destroy;
  fetch->cache = hz_dicomweb_client_get_cache (self);
  if (fetch->cache != NULL)
    g_object_ref (fetch->cache);
  fetch->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      fetch->user_cancellable = g_object_ref (cancellable);
      fetch->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (fetch_cancelled_cb),
                                                   g_object_ref (fetch->cancellable), g_object_unref);
    }
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);

  if (!hz_dicom_uid_is_valid (study_instance_uid) ||
      (series_instance_uid != NULL && !hz_dicom_uid_is_valid (series_instance_uid)))
    {
      g_task_return_new_error (task, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_INVALID_ARGUMENT,
                               _("Cannot ask the image server for an invalid DICOM UID"));
      return;
    }
  if (fetch->cache != NULL)
    manifest = hz_dicomweb_cache_lookup_manifest (fetch->cache,
                                                  series_instance_uid ? series_instance_uid : study_instance_uid);
  if (manifest != NULL)
    fetch_start (g_steal_pointer (&task), manifest);
  else
    hz_dicomweb_client_search_instances_async (self, study_instance_uid, series_instance_uid,
                                               fetch->cancellable, fetch_listed_cb,
                                               g_steal_pointer (&task));
}

gboolean
hz_dicomweb_client_fetch_finish (HzDicomwebClient    *self,
                                 GAsyncResult        *result,
                                 HzDicomwebProgress  *progress,
                                 GError             **error)
{
  Fetch *fetch;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  fetch = g_task_get_task_data (G_TASK (result));
  if (progress != NULL)
    *progress = fetch->progress;
  return g_task_propagate_boolean (G_TASK (result), error);
}
