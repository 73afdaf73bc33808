/* hz-hub-auth.c: argon2id password hashes, random bearer tokens (kept
 * only as their SHA-256 in the store), and a sliding-window limit on
 * failed logins per account and per address. */
#include "config.h"

#include <argon2.h>
#include <gio/gio.h>
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "hz-hub-auth.h"

/* OWASP's argon2id floor (19 MiB, 2 passes); about 30 ms here. */
#define ARGON2_T_COST 2
#define ARGON2_M_COST (19 * 1024)
#define ARGON2_PARALLELISM 1
#define SALT_LEN 16
#define HASH_LEN 32
#define TOKEN_BYTES 32

static gboolean
random_bytes (guint8 *buf,
              gsize   len)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = getrandom (buf + done, len - done, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      done += (gsize) n;
    }
  return TRUE;
}

char *
hz_hub_auth_hash_password (const char *password,
                           GError    **error)
{
  guint8 salt[SALT_LEN];
  gsize len = argon2_encodedlen (ARGON2_T_COST, ARGON2_M_COST, ARGON2_PARALLELISM,
                                 SALT_LEN, HASH_LEN, Argon2_id);
  g_autofree char *encoded = g_malloc0 (len);
  int rc;

  if (!random_bytes (salt, sizeof salt))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no randomness for a salt");
      return NULL;
    }
  rc = argon2id_hash_encoded (ARGON2_T_COST, ARGON2_M_COST, ARGON2_PARALLELISM,
                              password, strlen (password), salt, sizeof salt,
                              HASH_LEN, encoded, len);
  if (rc != ARGON2_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "argon2: %s", argon2_error_message (rc));
      return NULL;
    }
  return g_steal_pointer (&encoded);
}

gboolean
hz_hub_auth_check_password (const char *encoded_hash,
                            const char *password)
{
  if (encoded_hash == NULL || password == NULL)
    return FALSE;
  return argon2id_verify (encoded_hash, password, strlen (password)) == ARGON2_OK;
}

/* 256 random bits, URL-safe base64 without padding. */
char *
hz_hub_auth_new_token (void)
{
  guint8 bytes[TOKEN_BYTES];
  char *token;

  if (!random_bytes (bytes, sizeof bytes))
    g_error ("no randomness for a token");
  token = g_base64_encode (bytes, sizeof bytes);
  g_strdelimit (token, "+", '-');
  g_strdelimit (token, "/", '_');
  g_strdelimit (token, "=", '\0');
  return token;
}

/* The store keeps only this: a stolen database gives no usable tokens. */
char *
hz_hub_auth_token_hash (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

/* The token in an "Authorization: Bearer TOKEN" header, or NULL. */
const char *
hz_hub_auth_bearer (const char *authorization)
{
  if (authorization == NULL || !g_str_has_prefix (authorization, "Bearer "))
    return NULL;
  return authorization + strlen ("Bearer ");
}

struct _HzHubRateLimit {
  guint       max_failures;
  gint64      window_us;
  GHashTable *failures;  /* key → GArray of gint64 times */
};

HzHubRateLimit *
hz_hub_rate_limit_new (guint  max_failures,
                       gint64 window_us)
{
  HzHubRateLimit *limit = g_new0 (HzHubRateLimit, 1);

  limit->max_failures = max_failures;
  limit->window_us = window_us;
  limit->failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  return limit;
}

void
hz_hub_rate_limit_free (HzHubRateLimit *limit)
{
  if (limit == NULL)
    return;
  g_hash_table_unref (limit->failures);
  g_free (limit);
}

static GArray *
recent (HzHubRateLimit *limit,
        const char     *key,
        gint64          now_us)
{
  GArray *times = g_hash_table_lookup (limit->failures, key);
  guint keep = 0;

  if (times == NULL)
    return NULL;
  while (keep < times->len && g_array_index (times, gint64, keep) <= now_us - limit->window_us)
    keep++;
  g_array_remove_range (times, 0, keep);
  return times;
}

/* FALSE while @key has had too many failures within the window. */
gboolean
hz_hub_rate_limit_check (HzHubRateLimit *limit,
                         const char     *key,
                         gint64          now_us,
                         gint64         *retry_after_s)
{
  GArray *times = recent (limit, key, now_us);

  if (times == NULL || times->len < limit->max_failures)
    return TRUE;
  if (retry_after_s)
    *retry_after_s = (g_array_index (times, gint64, 0) + limit->window_us - now_us) / G_USEC_PER_SEC + 1;
  return FALSE;
}

void
hz_hub_rate_limit_fail (HzHubRateLimit *limit,
                        const char     *key,
                        gint64          now_us)
{
  GArray *times = recent (limit, key, now_us);

  if (times == NULL)
    {
      times = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (limit->failures, g_strdup (key), times);
    }
  g_array_append_val (times, now_us);
}

void
hz_hub_rate_limit_clear (HzHubRateLimit *limit,
                         const char     *key)
{
  g_hash_table_remove (limit->failures, key);
}
