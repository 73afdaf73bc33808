/* hz-dicomweb-client.h: QIDO-RS searches and WADO-RS retrieval from a PACS. */
#pragma once

#include <gio/gio.h>

#include "hz-dicom-json.h"
#include "hz-dicomweb-cache.h"
#include "hz-dicomweb-error.h"

G_BEGIN_DECLS

/* How far one retrieval has come; handed to the progress function. */
typedef struct {
  guint64 bytes_received;    /* HTTP body bytes read, over all requests */
  guint64 bytes_total;       /* announced by the server, 0 while unknown */
  guint   instances_done;    /* handed to the caller, from network or cache */
  guint   instances_total;   /* 0 while unknown */
  guint   instances_cached;  /* of instances_done, served from the cache */
} HzDicomwebProgress;

/* Called once per instance as soon as it is complete; part10 is a whole
 * Part-10 file. sop_instance_uid is the one in its meta header (checked
 * against the request where one instance was asked for); NULL only from
 * hz_dicomweb_client_retrieve_async() for a file without one. */
typedef void (*HzDicomwebInstanceFunc) (const char *sop_instance_uid,
                                        GBytes     *part10,
                                        gpointer    user_data);
typedef void (*HzDicomwebProgressFunc) (const HzDicomwebProgress *progress,
                                        gpointer                  user_data);

#define HZ_DICOMWEB_DEFAULT_CONCURRENCY 4
#define HZ_DICOMWEB_MAX_CONCURRENCY     8

#define HZ_TYPE_DICOMWEB_CLIENT (hz_dicomweb_client_get_type ())

G_DECLARE_FINAL_TYPE (HzDicomwebClient, hz_dicomweb_client, HZ, DICOMWEB_CLIENT, GObject)

HzDicomwebClient *hz_dicomweb_client_new                (const char        *base_url);
const char       *hz_dicomweb_client_get_base_url       (HzDicomwebClient  *self);
void              hz_dicomweb_client_set_basic_auth     (HzDicomwebClient  *self,
                                                         const char        *user,
                                                         const char        *password);
void              hz_dicomweb_client_set_bearer_token   (HzDicomwebClient  *self,
                                                         const char        *token);
gboolean          hz_dicomweb_client_set_ca_file        (HzDicomwebClient  *self,
                                                         const char        *pem_path,
                                                         GError           **error);
void              hz_dicomweb_client_set_user_agent     (HzDicomwebClient  *self,
                                                         const char        *user_agent);
guint             hz_dicomweb_client_get_concurrency    (HzDicomwebClient  *self);
void              hz_dicomweb_client_set_concurrency    (HzDicomwebClient  *self,
                                                         guint              n_requests);
void              hz_dicomweb_client_set_max_part_size  (HzDicomwebClient  *self,
                                                         gsize              max_bytes);
HzDicomwebCache  *hz_dicomweb_client_get_cache          (HzDicomwebClient  *self);
void              hz_dicomweb_client_set_cache          (HzDicomwebClient  *self,
                                                         HzDicomwebCache   *cache);
/* HTTP requests sent so far: lets tests prove a cache hit costs nothing. */
guint             hz_dicomweb_client_get_n_requests     (HzDicomwebClient  *self);

/* QIDO-RS. Each _finish returns a GPtrArray of records (see
 * hz-dicom-json.h), or NULL with an error. NULL filters match all. */
void       hz_dicomweb_client_search_studies_async    (HzDicomwebClient     *self,
                                                       const char           *patient_id,
                                                       const char           *study_instance_uid,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
GPtrArray *hz_dicomweb_client_search_studies_finish   (HzDicomwebClient     *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
/* By any of patient ID, name (wildcards *, ?; none means "contains")
 * and study date ("YYYYMMDD" or "YYYYMMDD-YYYYMMDD"); NULL or "" leaves
 * one out. Finished with hz_dicomweb_client_search_studies_finish(). */
void       hz_dicomweb_client_find_studies_async      (HzDicomwebClient     *self,
                                                       const char           *patient_id,
                                                       const char           *patient_name,
                                                       const char           *study_date,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
void       hz_dicomweb_client_search_series_async     (HzDicomwebClient     *self,
                                                       const char           *study_instance_uid,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
GPtrArray *hz_dicomweb_client_search_series_finish    (HzDicomwebClient     *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
/* series_instance_uid NULL: every instance of the study. */
void       hz_dicomweb_client_search_instances_async  (HzDicomwebClient     *self,
                                                       const char           *study_instance_uid,
                                                       const char           *series_instance_uid,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
GPtrArray *hz_dicomweb_client_search_instances_finish (HzDicomwebClient     *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

/* WADO-RS in one request: a study, a series (series_instance_uid set) or
 * one instance (both set), streamed as one multipart/related answer.
 * Every instance goes to instance_func as it arrives and into the cache. */
void       hz_dicomweb_client_retrieve_async          (HzDicomwebClient       *self,
                                                       const char             *study_instance_uid,
                                                       const char             *series_instance_uid,
                                                       const char             *sop_instance_uid,
                                                       HzDicomwebInstanceFunc  instance_func,
                                                       HzDicomwebProgressFunc  progress_func,
                                                       gpointer                func_data,
                                                       GDestroyNotify          func_data_destroy,
                                                       GCancellable           *cancellable,
                                                       GAsyncReadyCallback     callback,
                                                       gpointer                user_data);
gboolean   hz_dicomweb_client_retrieve_finish         (HzDicomwebClient       *self,
                                                       GAsyncResult           *result,
                                                       HzDicomwebProgress     *progress,
                                                       GError                **error);

/* Opens a study or a series (series_instance_uid set) the way a viewer
 * wants it. The first time: one streamed request per series (a series
 * search gives the totals). Later: instances in the cache come from disk,
 * the missing ones one request per instance, up to the concurrency limit
 * at once. A second opening of a fully cached study or series sends no
 * request at all. */
void       hz_dicomweb_client_fetch_async             (HzDicomwebClient       *self,
                                                       const char             *study_instance_uid,
                                                       const char             *series_instance_uid,
                                                       HzDicomwebInstanceFunc  instance_func,
                                                       HzDicomwebProgressFunc  progress_func,
                                                       gpointer                func_data,
                                                       GDestroyNotify          func_data_destroy,
                                                       GCancellable           *cancellable,
                                                       GAsyncReadyCallback     callback,
                                                       gpointer                user_data);
gboolean   hz_dicomweb_client_fetch_finish            (HzDicomwebClient       *self,
                                                       GAsyncResult           *result,
                                                       HzDicomwebProgress     *progress,
                                                       GError                **error);

G_END_DECLS
