/* hz-dicomweb-cache.c: a disk cache of Part-10 files with LRU eviction.
 *
 * Files are named by SOP Instance UID under DIR/instances/ and readable
 * only by their user (0600 files, 0700 folders): they hold patient data.
 * The last access is kept in each file's mtime, set on every hit, because
 * atime is not updated on noatime or relatime mounts. An index in memory
 * (built from the folder at start) gives the total size and the eviction
 * order without touching the disk. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>

#include "hz-dicom-json.h"
#include "hz-dicomweb-cache.h"
#include "hz-dicomweb-error.h"

#define SUFFIX ".dcm"

typedef struct {
  guint64 size;
  gint64  stamp;   /* last access, nanoseconds since the epoch */
} Entry;

struct _HzDicomwebCache
{
  GObject     parent_instance;

  char       *directory;
  char       *instances_dir;
  char       *manifests_dir;
  guint64     max_bytes;
  guint64     size;
  gint64      last_stamp;
  GHashTable *entries;   /* SOP Instance UID → Entry */
};

G_DEFINE_FINAL_TYPE (HzDicomwebCache, hz_dicomweb_cache, G_TYPE_OBJECT)

static void
hz_dicomweb_cache_finalize (GObject *object)
{
  HzDicomwebCache *self = (HzDicomwebCache *) object;

  g_free (self->directory);
  g_free (self->instances_dir);
  g_free (self->manifests_dir);
  g_hash_table_unref (self->entries);

  G_OBJECT_CLASS (hz_dicomweb_cache_parent_class)->finalize (object);
}

static void
hz_dicomweb_cache_class_init (HzDicomwebCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hz_dicomweb_cache_finalize;
}

static void
hz_dicomweb_cache_init (HzDicomwebCache *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* Stamps strictly increase, so two accesses within one clock tick still
 * have an order. */
static gint64
next_stamp (HzDicomwebCache *self)
{
  gint64 now = g_get_real_time () * 1000;

  self->last_stamp = MAX (now, self->last_stamp + 1);
  return self->last_stamp;
}

static char *
instance_path (HzDicomwebCache *self,
               const char      *uid)
{
  g_autofree char *name = g_strconcat (uid, SUFFIX, NULL);
  return g_build_filename (self->instances_dir, name, NULL);
}

/* The file's own mtime may be coarser than our stamps (file systems tick
 * in jiffies): write ours, so the order survives a restart. */
static void
set_stamp (const char *path,
           gint64      stamp)
{
  struct timespec times[2] = {
    { .tv_sec = 0, .tv_nsec = UTIME_OMIT },
    { .tv_sec = stamp / 1000000000, .tv_nsec = stamp % 1000000000 },
  };

  utimensat (AT_FDCWD, path, times, 0);
}

static gboolean
make_private_dir (const char  *path,
                  GError     **error)
{
  if (g_mkdir_with_parents (path, 0700) != 0 || g_chmod (path, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_CACHE,
                   _("Cannot create the image cache folder “%s”: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static void
load_index (HzDicomwebCache *self)
{
  g_autoptr(GDir) dir = g_dir_open (self->instances_dir, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (self->instances_dir, name, NULL);
      g_autofree char *uid = NULL;
      struct stat st;
      Entry *entry;

      /* Leftovers of an interrupted write, or strangers: not ours. */
      if (!g_str_has_suffix (name, SUFFIX))
        {
          if (g_str_has_prefix (name, "."))
            g_unlink (path);
          continue;
        }
      uid = g_strndup (name, strlen (name) - strlen (SUFFIX));
      if (!hz_dicom_uid_is_valid (uid) || stat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      entry = g_new0 (Entry, 1);
      entry->size = st.st_size;
      entry->stamp = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec;
      self->last_stamp = MAX (self->last_stamp, entry->stamp);
      self->size += entry->size;
      g_hash_table_insert (self->entries, g_steal_pointer (&uid), entry);
    }
}

HzDicomwebCache *
hz_dicomweb_cache_new (const char  *directory,
                       guint64      max_bytes,
                       GError     **error)
{
  g_autoptr(HzDicomwebCache) self = NULL;

  g_return_val_if_fail (directory != NULL, NULL);

  self = g_object_new (HZ_TYPE_DICOMWEB_CACHE, NULL);
  self->directory = g_strdup (directory);
  self->instances_dir = g_build_filename (directory, "instances", NULL);
  self->manifests_dir = g_build_filename (directory, "manifests", NULL);
  self->max_bytes = max_bytes;
  if (!make_private_dir (self->directory, error) ||
      !make_private_dir (self->instances_dir, error) ||
      !make_private_dir (self->manifests_dir, error))
    return NULL;
  load_index (self);
  return g_steal_pointer (&self);
}

const char *
hz_dicomweb_cache_get_directory (HzDicomwebCache *self)
{
  g_return_val_if_fail (HZ_IS_DICOMWEB_CACHE (self), NULL);
  return self->directory;
}

guint64
hz_dicomweb_cache_get_max_bytes (HzDicomwebCache *self)
{
  g_return_val_if_fail (HZ_IS_DICOMWEB_CACHE (self), 0);
  return self->max_bytes;
}

guint64
hz_dicomweb_cache_get_size (HzDicomwebCache *self)
{
  g_return_val_if_fail (HZ_IS_DICOMWEB_CACHE (self), 0);
  return self->size;
}

guint
hz_dicomweb_cache_get_n_instances (HzDicomwebCache *self)
{
  g_return_val_if_fail (HZ_IS_DICOMWEB_CACHE (self), 0);
  return g_hash_table_size (self->entries);
}

static void
remove_entry (HzDicomwebCache *self,
              const char      *uid)
{
  g_autofree char *path = instance_path (self, uid);
  Entry *entry = g_hash_table_lookup (self->entries, uid);

  if (entry == NULL)
    return;
  g_unlink (path);
  self->size -= entry->size;
  g_hash_table_remove (self->entries, uid);
}

/* Least recently used first, until the cache fits; keep is spared. A
 * linear scan per eviction is fine for the few thousand files a
 * workstation holds, and needs no second structure to keep in step. */
static void
evict (HzDicomwebCache *self,
       const char      *keep)
{
  while (self->size > self->max_bytes)
    {
      GHashTableIter iter;
      gpointer key, value;
      const char *oldest = NULL;
      gint64 oldest_stamp = G_MAXINT64;

      g_hash_table_iter_init (&iter, self->entries);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          Entry *entry = value;

          if (g_strcmp0 (key, keep) != 0 && entry->stamp < oldest_stamp)
            {
              oldest = key;
              oldest_stamp = entry->stamp;
            }
        }
      if (oldest == NULL)
        break;
      g_debug ("Evicting %s from the image cache", oldest);
      remove_entry (self, oldest);
    }
}

void
hz_dicomweb_cache_set_max_bytes (HzDicomwebCache *self,
                                 guint64          max_bytes)
{
  g_return_if_fail (HZ_IS_DICOMWEB_CACHE (self));
  self->max_bytes = max_bytes;
  evict (self, NULL);
}

gboolean
hz_dicomweb_cache_contains (HzDicomwebCache *self,
                            const char      *sop_instance_uid)
{
  g_return_val_if_fail (HZ_IS_DICOMWEB_CACHE (self), FALSE);
  return sop_instance_uid != NULL && g_hash_table_contains (self->entries, sop_instance_uid);
}

GBytes *
hz_dicomweb_cache_lookup (HzDicomwebCache *self,
                          const char      *sop_instance_uid)
{
  g_autofree char *path = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  Entry *entry;

  g_return_val_if_fail (HZ_IS_DICOMWEB_CACHE (self), NULL);

  entry = g_hash_table_lookup (self->entries, sop_instance_uid ? sop_instance_uid : "");
  if (entry == NULL)
    return NULL;
  path = instance_path (self, sop_instance_uid);
  mapped = g_mapped_file_new (path, FALSE, NULL);
  /* Removed or changed behind our back: forget it rather than serve it. */
  if (mapped == NULL || g_mapped_file_get_length (mapped) != entry->size || entry->size == 0)
    {
      remove_entry (self, sop_instance_uid);
      return NULL;
    }
  entry->stamp = next_stamp (self);
  set_stamp (path, entry->stamp);
  return g_mapped_file_get_bytes (mapped);
}

gboolean
hz_dicomweb_cache_store (HzDicomwebCache  *self,
                         const char       *sop_instance_uid,
                         GBytes           *part10,
                         GError          **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize len;
  const char *data;
  Entry *entry;

  g_return_val_if_fail (HZ_IS_DICOMWEB_CACHE (self), FALSE);
  g_return_val_if_fail (part10 != NULL, FALSE);

  if (!hz_dicom_uid_is_valid (sop_instance_uid))
    {
      g_set_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a valid DICOM UID"), sop_instance_uid ? sop_instance_uid : "");
      return FALSE;
    }
  data = g_bytes_get_data (part10, &len);
  /* Larger than the whole cache: keeping it would evict everything else. */
  if (len == 0 || len > self->max_bytes)
    return TRUE;

  path = instance_path (self, sop_instance_uid);
  if (!g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error))
    {
      g_set_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_CACHE,
                   _("Cannot save an image in the cache: %s"), local_error->message);
      return FALSE;
    }
  entry = g_hash_table_lookup (self->entries, sop_instance_uid);
  if (entry != NULL)
    self->size -= entry->size;
  else
    {
      entry = g_new0 (Entry, 1);
      g_hash_table_insert (self->entries, g_strdup (sop_instance_uid), entry);
    }
  entry->size = len;
  entry->stamp = next_stamp (self);
  set_stamp (path, entry->stamp);
  self->size += len;
  evict (self, sop_instance_uid);
  return TRUE;
}

static char *
manifest_path (HzDicomwebCache *self,
               const char      *key_uid)
{
  g_autofree char *name = g_strconcat (key_uid, ".json", NULL);
  return g_build_filename (self->manifests_dir, name, NULL);
}

gboolean
hz_dicomweb_cache_store_manifest (HzDicomwebCache  *self,
                                  const char       *key_uid,
                                  GPtrArray        *instances,
                                  GError          **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (HZ_IS_DICOMWEB_CACHE (self), FALSE);
  g_return_val_if_fail (instances != NULL, FALSE);

  if (!hz_dicom_uid_is_valid (key_uid))
    {
      g_set_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a valid DICOM UID"), key_uid ? key_uid : "");
      return FALSE;
    }
  json_builder_begin_array (builder);
  for (guint i = 0; i < instances->len; i++)
    {
      HzDicomwebInstance *instance = g_ptr_array_index (instances, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "study");
      json_builder_add_string_value (builder, instance->study_instance_uid);
      json_builder_set_member_name (builder, "series");
      json_builder_add_string_value (builder, instance->series_instance_uid);
      json_builder_set_member_name (builder, "sop");
      json_builder_add_string_value (builder, instance->sop_instance_uid);
      json_builder_set_member_name (builder, "number");
      json_builder_add_int_value (builder, instance->instance_number);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  path = manifest_path (self, key_uid);
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error))
    {
      g_set_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_CACHE,
                   _("Cannot save an image in the cache: %s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* NULL when there is no usable manifest: the caller then asks the server. */
GPtrArray *
hz_dicomweb_cache_lookup_manifest (HzDicomwebCache *self,
                                   const char      *key_uid)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GPtrArray) instances = NULL;
  g_autofree char *path = NULL;
  JsonNode *root;
  JsonArray *array;

  g_return_val_if_fail (HZ_IS_DICOMWEB_CACHE (self), NULL);

  if (!hz_dicom_uid_is_valid (key_uid))
    return NULL;
  path = manifest_path (self, key_uid);
  if (!json_parser_load_from_mapped_file (parser, path, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return NULL;
  array = json_node_get_array (root);
  instances = g_ptr_array_new_with_free_func ((GDestroyNotify) hz_dicomweb_instance_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object;
      HzDicomwebInstance *instance;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return NULL;
      object = json_node_get_object (node);
      instance = g_new0 (HzDicomwebInstance, 1);
      instance->study_instance_uid = g_strdup (json_object_get_string_member_with_default (object, "study", NULL));
      instance->series_instance_uid = g_strdup (json_object_get_string_member_with_default (object, "series", NULL));
      instance->sop_instance_uid = g_strdup (json_object_get_string_member_with_default (object, "sop", NULL));
      instance->instance_number = json_object_get_int_member_with_default (object, "number", -1);
      instance->rows = instance->columns = instance->n_frames = -1;
      g_ptr_array_add (instances, instance);
      if (!hz_dicom_uid_is_valid (instance->study_instance_uid) ||
          !hz_dicom_uid_is_valid (instance->series_instance_uid) ||
          !hz_dicom_uid_is_valid (instance->sop_instance_uid))
        return NULL;
    }
  return instances->len > 0 ? g_steal_pointer (&instances) : NULL;
}
