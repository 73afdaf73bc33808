/* hz-hub-config.c: defaults, and the [hub] [tls] [turn] [limits] [pacs]
 * groups of the key file (data/huizhen-hub.conf explains each). */
#include "config.h"

#include <gio/gio.h>

#include "hz-consult-workflow.h"
#include "hz-hub-config.h"

HzHubConfig *
hz_hub_config_new (void)
{
  HzHubConfig *config = g_new0 (HzHubConfig, 1);
  guint i;

  config->listen = g_strdup ("127.0.0.1:8480");
  config->data_dir = g_build_filename (g_get_user_data_dir (), "huizhen-hub", NULL);
  config->turn_ttl_s = 12 * 3600;
  config->token_ttl_s = 12 * 3600;
  config->max_json_bytes = 256 * 1024;
  config->max_bundle_bytes = 8 * 1024 * 1024;
  config->max_attachment_bytes = 20 * 1024 * 1024;
  for (i = 0; i < HZ_N_URGENCIES; i++)
    config->expiry_s[i] = hz_urgency_expiry_seconds (i);
  config->expiry_check_ms = 10000;
  config->login_failures_per_account = 5;
  config->login_failures_per_address = 20;
  config->ws_messages_per_second = 100;
  /* a relayed message wakes threads that poll ~80 sockets each at 5,000
   * sessions; idle threads cost little */
  config->socket_threads = 64;
  config->pacs_urls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return config;
}

void
hz_hub_config_free (HzHubConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->listen);
  g_free (config->data_dir);
  g_free (config->tls_cert);
  g_free (config->tls_key);
  g_free (config->turn_secret);
  g_strfreev (config->turn_urls);
  g_hash_table_unref (config->pacs_urls);
  g_free (config);
}

static void
take_string (GKeyFile    *kf,
             const char  *group,
             const char  *key,
             char       **field)
{
  g_autofree char *value = g_key_file_get_string (kf, group, key, NULL);

  if (value)
    {
      g_free (*field);
      *field = g_steal_pointer (&value);
    }
}

static gboolean
take_int (GKeyFile   *kf,
          const char *group,
          const char *key,
          gint64      min,
          gint64     *field,
          GError    **error)
{
  g_autoptr(GError) local = NULL;
  gint64 value;

  if (!g_key_file_has_key (kf, group, key, NULL))
    return TRUE;
  value = g_key_file_get_int64 (kf, group, key, &local);
  if (local || value < min)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "[%s] %s must be a whole number of at least %" G_GINT64_FORMAT, group, key, min);
      return FALSE;
    }
  *field = value;
  return TRUE;
}

/* A misspelt key would silently keep its default: refuse it instead. */
static gboolean
check_known_keys (GKeyFile *kf,
                  GError  **error)
{
  static const char * const known[] = {
    "hub/listen", "hub/data-dir", "hub/allow-insecure-http",
    "tls/certificate", "tls/key",
    "turn/secret", "turn/urls", "turn/ttl",
    "limits/token-ttl", "limits/expiry-routine", "limits/expiry-urgent", "limits/expiry-emergency",
    "limits/max-json-bytes", "limits/max-bundle-bytes", "limits/max-attachment-bytes",
    "limits/expiry-check-ms", "limits/login-failures-per-account", "limits/login-failures-per-address",
    "limits/ws-messages-per-second", "limits/socket-threads",
    NULL
  };
  g_auto(GStrv) groups = g_key_file_get_groups (kf, NULL);
  guint g, k;

  for (g = 0; groups[g]; g++)
    {
      g_auto(GStrv) keys = NULL;

      if (g_str_equal (groups[g], "pacs"))
        continue;  /* institution ids are the keys */
      if (!g_strv_contains ((const char * const []) { "hub", "tls", "turn", "limits", NULL }, groups[g]))
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND, "unknown group [%s]", groups[g]);
          return FALSE;
        }
      keys = g_key_file_get_keys (kf, groups[g], NULL, NULL);
      for (k = 0; keys && keys[k]; k++)
        {
          g_autofree char *name = g_strdup_printf ("%s/%s", groups[g], keys[k]);
          if (!g_strv_contains (known, name))
            {
              g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND,
                           "unknown key “%s” in [%s]", keys[k], groups[g]);
              return FALSE;
            }
        }
    }
  return TRUE;
}

gboolean
hz_hub_config_load_file (HzHubConfig *config,
                         const char  *path,
                         GError     **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_auto(GStrv) institutions = NULL;
  gint64 v;
  guint i;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, error) || !check_known_keys (kf, error))
    return FALSE;

  take_string (kf, "hub", "listen", &config->listen);
  take_string (kf, "hub", "data-dir", &config->data_dir);
  config->allow_insecure = g_key_file_get_boolean (kf, "hub", "allow-insecure-http", NULL);
  take_string (kf, "tls", "certificate", &config->tls_cert);
  take_string (kf, "tls", "key", &config->tls_key);
  take_string (kf, "turn", "secret", &config->turn_secret);
  if (g_key_file_has_key (kf, "turn", "urls", NULL))
    {
      g_strfreev (config->turn_urls);
      config->turn_urls = g_key_file_get_string_list (kf, "turn", "urls", NULL, NULL);
    }
  if (!take_int (kf, "turn", "ttl", 60, &config->turn_ttl_s, error) ||
      !take_int (kf, "limits", "token-ttl", 60, &config->token_ttl_s, error) ||
      !take_int (kf, "limits", "expiry-routine", 1, &config->expiry_s[HZ_URGENCY_ROUTINE], error) ||
      !take_int (kf, "limits", "expiry-urgent", 1, &config->expiry_s[HZ_URGENCY_URGENT], error) ||
      !take_int (kf, "limits", "expiry-emergency", 1, &config->expiry_s[HZ_URGENCY_EMERGENCY], error))
    return FALSE;

#define TAKE_SIZE(key, field, min) \
  v = (gint64) config->field; \
  if (!take_int (kf, "limits", key, min, &v, error)) \
    return FALSE; \
  config->field = v;

  TAKE_SIZE ("max-json-bytes", max_json_bytes, 1024)
  TAKE_SIZE ("max-bundle-bytes", max_bundle_bytes, 1024)
  TAKE_SIZE ("max-attachment-bytes", max_attachment_bytes, 1024)
  TAKE_SIZE ("expiry-check-ms", expiry_check_ms, 100)
  TAKE_SIZE ("login-failures-per-account", login_failures_per_account, 1)
  TAKE_SIZE ("login-failures-per-address", login_failures_per_address, 1)
  TAKE_SIZE ("ws-messages-per-second", ws_messages_per_second, 1)
  TAKE_SIZE ("socket-threads", socket_threads, 1)
#undef TAKE_SIZE

  institutions = g_key_file_get_keys (kf, "pacs", NULL, NULL);
  for (i = 0; institutions && institutions[i]; i++)
    {
      g_autofree char *url = g_key_file_get_string (kf, "pacs", institutions[i], NULL);
      if (url == NULL || (!g_str_has_prefix (url, "https://") && !g_str_has_prefix (url, "http://")) ||
          !g_uri_is_valid (url, G_URI_FLAGS_NONE, NULL))
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       "[pacs] %s must be an http or https URL", institutions[i]);
          return FALSE;
        }
      g_hash_table_insert (config->pacs_urls, g_strdup (institutions[i]), g_steal_pointer (&url));
    }
  if ((config->tls_cert == NULL) != (config->tls_key == NULL))
    {
      g_set_error_literal (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                           "[tls] needs both certificate and key");
      return FALSE;
    }
  return TRUE;
}

/**
 * hz_hub_config_check:
 *
 * What can be judged before starting: the listen address parses, and
 * plain HTTP is not asked for beyond loopback without
 * allow-insecure-http. The TLS files are read when the hub starts (they
 * may be installed after the configuration).
 */
gboolean
hz_hub_config_check (HzHubConfig *config,
                     GError     **error)
{
  g_autoptr(GSocketConnectable) connectable = g_network_address_parse (config->listen, 0, error);
  g_autoptr(GInetAddress) address = NULL;

  if (connectable == NULL)
    return FALSE;
  address = g_inet_address_new_from_string (g_network_address_get_hostname (G_NETWORK_ADDRESS (connectable)));
  if (config->tls_cert == NULL && !config->allow_insecure &&
      (address == NULL || !g_inet_address_get_is_loopback (address)) &&
      g_strcmp0 (g_network_address_get_hostname (G_NETWORK_ADDRESS (connectable)), "localhost") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "plain HTTP on %s: give [tls] certificate and key, or set "
                   "allow-insecure-http=true if a TLS proxy sits in front", config->listen);
      return FALSE;
    }
  if (config->turn_secret && (config->turn_urls == NULL || config->turn_urls[0] == NULL))
    {
      g_set_error_literal (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                           "[turn] secret needs urls too");
      return FALSE;
    }
  return TRUE;
}
