/* hz-signing-key.c: a specialist's Ed25519 signing key (nettle), and
 * verifying signatures against a public key.
 *
 * The private key is the 32-byte RFC 8032 seed, from getrandom(2): GLib's
 * g_random is a Mersenne Twister and must never make keys. The key file
 * is a small GKeyFile written 0600 in a 0700 directory, and refused on
 * load when others could read it (as ssh does), because whoever reads it
 * can sign opinions in the specialist's name. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <nettle/eddsa.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "hz-signing-key.h"

#define KEY_GROUP "signing-key"

struct _HzSigningKey {
  GObject parent_instance;

  guint8  seed[ED25519_KEY_SIZE];
  guint8  pub[ED25519_KEY_SIZE];
  char   *fingerprint;   /* SHA-256 of pub, lowercase hex */
};

G_DEFINE_QUARK (hz-signing-key-error-quark, hz_signing_key_error)
G_DEFINE_FINAL_TYPE (HzSigningKey, hz_signing_key, G_TYPE_OBJECT)

static void
hz_signing_key_finalize (GObject *object)
{
  HzSigningKey *self = HZ_SIGNING_KEY (object);

  explicit_bzero (self->seed, sizeof self->seed);
  g_free (self->fingerprint);
  G_OBJECT_CLASS (hz_signing_key_parent_class)->finalize (object);
}

static void
hz_signing_key_class_init (HzSigningKeyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hz_signing_key_finalize;
}

static void
hz_signing_key_init (HzSigningKey *self)
{
}

HzSigningKey *
hz_signing_key_new_from_seed (const guint8  *seed,
                              gsize          seed_len,
                              GError       **error)
{
  g_autoptr(HzSigningKey) self = NULL;
  g_autoptr(GBytes) pub = NULL;

  if (seed_len != ED25519_KEY_SIZE)
    {
      g_set_error (error, HZ_SIGNING_KEY_ERROR, HZ_SIGNING_KEY_ERROR_FORMAT,
                   "an Ed25519 private key has %d bytes, not %" G_GSIZE_FORMAT,
                   ED25519_KEY_SIZE, seed_len);
      return NULL;
    }
  self = g_object_new (HZ_TYPE_SIGNING_KEY, NULL);
  memcpy (self->seed, seed, ED25519_KEY_SIZE);
  ed25519_sha512_public_key (self->pub, self->seed);
  pub = g_bytes_new (self->pub, sizeof self->pub);
  self->fingerprint = hz_public_key_fingerprint (pub);
  return g_steal_pointer (&self);
}

HzSigningKey *
hz_signing_key_generate (GError **error)
{
  guint8 seed[ED25519_KEY_SIZE];
  gsize got = 0;
  HzSigningKey *key;

  while (got < sizeof seed)
    {
      ssize_t n = getrandom (seed + got, sizeof seed - got, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;
          g_set_error (error, HZ_SIGNING_KEY_ERROR, HZ_SIGNING_KEY_ERROR_RANDOM,
                       "getrandom: %s", g_strerror (saved));
          return NULL;
        }
      got += (gsize) n;
    }
  key = hz_signing_key_new_from_seed (seed, sizeof seed, error);
  explicit_bzero (seed, sizeof seed);
  return key;
}

char *
hz_signing_key_default_path (const char *user_id)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (user_id != NULL && *user_id != '\0', NULL);
  /* One key per account on a shared workstation; the id is a login name,
   * but keep path separators out of it whatever it is. */
  name = g_strdelimit (g_strconcat (user_id, ".key", NULL), "/\\", '_');
  return g_build_filename (g_get_user_data_dir (), "huizhen", "keys", name, NULL);
}

HzSigningKey *
hz_signing_key_load (const char  *path,
                     GError     **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local = NULL;
  g_autofree char *algorithm = NULL;
  g_autofree char *seed_b64 = NULL;
  g_autofree guint8 *seed = NULL;
  gsize seed_len = 0;
  GStatBuf st;
  HzSigningKey *key;

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, HZ_SIGNING_KEY_ERROR, HZ_SIGNING_KEY_ERROR_IO,
                   _("Cannot read the signing key %s: %s"), path, g_strerror (saved));
      return NULL;
    }
  if ((st.st_mode & 077) != 0)
    {
      g_set_error (error, HZ_SIGNING_KEY_ERROR, HZ_SIGNING_KEY_ERROR_PERMISSIONS,
                   _("The signing key %s can be read by other users; refusing to use it."), path);
      return NULL;
    }
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, HZ_SIGNING_KEY_ERROR, HZ_SIGNING_KEY_ERROR_IO,
                   _("Cannot read the signing key %s: %s"), path, local->message);
      return NULL;
    }
  algorithm = g_key_file_get_string (kf, KEY_GROUP, "algorithm", NULL);
  seed_b64 = g_key_file_get_string (kf, KEY_GROUP, "private", NULL);
  if (g_strcmp0 (algorithm, "ed25519") != 0 || seed_b64 == NULL)
    {
      g_set_error (error, HZ_SIGNING_KEY_ERROR, HZ_SIGNING_KEY_ERROR_FORMAT,
                   _("%s is not a Huizhen signing key."), path);
      return NULL;
    }
  seed = g_base64_decode (seed_b64, &seed_len);
  key = hz_signing_key_new_from_seed (seed, seed_len, error);
  explicit_bzero (seed, seed_len);
  explicit_bzero (seed_b64, strlen (seed_b64));
  return key;
}

gboolean
hz_signing_key_save (HzSigningKey  *self,
                     const char    *path,
                     GError       **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *seed_b64 = NULL;
  g_autofree char *pub_b64 = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;
  gboolean ok;

  g_return_val_if_fail (HZ_IS_SIGNING_KEY (self), FALSE);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, HZ_SIGNING_KEY_ERROR, HZ_SIGNING_KEY_ERROR_IO,
                   _("Cannot save the signing key in %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  seed_b64 = g_base64_encode (self->seed, sizeof self->seed);
  pub_b64 = hz_signing_key_dup_public_key_base64 (self);
  g_key_file_set_comment (kf, NULL, NULL, " Huizhen opinion signing key. Keep it private.", NULL);
  g_key_file_set_string (kf, KEY_GROUP, "algorithm", "ed25519");
  g_key_file_set_string (kf, KEY_GROUP, "private", seed_b64);
  g_key_file_set_string (kf, KEY_GROUP, "public", pub_b64);
  g_key_file_set_string (kf, KEY_GROUP, "fingerprint", self->fingerprint);
  data = g_key_file_to_data (kf, &len, NULL);
  ok = g_file_set_contents_full (path, data, (gssize) len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local);
  explicit_bzero (data, len);
  explicit_bzero (seed_b64, strlen (seed_b64));
  if (!ok)
    {
      g_set_error (error, HZ_SIGNING_KEY_ERROR, HZ_SIGNING_KEY_ERROR_IO,
                   _("Cannot save the signing key %s: %s"), path, local->message);
      return FALSE;
    }
  return TRUE;
}

GBytes *
hz_signing_key_get_public_key (HzSigningKey *self)
{
  g_return_val_if_fail (HZ_IS_SIGNING_KEY (self), NULL);
  return g_bytes_new (self->pub, sizeof self->pub);
}

char *
hz_signing_key_dup_public_key_base64 (HzSigningKey *self)
{
  g_return_val_if_fail (HZ_IS_SIGNING_KEY (self), NULL);
  return g_base64_encode (self->pub, sizeof self->pub);
}

const char *
hz_signing_key_get_fingerprint (HzSigningKey *self)
{
  g_return_val_if_fail (HZ_IS_SIGNING_KEY (self), NULL);
  return self->fingerprint;
}

GBytes *
hz_signing_key_sign (HzSigningKey *self,
                     const guint8 *data,
                     gsize         length)
{
  guint8 sig[ED25519_SIGNATURE_SIZE];

  g_return_val_if_fail (HZ_IS_SIGNING_KEY (self), NULL);
  g_return_val_if_fail (data != NULL || length == 0, NULL);

  ed25519_sha512_sign (self->pub, self->seed, length, data, sig);
  return g_bytes_new (sig, sizeof sig);
}

/* Public keys ------------------------------------------------------------ */

GBytes *
hz_public_key_from_base64 (const char  *base64,
                           GError     **error)
{
  g_autofree guint8 *raw = NULL;
  gsize len = 0;
  const char *p;

  /* g_base64_decode skips junk silently; an exact form keeps a key's
   * text and its bytes one-to-one. */
  for (p = base64; p && *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '=')
      break;
  if (base64 == NULL || *p != '\0' || strlen (base64) != 44)
    {
      g_set_error (error, HZ_SIGNING_KEY_ERROR, HZ_SIGNING_KEY_ERROR_FORMAT,
                   "a public key is 32 bytes in base64 (44 characters)");
      return NULL;
    }
  raw = g_base64_decode (base64, &len);
  if (len != ED25519_KEY_SIZE)
    {
      g_set_error (error, HZ_SIGNING_KEY_ERROR, HZ_SIGNING_KEY_ERROR_FORMAT,
                   "a public key is 32 bytes in base64 (44 characters)");
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&raw), len);
}

char *
hz_public_key_fingerprint (GBytes *public_key)
{
  g_return_val_if_fail (public_key != NULL, NULL);
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, public_key);
}

/* "ab12 cd34 …": groups of four, so two people can read it to each
 * other over the phone and compare. */
char *
hz_fingerprint_format (const char *fingerprint)
{
  GString *out = g_string_new (NULL);
  gsize i;

  g_return_val_if_fail (fingerprint != NULL, NULL);
  for (i = 0; fingerprint[i]; i++)
    {
      if (i > 0 && i % 4 == 0)
        g_string_append_c (out, ' ');
      g_string_append_c (out, g_ascii_toupper (fingerprint[i]));
    }
  return g_string_free (out, FALSE);
}

gboolean
hz_public_key_verify (GBytes        *public_key,
                      const guint8  *data,
                      gsize          length,
                      GBytes        *signature,
                      GError       **error)
{
  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  if (public_key == NULL || g_bytes_get_size (public_key) != ED25519_KEY_SIZE)
    {
      g_set_error_literal (error, HZ_SIGNING_KEY_ERROR, HZ_SIGNING_KEY_ERROR_FORMAT,
                           _("The public key is malformed."));
      return FALSE;
    }
  if (signature == NULL || g_bytes_get_size (signature) != ED25519_SIGNATURE_SIZE)
    {
      g_set_error_literal (error, HZ_SIGNING_KEY_ERROR, HZ_SIGNING_KEY_ERROR_BAD_SIGNATURE,
                           _("The signature is malformed."));
      return FALSE;
    }
  if (!ed25519_sha512_verify (g_bytes_get_data (public_key, NULL), length, data,
                              g_bytes_get_data (signature, NULL)))
    {
      g_set_error_literal (error, HZ_SIGNING_KEY_ERROR, HZ_SIGNING_KEY_ERROR_BAD_SIGNATURE,
                           _("The signature does not match the signed text and key."));
      return FALSE;
    }
  return TRUE;
}
