/* hz-hub-client-bundle.c: a consult's case bundle, with a disk cache
 * validated by ETag / If-None-Match. The cache holds patient data: the
 * folder is 0700 and every file 0600. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "hz-hub-client-private.h"

/* An ETag is one short header value; anything else is not ours. */
#define MAX_ETAG_BYTES 256

typedef struct {
  char   *consult_id;
  char   *body_path;
  char   *etag_path;
  char   *etag;     /* what we have cached, or NULL */
} BundleRequest;

typedef struct {
  GBytes  *bytes;
  gboolean from_cache;
} BundleResult;

static void
bundle_request_free (BundleRequest *request)
{
  g_free (request->consult_id);
  g_free (request->body_path);
  g_free (request->etag_path);
  g_free (request->etag);
  g_free (request);
}

static void
bundle_result_free (BundleResult *result)
{
  g_clear_pointer (&result->bytes, g_bytes_unref);
  g_free (result);
}

static GBytes *
read_cached (BundleRequest *request)
{
  char *contents = NULL;
  gsize len = 0;

  if (request->body_path == NULL || !g_file_get_contents (request->body_path, &contents, &len, NULL))
    return NULL;
  return g_bytes_new_take (contents, len);
}

static gboolean
valid_etag (const char *etag)
{
  const char *p;

  if (etag == NULL || *etag == '\0' || strlen (etag) > MAX_ETAG_BYTES)
    return FALSE;
  for (p = etag; *p; p++)
    if ((guchar) *p < 0x20 || (guchar) *p > 0x7e)
      return FALSE;
  return TRUE;
}

static void
write_cache (BundleRequest *request,
             GBytes        *bytes,
             const char    *etag)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  gsize len;
  const char *data;

  if (request->body_path == NULL || !valid_etag (etag))
    return;
  dir = g_path_get_dirname (request->body_path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_warning ("Cannot create the bundle cache folder: %s", g_strerror (errno));
      return;
    }
  g_chmod (dir, 0700);
  data = g_bytes_get_data (bytes, &len);
  /* Body first, then its tag: a crash between the two leaves a body
   * without a (matching) tag, which is only a cache miss. */
  g_unlink (request->etag_path);
  if (!g_file_set_contents_full (request->body_path, data ? data : "", (gssize) len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error) ||
      !g_file_set_contents_full (request->etag_path, etag, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    g_warning ("Cannot write the bundle cache: %s", error->message);
}

static void
bundle_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  BundleRequest *request = g_task_get_task_data (task);
  g_autoptr(HzHubReply) reply = _hz_hub_client_send_finish (HZ_HUB_CLIENT (source), result, &error);
  BundleResult *answer;

  if (reply == NULL && g_error_matches (error, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_UNREACHABLE) &&
      request->etag)
    {
      /* Offline: the last copy we saw is better than nothing. */
      g_autoptr(GBytes) cached = read_cached (request);
      if (cached)
        {
          answer = g_new0 (BundleResult, 1);
          answer->bytes = g_steal_pointer (&cached);
          answer->from_cache = TRUE;
          g_task_return_pointer (task, answer, (GDestroyNotify) bundle_result_free);
          return;
        }
    }
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (reply->status == 304 && request->etag)
    {
      g_autoptr(GBytes) cached = read_cached (request);
      if (cached == NULL)
        {
          g_task_return_new_error (task, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_FAILED,
                                   _("The saved copy of the case is gone. Please open it again."));
          g_unlink (request->etag_path);
          return;
        }
      answer = g_new0 (BundleResult, 1);
      answer->bytes = g_steal_pointer (&cached);
      answer->from_cache = TRUE;
      g_task_return_pointer (task, answer, (GDestroyNotify) bundle_result_free);
      return;
    }
  if (!_hz_hub_reply_check (reply, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (reply->status != 200)
    {
      g_task_return_new_error (task, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_BAD_REPLY,
                               _("The hub gave an answer this version of Huizhen cannot read."));
      return;
    }
  write_cache (request, reply->body, reply->etag);
  answer = g_new0 (BundleResult, 1);
  answer->bytes = g_bytes_ref (reply->body);
  g_task_return_pointer (task, answer, (GDestroyNotify) bundle_result_free);
}

void
hz_hub_client_get_bundle_async (HzHubClient        *self,
                                const char         *consult_id,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *path = NULL;
  BundleRequest *request;

  g_task_set_source_tag (task, hz_hub_client_get_bundle_async);
  if (!_hz_hub_valid_id (consult_id))
    {
      g_task_return_new_error (task, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_INVALID_ARGUMENT,
                               _("This is not a consult number."));
      return;
    }
  request = g_new0 (BundleRequest, 1);
  request->consult_id = g_strdup (consult_id);
  if (self->data_dir)
    {
      g_autofree char *name = g_strconcat (consult_id, ".json", NULL);
      g_autofree char *tag = g_strconcat (consult_id, ".etag", NULL);
      char *etag = NULL;

      request->body_path = g_build_filename (self->data_dir, "bundles", name, NULL);
      request->etag_path = g_build_filename (self->data_dir, "bundles", tag, NULL);
      if (g_file_get_contents (request->etag_path, &etag, NULL, NULL) && valid_etag (etag) &&
          g_file_test (request->body_path, G_FILE_TEST_IS_REGULAR))
        request->etag = etag;
      else
        g_free (etag);
    }
  g_task_set_task_data (task, request, (GDestroyNotify) bundle_request_free);
  path = g_strdup_printf ("consults/%s/bundle", consult_id);
  _hz_hub_client_send (self, "GET", path, NULL, NULL, NULL, request->etag, cancellable,
                       bundle_cb, g_steal_pointer (&task));
}

GBytes *
hz_hub_client_get_bundle_finish (HzHubClient  *self,
                                 GAsyncResult *result,
                                 gboolean     *from_cache,
                                 GError      **error)
{
  BundleResult *answer = g_task_propagate_pointer (G_TASK (result), error);
  GBytes *bytes;

  if (answer == NULL)
    return NULL;
  if (from_cache)
    *from_cache = answer->from_cache;
  bytes = g_steal_pointer (&answer->bytes);
  bundle_result_free (answer);
  return bytes;
}
