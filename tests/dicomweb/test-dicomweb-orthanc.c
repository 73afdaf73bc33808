/* test-dicomweb-orthanc.c: the DICOMweb client against a real Orthanc. */
#include "config.h"

#include <glib/gstdio.h>
#include <sys/stat.h>

#include "hz-dicomweb-client.h"
#include "hz-orthanc.h"
#include "hz-part10-meta.h"
#include "hz-test-utils.h"

#define CT_STUDY    "1.2.826.0.1.3680043.10.1078.2.1"
#define CT_PATIENT  "QS-000731"
#define CT_SLICES   48

static HzOrthanc *orthanc;
static char *orthanc_skip;
static char *ct_series;
static GPtrArray *ct_sops;  /* SOP Instance UIDs from QIDO */

#define REQUIRE_ORTHANC()                           \
  G_STMT_START {                                    \
    if (orthanc == NULL || !hz_orthanc_is_running (orthanc)) \
      {                                             \
        g_test_skip (orthanc_skip);                 \
        return;                                     \
      }                                             \
  } G_STMT_END

static HzDicomwebClient *
new_client (void)
{
  HzDicomwebClient *client = hz_dicomweb_client_new (hz_orthanc_get_dicomweb_url (orthanc));

  hz_dicomweb_client_set_basic_auth (client, hz_orthanc_get_user (orthanc),
                                     hz_orthanc_get_password (orthanc));
  hz_dicomweb_client_set_user_agent (client, "huizhen-test");
  return client;
}

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;
  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static GPtrArray *
search_studies (HzDicomwebClient  *client,
                const char        *patient_id,
                const char        *study_uid,
                GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hz_dicomweb_client_search_studies_async (client, patient_id, study_uid, NULL, result_cb, &result);
  return hz_dicomweb_client_search_studies_finish (client, wait_result (&result), error);
}

/* What a fetch or retrieval delivered, in order. */
typedef struct {
  GPtrArray          *uids;        /* from the callback */
  GPtrArray          *meta_uids;   /* from each file's meta header */
  guint64             bytes;
  HzDicomwebProgress  last;
  guint               n_progress;
  GCancellable       *cancel_after_cancellable;
  guint               cancel_after;
  guint               delivered_after_cancel;
  gint64              cancelled_at;
} Received;

static Received *
received_new (void)
{
  Received *r = g_new0 (Received, 1);
  r->uids = g_ptr_array_new_with_free_func (g_free);
  r->meta_uids = g_ptr_array_new_with_free_func (g_free);
  return r;
}

static void
received_free (Received *r)
{
  g_ptr_array_unref (r->uids);
  g_ptr_array_unref (r->meta_uids);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Received, received_free)

static void
instance_cb (const char *uid,
             GBytes     *part10,
             gpointer    user_data)
{
  Received *r = user_data;

  if (r->cancelled_at != 0)
    r->delivered_after_cancel++;
  g_ptr_array_add (r->uids, g_strdup (uid));
  g_ptr_array_add (r->meta_uids, hz_part10_sop_instance_uid (part10));
  r->bytes += g_bytes_get_size (part10);
  if (r->cancel_after_cancellable != NULL && r->uids->len == r->cancel_after)
    {
      r->cancelled_at = g_get_monotonic_time ();
      g_cancellable_cancel (r->cancel_after_cancellable);
    }
}

static void
progress_cb (const HzDicomwebProgress *progress,
             gpointer                  user_data)
{
  Received *r = user_data;

  /* Progress never goes backwards. */
  g_assert_cmpuint (progress->bytes_received, >=, r->last.bytes_received);
  g_assert_cmpuint (progress->instances_done, >=, r->last.instances_done);
  r->last = *progress;
  r->n_progress++;
}

static gboolean
fetch (HzDicomwebClient    *client,
       const char          *study,
       const char          *series,
       Received            *r,
       GCancellable        *cancellable,
       HzDicomwebProgress  *progress,
       GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hz_dicomweb_client_fetch_async (client, study, series, instance_cb, progress_cb, r, NULL,
                                  cancellable, result_cb, &result);
  return hz_dicomweb_client_fetch_finish (client, wait_result (&result), progress, error);
}

static void
assert_is_ct_series (GPtrArray *uids)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (uids->len, ==, CT_SLICES);
  for (guint i = 0; i < uids->len; i++)
    {
      g_assert_nonnull (g_ptr_array_index (uids, i));
      g_assert_true (g_ptr_array_find_with_equal_func (ct_sops, g_ptr_array_index (uids, i), g_str_equal, NULL));
      g_assert_true (g_hash_table_add (seen, g_ptr_array_index (uids, i)));
    }
}

static void
test_qido_studies (void)
{
  g_autoptr(HzDicomwebClient) client = NULL;
  g_autoptr(GPtrArray) studies = NULL;
  g_autoptr(GError) error = NULL;
  HzDicomwebStudy *study;

  REQUIRE_ORTHANC ();
  client = new_client ();
  studies = search_studies (client, CT_PATIENT, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (studies->len, ==, 1);
  study = g_ptr_array_index (studies, 0);
  g_assert_cmpstr (study->study_instance_uid, ==, CT_STUDY);
  g_assert_cmpstr (study->patient_id, ==, CT_PATIENT);
  g_assert_cmpstr (study->patient_name.alphabetic, ==, "WANG^JIANGUO");
  g_assert_cmpstr (study->patient_name.ideographic, ==, "王^建国");
  g_assert_cmpstr (study->patient_sex, ==, "M");
  g_assert_true (g_strv_contains ((const char * const *) study->modalities, "CT"));
  g_assert_cmpint (study->n_series, ==, 1);
  g_assert_cmpint (study->n_instances, ==, CT_SLICES);
  g_clear_pointer (&studies, g_ptr_array_unref);

  studies = search_studies (client, NULL, CT_STUDY, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (studies->len, ==, 1);
  g_clear_pointer (&studies, g_ptr_array_unref);

  /* All three fixture studies, and none for a patient we do not have. */
  studies = search_studies (client, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (studies->len, ==, 3);
  g_clear_pointer (&studies, g_ptr_array_unref);
  studies = search_studies (client, "QS-999999", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (studies->len, ==, 0);
}

static GPtrArray *
find_studies (HzDicomwebClient  *client,
              const char        *patient_id,
              const char        *patient_name,
              const char        *study_date,
              GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hz_dicomweb_client_find_studies_async (client, patient_id, patient_name, study_date, NULL, result_cb, &result);
  return hz_dicomweb_client_search_studies_finish (client, wait_result (&result), error);
}

/* Picking a study for a request: by a Chinese or pinyin part of the
 * name, by date, by ID, with the counts a person chooses by. */
static void
test_qido_find_studies (void)
{
  g_autoptr(HzDicomwebClient) client = NULL;
  g_autoptr(GPtrArray) studies = NULL;
  g_autoptr(GError) error = NULL;
  HzDicomwebStudy *study;

  REQUIRE_ORTHANC ();
  client = new_client ();
  studies = find_studies (client, NULL, "建国", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (studies->len, ==, 1);
  study = g_ptr_array_index (studies, 0);
  g_assert_cmpstr (study->study_instance_uid, ==, CT_STUDY);
  g_assert_cmpstr (study->patient_name.ideographic, ==, "王^建国");
  g_assert_cmpint (study->n_instances, ==, CT_SLICES);
  g_assert_true (g_strv_contains ((const char * const *) study->modalities, "CT"));
  g_assert_nonnull (study->study_date);
  g_clear_pointer (&studies, g_ptr_array_unref);

  studies = find_studies (client, NULL, "wang jianguo", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (studies->len, ==, 1);
  g_clear_pointer (&studies, g_ptr_array_unref);
  studies = find_studies (client, NULL, "王建国", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (studies->len, ==, 1);
  g_clear_pointer (&studies, g_ptr_array_unref);
  studies = find_studies (client, NULL, "张", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (studies->len, ==, 1);
  g_assert_cmpstr (((HzDicomwebStudy *) g_ptr_array_index (studies, 0))->patient_name.ideographic, ==, "张^小明");
  g_clear_pointer (&studies, g_ptr_array_unref);

  /* its date finds it, a range around it too, another day does not */
  studies = find_studies (client, CT_PATIENT, "", "", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (studies->len, ==, 1);
  {
    g_autofree char *date = g_strdup (((HzDicomwebStudy *) g_ptr_array_index (studies, 0))->study_date);
    g_autofree char *range = g_strdup_printf ("19000101-%s", date);
    g_clear_pointer (&studies, g_ptr_array_unref);
    studies = find_studies (client, NULL, NULL, date, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (studies->len, >=, 1);
    g_clear_pointer (&studies, g_ptr_array_unref);
    studies = find_studies (client, CT_PATIENT, NULL, range, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (studies->len, ==, 1);
    g_clear_pointer (&studies, g_ptr_array_unref);
    studies = find_studies (client, CT_PATIENT, NULL, "18000101", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (studies->len, ==, 0);
  }
}

static void
test_qido_series_instances (void)
{
  g_autoptr(HzDicomwebClient) client = NULL;
  g_autoptr(GPtrArray) series = NULL;
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) result2 = NULL;
  g_autoptr(GError) error = NULL;
  HzDicomwebSeries *s;

  REQUIRE_ORTHANC ();
  client = new_client ();
  hz_dicomweb_client_search_series_async (client, CT_STUDY, NULL, result_cb, &result);
  series = hz_dicomweb_client_search_series_finish (client, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (series->len, ==, 1);
  s = g_ptr_array_index (series, 0);
  g_assert_cmpstr (s->modality, ==, "CT");
  g_assert_cmpint (s->n_instances, ==, CT_SLICES);
  g_assert_cmpstr (s->series_instance_uid, ==, ct_series);

  hz_dicomweb_client_search_instances_async (client, CT_STUDY, s->series_instance_uid, NULL,
                                             result_cb, &result2);
  instances = hz_dicomweb_client_search_instances_finish (client, wait_result (&result2), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (instances->len, ==, CT_SLICES);
  for (guint i = 0; i < instances->len; i++)
    {
      HzDicomwebInstance *instance = g_ptr_array_index (instances, i);
      g_assert_cmpint (instance->rows, ==, 256);
      g_assert_cmpint (instance->columns, ==, 256);
      g_assert_cmpint (instance->instance_number, >=, 1);
    }
}

static void
test_fetch_series (void)
{
  g_autoptr(HzDicomwebClient) client = NULL;
  g_autoptr(Received) r = received_new ();
  g_autoptr(GError) error = NULL;
  HzDicomwebProgress progress;

  REQUIRE_ORTHANC ();
  client = new_client ();
  hz_dicomweb_client_set_concurrency (client, 5);
  g_assert_true (fetch (client, CT_STUDY, ct_series, r, NULL, &progress, &error));
  g_assert_no_error (error);
  assert_is_ct_series (r->uids);
  /* The callback's UID is the file's own. */
  for (guint i = 0; i < r->uids->len; i++)
    g_assert_cmpstr (g_ptr_array_index (r->uids, i), ==, g_ptr_array_index (r->meta_uids, i));
  g_assert_cmpuint (progress.instances_done, ==, CT_SLICES);
  g_assert_cmpuint (progress.instances_total, ==, CT_SLICES);
  g_assert_cmpuint (progress.instances_cached, ==, 0);
  g_assert_cmpuint (r->last.instances_done, ==, CT_SLICES);
  /* Every body byte is counted: the files plus their multipart framing. */
  g_assert_cmpuint (progress.bytes_received, >, r->bytes);
  g_assert_cmpuint (progress.bytes_received, <, r->bytes + CT_SLICES * 1024);
  /* A first opening: one streamed request, one search beside it. */
  g_assert_cmpuint (hz_dicomweb_client_get_n_requests (client), ==, 2);
}

/* A cache that knows the CT series' instance list but holds no instance:
 * what a later opening sees after everything was evicted. */
static HzDicomwebCache *
cache_with_list_only (const char *dir)
{
  g_autoptr(HzDicomwebClient) client = new_client ();
  g_autoptr(HzDicomwebCache) cache = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) instances = NULL;
  g_autoptr(GError) error = NULL;

  cache = hz_dicomweb_cache_new (dir, 1024 * 1024 * 1024, &error);
  g_assert_no_error (error);
  hz_dicomweb_client_search_instances_async (client, CT_STUDY, ct_series, NULL, result_cb, &result);
  instances = hz_dicomweb_client_search_instances_finish (client, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_true (hz_dicomweb_cache_store_manifest (cache, ct_series, instances, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&cache);
}

static void
test_fetch_per_instance (void)
{
  g_autoptr(HzDicomwebClient) client = NULL;
  g_autoptr(HzDicomwebCache) cache = NULL;
  g_autoptr(Received) r = received_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = hz_test_tmpdir ();
  HzDicomwebProgress progress;

  REQUIRE_ORTHANC ();
  cache = cache_with_list_only (dir);
  client = new_client ();
  hz_dicomweb_client_set_cache (client, cache);
  hz_dicomweb_client_set_concurrency (client, 5);
  g_assert_true (fetch (client, CT_STUDY, ct_series, r, NULL, &progress, &error));
  g_assert_no_error (error);
  assert_is_ct_series (r->uids);
  for (guint i = 0; i < r->uids->len; i++)
    g_assert_cmpstr (g_ptr_array_index (r->uids, i), ==, g_ptr_array_index (r->meta_uids, i));
  g_assert_cmpuint (progress.instances_total, ==, CT_SLICES);
  g_assert_cmpuint (progress.bytes_received, >, r->bytes);
  g_assert_cmpuint (progress.bytes_received, <, r->bytes + CT_SLICES * 1024);
  /* No search: the list was known. One request per instance. */
  g_assert_cmpuint (hz_dicomweb_client_get_n_requests (client), ==, CT_SLICES);
  g_assert_cmpuint (hz_dicomweb_cache_get_n_instances (cache), ==, CT_SLICES);
  hz_test_rmdir (dir);
}

static void
retrieve_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  result_cb (object, result, user_data);
}

static void
test_retrieve_study_one_request (void)
{
  g_autoptr(HzDicomwebClient) client = NULL;
  g_autoptr(Received) r = received_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HzDicomwebProgress progress;

  REQUIRE_ORTHANC ();
  client = new_client ();
  hz_dicomweb_client_retrieve_async (client, CT_STUDY, NULL, NULL, instance_cb, progress_cb, r, NULL,
                                     NULL, retrieve_cb, &result);
  g_assert_true (hz_dicomweb_client_retrieve_finish (client, wait_result (&result), &progress, &error));
  g_assert_no_error (error);
  assert_is_ct_series (r->uids);
  g_assert_cmpuint (progress.instances_done, ==, CT_SLICES);
  g_assert_cmpuint (progress.instances_total, ==, CT_SLICES);
  /* Orthanc streams a series without Content-Length (closing the
   * connection at the end), so the total may be unknown. */
  if (progress.bytes_total != 0)
    g_assert_cmpuint (progress.bytes_received, ==, progress.bytes_total);
  g_assert_cmpuint (progress.bytes_received, >, r->bytes);
  g_assert_cmpuint (hz_dicomweb_client_get_n_requests (client), ==, 1);
}

static void
test_cancel (void)
{
  g_autoptr(HzDicomwebClient) client = NULL;
  g_autoptr(Received) r = received_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  HzDicomwebProgress progress;
  gint64 finished;

  g_autoptr(HzDicomwebCache) cache = NULL;
  g_autofree char *dir = hz_test_tmpdir ();

  REQUIRE_ORTHANC ();
  /* Per-instance requests, two at a time. */
  cache = cache_with_list_only (dir);
  client = new_client ();
  hz_dicomweb_client_set_cache (client, cache);
  hz_dicomweb_client_set_concurrency (client, 2);
  r->cancel_after_cancellable = cancellable;
  r->cancel_after = 5;
  g_assert_false (fetch (client, CT_STUDY, ct_series, r, cancellable, &progress, &error));
  finished = g_get_monotonic_time ();
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (r->uids->len, ==, 5);
  g_assert_cmpuint (r->delivered_after_cancel, ==, 0);
  g_assert_cmpuint (progress.instances_done, ==, 5);
  /* Nothing new is asked for after the cancel: five answered requests,
   * and at most the two that were in flight. */
  g_assert_cmpuint (hz_dicomweb_client_get_n_requests (client), <=, 5 + 2);
  g_assert_cmpint (finished - r->cancelled_at, <, G_USEC_PER_SEC / 2);
  hz_test_rmdir (dir);
}

/* A first opening (one streamed request) cancelled half-way. */
static void
test_cancel_first_opening (void)
{
  g_autoptr(HzDicomwebClient) client = NULL;
  g_autoptr(Received) r = received_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  HzDicomwebProgress progress;
  gint64 finished;

  REQUIRE_ORTHANC ();
  client = new_client ();
  r->cancel_after_cancellable = cancellable;
  r->cancel_after = 4;
  g_assert_false (fetch (client, CT_STUDY, NULL, r, cancellable, &progress, &error));
  finished = g_get_monotonic_time ();
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (r->uids->len, ==, 4);
  g_assert_cmpuint (r->delivered_after_cancel, ==, 0);
  g_assert_cmpuint (hz_dicomweb_client_get_n_requests (client), ==, 2);
  g_assert_cmpint (finished - r->cancelled_at, <, G_USEC_PER_SEC / 2);
}

static void
test_cancel_one_request (void)
{
  g_autoptr(HzDicomwebClient) client = NULL;
  g_autoptr(Received) r = received_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HzDicomwebProgress progress;

  REQUIRE_ORTHANC ();
  client = new_client ();
  r->cancel_after_cancellable = cancellable;
  r->cancel_after = 3;
  hz_dicomweb_client_retrieve_async (client, CT_STUDY, ct_series, NULL, instance_cb, progress_cb, r, NULL,
                                     cancellable, retrieve_cb, &result);
  g_assert_false (hz_dicomweb_client_retrieve_finish (client, wait_result (&result), &progress, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (r->uids->len, ==, 3);
  g_assert_cmpuint (r->delivered_after_cancel, ==, 0);
  g_assert_cmpuint (progress.bytes_received, <, r->bytes * CT_SLICES / 3);
}

static void
test_wrong_password (void)
{
  g_autoptr(HzDicomwebClient) client = NULL;
  g_autoptr(GPtrArray) studies = NULL;
  g_autoptr(Received) r = received_new ();
  g_autoptr(GError) error = NULL;

  REQUIRE_ORTHANC ();
  client = new_client ();
  hz_dicomweb_client_set_basic_auth (client, hz_orthanc_get_user (orthanc), "not-the-password");
  studies = search_studies (client, CT_PATIENT, NULL, &error);
  g_assert_null (studies);
  g_assert_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_AUTH_FAILED);
  g_clear_error (&error);

  g_assert_false (fetch (client, CT_STUDY, NULL, r, NULL, NULL, &error));
  g_assert_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_AUTH_FAILED);
  g_assert_cmpuint (r->uids->len, ==, 0);
  g_clear_error (&error);

  /* And no credentials at all. */
  hz_dicomweb_client_set_basic_auth (client, NULL, NULL);
  g_clear_pointer (&studies, g_ptr_array_unref);
  studies = search_studies (client, CT_PATIENT, NULL, &error);
  g_assert_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_AUTH_FAILED);
}

static void
test_unknown_study (void)
{
  g_autoptr(HzDicomwebClient) client = NULL;
  g_autoptr(Received) r = received_new ();
  g_autoptr(Received) r2 = received_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  REQUIRE_ORTHANC ();
  client = new_client ();
  g_assert_false (fetch (client, "1.2.3.4.5", NULL, r, NULL, NULL, &error));
  g_assert_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_NOT_FOUND);
  g_clear_error (&error);

  hz_dicomweb_client_retrieve_async (client, "1.2.3.4.5", NULL, NULL, instance_cb, NULL, r2, NULL,
                                     NULL, retrieve_cb, &result);
  g_assert_false (hz_dicomweb_client_retrieve_finish (client, wait_result (&result), NULL, &error));
  g_assert_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A UID that is not one never reaches the server. */
  g_assert_false (fetch (client, "../../system", NULL, r, NULL, NULL, &error));
  g_assert_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (hz_dicomweb_client_get_n_requests (client), ==, 2);
  g_clear_error (&error);

  /* A known study, an unknown series. */
  g_assert_false (fetch (client, CT_STUDY, "1.2.3.4.6", r, NULL, NULL, &error));
  g_assert_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_NOT_FOUND);
  g_assert_cmpuint (r->uids->len, ==, 0);
}

static void
test_cache_eviction (void)
{
  g_autoptr(HzDicomwebClient) client = NULL;
  g_autoptr(HzDicomwebCache) cache = NULL;
  g_autoptr(Received) r = received_new ();
  g_autoptr(Received) r2 = received_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = hz_test_tmpdir ();
  g_autofree char *cache_dir = g_build_filename (dir, "cache", NULL);
  HzDicomwebProgress progress;
  guint64 cap = 10 * 140 * 1024;  /* about ten 256x256 slices */
  guint before;

  REQUIRE_ORTHANC ();
  cache = hz_dicomweb_cache_new (cache_dir, cap, &error);
  g_assert_no_error (error);
  client = new_client ();
  hz_dicomweb_client_set_cache (client, cache);
  g_assert_true (fetch (client, CT_STUDY, ct_series, r, NULL, &progress, &error));
  g_assert_no_error (error);
  assert_is_ct_series (r->uids);
  g_assert_cmpuint (hz_dicomweb_cache_get_size (cache), <=, cap);
  g_assert_cmpuint (hz_dicomweb_cache_get_n_instances (cache), >=, 8);
  g_assert_cmpuint (hz_dicomweb_cache_get_n_instances (cache), <, CT_SLICES);
  /* The most recent arrival stays; the first ones made room. */
  g_assert_true (hz_dicomweb_cache_contains (cache, g_ptr_array_index (r->uids, CT_SLICES - 1)));
  g_assert_false (hz_dicomweb_cache_contains (cache, g_ptr_array_index (r->uids, 0)));

  /* Opening again: the cached few from disk, the rest from the server. */
  before = hz_dicomweb_client_get_n_requests (client);
  g_assert_true (fetch (client, CT_STUDY, ct_series, r2, NULL, &progress, &error));
  g_assert_no_error (error);
  assert_is_ct_series (r2->uids);
  g_assert_cmpuint (progress.instances_cached, >=, 8);
  g_assert_cmpuint (progress.instances_cached, <, CT_SLICES);
  g_assert_cmpuint (hz_dicomweb_client_get_n_requests (client) - before, ==,
                    CT_SLICES - progress.instances_cached);
  g_assert_cmpuint (hz_dicomweb_cache_get_size (cache), <=, cap);
  hz_test_rmdir (dir);
}

/* Last: it stops Orthanc. */
static void
test_cache_offline (void)
{
  g_autoptr(HzDicomwebClient) client = NULL;
  g_autoptr(HzDicomwebClient) client2 = NULL;
  g_autoptr(HzDicomwebCache) cache = NULL;
  g_autoptr(HzDicomwebCache) cache2 = NULL;
  g_autoptr(Received) r = received_new ();
  g_autoptr(Received) r2 = received_new ();
  g_autoptr(GPtrArray) studies = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = hz_test_tmpdir ();
  g_autofree char *cache_dir = g_build_filename (dir, "cache", NULL);
  g_autofree char *instances_dir = g_build_filename (cache_dir, "instances", NULL);
  g_autofree char *first = NULL;
  g_autofree char *first_name = NULL;
  HzDicomwebProgress progress;
  GStatBuf st;

  REQUIRE_ORTHANC ();
  cache = hz_dicomweb_cache_new (cache_dir, 100 * 1024 * 1024, &error);
  g_assert_no_error (error);
  client = new_client ();
  hz_dicomweb_client_set_cache (client, cache);
  g_assert_true (fetch (client, CT_STUDY, NULL, r, NULL, &progress, &error));
  g_assert_no_error (error);
  assert_is_ct_series (r->uids);
  g_assert_cmpuint (hz_dicomweb_cache_get_n_instances (cache), ==, CT_SLICES);

  /* Patient data on disk is for its user only. */
  g_assert_cmpint (g_stat (cache_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  first_name = g_strconcat ((char *) g_ptr_array_index (r->uids, 0), ".dcm", NULL);
  first = g_build_filename (instances_dir, first_name, NULL);
  g_assert_cmpint (g_stat (first, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  hz_orthanc_stop (orthanc);
  g_clear_pointer (&orthanc_skip, g_free);
  orthanc_skip = g_strdup ("Orthanc was stopped by /dicomweb/orthanc/cache-offline");

  /* The server is really gone… */
  studies = search_studies (client, CT_PATIENT, NULL, &error);
  g_assert_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_UNREACHABLE);
  g_clear_error (&error);

  /* …and a fresh client, with the cache opened anew, still has the study. */
  cache2 = hz_dicomweb_cache_new (cache_dir, 100 * 1024 * 1024, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hz_dicomweb_cache_get_n_instances (cache2), ==, CT_SLICES);
  client2 = new_client ();
  hz_dicomweb_client_set_cache (client2, cache2);
  g_assert_true (fetch (client2, CT_STUDY, NULL, r2, NULL, &progress, &error));
  g_assert_no_error (error);
  assert_is_ct_series (r2->uids);
  for (guint i = 0; i < r2->uids->len; i++)
    g_assert_cmpstr (g_ptr_array_index (r2->uids, i), ==, g_ptr_array_index (r2->meta_uids, i));
  g_assert_cmpuint (progress.instances_cached, ==, CT_SLICES);
  g_assert_cmpuint (progress.bytes_received, ==, 0);
  g_assert_cmpuint (hz_dicomweb_client_get_n_requests (client2), ==, 0);
  hz_test_rmdir (dir);
}

static gboolean
load_fixtures (GError **error)
{
  const char *root = g_getenv ("HUIZHEN_SOURCE_ROOT");
  g_autofree char *dir = g_build_filename (root ? root : ".", "tests", "data", "dicom", NULL);
  g_autoptr(HzDicomwebClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) instances = NULL;
  int n = hz_orthanc_upload_dir (orthanc, dir, error);

  if (n < 0)
    return FALSE;
  g_test_message ("uploaded %d fixture files to Orthanc at %s", n, hz_orthanc_get_url (orthanc));
  client = new_client ();
  hz_dicomweb_client_search_instances_async (client, CT_STUDY, NULL, NULL, result_cb, &result);
  instances = hz_dicomweb_client_search_instances_finish (client, wait_result (&result), error);
  if (instances == NULL)
    return FALSE;
  ct_sops = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < instances->len; i++)
    {
      HzDicomwebInstance *instance = g_ptr_array_index (instances, i);
      g_ptr_array_add (ct_sops, g_strdup (instance->sop_instance_uid));
      if (ct_series == NULL)
        ct_series = g_strdup (instance->series_instance_uid);
    }
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  orthanc = hz_orthanc_start (&error);
  if (orthanc == NULL)
    orthanc_skip = g_strdup_printf ("Orthanc cannot run here: %s", error->message);
  else
    {
      g_test_message ("Orthanc runs in %s", hz_orthanc_isolation ());
      g_printerr ("# Orthanc runs in %s\n", hz_orthanc_isolation ());
      if (!load_fixtures (&error))
        g_error ("Cannot load the fixtures into Orthanc: %s", error->message);
    }

  g_test_add_func ("/dicomweb/orthanc/qido-studies", test_qido_studies);
  g_test_add_func ("/dicomweb/orthanc/qido-find-studies", test_qido_find_studies);
  g_test_add_func ("/dicomweb/orthanc/qido-series-instances", test_qido_series_instances);
  g_test_add_func ("/dicomweb/orthanc/fetch-series", test_fetch_series);
  g_test_add_func ("/dicomweb/orthanc/retrieve-one-request", test_retrieve_study_one_request);
  g_test_add_func ("/dicomweb/orthanc/fetch-per-instance", test_fetch_per_instance);
  g_test_add_func ("/dicomweb/orthanc/cancel", test_cancel);
  g_test_add_func ("/dicomweb/orthanc/cancel-first-opening", test_cancel_first_opening);
  g_test_add_func ("/dicomweb/orthanc/cancel-one-request", test_cancel_one_request);
  g_test_add_func ("/dicomweb/orthanc/wrong-password", test_wrong_password);
  g_test_add_func ("/dicomweb/orthanc/unknown-study", test_unknown_study);
  g_test_add_func ("/dicomweb/orthanc/cache-eviction", test_cache_eviction);
  g_test_add_func ("/dicomweb/orthanc/cache-offline", test_cache_offline);

  status = g_test_run ();
  g_clear_pointer (&orthanc, hz_orthanc_free);
  g_clear_pointer (&ct_sops, g_ptr_array_unref);
  g_free (ct_series);
  g_free (orthanc_skip);
  return status;
}
