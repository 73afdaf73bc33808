/* hz-hub-server.c: routes /api/v1 requests, and owns the parts. Every
 * reply is JSON; every error is {"error":{"code","message"}}. */
#include "config.h"

#include <string.h>

#include "hz-canonical-json.h"
#include "hz-hub-keys.h"
#include "hz-hub-server-private.h"

G_DEFINE_FINAL_TYPE (HzHubServer, hz_hub_server, G_TYPE_OBJECT)

typedef struct {
  HzHubConsult *consult;
  gint64        seq;
} Publish;

static void
publish_free (Publish *p)
{
  hz_hub_consult_free (p->consult);
  g_free (p);
}

static void flush (HzHubServer *self);

static void
hz_hub_server_dispose (GObject *object)
{
  HzHubServer *self = HZ_HUB_SERVER (object);

  g_clear_handle_id (&self->expiry_source, g_source_remove);
  if (self->held)
    flush (self);
  g_clear_handle_id (&self->flush_source, g_source_remove);
  g_clear_pointer (&self->held, g_ptr_array_unref);
  g_clear_pointer (&self->to_publish, g_ptr_array_unref);
  if (self->soup)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->relay);
  g_clear_object (&self->keys);
  g_clear_object (&self->store);
  g_clear_pointer (&self->per_account, hz_hub_rate_limit_free);
  g_clear_pointer (&self->per_address, hz_hub_rate_limit_free);
  G_OBJECT_CLASS (hz_hub_server_parent_class)->dispose (object);
}

static void
hz_hub_server_class_init (HzHubServerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hz_hub_server_dispose;
}

static void
hz_hub_server_init (HzHubServer *self)
{
  self->held = g_ptr_array_new_with_free_func (g_object_unref);
  self->to_publish = g_ptr_array_new_with_free_func ((GDestroyNotify) publish_free);
}

/* One fsync for everything committed since the last, then the answers
 * and the pushes that waited for it. Nothing leaves the hub about a
 * change that a power cut could still undo. */
static void
flush (HzHubServer *self)
{
  g_autoptr(GPtrArray) held = g_steal_pointer (&self->held);
  g_autoptr(GPtrArray) to_publish = g_steal_pointer (&self->to_publish);
  g_autoptr(GError) error = NULL;
  gboolean synced = hz_hub_store_sync (self->store, &error);
  guint i;

  self->held = g_ptr_array_new_with_free_func (g_object_unref);
  self->to_publish = g_ptr_array_new_with_free_func ((GDestroyNotify) publish_free);
  if (!synced)
    g_printerr ("huizhen-hub: %s\n", error->message);
  for (i = 0; i < held->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (held, i);
      if (!synced)
        hz_hub_reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server_error",
                            "the change could not be written to disk");
      soup_server_message_unpause (msg);
    }
  for (i = 0; synced && i < to_publish->len; i++)
    {
      Publish *p = g_ptr_array_index (to_publish, i);
      hz_hub_relay_publish_consult (self->relay, p->consult, p->seq);
    }
}

static gboolean
flush_cb (gpointer user_data)
{
  HzHubServer *self = user_data;

  self->flush_source = 0;
  flush (self);
  return G_SOURCE_REMOVE;
}

/* Soon, but after whatever else is ready now: that is the batch. */
static void
schedule_flush (HzHubServer *self)
{
  if (self->flush_source == 0)
    self->flush_source = g_idle_add_full (G_PRIORITY_DEFAULT, flush_cb, self, NULL);
}

static void
hold_until_synced (HzHubServer       *self,
                   SoupServerMessage *msg)
{
  soup_server_message_pause (msg);
  g_ptr_array_add (self->held, g_object_ref (msg));
  schedule_flush (self);
}

char *
hz_hub_json_text (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

void
hz_hub_reply_text (SoupServerMessage *msg,
                   guint              status,
                   const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_COPY, json, strlen (json));
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control", "no-store");
}

void
hz_hub_reply_json (SoupServerMessage *msg,
                   guint              status,
                   JsonNode          *node)
{
  g_autofree char *text = hz_hub_json_text (node);

  hz_hub_reply_text (msg, status, text);
}

/* What a handler hands the store with its action, so that the answer is
 * kept in the action's own transaction; NULL without a key. */
const HzHubIdempotent *
hz_hub_request_idempotent (HzHubRequest    *req,
                           guint            status,
                           const char      *body,
                           HzHubIdempotent *storage)
{
  if (req->idem_key == NULL)
    return NULL;
  storage->user_id = req->user->id;
  storage->key = req->idem_key;
  storage->status = status;
  storage->body = body;
  return storage;
}

void
hz_hub_reply_error (SoupServerMessage *msg,
                    guint              status,
                    const char        *code,
                    const char        *format,
                    ...)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  hz_hub_reply_json (msg, status, root);
}

static gboolean
is_allowed (const char         *name,
            const char * const *allowed)
{
  for (; allowed && *allowed; allowed++)
    if (strcmp (*allowed, name) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
check_members (HzHubRequest       *req,
               JsonObject         *object,
               const char         *where,
               const char * const *allowed)
{
  g_autoptr(GList) names = json_object_get_members (object);

  for (GList *l = names; l; l = l->next)
    if (!is_allowed (l->data, allowed))
      {
        hz_hub_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "unknown_field",
                            "unknown field “%s” in %s", (const char *) l->data, where);
        return FALSE;
      }
  return TRUE;
}

/* The body as a JSON object with only @allowed members, or NULL after
 * replying with the reason. */
JsonObject *
hz_hub_read_object (HzHubRequest       *req,
                    gsize               max_bytes,
                    const char * const *allowed)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (req->msg));
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *checked = NULL;
  gsize len;
  const char *data = g_bytes_get_data (body, &len);
  JsonNode *root;

  if (len > max_bytes)
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large",
                          "the body is %" G_GSIZE_FORMAT " bytes; the limit is %" G_GSIZE_FORMAT, len, max_bytes);
      return NULL;
    }
  /* The canonical writer's checks bound depth and refuse bad UTF-8 and
   * integers json-glib would misread, before json-glib sees the bytes;
   * reading its output back also normalises numbers (62.0 is 62). The
   * size limit is this endpoint's, not the writer's 1 MiB default. */
  checked = hz_canonical_json_normalize (len ? data : "", (gssize) len, max_bytes, TRUE, &error);
  if (checked == NULL)
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "bad_json", "%s", error->message);
      return NULL;
    }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, checked, -1, &error))
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_BAD_REQUEST, "bad_json", "%s", error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (!check_members (req, json_node_get_object (root), "the request", allowed))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

gboolean
hz_hub_get_string (HzHubRequest *req,
                   JsonObject   *object,
                   const char   *name,
                   gboolean      required,
                   gsize         max_chars,
                   const char  **out)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (!required)
        return TRUE;
      hz_hub_reply_error (req->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid", "“%s” is required", name);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid", "“%s” must be a string", name);
      return FALSE;
    }
  *out = json_node_get_string (node);
  if ((required && **out == '\0') || g_utf8_strlen (*out, -1) > (glong) max_chars)
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid",
                          "“%s” must be 1 to %" G_GSIZE_FORMAT " characters", name, max_chars);
      return FALSE;
    }
  return TRUE;
}

/* A member that must be an object; its members are checked against
 * @allowed unless that is NULL. Returns a borrowed object, or NULL (with
 * a reply when it was required or malformed; check req->msg's status). */
JsonObject *
hz_hub_get_object (HzHubRequest       *req,
                   JsonObject         *object,
                   const char         *name,
                   gboolean            required,
                   const char * const *allowed)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        hz_hub_reply_error (req->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid", "“%s” is required", name);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid", "“%s” must be an object", name);
      return NULL;
    }
  if (allowed && !check_members (req, json_node_get_object (node), name, allowed))
    return NULL;
  return json_node_get_object (node);
}

static HzHubUser *
authenticate (HzHubServer       *self,
              SoupServerMessage *msg)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");

  return hz_hub_store_user_for_token (self->store, hz_hub_auth_bearer (header), g_get_real_time ());
}

/* libsoup before 3.3 never notices a client closing an idle keep-alive
 * connection, and keeps its socket for good (CLOSE-WAIT; fixed upstream
 * by commit d20c6601, "Don't leak idle connections closed by the
 * client"). On those versions the hub closes each HTTP connection after
 * its answer; the chatty traffic is on the WebSocket anyway. */
static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  /* the WebSocket handshake takes this back (hz-hub-relay.c) */
  if (soup_get_major_version () == 3 && soup_get_minor_version () < 3)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
}

/* Refuses bodies over the largest limit before they are read at all. */
static void
early_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  HzHubServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  gsize limit = MAX (self->config->max_attachment_bytes, self->config->max_bundle_bytes);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      (gsize) soup_message_headers_get_content_length (headers) > limit)
    hz_hub_reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too_large",
                        "the body is over the limit of %" G_GSIZE_FORMAT " bytes", limit);
}

static const char *
idempotency_key (HzHubRequest *req)
{
  const char *key = soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg),
                                                  "Idempotency-Key");

  if (req->user == NULL || !g_str_equal (req->method, "POST") || key == NULL ||
      strlen (key) == 0 || strlen (key) > 128)
    return NULL;
  return key;
}

/* A client retrying after a lost answer (its outbox) gets the first
 * answer again instead of acting twice. The answer was kept by the
 * action's own transaction (hz_hub_request_idempotent). */
static gboolean
replay_idempotent (HzHubRequest *req)
{
  g_autofree char *body = NULL;
  guint status = 0;

  if (req->idem_key == NULL ||
      !hz_hub_store_idempotent_get (req->server->store, req->user->id, req->idem_key, &status, &body))
    return FALSE;
  hz_hub_reply_text (req->msg, status, body);
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), "Idempotent-Replay", "true");
  return TRUE;
}

static gboolean
is_public (HzHubRequest *req)
{
  return req->n_parts == 1 && g_str_equal (req->parts[0], "login");
}

static void
api_cb (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  HzHubServer *self = user_data;
  g_autoptr(HzHubUser) user = NULL;
  g_auto(GStrv) parts = NULL;
  HzHubRequest req = { self, msg, NULL, NULL, 0, soup_server_message_get_method (msg), NULL };
  guint64 commits = hz_hub_store_commits (self->store);

  if (soup_server_message_get_status (msg) != 0)
    return;  /* refused early */
  parts = g_strsplit (path + strlen ("/api/v1/"), "/", 8);
  req.parts = parts;
  req.n_parts = g_strv_length (parts);
  if (req.n_parts > 0 && *parts[req.n_parts - 1] == '\0')
    req.n_parts--;  /* a trailing slash */

  if (!is_public (&req))
    {
      user = authenticate (self, msg);
      if (user == NULL)
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "WWW-Authenticate", "Bearer realm=\"huizhen-hub\"");
          hz_hub_reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                              "sign in first: the token is missing, expired or not valid");
          return;
        }
      req.user = user;
    }
  req.idem_key = idempotency_key (&req);

  if (!replay_idempotent (&req))
    {
      if (req.n_parts >= 1 && g_str_equal (parts[0], "consults"))
        hz_hub_api_consults (&req);
      else if (req.n_parts >= 1 && (g_str_equal (parts[0], "keys") ||
                                    (req.n_parts == 2 && g_str_equal (parts[0], "me") && g_str_equal (parts[1], "key"))))
        hz_hub_api_keys (&req);
      else
        hz_hub_api_session (&req);
    }
  /* It wrote (a change, a session, a record.read event), or it may show
   * what another request of this batch wrote (a replayed answer, a
   * consult read back): answer once that is on disk. */
  if (hz_hub_store_commits (self->store) != commits || hz_hub_store_unsynced (self->store))
    hold_until_synced (self, msg);
}

static gboolean
expiry_tick (gpointer user_data)
{
  hz_hub_server_expire_due (user_data);
  return G_SOURCE_CONTINUE;
}

HzHubServer *
hz_hub_server_new (HzHubConfig *config,
                   HzHubStore  *store)
{
  HzHubServer *self = g_object_new (HZ_TYPE_HUB_SERVER, NULL);

  self->config = config;
  self->store = g_object_ref (store);
  self->soup = soup_server_new ("server-header", "huizhen-hub/" PACKAGE_VERSION, NULL);
  self->relay = hz_hub_relay_new (store, config->ws_messages_per_second, config->socket_threads);
  self->per_account = hz_hub_rate_limit_new (config->login_failures_per_account, 10 * 60 * G_USEC_PER_SEC);
  self->per_address = hz_hub_rate_limit_new (config->login_failures_per_address, 10 * 60 * G_USEC_PER_SEC);

  g_signal_connect (self->soup, "request-started", G_CALLBACK (request_started_cb), self);
  soup_server_add_early_handler (self->soup, "/api/v1/", early_cb, self, NULL);
  soup_server_add_handler (self->soup, "/api/v1/", api_cb, self, NULL);
  hz_hub_relay_attach (self->relay, self->soup, "/api/v1/ws");
  self->expiry_source = g_timeout_add (config->expiry_check_ms, expiry_tick, self);
  return self;
}

static gboolean
is_loopback (GInetSocketAddress *address)
{
  return g_inet_address_get_is_loopback (g_inet_socket_address_get_address (address));
}

/* soup_server_listen() leaves GSocket's backlog of 10: thousands of
 * clients reconnecting at once (after a restart) would see dropped SYNs
 * and one-second retries. */
static gboolean
listen_with_backlog (SoupServer              *soup,
                     GSocketAddress          *address,
                     SoupServerListenOptions  options,
                     GError                 **error)
{
  g_autoptr(GSocket) sock = g_socket_new (g_socket_address_get_family (address), G_SOCKET_TYPE_STREAM,
                                          G_SOCKET_PROTOCOL_TCP, error);

  if (sock == NULL)
    return FALSE;
  g_socket_set_listen_backlog (sock, 4096);
  if (!g_socket_bind (sock, address, TRUE, error) || !g_socket_listen (sock, error))
    return FALSE;
  return soup_server_listen_socket (soup, sock, options, error);
}

/* TLS when given a certificate; plain HTTP only on loopback unless the
 * configuration says otherwise in so many words. */
gboolean
hz_hub_server_listen (HzHubServer *self,
                      GError     **error)
{
  g_autoptr(GSocketConnectable) connectable = NULL;
  g_autoptr(GSocketAddressEnumerator) enumerator = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  SoupServerListenOptions options = 0;

  connectable = g_network_address_parse (self->config->listen, 0, error);
  if (connectable == NULL)
    return FALSE;
  enumerator = g_socket_connectable_enumerate (connectable);
  address = g_socket_address_enumerator_next (enumerator, NULL, error);
  if (address == NULL)
    return FALSE;

  if (self->config->tls_cert)
    {
      g_autoptr(GTlsCertificate) cert = g_tls_certificate_new_from_files (self->config->tls_cert,
                                                                          self->config->tls_key, error);
      if (cert == NULL)
        return FALSE;
      soup_server_set_tls_certificate (self->soup, cert);
      options |= SOUP_SERVER_LISTEN_HTTPS;
    }
  else if (!is_loopback (G_INET_SOCKET_ADDRESS (address)) && !self->config->allow_insecure)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "refusing plain HTTP on %s: give [tls] certificate and key, or set "
                   "allow-insecure-http=true if a TLS proxy sits in front", self->config->listen);
      return FALSE;
    }
  return listen_with_backlog (self->soup, address, options, error);
}

/* Built from the listening socket: soup_server_get_uris() leaks a
 * socket address in libsoup 3.2. */
char *
hz_hub_server_get_url (HzHubServer *self)
{
  GSList *listeners = soup_server_get_listeners (self->soup);
  g_autoptr(GSocketAddress) address = NULL;
  g_autofree char *ip = NULL;
  GInetAddress *inet;
  char *url;

  if (listeners == NULL)
    return NULL;
  address = g_socket_get_local_address (listeners->data, NULL);
  g_slist_free (listeners);
  if (address == NULL || !G_IS_INET_SOCKET_ADDRESS (address))
    return NULL;
  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
  ip = g_inet_address_to_string (inet);
  url = g_strdup_printf (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6 ? "%s://[%s]:%u/" : "%s://%s:%u/",
                         soup_server_is_https (self->soup) ? "https" : "http", ip,
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
  return url;
}
/* Pushed with the next flush, once the change is on disk. */
void
hz_hub_server_publish_consult (HzHubServer        *self,
                               const HzHubConsult *consult,
                               gint64              seq)
{
  Publish *p = g_new0 (Publish, 1);

  p->consult = hz_hub_consult_copy (consult);
  p->seq = seq;
  g_ptr_array_add (self->to_publish, p);
  schedule_flush (self);
}

/* Requests nobody accepted in time go back to the requester as expired,
 * so an emergency never waits silently. */
void
hz_hub_server_expire_due (HzHubServer *self)
{
  g_autoptr(GPtrArray) due = hz_hub_store_due_for_expiry (self->store, g_get_real_time ());
  guint i;

  for (i = 0; i < due->len; i++)
    {
      HzHubConsult *c = g_ptr_array_index (due, i);
      HzConsultState from = c->state;
      gint64 seq;

      if (!hz_consult_workflow_apply (from, HZ_CONSULT_ACTION_EXPIRE, HZ_PARTY_SYSTEM, &c->state, NULL))
        continue;
      c->updated_us = g_get_real_time ();
      seq = hz_hub_store_update_consult (self->store, c, from, "hub", "consult.state_changed",
                                         "{\"action\":\"expire\",\"to\":\"expired\"}", NULL, NULL);
      if (seq > 0)
        hz_hub_server_publish_consult (self, c, seq);
    }
}
