/* test-dicomweb-cache.c: the disk cache of instances, without a server. */
#include "config.h"

#include <glib/gstdio.h>
#include <sys/stat.h>

#include "hz-dicom-json.h"
#include "hz-dicomweb-cache.h"
#include "hz-dicomweb-error.h"
#include "hz-test-utils.h"

static GBytes *
blob (char   fill,
      gsize  size)
{
  return g_bytes_new_take (g_strnfill (size, fill), size);
}

static void
store (HzDicomwebCache *cache,
       const char      *uid,
       char             fill)
{
  g_autoptr(GBytes) b = blob (fill, 1000);
  g_autoptr(GError) error = NULL;

  g_assert_true (hz_dicomweb_cache_store (cache, uid, b, &error));
  g_assert_no_error (error);
}

static void
test_store_lookup (void)
{
  g_autofree char *dir = hz_test_tmpdir ();
  g_autofree char *cache_dir = g_build_filename (dir, "c", NULL);
  g_autofree char *file = g_build_filename (cache_dir, "instances", "1.2.3.dcm", NULL);
  g_autoptr(HzDicomwebCache) cache = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GBytes) missing = NULL;
  g_autoptr(GBytes) b = blob ('x', 10);
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  cache = hz_dicomweb_cache_new (cache_dir, 10000, &error);
  g_assert_no_error (error);
  store (cache, "1.2.3", 'a');
  got = hz_dicomweb_cache_lookup (cache, "1.2.3");
  g_assert_nonnull (got);
  g_assert_cmpuint (g_bytes_get_size (got), ==, 1000);
  g_assert_cmpint (((const char *) g_bytes_get_data (got, NULL))[999], ==, 'a');
  g_assert_null (hz_dicomweb_cache_lookup (cache, "1.2.4"));
  g_assert_cmpuint (hz_dicomweb_cache_get_size (cache), ==, 1000);

  g_assert_cmpint (g_stat (cache_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (file, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* Not a UID: refused, never a path outside the cache. */
  g_assert_false (hz_dicomweb_cache_store (cache, "../../x", b, &error));
  g_assert_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_INVALID_ARGUMENT);

  /* Deleted behind the cache's back: a miss, and forgotten. */
  g_unlink (file);
  missing = hz_dicomweb_cache_lookup (cache, "1.2.3");
  g_assert_null (missing);
  g_assert_cmpuint (hz_dicomweb_cache_get_size (cache), ==, 0);
  hz_test_rmdir (dir);
}

static void
test_lru (void)
{
  g_autofree char *dir = hz_test_tmpdir ();
  g_autoptr(HzDicomwebCache) cache = NULL;
  g_autoptr(HzDicomwebCache) reopened = NULL;
  g_autoptr(GError) error = NULL;

  cache = hz_dicomweb_cache_new (dir, 3500, &error);
  g_assert_no_error (error);
  store (cache, "1.1", 'a');
  store (cache, "1.2", 'b');
  store (cache, "1.3", 'c');
  /* 1.1 is used again, so 1.2 is now the least recently used. */
  g_bytes_unref (hz_dicomweb_cache_lookup (cache, "1.1"));
  store (cache, "1.4", 'd');
  g_assert_true (hz_dicomweb_cache_contains (cache, "1.1"));
  g_assert_false (hz_dicomweb_cache_contains (cache, "1.2"));
  g_assert_true (hz_dicomweb_cache_contains (cache, "1.3"));
  g_assert_true (hz_dicomweb_cache_contains (cache, "1.4"));
  g_assert_cmpuint (hz_dicomweb_cache_get_size (cache), ==, 3000);

  /* The order survives a restart: it lives in the files' times. */
  reopened = hz_dicomweb_cache_new (dir, 3500, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hz_dicomweb_cache_get_n_instances (reopened), ==, 3);
  g_assert_cmpuint (hz_dicomweb_cache_get_size (reopened), ==, 3000);
  g_bytes_unref (hz_dicomweb_cache_lookup (reopened, "1.3"));
  hz_dicomweb_cache_set_max_bytes (reopened, 2000);
  g_assert_false (hz_dicomweb_cache_contains (reopened, "1.1"));
  g_assert_true (hz_dicomweb_cache_contains (reopened, "1.3"));
  g_assert_true (hz_dicomweb_cache_contains (reopened, "1.4"));

  /* Bigger than the whole cache: not kept, and nothing evicted for it. */
  {
    g_autoptr(GBytes) huge = blob ('h', 5000);
    g_assert_true (hz_dicomweb_cache_store (reopened, "1.9", huge, &error));
    g_assert_false (hz_dicomweb_cache_contains (reopened, "1.9"));
    g_assert_cmpuint (hz_dicomweb_cache_get_n_instances (reopened), ==, 2);
  }
  hz_test_rmdir (dir);
}

static void
test_manifest (void)
{
  g_autofree char *dir = hz_test_tmpdir ();
  g_autoptr(HzDicomwebCache) cache = NULL;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) hz_dicomweb_instance_free);
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;

  cache = hz_dicomweb_cache_new (dir, 1000, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 3; i++)
    {
      HzDicomwebInstance *instance = g_new0 (HzDicomwebInstance, 1);
      instance->study_instance_uid = g_strdup ("1.2");
      instance->series_instance_uid = g_strdup ("1.2.3");
      instance->sop_instance_uid = g_strdup_printf ("1.2.3.%d", i + 1);
      instance->instance_number = i + 1;
      g_ptr_array_add (list, instance);
    }
  g_assert_null (hz_dicomweb_cache_lookup_manifest (cache, "1.2"));
  g_assert_true (hz_dicomweb_cache_store_manifest (cache, "1.2", list, &error));
  g_assert_no_error (error);
  back = hz_dicomweb_cache_lookup_manifest (cache, "1.2");
  g_assert_nonnull (back);
  g_assert_cmpuint (back->len, ==, 3);
  g_assert_cmpstr (((HzDicomwebInstance *) g_ptr_array_index (back, 2))->sop_instance_uid, ==, "1.2.3.3");
  g_assert_cmpint (((HzDicomwebInstance *) g_ptr_array_index (back, 2))->instance_number, ==, 3);
  g_assert_cmpstr (((HzDicomwebInstance *) g_ptr_array_index (back, 0))->series_instance_uid, ==, "1.2.3");
  hz_test_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dicomweb/cache/store-lookup", test_store_lookup);
  g_test_add_func ("/dicomweb/cache/lru", test_lru);
  g_test_add_func ("/dicomweb/cache/manifest", test_manifest);
  return g_test_run ();
}
