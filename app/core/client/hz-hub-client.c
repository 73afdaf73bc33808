/* hz-hub-client.c: HzHubClient, its session and REST calls. The
 * WebSocket, the outbox and the bundle cache live in the -ws, -outbox
 * and -bundle files. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hz-canonical-json.h"
#include "hz-hub-client-private.h"

/* The hub's JSON limit is 256 KiB; bundles and attachments are larger
 * and come as bytes. A reply past this is not from a well-behaved hub. */
#define MAX_JSON_REPLY (4 * 1024 * 1024)

G_DEFINE_QUARK (hz-hub-client-error-quark, hz_hub_client_error)
G_DEFINE_FINAL_TYPE (HzHubClient, hz_hub_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_ONLINE,
  PROP_OUTBOX_COUNT,
  PROP_USER_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];
guint _hz_hub_client_signals[HZ_HUB_CLIENT_N_SIGNALS];

GType
hz_hub_connection_state_get_type (void)
{
  static gsize type_id = 0;
  static const GEnumValue values[] = {
    { HZ_HUB_CONNECTION_OFFLINE, "HZ_HUB_CONNECTION_OFFLINE", "offline" },
    { HZ_HUB_CONNECTION_CONNECTING, "HZ_HUB_CONNECTION_CONNECTING", "connecting" },
    { HZ_HUB_CONNECTION_ONLINE, "HZ_HUB_CONNECTION_ONLINE", "online" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type_id))
    g_once_init_leave (&type_id, g_enum_register_static ("HzHubConnectionState", values));
  return type_id;
}

static void
set_error_with_code (GError    **error,
                     gint        err_code,
                     const char *hub_code,
                     const char *message)
{
  if (hub_code)
    g_debug ("hub error code %s", hub_code);
  g_set_error_literal (error, HZ_HUB_CLIENT_ERROR, err_code, message);
}

void
_hz_hub_reply_free (HzHubReply *reply)
{
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_free (reply->etag);
  g_free (reply);
}

/* Replies go through the shared pre-scan, which bounds size and nesting
 * before json-glib's recursive parser sees them. */
static JsonNode *
parse_json (GBytes *bytes)
{
  gsize len = 0;
  const char *data = bytes ? g_bytes_get_data (bytes, &len) : NULL;

  if (data == NULL || len == 0)
    return NULL;
  return hz_canonical_json_parse (data, (gssize) len, MAX_JSON_REPLY, FALSE, NULL);
}

static const char *
object_string (JsonObject *object,
               const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

/* The hub's error code and status into a GError with the client's own
 * words: the hub's message is for developers (docs/protocol.md). */
static void
set_hub_error (GError    **error,
               guint       status,
               const char *code)
{
  gint err = HZ_HUB_CLIENT_ERROR_FAILED;
  const char *text;

  if (g_strcmp0 (code, "bad_credentials") == 0)
    err = HZ_HUB_CLIENT_ERROR_BAD_CREDENTIALS, text = _("The user name or the password is wrong.");
  else if (status == 401)
    err = HZ_HUB_CLIENT_ERROR_UNAUTHORIZED, text = _("Your session has ended. Please sign in again.");
  else if (status == 403)
    err = HZ_HUB_CLIENT_ERROR_FORBIDDEN, text = _("You may not do this for this consult.");
  else if (status == 404)
    err = HZ_HUB_CLIENT_ERROR_NOT_FOUND, text = _("The hub does not know this consult, or you are not one of its doctors.");
  else if (g_strcmp0 (code, "no_consent") == 0)
    err = HZ_HUB_CLIENT_ERROR_CONFLICT, text = _("No call can start before the patient’s consent is recorded.");
  else if (g_strcmp0 (code, "conflict") == 0)
    err = HZ_HUB_CLIENT_ERROR_CONFLICT, text = _("Someone else changed this consult meanwhile. It has been reloaded.");
  else if (status == 409)
    err = HZ_HUB_CLIENT_ERROR_CONFLICT, text = _("This cannot be done in the consult’s current state.");
  else if (status == 413)
    err = HZ_HUB_CLIENT_ERROR_TOO_LARGE, text = _("This is larger than the hub accepts.");
  else if (status == 415)
    err = HZ_HUB_CLIENT_ERROR_UNSUPPORTED_TYPE, text = _("The hub does not take files of this type.");
  else if (status == 429)
    err = HZ_HUB_CLIENT_ERROR_RATE_LIMITED, text = _("Too many failed sign-ins. Please wait a few minutes and try again.");
  else if (status == 400 || status == 422)
    err = HZ_HUB_CLIENT_ERROR_INVALID, text = _("The hub did not accept what was sent. Please check the form.");
  else if (status >= 500)
    err = HZ_HUB_CLIENT_ERROR_SERVER, text = _("The hub had an internal problem. Please try again later.");
  else
    text = _("The hub gave an unexpected answer.");
  set_error_with_code (error, err, code, text);
}

gboolean
_hz_hub_reply_check (HzHubReply *reply,
                     GError    **error)
{
  g_autoptr(JsonNode) root = NULL;
  const char *code = NULL;

  if (reply->status >= 200 && reply->status < 300)
    return TRUE;
  root = parse_json (reply->body);
  if (root && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonNode *err = json_object_get_member (json_node_get_object (root), "error");
      if (err && JSON_NODE_HOLDS_OBJECT (err))
        code = object_string (json_node_get_object (err), "code");
    }
  set_hub_error (error, reply->status, code);
  return FALSE;
}

JsonObject *
_hz_hub_reply_to_object (HzHubReply *reply,
                         GError    **error)
{
  g_autoptr(JsonNode) root = NULL;

  if (!_hz_hub_reply_check (reply, error))
    return NULL;
  root = parse_json (reply->body);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_error_with_code (error, HZ_HUB_CLIENT_ERROR_BAD_REPLY, NULL,
                           _("The hub gave an answer this version of Huizhen cannot read."));
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

char *
_hz_hub_json_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  return json_to_string (node, FALSE);
}

/* Ids go into URL paths and file names: letters, digits, '-', '_', '.'. */
gboolean
_hz_hub_valid_id (const char *id)
{
  const char *p;

  if (id == NULL || *id == '\0' || *id == '.' || strlen (id) > 128)
    return FALSE;
  for (p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

/* Sending */

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  SoupMessage *msg = g_task_get_task_data (task);
  HzHubReply *reply;
  const char *etag;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else if (error->domain == G_TLS_ERROR)
        {
          g_autoptr(GError) plain = NULL;
          g_debug ("hub TLS error: %s", error->message);
          set_error_with_code (&plain, HZ_HUB_CLIENT_ERROR_TLS, NULL,
                               _("The hub’s certificate is not trusted by this computer, so the "
                                 "connection is not safe. If your hospital has its own certificate "
                                 "authority, trust its CA file."));
          g_task_return_error (task, g_steal_pointer (&plain));
        }
      else
        {
          g_autoptr(GError) plain = NULL;
          g_debug ("hub unreachable: %s", error->message);
          set_error_with_code (&plain, HZ_HUB_CLIENT_ERROR_UNREACHABLE, NULL,
                               _("The hub cannot be reached. Check the network and the hub address."));
          g_task_return_error (task, g_steal_pointer (&plain));
        }
      return;
    }
  reply = g_new0 (HzHubReply, 1);
  reply->status = soup_message_get_status (msg);
  reply->body = g_steal_pointer (&body);
  etag = soup_message_headers_get_one (soup_message_get_response_headers (msg), "ETag");
  reply->etag = g_strdup (etag);
  reply->replay = g_strcmp0 (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                           "Idempotent-Replay"), "true") == 0;
  g_task_return_pointer (task, reply, (GDestroyNotify) _hz_hub_reply_free);
}

void
_hz_hub_client_send (HzHubClient        *self,
                     const char         *method,
                     const char         *path,
                     const char         *content_type,
                     GBytes             *body,
                     const char         *idempotency_key,
                     const char         *if_none_match,
                     GCancellable       *cancellable,
                     GAsyncReadyCallback callback,
                     gpointer            user_data)
{
  g_autofree char *uri = g_strconcat (self->base_url, "api/v1/", path, NULL);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  SoupMessage *msg = soup_message_new (method, uri);
  SoupMessageHeaders *headers;

  g_task_set_source_tag (task, _hz_hub_client_send);
  if (msg == NULL)
    {
      g_task_return_new_error (task, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_INVALID_ARGUMENT,
                               _("The hub address is not valid."));
      return;
    }
  g_task_set_task_data (task, msg, g_object_unref);
  headers = soup_message_get_request_headers (msg);
  if (self->token)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", self->token);
      soup_message_headers_replace (headers, "Authorization", auth);
    }
  if (idempotency_key)
    soup_message_headers_replace (headers, "Idempotency-Key", idempotency_key);
  if (if_none_match)
    soup_message_headers_replace (headers, "If-None-Match", if_none_match);
  if (body)
    soup_message_set_request_body_from_bytes (msg, content_type, body);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    send_cb, g_steal_pointer (&task));
}

HzHubReply *
_hz_hub_client_send_finish (HzHubClient  *self,
                            GAsyncResult *result,
                            GError      **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
send_json (HzHubClient        *self,
           const char         *method,
           const char         *path,
           JsonObject         *object,
           GCancellable       *cancellable,
           GAsyncReadyCallback callback,
           gpointer            user_data)
{
  g_autoptr(GBytes) bytes = NULL;

  if (object)
    {
      char *text = _hz_hub_json_to_string (object);
      bytes = g_bytes_new_take (text, strlen (text));
    }
  _hz_hub_client_send (self, method, path, "application/json", bytes, NULL, NULL,
                       cancellable, callback, user_data);
}

/* GObject */

static void
hz_hub_client_dispose (GObject *object)
{
  HzHubClient *self = HZ_HUB_CLIENT (object);

  g_cancellable_cancel (self->cancellable);
  _hz_hub_client_ws_dispose (self);
  _hz_hub_client_outbox_dispose (self);
  g_clear_object (&self->log);
  G_OBJECT_CLASS (hz_hub_client_parent_class)->dispose (object);
}

static void
hz_hub_client_finalize (GObject *object)
{
  HzHubClient *self = HZ_HUB_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->user, json_object_unref);
  g_clear_pointer (&self->waiting, g_hash_table_unref);
  g_clear_pointer (&self->item_actors, g_hash_table_unref);
  g_free (self->token);
  g_free (self->presence);
  g_free (self->base_url);
  g_free (self->data_dir);
  G_OBJECT_CLASS (hz_hub_client_parent_class)->finalize (object);
}

static void
hz_hub_client_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  HzHubClient *self = HZ_HUB_CLIENT (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_ONLINE:
      g_value_set_boolean (value, self->state == HZ_HUB_CONNECTION_ONLINE);
      break;
    case PROP_OUTBOX_COUNT:
      g_value_set_uint (value, self->outbox_count);
      break;
    case PROP_USER_ID:
      g_value_set_string (value, hz_hub_client_get_user_id (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hz_hub_client_class_init (HzHubClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hz_hub_client_dispose;
  object_class->finalize = hz_hub_client_finalize;
  object_class->get_property = hz_hub_client_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, HZ_TYPE_HUB_CONNECTION_STATE,
                       HZ_HUB_CONNECTION_OFFLINE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OUTBOX_COUNT] =
    g_param_spec_uint ("outbox-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USER_ID] =
    g_param_spec_string ("user-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (consult_id, consult summary, event or NULL) */
  _hz_hub_client_signals[HZ_HUB_CLIENT_SIGNAL_CONSULT_CHANGED] =
    g_signal_new ("consult-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, JSON_TYPE_OBJECT, JSON_TYPE_OBJECT);
  /* (user, status) */
  _hz_hub_client_signals[HZ_HUB_CLIENT_SIGNAL_PRESENCE_CHANGED] =
    g_signal_new ("presence-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /* (consult_id, from, data): for the call engine */
  _hz_hub_client_signals[HZ_HUB_CLIENT_SIGNAL_SIGNAL_RECEIVED] =
    g_signal_new ("signal-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, JSON_TYPE_OBJECT);
  /* (code, message): an "error" message on the WebSocket */
  _hz_hub_client_signals[HZ_HUB_CLIENT_SIGNAL_HUB_ERROR] =
    g_signal_new ("hub-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /* (idempotency key, action, consult_id or NULL, the hub's answer or
   * NULL when it refused; then the error is in the outbox item) */
  _hz_hub_client_signals[HZ_HUB_CLIENT_SIGNAL_OUTBOX_DELIVERED] =
    g_signal_new ("outbox-delivered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 4,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, JSON_TYPE_OBJECT);
  /* The hub no longer takes the token: sign in again. */
  _hz_hub_client_signals[HZ_HUB_CLIENT_SIGNAL_SESSION_EXPIRED] =
    g_signal_new ("session-expired", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
hz_hub_client_init (HzHubClient *self)
{
  self->cancellable = g_cancellable_new ();
  self->waiting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->item_actors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->first_backoff_ms = 500;
  self->max_backoff_ms = 30000;
  /* Timeouts keep a dead hub from hanging a request for minutes; the
   * WebSocket has its own heartbeat. */
  self->session = soup_session_new_with_options ("timeout", 30, "idle-timeout", 60, NULL);
}

HzHubClient *
hz_hub_client_new (const char *base_url,
                   const char *data_dir,
                   GError    **error)
{
  g_autoptr(HzHubClient) self = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  g_return_val_if_fail (base_url != NULL, NULL);

  uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);
  scheme = uri ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0))
    {
      g_set_error (error, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a hub address. It looks like https://hub.example.org/"), base_url);
      return NULL;
    }
  self = g_object_new (HZ_TYPE_HUB_CLIENT, NULL);
  self->base_url = g_str_has_suffix (base_url, "/") ? g_strdup (base_url)
                                                     : g_strconcat (base_url, "/", NULL);
  self->data_dir = g_strdup (data_dir);
  return g_steal_pointer (&self);
}

const char *
hz_hub_client_get_base_url (HzHubClient *self)
{
  g_return_val_if_fail (HZ_IS_HUB_CLIENT (self), NULL);
  return self->base_url;
}

/* NULL goes back to the system's trust store. */
gboolean
hz_hub_client_set_ca_file (HzHubClient *self,
                           const char  *pem_path,
                           GError     **error)
{
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (HZ_IS_HUB_CLIENT (self), FALSE);

  if (pem_path == NULL || *pem_path == '\0')
    {
      soup_session_set_tls_database (self->session,
                                     g_tls_backend_get_default_database (g_tls_backend_get_default ()));
      return TRUE;
    }
  database = g_tls_file_database_new (pem_path, &local_error);
  if (database == NULL)
    {
      g_autofree char *name = g_filename_display_basename (pem_path);
      g_set_error (error, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a certificate authority file (PEM) that can be read."), name);
      return FALSE;
    }
  soup_session_set_tls_database (self->session, database);
  return TRUE;
}

void
hz_hub_client_set_consult_log (HzHubClient  *self,
                               HzConsultLog *log)
{
  g_return_if_fail (HZ_IS_HUB_CLIENT (self));
  g_set_object (&self->log, log);
  _hz_hub_client_notify_outbox (self);
}

HzConsultLog *
hz_hub_client_get_consult_log (HzHubClient *self)
{
  g_return_val_if_fail (HZ_IS_HUB_CLIENT (self), NULL);
  return self->log;
}

void
hz_hub_client_set_token (HzHubClient *self,
                         const char  *token)
{
  g_return_if_fail (HZ_IS_HUB_CLIENT (self));
  if (g_strcmp0 (self->token, token) == 0)
    return;
  g_free (self->token);
  self->token = g_strdup (token);
}

const char *
hz_hub_client_get_token (HzHubClient *self)
{
  g_return_val_if_fail (HZ_IS_HUB_CLIENT (self), NULL);
  return self->token;
}

JsonObject *
hz_hub_client_get_user (HzHubClient *self)
{
  g_return_val_if_fail (HZ_IS_HUB_CLIENT (self), NULL);
  return self->user;
}

const char *
hz_hub_client_get_user_id (HzHubClient *self)
{
  g_return_val_if_fail (HZ_IS_HUB_CLIENT (self), NULL);
  return object_string (self->user, "id");
}

static void
set_user (HzHubClient *self,
          JsonObject  *user)
{
  if (self->user == user)
    return;
  g_clear_pointer (&self->user, json_object_unref);
  if (user)
    self->user = json_object_ref (user);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER_ID]);
  /* whose queued actions count depends on who is signed in */
  _hz_hub_client_notify_outbox (self);
}

void
hz_hub_client_set_user (HzHubClient *self,
                        JsonObject  *user)
{
  g_return_if_fail (HZ_IS_HUB_CLIENT (self));
  set_user (self, user);
}

void
_hz_hub_client_set_state (HzHubClient          *self,
                          HzHubConnectionState  state)
{
  gboolean was_online = self->state == HZ_HUB_CONNECTION_ONLINE;

  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  if (was_online != (state == HZ_HUB_CONNECTION_ONLINE))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
}

HzHubConnectionState
hz_hub_client_get_state (HzHubClient *self)
{
  g_return_val_if_fail (HZ_IS_HUB_CLIENT (self), HZ_HUB_CONNECTION_OFFLINE);
  return self->state;
}

gboolean
hz_hub_client_get_online (HzHubClient *self)
{
  g_return_val_if_fail (HZ_IS_HUB_CLIENT (self), FALSE);
  return self->state == HZ_HUB_CONNECTION_ONLINE;
}

guint
hz_hub_client_get_outbox_count (HzHubClient *self)
{
  g_return_val_if_fail (HZ_IS_HUB_CLIENT (self), 0);
  return self->outbox_count;
}

void
_hz_hub_client_notify_outbox (HzHubClient *self)
{
  g_autoptr(GPtrArray) items = NULL;
  guint count = 0;

  if (self->log)
    items = hz_consult_log_outbox_pending (self->log, 0, NULL);
  if (items)
    for (guint i = 0; i < items->len; i++)
      {
        HzLogOutboxItem *item = g_ptr_array_index (items, i);
        if (!g_str_has_prefix (item->last_error ? item->last_error : "", "refused:") &&
            _hz_hub_client_item_is_mine (self, item))
          count++;
      }
  if (count != self->outbox_count)
    {
      self->outbox_count = count;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTBOX_COUNT]);
    }
}

void
hz_hub_client_set_reconnect_delays (HzHubClient *self,
                                    guint        first_ms,
                                    guint        max_ms)
{
  g_return_if_fail (HZ_IS_HUB_CLIENT (self));
  self->first_backoff_ms = MAX (first_ms, 10);
  self->max_backoff_ms = MAX (max_ms, self->first_backoff_ms);
}

/* Login and logout */

static void
login_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  HzHubClient *self = HZ_HUB_CLIENT (source);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HzHubReply) reply = _hz_hub_client_send_finish (self, result, &error);
  g_autoptr(JsonObject) object = NULL;
  JsonNode *user;
  const char *token;

  if (reply)
    object = _hz_hub_reply_to_object (reply, &error);
  if (object == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  token = object_string (object, "token");
  user = json_object_get_member (object, "user");
  if (token == NULL || user == NULL || !JSON_NODE_HOLDS_OBJECT (user) ||
      object_string (json_node_get_object (user), "id") == NULL)
    {
      g_task_return_new_error (task, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_BAD_REPLY,
                               _("The hub gave an answer this version of Huizhen cannot read."));
      return;
    }
  hz_hub_client_set_token (self, token);
  set_user (self, json_node_get_object (user));
  if (self->log)
    {
      g_autoptr(GError) log_error = NULL;
      if (!hz_consult_log_append (self->log, NULL, hz_hub_client_get_user_id (self),
                                  "session.signed_in", NULL, &log_error))
        g_warning ("Could not record the sign-in: %s", log_error->message);
    }
  g_task_return_pointer (task, g_steal_pointer (&object), (GDestroyNotify) json_object_unref);
}

void
hz_hub_client_login_async (HzHubClient        *self,
                           const char         *username,
                           const char         *password,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, hz_hub_client_login_async);
  json_object_set_string_member (body, "username", username);
  json_object_set_string_member (body, "password", password);
  /* A new login replaces any old session. */
  g_clear_pointer (&self->token, g_free);
  send_json (self, "POST", "login", body, cancellable, login_cb, task);
}

/* Returns: the user object; @expires: the token's expiry (ISO 8601). */
JsonObject *
hz_hub_client_login_finish (HzHubClient  *self,
                            GAsyncResult *result,
                            char        **expires,
                            GError      **error)
{
  g_autoptr(JsonObject) object = g_task_propagate_pointer (G_TASK (result), error);

  if (object == NULL)
    return NULL;
  if (expires)
    *expires = g_strdup (object_string (object, "expires"));
  return json_object_ref (json_object_get_object_member (object, "user"));
}

static void
logout_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  HzHubClient *self = HZ_HUB_CLIENT (source);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HzHubReply) reply = _hz_hub_client_send_finish (self, result, &error);

  /* Forget the session whatever the hub says: signing out must work
   * offline too; an unreachable hub lets the token expire on its own. */
  if (self->log && self->user)
    hz_consult_log_append (self->log, NULL, hz_hub_client_get_user_id (self),
                           "session.signed_out", NULL, NULL);
  g_clear_pointer (&self->token, g_free);
  set_user (self, NULL);
  if (reply && !_hz_hub_reply_check (reply, &error) &&
      !g_error_matches (error, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_UNAUTHORIZED))
    g_task_return_error (task, g_steal_pointer (&error));
  else if (reply == NULL && !g_error_matches (error, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_UNREACHABLE))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
hz_hub_client_logout_async (HzHubClient        *self,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, hz_hub_client_logout_async);
  hz_hub_client_disconnect (self);
  _hz_hub_client_send (self, "POST", "logout", NULL, NULL, NULL, NULL, cancellable, logout_cb, task);
}

gboolean
hz_hub_client_logout_finish (HzHubClient  *self,
                             GAsyncResult *result,
                             GError      **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* GET of JSON */

typedef enum {
  GET_OBJECT,
  GET_CONSULT,
  GET_CONSULTS,
  GET_EVENTS,
  GET_ATTACHMENTS,
} GetKind;

static void
get_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  HzHubClient *self = HZ_HUB_CLIENT (source);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HzHubReply) reply = _hz_hub_client_send_finish (self, result, &error);
  g_autoptr(JsonObject) object = NULL;
  GetKind kind = GPOINTER_TO_INT (g_task_get_task_data (task));
  const char *member = kind == GET_CONSULTS ? "consults" : kind == GET_ATTACHMENTS ? "attachments" : "events";
  JsonNode *array;

  if (reply)
    object = _hz_hub_reply_to_object (reply, &error);
  if (object == NULL)
    {
      if (g_error_matches (error, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_UNAUTHORIZED))
        g_signal_emit (self, _hz_hub_client_signals[HZ_HUB_CLIENT_SIGNAL_SESSION_EXPIRED], 0);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (kind == GET_OBJECT || kind == GET_CONSULT)
    {
      if (kind == GET_CONSULT)
        _hz_hub_client_record_consult (self, object);
      else if (json_object_has_member (object, "role") && object_string (object, "id"))
        set_user (self, object);  /* "me" */
      g_task_return_pointer (task, g_steal_pointer (&object), (GDestroyNotify) json_object_unref);
      return;
    }
  array = json_object_get_member (object, member);
  if (array == NULL || !JSON_NODE_HOLDS_ARRAY (array))
    {
      g_task_return_new_error (task, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_BAD_REPLY,
                               _("The hub gave an answer this version of Huizhen cannot read."));
      return;
    }
  if (kind == GET_CONSULTS)
    {
      JsonArray *consults = json_node_get_array (array);
      for (guint i = 0; i < json_array_get_length (consults); i++)
        {
          JsonNode *node = json_array_get_element (consults, i);
          if (JSON_NODE_HOLDS_OBJECT (node))
            _hz_hub_client_record_consult (self, json_node_get_object (node));
        }
    }
  g_task_return_pointer (task, json_array_ref (json_node_get_array (array)),
                         (GDestroyNotify) json_array_unref);
}

static void
get_json (HzHubClient        *self,
          GetKind             kind,
          const char         *path,
          GCancellable       *cancellable,
          GAsyncReadyCallback callback,
          gpointer            user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, get_json);
  g_task_set_task_data (task, GINT_TO_POINTER (kind), NULL);
  _hz_hub_client_send (self, "GET", path, NULL, NULL, NULL, NULL, cancellable, get_cb, task);
}

static GTask *
bad_id_task (HzHubClient        *self,
             const char         *consult_id,
             GCancellable       *cancellable,
             GAsyncReadyCallback callback,
             gpointer            user_data)
{
  GTask *task;

  if (_hz_hub_valid_id (consult_id))
    return NULL;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_return_new_error (task, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_INVALID_ARGUMENT,
                           _("This is not a consult number."));
  return task;
}

void
hz_hub_client_get_async (HzHubClient        *self,
                         const char         *path,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_return_if_fail (HZ_IS_HUB_CLIENT (self));
  get_json (self, GET_OBJECT, path, cancellable, callback, user_data);
}

/* PUT of a JSON object (e.g. "me/key", the specialist's public key);
 * the answer is the hub's object. Not queued offline: callers retry. */
void
hz_hub_client_put_async (HzHubClient        *self,
                         const char         *path,
                         JsonObject         *body,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  GTask *task;

  g_return_if_fail (HZ_IS_HUB_CLIENT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hz_hub_client_put_async);
  g_task_set_task_data (task, GINT_TO_POINTER (GET_OBJECT), NULL);
  send_json (self, "PUT", path, body, cancellable, get_cb, task);
}

JsonObject *
hz_hub_client_put_finish (HzHubClient  *self,
                          GAsyncResult *result,
                          GError      **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* POST of a JSON object that is no consult action (e.g.
 * "consults/ID/addenda"); the answer is the hub's object. Not queued
 * offline: callers retry. */
void
hz_hub_client_post_async (HzHubClient        *self,
                          const char         *path,
                          JsonObject         *body,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  GTask *task;

  g_return_if_fail (HZ_IS_HUB_CLIENT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hz_hub_client_post_async);
  g_task_set_task_data (task, GINT_TO_POINTER (GET_OBJECT), NULL);
  send_json (self, "POST", path, body, cancellable, get_cb, task);
}

JsonObject *
hz_hub_client_post_finish (HzHubClient  *self,
                           GAsyncResult *result,
                           GError      **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

JsonObject *
hz_hub_client_get_finish (HzHubClient  *self,
                          GAsyncResult *result,
                          GError      **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
hz_hub_client_list_consults_async (HzHubClient        *self,
                                   const char         *box,
                                   const char         *state,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data)
{
  g_autoptr(GString) path = g_string_new ("consults?box=");

  g_return_if_fail (HZ_IS_HUB_CLIENT (self));
  g_string_append_uri_escaped (path, box ? box : "all", NULL, FALSE);
  if (state)
    {
      g_string_append (path, "&state=");
      g_string_append_uri_escaped (path, state, NULL, FALSE);
    }
  get_json (self, GET_CONSULTS, path->str, cancellable, callback, user_data);
}

JsonArray *
hz_hub_client_list_consults_finish (HzHubClient  *self,
                                    GAsyncResult *result,
                                    GError      **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* GET consults/ID then suffix, after checking the id. */
static void
get_consult_json (HzHubClient        *self,
                  GetKind             kind,
                  const char         *consult_id,
                  const char         *suffix,
                  GCancellable       *cancellable,
                  GAsyncReadyCallback callback,
                  gpointer            user_data)
{
  g_autoptr(GTask) bad = bad_id_task (self, consult_id, cancellable, callback, user_data);
  g_autofree char *path = NULL;

  if (bad)
    return;
  path = g_strdup_printf ("consults/%s%s", consult_id, suffix);
  get_json (self, kind, path, cancellable, callback, user_data);
}

void
hz_hub_client_get_consult_async (HzHubClient        *self,
                                 const char         *consult_id,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  get_consult_json (self, GET_CONSULT, consult_id, "", cancellable, callback, user_data);
}

JsonObject *
hz_hub_client_get_consult_finish (HzHubClient  *self,
                                  GAsyncResult *result,
                                  GError      **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
hz_hub_client_list_events_async (HzHubClient        *self,
                                 const char         *consult_id,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  get_consult_json (self, GET_EVENTS, consult_id, "/events", cancellable, callback, user_data);
}

JsonArray *
hz_hub_client_list_events_finish (HzHubClient  *self,
                                  GAsyncResult *result,
                                  GError      **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
hz_hub_client_list_attachments_async (HzHubClient        *self,
                                      const char         *consult_id,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data)
{
  get_consult_json (self, GET_ATTACHMENTS, consult_id, "/attachments", cancellable, callback, user_data);
}

JsonArray *
hz_hub_client_list_attachments_finish (HzHubClient  *self,
                                       GAsyncResult *result,
                                       GError      **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Creating and acting */

void
hz_hub_client_create_consult_async (HzHubClient        *self,
                                    JsonObject         *request,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_return_if_fail (request != NULL);
  g_task_set_source_tag (task, hz_hub_client_create_consult_async);
  _hz_hub_client_submit (self, NULL, "create", request, task);
}

JsonObject *
hz_hub_client_create_consult_finish (HzHubClient  *self,
                                     GAsyncResult *result,
                                     GError      **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
hz_hub_client_consult_action_async (HzHubClient        *self,
                                    const char         *consult_id,
                                    const char         *action,
                                    JsonObject         *body,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  g_autoptr(GTask) bad = bad_id_task (self, consult_id, cancellable, callback, user_data);
  g_autoptr(JsonObject) empty = NULL;
  GTask *task;

  if (bad)
    return;
  if (!_hz_hub_valid_id (action))
    {
      task = g_task_new (self, cancellable, callback, user_data);
      g_task_return_new_error (task, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_INVALID_ARGUMENT,
                               "not an action name: %s", action);
      g_object_unref (task);
      return;
    }
  if (body == NULL)
    body = empty = json_object_new ();
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hz_hub_client_consult_action_async);
  _hz_hub_client_submit (self, consult_id, action, body, task);
}

JsonObject *
hz_hub_client_consult_action_finish (HzHubClient  *self,
                                     GAsyncResult *result,
                                     GError      **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Attachments */

static void
upload_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HzHubReply) reply = _hz_hub_client_send_finish (HZ_HUB_CLIENT (source), result, &error);
  JsonObject *object = NULL;

  if (reply)
    object = _hz_hub_reply_to_object (reply, &error);
  if (object == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, object, (GDestroyNotify) json_object_unref);
}

void
hz_hub_client_upload_attachment_async (HzHubClient        *self,
                                       const char         *consult_id,
                                       GBytes             *content,
                                       const char         *content_type,
                                       const char         *filename,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data)
{
  g_autoptr(GTask) bad = bad_id_task (self, consult_id, cancellable, callback, user_data);
  g_autofree char *path = NULL;
  g_autofree char *uri = NULL;
  GTask *task;

  if (bad)
    return;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hz_hub_client_upload_attachment_async);
  path = g_strdup_printf ("consults/%s/attachments", consult_id);
  if (filename && g_utf8_validate (filename, -1, NULL) && !strpbrk (filename, "\r\n"))
    {
      /* X-Filename is one header line: send the name percent-encoded
       * so any UTF-8 name survives. */
      uri = g_uri_escape_string (filename, NULL, TRUE);
    }
  if (uri)
    {
      /* libsoup takes extra headers only on the message, so send it by
       * hand here. */
      g_autofree char *full = g_strconcat (self->base_url, "api/v1/", path, NULL);
      SoupMessage *msg = soup_message_new ("POST", full);
      SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
      g_autofree char *auth = g_strdup_printf ("Bearer %s", self->token ? self->token : "");
      GTask *inner = g_task_new (self, cancellable, upload_cb, task);

      soup_message_headers_replace (headers, "Authorization", auth);
      soup_message_headers_replace (headers, "X-Filename", uri);
      soup_message_set_request_body_from_bytes (msg, content_type, content);
      g_task_set_task_data (inner, msg, g_object_unref);
      soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                        send_cb, inner);
      return;
    }
  _hz_hub_client_send (self, "POST", path, content_type, content, NULL, NULL,
                       cancellable, upload_cb, task);
}

JsonObject *
hz_hub_client_upload_attachment_finish (HzHubClient  *self,
                                        GAsyncResult *result,
                                        GError      **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
download_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HzHubReply) reply = _hz_hub_client_send_finish (HZ_HUB_CLIENT (source), result, &error);

  if (reply == NULL || !_hz_hub_reply_check (reply, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_bytes_ref (reply->body), (GDestroyNotify) g_bytes_unref);
}

void
hz_hub_client_download_attachment_async (HzHubClient        *self,
                                         const char         *consult_id,
                                         const char         *sha256,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data)
{
  g_autoptr(GTask) bad = bad_id_task (self, consult_id, cancellable, callback, user_data);
  g_autoptr(GTask) bad_sha = bad ? NULL : bad_id_task (self, sha256, cancellable, callback, user_data);
  g_autofree char *path = NULL;
  GTask *task;

  if (bad || bad_sha)
    return;
  task = g_task_new (self, cancellable, callback, user_data);
  path = g_strdup_printf ("consults/%s/attachments/%s", consult_id, sha256);
  _hz_hub_client_send (self, "GET", path, NULL, NULL, NULL, NULL, cancellable, download_cb, task);
}

GBytes *
hz_hub_client_download_attachment_finish (HzHubClient  *self,
                                          GAsyncResult *result,
                                          GError      **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
