/* hz-dicomweb-cache.h: retrieved DICOM instances kept on disk, size-capped. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HZ_TYPE_DICOMWEB_CACHE (hz_dicomweb_cache_get_type ())

G_DECLARE_FINAL_TYPE (HzDicomwebCache, hz_dicomweb_cache, HZ, DICOMWEB_CACHE, GObject)

HzDicomwebCache *hz_dicomweb_cache_new              (const char       *directory,
                                                     guint64           max_bytes,
                                                     GError          **error);
const char      *hz_dicomweb_cache_get_directory    (HzDicomwebCache  *self);
guint64          hz_dicomweb_cache_get_max_bytes    (HzDicomwebCache  *self);
void             hz_dicomweb_cache_set_max_bytes    (HzDicomwebCache  *self,
                                                     guint64           max_bytes);
guint64          hz_dicomweb_cache_get_size         (HzDicomwebCache  *self);
guint            hz_dicomweb_cache_get_n_instances  (HzDicomwebCache  *self);

gboolean         hz_dicomweb_cache_contains         (HzDicomwebCache  *self,
                                                     const char       *sop_instance_uid);
GBytes          *hz_dicomweb_cache_lookup           (HzDicomwebCache  *self,
                                                     const char       *sop_instance_uid);
gboolean         hz_dicomweb_cache_store            (HzDicomwebCache  *self,
                                                     const char       *sop_instance_uid,
                                                     GBytes           *part10,
                                                     GError          **error);

/* The instance list of a study or series (keyed by its UID), so that a
 * second opening needs no search on the server either. */
gboolean         hz_dicomweb_cache_store_manifest   (HzDicomwebCache  *self,
                                                     const char       *key_uid,
                                                     GPtrArray        *instances,
                                                     GError          **error);
GPtrArray       *hz_dicomweb_cache_lookup_manifest  (HzDicomwebCache  *self,
                                                     const char       *key_uid);

G_END_DECLS
