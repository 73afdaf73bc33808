/* hz-workspace-dicomweb.c: the consult's imaging study from the PACS
 * (DICOMweb), one viewer stack per series. */
#include "config.h"

#include "hz-workspace-private.h"

#define TAG_SERIES_UID         HZ_DICOM_TAG (0x0020, 0x000e)
#define TAG_SERIES_DESCRIPTION HZ_DICOM_TAG (0x0008, 0x103e)
#define TAG_MODALITY           HZ_DICOM_TAG (0x0008, 0x0060)
#define TAG_STUDY_UID          HZ_DICOM_TAG (0x0020, 0x000d)

typedef struct {
  HzWorkspace *self;
  GHashTable  *series;   /* series UID -> GPtrArray of HzDicomDataset */
  GPtrArray   *order;    /* series UIDs as they came */
} StudyLoad;

static void
study_load_free (StudyLoad *load)
{
  g_clear_object (&load->self);
  g_hash_table_unref (load->series);
  g_ptr_array_unref (load->order);
  g_free (load);
}

static void
instance_cb (const char *sop_instance_uid,
             GBytes     *part10,
             gpointer    user_data)
{
  StudyLoad *load = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HzDicomDataset) dataset = hz_dicom_dataset_new_from_bytes (part10, &error);
  g_autofree char *uid = NULL;
  GPtrArray *datasets;

  if (dataset == NULL)
    {
      g_debug ("DICOMweb instance skipped: %s", error->message);
      return;
    }
  uid = hz_dicom_dataset_get_string (dataset, TAG_SERIES_UID);
  if (uid == NULL)
    return;
  datasets = g_hash_table_lookup (load->series, uid);
  if (datasets == NULL)
    {
      datasets = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (load->order, g_strdup (uid));
      g_hash_table_insert (load->series, g_steal_pointer (&uid), datasets);
    }
  g_ptr_array_add (datasets, g_steal_pointer (&dataset));
}

static void
fetch_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  StudyLoad *load = user_data;
  g_autoptr(GError) error = NULL;

  if (!hz_dicomweb_client_fetch_finish (HZ_DICOMWEB_CLIENT (source), result, NULL, &error))
    g_warning ("imaging study not loaded: %s", error->message);
  for (guint i = 0; i < load->order->len; i++)
    {
      const char *uid = g_ptr_array_index (load->order, i);
      GPtrArray *datasets = g_hash_table_lookup (load->series, uid);
      g_autoptr(HzImageStack) stack = hz_image_stack_new (uid, datasets, &error);
      g_autofree char *description = NULL;
      g_autofree char *modality = NULL;

      if (stack == NULL)
        {
          g_debug ("series not shown: %s", error->message);
          g_clear_error (&error);
          continue;
        }
      description = hz_dicom_dataset_get_string (g_ptr_array_index (datasets, 0), TAG_SERIES_DESCRIPTION);
      modality = hz_dicom_dataset_get_string (g_ptr_array_index (datasets, 0), TAG_MODALITY);
      hz_workspace_add_series (load->self, stack, description ? description : uid, modality);
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
  load->series = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  load->order = g_ptr_array_new_with_free_func (g_free);
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
