/* hz-workspace-dicomweb.c: the consult's imaging study from the PACS
 * (DICOMweb), decoded in a worker thread, one viewer stack per series. */
#include "config.h"

#include "hz-workspace-private.h"

#define TAG_SERIES_UID         HZ_DICOM_TAG (0x0020, 0x000e)
#define TAG_SERIES_DESCRIPTION HZ_DICOM_TAG (0x0008, 0x103e)
#define TAG_MODALITY           HZ_DICOM_TAG (0x0008, 0x0060)
#define TAG_STUDY_UID          HZ_DICOM_TAG (0x0020, 0x000d)

/* The instances arrive on the main loop as Part 10 bytes; parsing them
 * and building the stacks (tens of megabytes for a CT) happens in a
 * worker thread, so the call's video and the shared view keep moving
 * while a study comes in. */
typedef struct {
  HzWorkspace *self;
  GPtrArray   *parts;    /* GBytes, as they came */
} StudyLoad;

typedef struct {
  HzImageStack *stack;
  char         *description;
  char         *modality;
} LoadedSeries;

static void
study_load_free (StudyLoad *load)
{
  g_clear_object (&load->self);
  g_ptr_array_unref (load->parts);
  g_free (load);
}

static void
loaded_series_free (LoadedSeries *series)
{
  g_clear_object (&series->stack);
  g_free (series->description);
  g_free (series->modality);
  g_free (series);
}

static void
instance_cb (const char *sop_instance_uid,
             GBytes     *part10,
             gpointer    user_data)
{
  StudyLoad *load = user_data;

  g_ptr_array_add (load->parts, g_bytes_ref (part10));
}

/* In the worker: Part 10 bytes -> datasets by series -> stacks. Touches
 * nothing but its own data. */
static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GPtrArray *parts = task_data;
  g_autoptr(GHashTable) by_series = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) loaded_series_free);

  for (guint i = 0; i < parts->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HzDicomDataset) dataset = NULL;
      g_autofree char *uid = NULL;
      GPtrArray *datasets;

      if (g_cancellable_is_cancelled (cancellable))
        break;
      dataset = hz_dicom_dataset_new_from_bytes (g_ptr_array_index (parts, i), &error);
      if (dataset == NULL)
        {
          g_debug ("DICOMweb instance skipped: %s", error->message);
          continue;
        }
      uid = hz_dicom_dataset_get_string (dataset, TAG_SERIES_UID);
      if (uid == NULL)
        continue;
      datasets = g_hash_table_lookup (by_series, uid);
      if (datasets == NULL)
        {
          datasets = g_ptr_array_new_with_free_func (g_object_unref);
          g_ptr_array_add (order, g_strdup (uid));
          g_hash_table_insert (by_series, g_steal_pointer (&uid), datasets);
        }
      g_ptr_array_add (datasets, g_steal_pointer (&dataset));
    }

  for (guint i = 0; i < order->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      const char *uid = g_ptr_array_index (order, i);
      GPtrArray *datasets = g_hash_table_lookup (by_series, uid);
      g_autoptr(GError) error = NULL;
      g_autoptr(HzImageStack) stack = hz_image_stack_new (uid, datasets, &error);
      LoadedSeries *series;

      if (stack == NULL)
        {
          g_debug ("series not shown: %s", error->message);
          continue;
        }
      series = g_new0 (LoadedSeries, 1);
      series->stack = g_steal_pointer (&stack);
      series->description = hz_dicom_dataset_get_string (g_ptr_array_index (datasets, 0), TAG_SERIES_DESCRIPTION);
      series->modality = hz_dicom_dataset_get_string (g_ptr_array_index (datasets, 0), TAG_MODALITY);
      g_ptr_array_add (result, series);
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) g_ptr_array_unref);
}

static void
decoded_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  HzWorkspace *self = HZ_WORKSPACE (source);
  g_autoptr(GPtrArray) loaded = g_task_propagate_pointer (G_TASK (result), NULL);

  for (guint i = 0; loaded != NULL && i < loaded->len; i++)
    {
      LoadedSeries *series = g_ptr_array_index (loaded, i);

      hz_workspace_add_series (self, series->stack,
                               series->description ? series->description : hz_image_stack_get_series_uid (series->stack),
                               series->modality);
    }
}

static void
fetch_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  StudyLoad *load = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;

  if (!hz_dicomweb_client_fetch_finish (HZ_DICOMWEB_CLIENT (source), result, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("imaging study not loaded: %s", error->message);
  /* What did arrive is shown, even when the rest failed. */
  if (load->parts->len > 0 && !g_cancellable_is_cancelled (load->self->cancellable))
    {
      task = g_task_new (load->self, load->self->cancellable, decoded_cb, NULL);
      g_task_set_source_tag (task, fetch_cb);
      g_task_set_task_data (task, g_ptr_array_ref (load->parts), (GDestroyNotify) g_ptr_array_unref);
      g_task_run_in_thread (task, decode_thread);
    }
  study_load_free (load);
}

void
hz_workspace_load_study (HzWorkspace      *self,
                         HzDicomwebClient *pacs,
                         const char       *study_uid)
{
  StudyLoad *load;

  g_return_if_fail (HZ_IS_WORKSPACE (self));
  g_return_if_fail (HZ_IS_DICOMWEB_CLIENT (pacs));
  g_return_if_fail (study_uid != NULL);

  g_set_object (&self->dicomweb, pacs);
  load = g_new0 (StudyLoad, 1);
  load->self = g_object_ref (self);
  load->parts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  hz_dicomweb_client_fetch_async (self->dicomweb, study_uid, NULL, instance_cb, NULL, load, NULL,
                                  self->cancellable, fetch_cb, load);
}

void
hz_workspace_set_pacs (HzWorkspace      *self,
                       HzDicomwebClient *pacs)
{
  g_return_if_fail (HZ_IS_WORKSPACE (self));
  g_set_object (&self->dicomweb, pacs);
}

/* The user chose an imaging study in the record: show it, fetching it
 * from the PACS when this side does not have it yet. */
void
_hz_workspace_study_activated_cb (HzWorkspace *self,
                                  const char  *study_uid)
{
  guint n = hz_series_browser_get_n_series (self->series_browser);

  for (guint i = 0; i < n; i++)
    {
      HzImageStack *stack = hz_series_browser_get_series (self->series_browser, i);
      g_autofree char *uid = hz_dicom_dataset_get_string (hz_image_stack_get_dataset (stack, 0),
                                                          TAG_STUDY_UID);

      if (g_strcmp0 (uid, study_uid) == 0)
        {
          hz_workspace_open_series (self, hz_image_stack_get_series_uid (stack));
          return;
        }
    }
  hz_workspace_show_page (self, "images");
  if (self->dicomweb != NULL)
    hz_workspace_load_study (self, self->dicomweb, study_uid);
}
