/* hz-dicomweb-fetch.c: opens a study or series, cache first, then the network.
 *
 * A first opening asks for each series in one streamed WADO-RS request
 * (several series at once, up to the concurrency limit); the first
 * instance arrives after one file's worth of work. The totals come from
 * a QIDO-RS series search, which servers answer from their index, not
 * from an instance search: Orthanc takes 2 ms for the first and 90-300 ms
 * for the second on a 200-slice series, as it reads every file for it.
 * The instance list is then built from what arrived and kept in the
 * cache.
 *
 * Once the list is known (a later opening, with some instances evicted),
 * the missing ones are fetched one request per instance, a few at a time:
 * cheaper than the whole series again, and a failed instance can be asked
 * for alone. Instances in the cache are handed over from disk, one per
 * main loop iteration so a big cached study does not freeze the window. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hz-dicomweb-client-private.h"
#include "hz-part10-meta.h"

typedef struct {
  char                   *study_uid;
  char                   *series_uid;     /* NULL: the whole study */
  GPtrArray              *instances;      /* HzDicomwebInstance, the known list */
  GPtrArray              *received;       /* HzDicomwebInstance, first opening */
  GQueue                  from_cache;     /* Cached */
  GQueue                  from_network;   /* borrowed HzDicomwebInstance */
  GQueue                  series;         /* owned UIDs to stream whole */
  guint                   in_flight;      /* HTTP requests running */
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

/* An instance read from the cache, waiting for its turn. Read (mapped)
 * up front, so that our own downloads cannot evict it meanwhile. */
typedef struct {
  HzDicomwebInstance *instance;   /* borrowed */
  GBytes             *part10;
} Cached;

static void
cached_free (Cached *cached)
{
  g_bytes_unref (cached->part10);
  g_free (cached);
}

/* One HTTP request: a single instance, or a whole series. */
typedef struct {
  GTask              *task;
  HzDicomwebInstance *instance;    /* borrowed; NULL for a series */
  char               *series_uid;  /* for a series */
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
  g_queue_clear_full (&fetch->from_cache, (GDestroyNotify) cached_free);
  g_queue_clear (&fetch->from_network);
  g_queue_clear_full (&fetch->series, g_free);
  g_clear_pointer (&fetch->instances, g_ptr_array_unref);
  g_clear_pointer (&fetch->received, g_ptr_array_unref);
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

static gboolean
fetch_stopped (Fetch *fetch)
{
  return fetch->error != NULL || g_cancellable_is_cancelled (fetch->cancellable);
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
  else if (fetch->cache != NULL)
    {
      g_autoptr(GError) error = NULL;

      /* The cache is a convenience: failing to keep an image must not
       * fail showing it. */
      if (!hz_dicomweb_cache_store (fetch->cache, uid, part10, &error))
        g_debug ("Not caching %s: %s", uid, error->message);
    }
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
  g_autofree char *uid = NULL;

  if (fetch_stopped (fetch))
    return;
  request->n_parts++;
  uid = hz_part10_sop_instance_uid (part10);
  if (request->instance != NULL)
    {
      if (request->n_parts > 1)
        return;  /* counted, and refused when the request ends */
      /* A different instance than asked for would be cached under the
       * wrong name and shown in the wrong place. */
      if (g_strcmp0 (uid, request->instance->sop_instance_uid) != 0)
        {
          fetch_fail (fetch, g_error_new (HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_BAD_RESPONSE,
                                          _("The image server sent a different image than the one asked for")));
          return;
        }
    }
  else
    {
      HzDicomwebInstance *instance;

      if (uid == NULL)
        {
          fetch_fail (fetch, g_error_new (HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_BAD_RESPONSE,
                                          _("The image server sent a file that is not a DICOM image")));
          return;
        }
      /* The list for next time; arrival order stands in for the
       * instance number, which only a full parse would give. */
      instance = g_new0 (HzDicomwebInstance, 1);
      instance->study_instance_uid = g_strdup (fetch->study_uid);
      instance->series_instance_uid = g_strdup (request->series_uid);
      instance->sop_instance_uid = g_strdup (uid);
      instance->instance_number = request->n_parts;
      instance->rows = instance->columns = instance->n_frames = -1;
      g_ptr_array_add (fetch->received, instance);
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
  if (fetch->progress_func != NULL && !fetch_stopped (fetch))
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
  else if (request->instance != NULL && request->n_parts != 1)
    fetch_fail (fetch, g_error_new (HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_BAD_RESPONSE,
                                    _("The image server sent %u files where one image was asked for"),
                                    request->n_parts));
  else if (request->instance == NULL && request->n_parts == 0)
    fetch_fail (fetch, g_error_new (HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_NOT_FOUND,
                                    _("The image server has no images for this study or series")));
  g_free (request->series_uid);
  g_free (request);
  fetch_pump (g_steal_pointer (&task));
}

static void
fetch_complete (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);

  if (g_cancellable_is_cancelled (fetch->user_cancellable))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("Opening the images was cancelled"));
      return;
    }
  if (fetch->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&fetch->error));
      return;
    }
  /* Only a complete first opening makes a list worth trusting later. */
  if (fetch->cache != NULL && fetch->received != NULL && fetch->received->len > 0)
    {
      g_autoptr(GError) error = NULL;

      if (!hz_dicomweb_cache_store_manifest (fetch->cache, fetch->series_uid ? fetch->series_uid : fetch->study_uid,
                                             fetch->received, &error))
        g_debug ("Not caching the list of images: %s", error->message);
    }
  fetch->progress.instances_total = fetch->progress.instances_done;
  g_task_return_boolean (task, TRUE);
}

static void
start_request (GTask              *task,
               HzDicomwebInstance *instance,
               char               *series_uid)
{
  Fetch *fetch = g_task_get_task_data (task);
  Request *request = g_new0 (Request, 1);
  g_autofree char *path = NULL;

  request->task = g_object_ref (task);
  request->instance = instance;
  request->series_uid = series_uid;
  if (instance != NULL)
    path = _hz_dicomweb_path (fetch->study_uid, instance->series_instance_uid,
                              instance->sop_instance_uid, NULL);
  else
    path = _hz_dicomweb_path (fetch->study_uid, series_uid, NULL, NULL);
  fetch->in_flight++;
  _hz_dicomweb_stream_async (g_task_get_source_object (task), path, request_part_cb, request_bytes_cb,
                             request, fetch->cancellable, request_cb, request);
}

/* Starts requests up to the limit; completes the task once nothing is
 * left running or waiting. Takes the caller's reference to task. */
static void
fetch_pump (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);
  guint limit = hz_dicomweb_client_get_concurrency (g_task_get_source_object (task));
  gboolean stopped = fetch_stopped (fetch);

  while (!stopped && fetch->in_flight < limit && !g_queue_is_empty (&fetch->series))
    start_request (task, NULL, g_queue_pop_head (&fetch->series));
  while (!stopped && fetch->in_flight < limit && !g_queue_is_empty (&fetch->from_network))
    start_request (task, g_queue_pop_head (&fetch->from_network), NULL);
  if (fetch->in_flight == 0 && fetch->idle_id == 0 &&
      (stopped || (g_queue_is_empty (&fetch->from_network) && g_queue_is_empty (&fetch->series))))
    fetch_complete (task);
  g_object_unref (task);
}

static gboolean
fetch_cached_idle_cb (gpointer user_data)
{
  GTask *task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  Cached *cached;

  if (fetch_stopped (fetch) || g_queue_is_empty (&fetch->from_cache))
    {
      fetch->idle_id = 0;
      fetch_pump (g_object_ref (task));
      return G_SOURCE_REMOVE;
    }
  cached = g_queue_pop_head (&fetch->from_cache);
  deliver (fetch, cached->instance->sop_instance_uid, cached->part10, TRUE);
  cached_free (cached);
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

/* A later opening: the list is known. Takes the caller's reference. */
static void
fetch_start_known (GTask     *task,
                   GPtrArray *instances)
{
  Fetch *fetch = g_task_get_task_data (task);

  fetch->instances = instances;
  g_ptr_array_sort (fetch->instances, compare_instances);
  fetch->progress.instances_total = fetch->instances->len;
  for (guint i = 0; i < fetch->instances->len; i++)
    {
      HzDicomwebInstance *instance = g_ptr_array_index (fetch->instances, i);
      GBytes *part10 = hz_dicomweb_cache_lookup (fetch->cache, instance->sop_instance_uid);

      if (part10 != NULL)
        {
          Cached *cached = g_new0 (Cached, 1);
          cached->instance = instance;
          cached->part10 = part10;
          g_queue_push_tail (&fetch->from_cache, cached);
        }
      else
        g_queue_push_tail (&fetch->from_network, instance);
    }
  /* Always through the main loop, even for an all-cached study: callers
   * must not see callbacks before _async() has returned. */
  fetch->idle_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, fetch_cached_idle_cb,
                                    g_object_ref (task), g_object_unref);
  fetch_pump (task);
}

/* A first opening: the series search gives the totals, and for a whole
 * study the series to ask for. */
static void
series_listed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) series = NULL;
  Fetch *fetch = g_task_get_task_data (task);
  guint total = 0;

  fetch->in_flight--;
  series = hz_dicomweb_client_search_series_finish (HZ_DICOMWEB_CLIENT (object), result, &error);
  if (series == NULL)
    {
      fetch_fail (fetch, g_steal_pointer (&error));
      fetch_pump (g_steal_pointer (&task));
      return;
    }
  for (guint i = 0; i < series->len; i++)
    {
      HzDicomwebSeries *s = g_ptr_array_index (series, i);

      if (fetch->series_uid != NULL && g_strcmp0 (fetch->series_uid, s->series_instance_uid) != 0)
        continue;
      if (fetch->series_uid == NULL)
        g_queue_push_tail (&fetch->series, g_strdup (s->series_instance_uid));
      total += MAX (s->n_instances, 0);
    }
  /* A series' own request says whether it exists; a study with no series
   * has nothing to ask for. */
  if (fetch->series_uid == NULL && g_queue_is_empty (&fetch->series))
    fetch_fail (fetch, g_error_new (HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_NOT_FOUND,
                                    _("The image server has no images for this study or series")));
  fetch->progress.instances_total = MAX (total, fetch->progress.instances_done);
  fetch_pump (g_steal_pointer (&task));
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
    {
      fetch_start_known (g_steal_pointer (&task), manifest);
      return;
    }

  fetch->received = g_ptr_array_new_with_free_func ((GDestroyNotify) hz_dicomweb_instance_free);
  /* A series can be asked for at once, its total learnt on the way. */
  if (series_instance_uid != NULL)
    g_queue_push_tail (&fetch->series, g_strdup (series_instance_uid));
  fetch->in_flight++;
  hz_dicomweb_client_search_series_async (self, study_instance_uid, fetch->cancellable,
                                          series_listed_cb, g_object_ref (task));
  fetch_pump (g_steal_pointer (&task));
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
