/* hz-hub-api.c: signing in and out, who am I, the directory, TURN. */
#include "config.h"

#include <string.h>

#include "hz-hub-server-private.h"

static void
add_member_string (JsonBuilder *b,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static char *dummy_hash;

static void
login (HzHubRequest *req)
{
  static const char * const allowed[] = { "username", "password", NULL };
  HzHubServer *self = req->server;
  g_autoptr(JsonObject) body = hz_hub_read_object (req, self->config->max_json_bytes, allowed);
  g_autoptr(HzHubUser) user = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *token = NULL;
  g_autofree char *account_key = NULL;
  g_autofree char *address_key = NULL;
  g_autoptr(GDateTime) expires_dt = NULL;
  g_autofree char *expires_text = NULL;
  const char *username, *password;
  gint64 now = g_get_real_time (), retry = 0, expires;

  if (body == NULL ||
      !hz_hub_get_string (req, body, "username", TRUE, 64, &username) ||
      !hz_hub_get_string (req, body, "password", TRUE, 256, &password))
    return;

  account_key = g_strdup_printf ("user:%s", username);
  address_key = g_strdup_printf ("addr:%s", soup_server_message_get_remote_host (req->msg));
  if (!hz_hub_rate_limit_check (self->per_account, account_key, now, &retry) ||
      !hz_hub_rate_limit_check (self->per_address, address_key, now, &retry))
    {
      g_autofree char *retry_text = g_strdup_printf ("%" G_GINT64_FORMAT, retry);
      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), "Retry-After", retry_text);
      hz_hub_reply_error (req->msg, 429, "rate_limited",
                          "too many failed sign-ins; try again in %" G_GINT64_FORMAT " s", retry);
      return;
    }

  user = hz_hub_store_get_user (self->store, username, &stored, NULL);
  /* Check a password even for unknown users, so timing tells nothing. */
  if (dummy_hash == NULL)
    dummy_hash = hz_hub_auth_hash_password ("no such user", NULL);
  if (!hz_hub_auth_check_password (stored ? stored : dummy_hash, password) || user == NULL)
    {
      hz_hub_rate_limit_fail (self->per_account, account_key, now);
      hz_hub_rate_limit_fail (self->per_address, address_key, now);
      hz_hub_reply_error (req->msg, SOUP_STATUS_UNAUTHORIZED, "bad_credentials",
                          "the user name or password is wrong");
      return;
    }
  hz_hub_rate_limit_clear (self->per_account, account_key);

  token = hz_hub_auth_new_token ();
  expires = now + self->config->token_ttl_s * G_USEC_PER_SEC;
  if (!hz_hub_store_add_token (self->store, token, user->id, expires, NULL))
    {
      hz_hub_reply_error (req->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server_error", "could not store the session");
      return;
    }
  hz_hub_store_append_event (self->store, NULL, user->id, "session.signed_in", "{}", NULL);

  expires_dt = g_date_time_new_from_unix_utc (expires / G_USEC_PER_SEC);
  expires_text = g_date_time_format_iso8601 (expires_dt);
  b = json_builder_new ();
  json_builder_begin_object (b);
  add_member_string (b, "token", token);
  add_member_string (b, "expires", expires_text);
  json_builder_set_member_name (b, "user");
  json_builder_add_value (b, hz_hub_user_to_json (user));
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  hz_hub_reply_json (req->msg, SOUP_STATUS_OK, root);
}

static void
logout (HzHubRequest *req)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg),
                                                     "Authorization");

  /* the router already found a user for this token */
  hz_hub_store_delete_token (req->server->store, hz_hub_auth_bearer (header));
  hz_hub_store_append_event (req->server->store, NULL, req->user->id, "session.signed_out", "{}", NULL);
  soup_server_message_set_status (req->msg, SOUP_STATUS_NO_CONTENT, NULL);
}

static void
me (HzHubRequest *req)
{
  g_autoptr(JsonNode) root = hz_hub_user_to_json (req->user);
  hz_hub_reply_json (req->msg, SOUP_STATUS_OK, root);
}

/* The directory with each clinician's presence filled in. */
static void
directory (HzHubRequest *req)
{
  g_autoptr(JsonNode) root = hz_hub_store_directory (req->server->store, NULL);
  JsonArray *users = json_object_get_array_member (json_node_get_object (root), "users");
  JsonArray *institutions = json_object_get_array_member (json_node_get_object (root), "institutions");
  guint i;

  /* where each institution's images are: [pacs] of the configuration */
  for (i = 0; institutions && i < json_array_get_length (institutions); i++)
    {
      JsonObject *inst = json_array_get_object_element (institutions, i);
      const char *url = g_hash_table_lookup (req->server->config->pacs_urls,
                                             json_object_get_string_member (inst, "id"));
      if (url)
        json_object_set_string_member (inst, "pacs_url", url);
      else
        json_object_set_null_member (inst, "pacs_url");
    }

  for (i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *u = json_array_get_object_element (users, i);
      json_object_set_string_member (u, "presence",
                                     hz_hub_relay_presence (req->server->relay,
                                                            json_object_get_string_member (u, "id")));
    }
  hz_hub_reply_json (req->msg, SOUP_STATUS_OK, root);
}

/* coturn's REST-API credentials: the username is "EXPIRY:user", the
 * password base64 (HMAC-SHA1 (secret, username)). */
static void
turn (HzHubRequest *req)
{
  HzHubConfig *config = req->server->config;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  guint i;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ice_servers");
  json_builder_begin_array (b);
  if (config->turn_secret && config->turn_urls && config->turn_urls[0])
    {
      gint64 expiry = g_get_real_time () / G_USEC_PER_SEC + config->turn_ttl_s;
      g_autofree char *username = g_strdup_printf ("%" G_GINT64_FORMAT ":%s", expiry, req->user->id);
      g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA1, (const guchar *) config->turn_secret,
                                          strlen (config->turn_secret));
      guint8 digest[20];
      gsize digest_len = sizeof digest;
      g_autofree char *credential = NULL;

      g_hmac_update (hmac, (const guchar *) username, strlen (username));
      g_hmac_get_digest (hmac, digest, &digest_len);
      credential = g_base64_encode (digest, digest_len);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "urls");
      json_builder_begin_array (b);
      for (i = 0; config->turn_urls[i]; i++)
        json_builder_add_string_value (b, config->turn_urls[i]);
      json_builder_end_array (b);
      add_member_string (b, "username", username);
      add_member_string (b, "credential", credential);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "ttl");
  json_builder_add_int_value (b, config->turn_ttl_s);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  hz_hub_reply_json (req->msg, SOUP_STATUS_OK, root);
}

static gboolean
route_is (HzHubRequest *req,
          const char   *method,
          const char   *name)
{
  return req->n_parts == 1 && g_str_equal (req->parts[0], name) && g_str_equal (req->method, method);
}

void
hz_hub_api_session (HzHubRequest *req)
{
  if (route_is (req, "POST", "login"))
    login (req);
  else if (route_is (req, "POST", "logout"))
    logout (req);
  else if (route_is (req, "GET", "me"))
    me (req);
  else if (route_is (req, "GET", "directory"))
    directory (req);
  else if (route_is (req, "GET", "turn"))
    turn (req);
  else if (req->n_parts == 1 && (g_str_equal (req->parts[0], "login") || g_str_equal (req->parts[0], "logout") ||
                                 g_str_equal (req->parts[0], "me") || g_str_equal (req->parts[0], "directory") ||
                                 g_str_equal (req->parts[0], "turn")))
    hz_hub_reply_error (req->msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed", "method not allowed here");
  else
    hz_hub_reply_error (req->msg, SOUP_STATUS_NOT_FOUND, "not_found", "no such endpoint");
}
