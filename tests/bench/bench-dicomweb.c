/* bench-dicomweb.c: time to first slice and to a whole CT series over
 * DICOMweb, against curl fetching the same bytes in the same run.
 *
 * Generates a 200-slice 512x512 16-bit CT series (explicit VR little
 * endian Part-10 files written here), loads it into a private Orthanc and
 * compares, over several runs:
 *   1 request      hz_dicomweb_client_retrieve_async() on the series vs
 *                  `curl` of the same WADO-RS URL: one request, the same
 *                  multipart body, like for like;
 *   first opening  hz_dicomweb_client_fetch_async() with nothing cached:
 *                  that same request plus a QIDO series search beside it
 *                  (for the total), vs the same single `curl`;
 *   per instance   hz_dicomweb_client_fetch_async() when the instance list
 *                  is known (a later opening after eviction): 200 requests,
 *                  4 at a time, vs `curl --parallel --parallel-max 4` on
 *                  the same 200 URLs. The cache here is too small to keep
 *                  any slice, so neither side writes to disk;
 *   cache          the same series opened again from the disk cache.
 * Huizhen parses, decodes and windows every slice as it arrives, on
 * worker threads as the viewer does, so its times are to the slice
 * *decoded*; curl only receives the bytes. A last
 * figure decodes the series from memory alone (slices/s).
 * It asserts nothing about time; it prints figures. */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/resource.h>

#include "hz-dicom-image.h"
#include "hz-dicomweb-client.h"
#include "hz-orthanc.h"
#include "hz-test-utils.h"

#define N_SLICES   200
#define SIZE       512
#define N_RUNS     9
#define PARALLEL   4

#define HZ_ACCEPT  "multipart/related; type=\"application/dicom\"; transfer-syntax=*"

#define STUDY_UID  "1.2.826.0.1.3680043.10.1078.9.1"
#define SERIES_UID "1.2.826.0.1.3680043.10.1078.9.1.1"

/* What a viewer does with each slice as it arrives: parse, decode the
 * frame and window it to 8 bits. Returns FALSE on any failure. */
static gboolean
decode_slice (GBytes *part10)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzDicomDataset) ds = hz_dicom_dataset_new_from_bytes (part10, &error);
  g_autoptr(HzDicomImage) image = NULL;
  g_autoptr(HzDicomFrame) frame = NULL;
  g_autofree guint8 *display = NULL;
  gsize length;

  if (ds == NULL || (image = hz_dicom_image_new (ds, &error)) == NULL
      || (frame = hz_dicom_image_decode_frame (image, 0, &error)) == NULL)
    {
      g_printerr ("decode failed: %s\n", error->message);
      return FALSE;
    }
  display = hz_dicom_image_render_frame (image, frame, NULL, &length);
  return length == (gsize) SIZE * SIZE;
}

/* Part-10 writing */

static void
put16 (GByteArray *a, guint16 v)
{
  guint8 b[2] = { v & 0xff, v >> 8 };
  g_byte_array_append (a, b, 2);
}

static void
put32 (GByteArray *a, guint32 v)
{
  guint8 b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };
  g_byte_array_append (a, b, 4);
}

/* An element with a short (2-byte) length; values padded to even length,
 * UIDs with NUL and text with a space (PS3.5 6.2). */
static void
element (GByteArray *a, guint16 group, guint16 elem, const char *vr, const void *value, gsize len)
{
  gboolean pad = len % 2 != 0;
  guint8 pad_byte = strcmp (vr, "UI") == 0 ? 0 : ' ';

  put16 (a, group);
  put16 (a, elem);
  g_byte_array_append (a, (const guint8 *) vr, 2);
  put16 (a, len + pad);
  g_byte_array_append (a, value, len);
  if (pad)
    g_byte_array_append (a, &pad_byte, 1);
}

static void
text (GByteArray *a, guint16 group, guint16 elem, const char *vr, const char *value)
{
  element (a, group, elem, vr, value, strlen (value));
}

static void
us (GByteArray *a, guint16 group, guint16 elem, guint16 value)
{
  guint8 b[2] = { value & 0xff, value >> 8 };
  element (a, group, elem, "US", b, 2);
}

static GBytes *
make_slice (guint index)
{
  GByteArray *a = g_byte_array_new ();
  g_autoptr(GByteArray) meta = g_byte_array_new ();
  g_autofree char *sop = g_strdup_printf ("%s.%u", SERIES_UID, index + 1);
  g_autofree char *number = g_strdup_printf ("%u", index + 1);
  g_autofree char *position = g_strdup_printf ("0\\0\\%u", index);
  guint8 version[2] = { 0, 1 };
  guint8 zero[128] = { 0 };
  g_autofree guint16 *pixels = g_new (guint16, SIZE * SIZE);
  guint32 seed = index * 2654435761u;

  /* Smooth anatomy-like shapes plus a little noise: compressible, as CT is. */
  for (guint y = 0; y < SIZE; y++)
    for (guint x = 0; x < SIZE; x++)
      {
        double dx = (x - SIZE / 2.0) / (SIZE / 2.5), dy = (y - SIZE / 2.0) / (SIZE / 3.0);
        double body = dx * dx + dy * dy < 1.0 ? 1000.0 + 60.0 * sin (x / 17.0 + index / 9.0) * cos (y / 23.0) : 0.0;
        seed = seed * 1664525u + 1013904223u;
        pixels[y * SIZE + x] = (guint16) (body + ((seed >> 24) & 7));
      }

  put16 (meta, 0x0002); put16 (meta, 0x0001);
  g_byte_array_append (meta, (const guint8 *) "OB\0\0", 4);
  put32 (meta, 2);
  g_byte_array_append (meta, version, 2);
  text (meta, 0x0002, 0x0002, "UI", "1.2.840.10008.5.1.4.1.1.2");
  text (meta, 0x0002, 0x0003, "UI", sop);
  text (meta, 0x0002, 0x0010, "UI", "1.2.840.10008.1.2.1");
  text (meta, 0x0002, 0x0012, "UI", "1.2.826.0.1.3680043.10.1078.99");

  g_byte_array_append (a, zero, sizeof zero);
  g_byte_array_append (a, (const guint8 *) "DICM", 4);
  put16 (a, 0x0002); put16 (a, 0x0000);
  g_byte_array_append (a, (const guint8 *) "UL", 2);
  put16 (a, 4);
  put32 (a, meta->len);
  g_byte_array_append (a, meta->data, meta->len);

  text (a, 0x0008, 0x0005, "CS", "ISO_IR 192");
  text (a, 0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.2");
  text (a, 0x0008, 0x0018, "UI", sop);
  text (a, 0x0008, 0x0060, "CS", "CT");
  text (a, 0x0010, 0x0010, "PN", "BENCH^CT=测试^CT");
  text (a, 0x0010, 0x0020, "LO", "QS-BENCH-200");
  text (a, 0x0020, 0x000D, "UI", STUDY_UID);
  text (a, 0x0020, 0x000E, "UI", SERIES_UID);
  text (a, 0x0020, 0x0013, "IS", number);
  text (a, 0x0020, 0x0032, "DS", position);
  us (a, 0x0028, 0x0002, 1);
  text (a, 0x0028, 0x0004, "CS", "MONOCHROME2");
  us (a, 0x0028, 0x0010, SIZE);
  us (a, 0x0028, 0x0011, SIZE);
  us (a, 0x0028, 0x0100, 16);
  us (a, 0x0028, 0x0101, 12);
  us (a, 0x0028, 0x0102, 11);
  us (a, 0x0028, 0x0103, 0);
  put16 (a, 0x7FE0); put16 (a, 0x0010);
  g_byte_array_append (a, (const guint8 *) "OW\0\0", 4);
  put32 (a, SIZE * SIZE * 2);
  g_byte_array_append (a, (const guint8 *) pixels, SIZE * SIZE * 2);  /* little-endian host */
  return g_byte_array_free_to_bytes (a);
}

/* Timing */

typedef struct {
  gint64  start;
  gint64  first;
  guint   n;
  guint64 bytes;
  gboolean done;
  gboolean ok;
  gboolean decode_failed;
  GPtrArray *keep;   /* GBytes of each slice, when wanted */
  GThreadPool *decoders;
  GMutex  lock;      /* first and decode_failed, set by the decoders */
} Run;

static void
instance_cb (const char *uid, GBytes *part10, gpointer user_data)
{
  Run *run = user_data;

  /* Decoded off the main thread while the rest arrives, as the viewer
   * does; "first" and the total are to the slice decoded. */
  run->n++;
  g_thread_pool_push (run->decoders, g_bytes_ref (part10), NULL);
  run->bytes += g_bytes_get_size (part10);
  if (run->keep != NULL)
    g_ptr_array_add (run->keep, g_bytes_ref (part10));
}

static void
decode_in_worker (gpointer data, gpointer user_data)
{
  g_autoptr(GBytes) part10 = data;
  Run *run = user_data;
  gboolean ok = decode_slice (part10);

  g_mutex_lock (&run->lock);
  if (!ok)
    run->decode_failed = TRUE;
  if (run->first == 0)
    run->first = g_get_monotonic_time ();
  g_mutex_unlock (&run->lock);
}

static void
done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  if (g_task_get_source_tag (G_TASK (result)) == hz_dicomweb_client_fetch_async)
    run->ok = hz_dicomweb_client_fetch_finish (HZ_DICOMWEB_CLIENT (object), result, NULL, &error);
  else
    run->ok = hz_dicomweb_client_retrieve_finish (HZ_DICOMWEB_CLIENT (object), result, NULL, &error);
  if (!run->ok)
    g_printerr ("run failed: %s\n", error->message);
  run->done = TRUE;
}

static void
result_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static HzDicomwebClient *
new_client (HzOrthanc *orthanc, HzDicomwebCache *cache)
{
  HzDicomwebClient *client = hz_dicomweb_client_new (hz_orthanc_get_dicomweb_url (orthanc));

  hz_dicomweb_client_set_basic_auth (client, hz_orthanc_get_user (orthanc), hz_orthanc_get_password (orthanc));
  hz_dicomweb_client_set_concurrency (client, PARALLEL);
  hz_dicomweb_client_set_cache (client, cache);
  return client;
}

/* Returns total time; *first gets time to the first instance (µs). */
static gint64
cpu_time (void)
{
  struct rusage u;

  getrusage (RUSAGE_SELF, &u);
  return (gint64) (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * G_USEC_PER_SEC + u.ru_utime.tv_usec + u.ru_stime.tv_usec;
}

static gint64
run_hz (HzOrthanc *orthanc, gboolean fetch, HzDicomwebCache *cache, gint64 *first, guint64 *bytes,
        GPtrArray *keep)
{
  g_autoptr(HzDicomwebClient) client = new_client (orthanc, cache);
  Run run = { .start = g_get_monotonic_time (), .keep = keep };
  gint64 end;

  g_mutex_init (&run.lock);
  /* One decoder per core beside the main thread that receives. */
  run.decoders = g_thread_pool_new (decode_in_worker, &run, MAX (1, (int) g_get_num_processors () - 1),
                                    TRUE, NULL);

  if (fetch)
    hz_dicomweb_client_fetch_async (client, STUDY_UID, SERIES_UID, instance_cb, NULL, &run, NULL,
                                    NULL, done_cb, &run);
  else
    hz_dicomweb_client_retrieve_async (client, STUDY_UID, SERIES_UID, NULL, instance_cb, NULL, &run, NULL,
                                       NULL, done_cb, &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  g_thread_pool_free (run.decoders, FALSE, TRUE);  /* waits for the last decode */
  end = g_get_monotonic_time ();
  g_mutex_clear (&run.lock);
  if (!run.ok || run.n != N_SLICES || run.decode_failed)
    g_error ("a run delivered %u of %u slices%s", run.n, N_SLICES,
             run.decode_failed ? ", and some did not decode" : "");
  *first = run.first - run.start;
  *bytes = run.bytes;
  return end - run.start;
}

static gint64
run_curl (const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("curl failed: %s", error->message);
  return g_get_monotonic_time () - start;
}

static int
cmp_i64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

static void
stats (gint64 *v, guint n, double *median, double *p95)
{
  qsort (v, n, sizeof *v, cmp_i64);
  *median = (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0) / 1000.0;
  *p95 = v[MIN (n - 1, (guint) ceil (0.95 * n) - 1)] / 1000.0;
}

static void
report (const char *what, gint64 *v, guint n)
{
  double median, p95;

  stats (v, n, &median, &p95);
  g_print ("  %-44s median %8.1f ms   p95 %8.1f ms\n", what, median, p95);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzOrthanc) orthanc = NULL;
  g_autoptr(HzDicomwebCache) cache = NULL;
  g_autofree char *cache_dir = hz_test_tmpdir ();
  g_autofree char *userpw = NULL;
  g_autofree char *series_url = NULL;
  g_autofree char *curl_config = NULL;
  g_autoptr(GString) config = g_string_new ("");
  gint64 t_one[N_RUNS], f_one[N_RUNS], c_one[N_RUNS];
  gint64 t_first[N_RUNS], f_first[N_RUNS];
  gint64 u_one[N_RUNS], u_par[N_RUNS];
  gint64 t_par[N_RUNS], f_par[N_RUNS], c_par[N_RUNS];
  g_autoptr(HzDicomwebCache) list_only = NULL;
  gint64 t_cache[N_RUNS], f_cache[N_RUNS], t_decode[N_RUNS];
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  double m_decode;
  guint64 bytes = 0, total = 0;
  double m_one, m_cone, m_par, m_cpar, m_first, m_first_all, p95;
  g_autofree char *host = NULL;
  gint64 t0;

  orthanc = hz_orthanc_start (&error);
  if (orthanc == NULL)
    {
      g_print ("SKIP: %s\n", error->message);
      return 77;
    }
  host = g_strdup (g_get_host_name ());
  g_print ("bench-dicomweb on %s, %u CPUs; Orthanc in %s\n", host, g_get_num_processors (),
           hz_orthanc_isolation ());

  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < N_SLICES; i++)
    {
      g_autoptr(GBytes) slice = make_slice (i);
      total += g_bytes_get_size (slice);
      if (!hz_orthanc_upload (orthanc, slice, &error))
        g_error ("%s", error->message);
    }
  g_print ("uploaded %u slices of %ux%u, 16-bit: %.1f MB in %.1f s\n", N_SLICES, SIZE, SIZE,
           total / 1e6, (g_get_monotonic_time () - t0) / 1e6);

  /* curl's inputs: the same URLs, credentials and Accept header. */
  userpw = g_strdup_printf ("%s:%s", hz_orthanc_get_user (orthanc), hz_orthanc_get_password (orthanc));

  /* For profiling: `bench-dicomweb SCRIPT` runs SCRIPT DICOMWEB_URL USER:PW
   * against the loaded Orthanc instead of the benchmark. */
  if (argc > 1)
    {
      const char *script[] = { "sh", argv[1], hz_orthanc_get_dicomweb_url (orthanc), userpw, NULL };
      g_spawn_sync (NULL, (char **) script, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN,
                    NULL, NULL, NULL, NULL, NULL, NULL);
      hz_test_rmdir (cache_dir);
      return 0;
    }
  series_url = g_strdup_printf ("%s/studies/%s/series/%s", hz_orthanc_get_dicomweb_url (orthanc),
                                STUDY_UID, SERIES_UID);
  for (guint i = 0; i < N_SLICES; i++)
    g_string_append_printf (config, "url = \"%s/instances/%s.%u\"\noutput = \"/dev/null\"\n",
                            series_url, SERIES_UID, i + 1);
  curl_config = g_build_filename (cache_dir, "curl.conf", NULL);
  g_file_set_contents (curl_config, config->str, -1, NULL);

  /* The instance list, as a later opening finds it in the cache. */
  {
    g_autoptr(HzDicomwebClient) client = new_client (orthanc, NULL);
    g_autoptr(GPtrArray) list = NULL;
    GAsyncResult *result = NULL;
    g_autofree char *dir = g_build_filename (cache_dir, "list-only", NULL);

    hz_dicomweb_client_search_instances_async (client, STUDY_UID, SERIES_UID, NULL, result_cb, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    list = hz_dicomweb_client_search_instances_finish (client, result, &error);
    g_object_unref (result);
    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, N_SLICES);
    list_only = hz_dicomweb_cache_new (dir, 100 * 1024, &error);
    g_assert_no_error (error);
    g_assert_true (hz_dicomweb_cache_store_manifest (list_only, SERIES_UID, list, &error));
  }

  for (guint r = 0; r < N_RUNS; r++)
    {
      const char *curl_one[] = { "curl", "-sf", "-o", "/dev/null", "-u", userpw, "-H",
                                 "Accept: " HZ_ACCEPT, series_url, NULL };
      const char *curl_par[] = { "curl", "-sf", "--parallel", "--parallel-max", G_STRINGIFY (PARALLEL),
                                 "-u", userpw, "-H", "Accept: " HZ_ACCEPT, "-K", curl_config, NULL };

      gint64 cpu0 = cpu_time ();

      t_one[r] = run_hz (orthanc, FALSE, NULL, &f_one[r], &bytes, NULL);
      u_one[r] = cpu_time () - cpu0;
      c_one[r] = run_curl (curl_one);
      t_first[r] = run_hz (orthanc, TRUE, NULL, &f_first[r], &bytes, NULL);
      cpu0 = cpu_time ();
      t_par[r] = run_hz (orthanc, TRUE, list_only, &f_par[r], &bytes, NULL);
      u_par[r] = cpu_time () - cpu0;
      c_par[r] = run_curl (curl_par);
    }

  cache = hz_dicomweb_cache_new (cache_dir, 1024 * 1024 * 1024, &error);
  g_assert_no_error (error);
  {
    gint64 ignored;
    run_hz (orthanc, TRUE, cache, &ignored, &bytes, NULL);  /* fills the cache */
  }
  for (guint r = 0; r < N_RUNS; r++)
    t_cache[r] = run_hz (orthanc, TRUE, cache, &f_cache[r], &bytes, r == 0 ? kept : NULL);

  /* Decoding alone: the series as it sits in memory after a cached opening. */
  for (guint r = 0; r < N_RUNS; r++)
    {
      gint64 start = g_get_monotonic_time ();

      for (guint i = 0; i < kept->len; i++)
        if (!decode_slice (g_ptr_array_index (kept, i)))
          g_error ("slice %u does not decode", i);
      t_decode[r] = g_get_monotonic_time () - start;
    }

  g_print ("%u runs each; %.1f MB of Part-10 data received per run; Huizhen's times include\n"
           "parsing, decoding and windowing each slice as it arrives, on %u worker thread(s)\n"
           "beside the receiving one (curl only receives)\n",
           N_RUNS, bytes / 1e6, MAX (1, g_get_num_processors () - 1));
  g_print ("series in 1 request (WADO-RS series URL):\n");
  report ("Huizhen retrieve, first slice decoded", f_one, N_RUNS);
  report ("Huizhen retrieve, whole series decoded", t_one, N_RUNS);
  report ("curl, whole series", c_one, N_RUNS);
  report ("(Huizhen CPU time, user+system)", u_one, N_RUNS);
  g_print ("first opening (1 request + QIDO series search beside it):\n");
  report ("Huizhen fetch, first slice decoded", f_first, N_RUNS);
  report ("Huizhen fetch, whole series decoded", t_first, N_RUNS);
  g_print ("series as %u instance requests, %u at a time (list known):\n", N_SLICES, PARALLEL);
  report ("Huizhen fetch, first slice decoded", f_par, N_RUNS);
  report ("Huizhen fetch, whole series decoded", t_par, N_RUNS);
  report ("curl --parallel, whole series", c_par, N_RUNS);
  report ("(Huizhen CPU time, user+system)", u_par, N_RUNS);
  g_print ("second opening, from the disk cache:\n");
  report ("Huizhen fetch, first slice", f_cache, N_RUNS);
  report ("Huizhen fetch, whole series decoded", t_cache, N_RUNS);

  report ("decode only (200 slices in memory)", t_decode, N_RUNS);
  stats (t_decode, N_RUNS, &m_decode, &p95);
  g_print ("  decode rate: %.0f slices/s (median run)\n", N_SLICES / (m_decode / 1000.0));

  stats (t_one, N_RUNS, &m_one, &p95);
  stats (c_one, N_RUNS, &m_cone, &p95);
  stats (t_first, N_RUNS, &m_first_all, &p95);
  stats (t_par, N_RUNS, &m_par, &p95);
  stats (c_par, N_RUNS, &m_cpar, &p95);
  stats (f_first, N_RUNS, &m_first, &p95);
  g_print ("targets: first slice <= 150 ms (first opening: %.1f ms median, p95 %.1f ms); "
           "whole series <= 1.3x curl (1 request: %.2fx, first opening: %.2fx, per instance: %.2fx)\n",
           m_first, p95, m_one / m_cone, m_first_all / m_cone, m_par / m_cpar);
  hz_test_rmdir (cache_dir);
  return 0;
}
