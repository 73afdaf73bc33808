/* hz-signing-key.h: a specialist's Ed25519 signing key, and verifying
 * signatures against a public key. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HZ_SIGNING_KEY_ERROR (hz_signing_key_error_quark ())

typedef enum {
  HZ_SIGNING_KEY_ERROR_IO,          /* the key file could not be read or written */
  HZ_SIGNING_KEY_ERROR_FORMAT,      /* not a key file, or a malformed key */
  HZ_SIGNING_KEY_ERROR_PERMISSIONS, /* the key file is readable by others */
  HZ_SIGNING_KEY_ERROR_BAD_SIGNATURE, /* the signature does not verify */
  HZ_SIGNING_KEY_ERROR_RANDOM,      /* no randomness from the kernel */
} HzSigningKeyError;

#define HZ_SIGNING_KEY_PUBLIC_SIZE    32
#define HZ_SIGNING_KEY_SIGNATURE_SIZE 64

#define HZ_TYPE_SIGNING_KEY (hz_signing_key_get_type ())
G_DECLARE_FINAL_TYPE (HzSigningKey, hz_signing_key, HZ, SIGNING_KEY, GObject)

GQuark        hz_signing_key_error_quark          (void);

HzSigningKey *hz_signing_key_generate             (GError       **error);
HzSigningKey *hz_signing_key_new_from_seed        (const guint8  *seed,
                                                   gsize          seed_len,
                                                   GError       **error);
HzSigningKey *hz_signing_key_load                 (const char    *path,
                                                   GError       **error);
gboolean      hz_signing_key_save                 (HzSigningKey  *self,
                                                   const char    *path,
                                                   GError       **error);
char         *hz_signing_key_default_path         (const char    *user_id);

GBytes       *hz_signing_key_get_public_key       (HzSigningKey  *self);
char         *hz_signing_key_dup_public_key_base64 (HzSigningKey *self);
const char   *hz_signing_key_get_fingerprint      (HzSigningKey  *self);
GBytes       *hz_signing_key_sign                 (HzSigningKey  *self,
                                                   const guint8  *data,
                                                   gsize          length);

/* Public keys, wherever they come from (the hub, a stored opinion). */
GBytes       *hz_public_key_from_base64           (const char    *base64,
                                                   GError       **error);
char         *hz_public_key_fingerprint           (GBytes        *public_key);
char         *hz_fingerprint_format               (const char    *fingerprint);
gboolean      hz_public_key_verify                (GBytes        *public_key,
                                                   const guint8  *data,
                                                   gsize          length,
                                                   GBytes        *signature,
                                                   GError       **error);

G_END_DECLS
