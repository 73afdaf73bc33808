/* hz-dicomweb-client.c: the connection to one DICOMweb server, and QIDO-RS.
 *
 * One SoupSession per server, so connections are reused across searches
 * and retrievals. Credentials go into every request up front instead of
 * waiting for a 401 challenge: that saves a round trip per request, which
 * is most of the time to first image on a high-latency county link. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hz-dicomweb-client-private.h"

/* A multi-frame ultrasound or a large CR can be a few hundred MB; more
 * than this from one part is a broken or hostile server. */
#define DEFAULT_MAX_PART_SIZE (512 * 1024 * 1024)

struct _HzDicomwebClient
{
  GObject          parent_instance;

  char            *base_url;
  char            *authorization;  /* the Authorization header, or NULL */
  SoupSession     *session;
  HzDicomwebCache *cache;
  guint            concurrency;
  gsize            max_part_size;
  guint            n_requests;
};

G_DEFINE_FINAL_TYPE (HzDicomwebClient, hz_dicomweb_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_CONCURRENCY,
  PROP_CACHE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hz_dicomweb_client_dispose (GObject *object)
{
  HzDicomwebClient *self = (HzDicomwebClient *) object;

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->cache);

  G_OBJECT_CLASS (hz_dicomweb_client_parent_class)->dispose (object);
}

static void
hz_dicomweb_client_finalize (GObject *object)
{
  HzDicomwebClient *self = (HzDicomwebClient *) object;

  g_free (self->base_url);
  g_free (self->authorization);

  G_OBJECT_CLASS (hz_dicomweb_client_parent_class)->finalize (object);
}

static void
hz_dicomweb_client_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  HzDicomwebClient *self = HZ_DICOMWEB_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_CONCURRENCY:
      g_value_set_uint (value, self->concurrency);
      break;
    case PROP_CACHE:
      g_value_set_object (value, self->cache);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hz_dicomweb_client_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  HzDicomwebClient *self = HZ_DICOMWEB_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      {
        const char *url = g_value_get_string (value);
        gsize len = url ? strlen (url) : 0;

        /* Paths are appended as "/studies/…": drop a trailing slash. */
        while (len > 0 && url[len - 1] == '/')
          len--;
        self->base_url = g_strndup (url ? url : "", len);
      }
      break;
    case PROP_CONCURRENCY:
      hz_dicomweb_client_set_concurrency (self, g_value_get_uint (value));
      break;
    case PROP_CACHE:
      hz_dicomweb_client_set_cache (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hz_dicomweb_client_class_init (HzDicomwebClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hz_dicomweb_client_dispose;
  object_class->finalize = hz_dicomweb_client_finalize;
  object_class->get_property = hz_dicomweb_client_get_property;
  object_class->set_property = hz_dicomweb_client_set_property;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONCURRENCY] =
    g_param_spec_uint ("concurrency", NULL, NULL,
                       1, HZ_DICOMWEB_MAX_CONCURRENCY, HZ_DICOMWEB_DEFAULT_CONCURRENCY,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CACHE] =
    g_param_spec_object ("cache", NULL, NULL, HZ_TYPE_DICOMWEB_CACHE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hz_dicomweb_client_init (HzDicomwebClient *self)
{
  /* libsoup 3 allows 2 connections per host by default, which would
   * quietly serialise our parallel instance requests. */
  self->session = g_object_new (SOUP_TYPE_SESSION,
                                "max-conns", 2 * HZ_DICOMWEB_MAX_CONCURRENCY,
                                "max-conns-per-host", HZ_DICOMWEB_MAX_CONCURRENCY,
                                "timeout", 60,
                                "user-agent", "Huizhen/" PACKAGE_VERSION " ",
                                NULL);
  self->concurrency = HZ_DICOMWEB_DEFAULT_CONCURRENCY;
  self->max_part_size = DEFAULT_MAX_PART_SIZE;
}

HzDicomwebClient *
hz_dicomweb_client_new (const char *base_url)
{
  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (g_uri_is_valid (base_url, SOUP_HTTP_URI_FLAGS, NULL), NULL);

  return g_object_new (HZ_TYPE_DICOMWEB_CLIENT, "base-url", base_url, NULL);
}

const char *
hz_dicomweb_client_get_base_url (HzDicomwebClient *self)
{
  g_return_val_if_fail (HZ_IS_DICOMWEB_CLIENT (self), NULL);
  return self->base_url;
}

void
hz_dicomweb_client_set_basic_auth (HzDicomwebClient *self,
                                   const char       *user,
                                   const char       *password)
{
  g_autofree char *pair = NULL;
  g_autofree char *encoded = NULL;

  g_return_if_fail (HZ_IS_DICOMWEB_CLIENT (self));

  g_clear_pointer (&self->authorization, g_free);
  if (user == NULL)
    return;
  pair = g_strconcat (user, ":", password ? password : "", NULL);
  encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  self->authorization = g_strconcat ("Basic ", encoded, NULL);
  explicit_bzero (pair, strlen (pair));
}

void
hz_dicomweb_client_set_bearer_token (HzDicomwebClient *self,
                                     const char       *token)
{
  g_return_if_fail (HZ_IS_DICOMWEB_CLIENT (self));

  g_clear_pointer (&self->authorization, g_free);
  if (token != NULL)
    self->authorization = g_strconcat ("Bearer ", token, NULL);
}

/* Hospital PACS often sit behind an internal CA: trust exactly the CAs in
 * this PEM file instead of the system store. */
gboolean
hz_dicomweb_client_set_ca_file (HzDicomwebClient  *self,
                                const char        *pem_path,
                                GError           **error)
{
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (HZ_IS_DICOMWEB_CLIENT (self), FALSE);

  if (pem_path == NULL)
    {
      soup_session_set_tls_database (self->session, g_tls_backend_get_default_database (g_tls_backend_get_default ()));
      return TRUE;
    }
  database = g_tls_file_database_new (pem_path, &local_error);
  if (database == NULL)
    {
      g_set_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_INVALID_ARGUMENT,
                   _("Cannot use “%s” as the image server’s certificate authority: %s"),
                   pem_path, local_error->message);
      return FALSE;
    }
  soup_session_set_tls_database (self->session, database);
  return TRUE;
}

void
hz_dicomweb_client_set_user_agent (HzDicomwebClient *self,
                                   const char       *user_agent)
{
  g_return_if_fail (HZ_IS_DICOMWEB_CLIENT (self));
  soup_session_set_user_agent (self->session, user_agent);
}

guint
hz_dicomweb_client_get_concurrency (HzDicomwebClient *self)
{
  g_return_val_if_fail (HZ_IS_DICOMWEB_CLIENT (self), 0);
  return self->concurrency;
}

void
hz_dicomweb_client_set_concurrency (HzDicomwebClient *self,
                                    guint             n_requests)
{
  g_return_if_fail (HZ_IS_DICOMWEB_CLIENT (self));

  n_requests = CLAMP (n_requests, 1, HZ_DICOMWEB_MAX_CONCURRENCY);
  if (self->concurrency == n_requests)
    return;
  self->concurrency = n_requests;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONCURRENCY]);
}

void
hz_dicomweb_client_set_max_part_size (HzDicomwebClient *self,
                                      gsize             max_bytes)
{
  g_return_if_fail (HZ_IS_DICOMWEB_CLIENT (self));
  self->max_part_size = max_bytes;
}

HzDicomwebCache *
hz_dicomweb_client_get_cache (HzDicomwebClient *self)
{
  g_return_val_if_fail (HZ_IS_DICOMWEB_CLIENT (self), NULL);
  return self->cache;
}

void
hz_dicomweb_client_set_cache (HzDicomwebClient *self,
                              HzDicomwebCache  *cache)
{
  g_return_if_fail (HZ_IS_DICOMWEB_CLIENT (self));
  g_return_if_fail (cache == NULL || HZ_IS_DICOMWEB_CACHE (cache));

  if (g_set_object (&self->cache, cache))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CACHE]);
}

guint
hz_dicomweb_client_get_n_requests (HzDicomwebClient *self)
{
  g_return_val_if_fail (HZ_IS_DICOMWEB_CLIENT (self), 0);
  return self->n_requests;
}

SoupSession *
_hz_dicomweb_client_get_session (HzDicomwebClient *self)
{
  return self->session;
}

gsize
_hz_dicomweb_client_get_max_part_size (HzDicomwebClient *self)
{
  return self->max_part_size;
}

/* UIDs are checked before they reach here (digits and dots only), so
 * they need no escaping in a path. */
char *
_hz_dicomweb_path (const char *study_uid,
                   const char *series_uid,
                   const char *sop_uid,
                   const char *suffix)
{
  GString *path = g_string_new ("/studies/");

  g_string_append (path, study_uid);
  if (series_uid != NULL)
    g_string_append_printf (path, "/series/%s", series_uid);
  if (sop_uid != NULL)
    g_string_append_printf (path, "/instances/%s", sop_uid);
  if (suffix != NULL)
    g_string_append (path, suffix);
  return g_string_free (path, FALSE);
}

SoupMessage *
_hz_dicomweb_client_new_message (HzDicomwebClient *self,
                                 const char       *path,
                                 const char       *accept)
{
  g_autofree char *url = g_strconcat (self->base_url, path, NULL);
  SoupMessage *msg = soup_message_new (SOUP_METHOD_GET, url);
  SoupMessageHeaders *headers;

  g_return_val_if_fail (msg != NULL, NULL);
  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Accept", accept);
  if (self->authorization != NULL)
    soup_message_headers_replace (headers, "Authorization", self->authorization);
  self->n_requests++;
  return msg;
}

gboolean
_hz_dicomweb_check_status (SoupMessage  *msg,
                           GError      **error)
{
  guint status = soup_message_get_status (msg);
  const char *reason = soup_message_get_reason_phrase (msg);

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    return TRUE;
  if (reason == NULL)
    reason = "";
  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    g_set_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_AUTH_FAILED,
                 _("The image server refused the user name, password or token (HTTP %u %s)"),
                 status, reason);
  else if (status == SOUP_STATUS_NOT_FOUND)
    g_set_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_NOT_FOUND,
                 _("The image server has no such study, series or image (HTTP %u %s)"),
                 status, reason);
  else if (status >= 500)
    g_set_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_SERVER_ERROR,
                 _("The image server failed (HTTP %u %s); try again later"),
                 status, reason);
  else
    g_set_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_BAD_RESPONSE,
                 _("The image server gave an unexpected answer (HTTP %u %s)"),
                 status, reason);
  return FALSE;
}

/* Cancellation stays G_IO_ERROR_CANCELLED; everything else that keeps a
 * request from being answered means the server cannot be reached. */
void
_hz_dicomweb_propagate_send_error (GError **error,
                                   GError  *soup_error)
{
  if (g_error_matches (soup_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, soup_error);
  else if (soup_error->domain == G_TLS_ERROR)
    {
      g_set_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_UNREACHABLE,
                   _("Cannot make a secure connection to the image server: %s"),
                   soup_error->message);
      g_error_free (soup_error);
    }
  else
    {
      g_set_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_UNREACHABLE,
                   _("Cannot reach the image server: %s"), soup_error->message);
      g_error_free (soup_error);
    }
}

/* QIDO-RS */

typedef enum {
  SEARCH_STUDIES,
  SEARCH_SERIES,
  SEARCH_INSTANCES,
} SearchKind;

static void
search_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  SoupSession *session = SOUP_SESSION (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GPtrArray) records = NULL;
  SearchKind kind = GPOINTER_TO_INT (g_task_get_task_data (task));
  SoupMessage *msg = soup_session_get_async_result_message (session, result);
  const char *content_type;
  gsize len = 0;
  const char *data;

  body = soup_session_send_and_read_finish (session, result, &error);
  if (body == NULL)
    {
      GError *soup_error = g_steal_pointer (&error);
      _hz_dicomweb_propagate_send_error (&error, soup_error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!_hz_dicomweb_check_status (msg, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data = g_bytes_get_data (body, &len);
  content_type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
  if (len > 0 && content_type != NULL &&
      g_ascii_strcasecmp (content_type, "application/dicom+json") != 0 &&
      g_ascii_strcasecmp (content_type, "application/json") != 0)
    {
      g_task_return_new_error (task, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_BAD_RESPONSE,
                               _("The image server answered a search with “%s” instead of DICOM JSON"),
                               content_type);
      return;
    }
  switch (kind)
    {
    case SEARCH_STUDIES:
      records = hz_dicom_json_parse_studies (data, len, &error);
      break;
    case SEARCH_SERIES:
      records = hz_dicom_json_parse_series (data, len, &error);
      break;
    case SEARCH_INSTANCES:
      records = hz_dicom_json_parse_instances (data, len, &error);
      break;
    default:
      g_assert_not_reached ();
    }
  if (records == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&records), (GDestroyNotify) g_ptr_array_unref);
}

static void
search (HzDicomwebClient    *self,
        SearchKind           kind,
        const char          *path,
        gpointer             source_tag,
        GCancellable        *cancellable,
        GAsyncReadyCallback  callback,
        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(SoupMessage) msg = NULL;

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, GINT_TO_POINTER (kind), NULL);
  msg = _hz_dicomweb_client_new_message (self, path, "application/dicom+json");
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    search_cb, g_steal_pointer (&task));
}

static gboolean
check_uid (GTask      *task,
           const char *uid,
           gboolean    optional)
{
  if ((optional && uid == NULL) || hz_dicom_uid_is_valid (uid))
    return TRUE;
  g_task_return_new_error (task, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_INVALID_ARGUMENT,
                           _("“%s” is not a valid DICOM UID"), uid ? uid : "");
  return FALSE;
}

void
hz_dicomweb_client_search_studies_async (HzDicomwebClient    *self,
                                         const char          *patient_id,
                                         const char          *study_instance_uid,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GString) path = g_string_new ("/studies?includefield=00081030");

  g_return_if_fail (HZ_IS_DICOMWEB_CLIENT (self));

  if (study_instance_uid != NULL && !hz_dicom_uid_is_valid (study_instance_uid))
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
      g_task_set_source_tag (task, hz_dicomweb_client_search_studies_async);
      check_uid (task, study_instance_uid, FALSE);
      return;
    }
  if (patient_id != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (patient_id, NULL, FALSE);
      g_string_append_printf (path, "&PatientID=%s", escaped);
    }
  if (study_instance_uid != NULL)
    g_string_append_printf (path, "&StudyInstanceUID=%s", study_instance_uid);
  search (self, SEARCH_STUDIES, path->str, hz_dicomweb_client_search_studies_async,
          cancellable, callback, user_data);
}

/* A name as people type it, for comparing with a PN value: casefolded,
 * without the component separators and spaces ("王^建国" = "王建国",
 * "WANG^JIANGUO" = "wang jianguo"). */
static char *
name_key (const char *name)
{
  g_autofree char *folded = g_utf8_casefold (name, -1);
  GString *key = g_string_new (NULL);

  for (const char *p = folded; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c != '^' && c != '*' && c != '?' && c != '=' && !g_unichar_isspace (c))
        g_string_append_unichar (key, c);
    }
  return g_string_free (key, FALSE);
}

static gboolean
pn_matches (const HzPersonName *pn,
            const char         *key)
{
  const char *groups[] = { pn->alphabetic, pn->ideographic, pn->phonetic };

  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      g_autofree char *value = groups[i] ? name_key (groups[i]) : NULL;
      if (value && strstr (value, key))
        return TRUE;
    }
  return FALSE;
}

static void
find_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  const char *key = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GPtrArray) studies = g_task_propagate_pointer (G_TASK (result), &error);

  if (studies == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (key && *key)
    for (guint i = studies->len; i > 0; i--)
      if (!pn_matches (&((HzDicomwebStudy *) g_ptr_array_index (studies, i - 1))->patient_name, key))
        g_ptr_array_remove_index (studies, i - 1);
  g_task_return_pointer (task, g_steal_pointer (&studies), (GDestroyNotify) g_ptr_array_unref);
}

/* For picking a study to send with a request: by patient ID, name or
 * study date, with what a person chooses by (modalities, description,
 * how many images). Dates are DA ("YYYYMMDD") or a range
 * ("YYYYMMDD-YYYYMMDD"). A name is matched anywhere in any of the PN
 * groups. A Latin name goes to the server as a wildcard ("wang jianguo"
 * -> "*wang*jianguo*"); a name in Chinese characters is matched here,
 * over what the other filters found: servers (Orthanc among them) fold
 * PN values to upper-case Latin for matching and find no ideographic
 * group. */
void
hz_dicomweb_client_find_studies_async (HzDicomwebClient    *self,
                                       const char          *patient_id,
                                       const char          *patient_name,
                                       const char          *study_date,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GString) path = g_string_new ("/studies?includefield=00081030&includefield=00080061"
                                          "&includefield=00201206&includefield=00201208&limit=500");
  GTask *task;

  g_return_if_fail (HZ_IS_DICOMWEB_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hz_dicomweb_client_find_studies_async);
  if (patient_id != NULL && *patient_id != '\0')
    {
      g_autofree char *escaped = g_uri_escape_string (patient_id, NULL, FALSE);
      g_string_append_printf (path, "&PatientID=%s", escaped);
    }
  if (patient_name != NULL && *patient_name != '\0')
    {
      g_autofree char *key = name_key (patient_name);

      if (g_str_is_ascii (patient_name))
        {
          /* "*" and "?" stay wildcards: Orthanc does not decode %2A */
          g_autofree char *pattern = g_strdelimit (g_strdup_printf ("*%s*", patient_name), " ^", '*');
          g_autofree char *escaped = g_uri_escape_string (pattern, "*?", FALSE);
          g_string_append_printf (path, "&PatientName=%s", escaped);
        }
      else
        g_task_set_task_data (task, g_steal_pointer (&key), g_free);
    }
  if (study_date != NULL && *study_date != '\0')
    {
      g_autofree char *escaped = g_uri_escape_string (study_date, NULL, FALSE);
      g_string_append_printf (path, "&StudyDate=%s", escaped);
    }
  search (self, SEARCH_STUDIES, path->str, hz_dicomweb_client_find_studies_async,
          cancellable, find_cb, task);
}

GPtrArray *
hz_dicomweb_client_search_studies_finish (HzDicomwebClient  *self,
                                          GAsyncResult      *result,
                                          GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
hz_dicomweb_client_search_series_async (HzDicomwebClient    *self,
                                        const char          *study_instance_uid,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (HZ_IS_DICOMWEB_CLIENT (self));

  if (!hz_dicom_uid_is_valid (study_instance_uid))
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
      g_task_set_source_tag (task, hz_dicomweb_client_search_series_async);
      check_uid (task, study_instance_uid, FALSE);
      return;
    }
  path = _hz_dicomweb_path (study_instance_uid, NULL, NULL,
                            "/series?includefield=0008103E&includefield=00201209");
  search (self, SEARCH_SERIES, path, hz_dicomweb_client_search_series_async,
          cancellable, callback, user_data);
}

GPtrArray *
hz_dicomweb_client_search_series_finish (HzDicomwebClient  *self,
                                         GAsyncResult      *result,
                                         GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
hz_dicomweb_client_search_instances_async (HzDicomwebClient    *self,
                                           const char          *study_instance_uid,
                                           const char          *series_instance_uid,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (HZ_IS_DICOMWEB_CLIENT (self));

  if (!hz_dicom_uid_is_valid (study_instance_uid) ||
      (series_instance_uid != NULL && !hz_dicom_uid_is_valid (series_instance_uid)))
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
      g_task_set_source_tag (task, hz_dicomweb_client_search_instances_async);
      if (check_uid (task, study_instance_uid, FALSE))
        check_uid (task, series_instance_uid, TRUE);
      return;
    }
  /* The series UID is asked for explicitly: at study level some servers
   * leave it out, and a retrieval needs it for every instance. */
  path = _hz_dicomweb_path (study_instance_uid, series_instance_uid, NULL,
                            "/instances?includefield=0020000E&includefield=00200013"
                            "&includefield=00280010&includefield=00280011&includefield=00280008");
  search (self, SEARCH_INSTANCES, path, hz_dicomweb_client_search_instances_async,
          cancellable, callback, user_data);
}

GPtrArray *
hz_dicomweb_client_search_instances_finish (HzDicomwebClient  *self,
                                            GAsyncResult      *result,
                                            GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
