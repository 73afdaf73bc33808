/* hz-signed-opinion.c: an opinion or addendum with its Ed25519 signature.
 *
 * What is signed is the canonical JSON (hz-canonical-json) of one object:
 *
 *   {"author": "dr.chen", "consult": "HZ-…", "key": "<sha256 hex of the
 *    public key>", "opinion": {the opinion's content}, "signed_at":
 *    "2026-11-22T18:40:00Z", "type": "huizhen.opinion/1"}
 *
 * and for an addendum "type": "huizhen.addendum/1", "addendum": {"text":
 * …} in place of "opinion", and "parent": the SHA-256 (hex) of the payload
 * it corrects (the opinion's, or the previous addendum's), so addenda form
 * a chain that starts at the opinion. The payload's SHA-256 is the
 * opinion hash both logs and the hub record.
 *
 * Consult and author are inside the payload so a signature cannot be
 * replayed onto another consult or claimed by another doctor; the key's
 * fingerprint is inside so the verifier knows which of an author's keys
 * it needs and a key swap cannot go unnoticed. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hz-canonical-json.h"
#include "hz-signed-opinion.h"

struct _HzSignedOpinion {
  GObject       parent_instance;

  HzSignedKind  kind;
  char         *consult_id;
  char         *author;
  char         *signed_at;
  char         *key;            /* fingerprint, lowercase hex */
  HzOpinion    *opinion;        /* HZ_SIGNED_KIND_OPINION */
  char         *addendum_text;  /* HZ_SIGNED_KIND_ADDENDUM */
  char         *parent_hash;    /* HZ_SIGNED_KIND_ADDENDUM */
  GBytes       *signature;
  char         *payload;
  char         *hash;
};

G_DEFINE_QUARK (hz-signed-opinion-error-quark, hz_signed_opinion_error)
G_DEFINE_FINAL_TYPE (HzSignedOpinion, hz_signed_opinion, G_TYPE_OBJECT)

static void
hz_signed_opinion_finalize (GObject *object)
{
  HzSignedOpinion *self = HZ_SIGNED_OPINION (object);

  g_free (self->consult_id);
  g_free (self->author);
  g_free (self->signed_at);
  g_free (self->key);
  g_clear_object (&self->opinion);
  g_free (self->addendum_text);
  g_free (self->parent_hash);
  g_clear_pointer (&self->signature, g_bytes_unref);
  g_free (self->payload);
  g_free (self->hash);
  G_OBJECT_CLASS (hz_signed_opinion_parent_class)->finalize (object);
}

static void
hz_signed_opinion_class_init (HzSignedOpinionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hz_signed_opinion_finalize;
}

static void
hz_signed_opinion_init (HzSignedOpinion *self)
{
}

static gboolean
is_sha256_hex (const char *s)
{
  gsize i;

  if (s == NULL || strlen (s) != 64)
    return FALSE;
  for (i = 0; i < 64; i++)
    if (!g_ascii_isdigit (s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
      return FALSE;
  return TRUE;
}

static char *
format_time (GDateTime *time)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

/* Only the one form we write, so the signed text has one spelling. */
static gboolean
is_signed_at (const char *s)
{
  g_autoptr(GDateTime) t = NULL;
  g_autofree char *again = NULL;

  if (s == NULL || strlen (s) != 20)
    return FALSE;
  t = g_date_time_new_from_iso8601 (s, NULL);
  if (t == NULL)
    return FALSE;
  again = format_time (t);
  return strcmp (again, s) == 0;
}

static gboolean
is_short_id (const char *s)
{
  return s != NULL && *s != '\0' && strlen (s) <= HZ_OPINION_MAX_SHORT && g_utf8_validate (s, -1, NULL);
}

/* Fills payload and hash from the fields. */
static void
seal (HzSignedOpinion *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, self->kind == HZ_SIGNED_KIND_OPINION ? HZ_SIGNED_OPINION_TYPE
                                                                         : HZ_SIGNED_ADDENDUM_TYPE);
  json_builder_set_member_name (b, "consult");
  json_builder_add_string_value (b, self->consult_id);
  json_builder_set_member_name (b, "author");
  json_builder_add_string_value (b, self->author);
  json_builder_set_member_name (b, "signed_at");
  json_builder_add_string_value (b, self->signed_at);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, self->key);
  if (self->kind == HZ_SIGNED_KIND_OPINION)
    {
      json_builder_set_member_name (b, "opinion");
      json_builder_add_value (b, hz_opinion_to_node (self->opinion, TRUE));
    }
  else
    {
      json_builder_set_member_name (b, "parent");
      json_builder_add_string_value (b, self->parent_hash);
      json_builder_set_member_name (b, "addendum");
      json_builder_add_value (b, hz_signed_opinion_content_to_node (self));
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  g_free (self->payload);
  self->payload = hz_canonical_json_from_node (root, NULL);
  g_free (self->hash);
  self->hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, self->payload, -1);
}

static gboolean
check_common (const char  *consult_id,
              const char  *author,
              GError     **error)
{
  if (!is_short_id (consult_id) || !is_short_id (author))
    {
      g_set_error_literal (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_INVALID,
                           "a signed opinion needs a consult and an author");
      return FALSE;
    }
  return TRUE;
}

HzSignedOpinion *
hz_signed_opinion_sign (HzOpinion     *opinion,
                        const char    *consult_id,
                        const char    *author,
                        HzSigningKey  *key,
                        GDateTime     *signed_at,
                        GError       **error)
{
  g_autoptr(HzSignedOpinion) self = NULL;
  g_autoptr(GDateTime) now = NULL;

  g_return_val_if_fail (HZ_IS_OPINION (opinion), NULL);
  g_return_val_if_fail (HZ_IS_SIGNING_KEY (key), NULL);

  if (!hz_opinion_validate (opinion, error) || !check_common (consult_id, author, error))
    return NULL;
  if (signed_at == NULL)
    signed_at = now = g_date_time_new_now_utc ();

  self = g_object_new (HZ_TYPE_SIGNED_OPINION, NULL);
  self->kind = HZ_SIGNED_KIND_OPINION;
  self->consult_id = g_strdup (consult_id);
  self->author = g_strdup (author);
  self->signed_at = format_time (signed_at);
  self->key = g_strdup (hz_signing_key_get_fingerprint (key));
  self->opinion = hz_opinion_copy (opinion);
  hz_opinion_set_consult_id (self->opinion, consult_id);
  hz_opinion_set_author (self->opinion, author);
  hz_opinion_set_time (self->opinion, signed_at);
  seal (self);
  self->signature = hz_signing_key_sign (key, (const guint8 *) self->payload, strlen (self->payload));
  return g_steal_pointer (&self);
}

HzSignedOpinion *
hz_signed_opinion_sign_addendum (HzSignedOpinion  *parent,
                                 const char       *text,
                                 const char       *author,
                                 HzSigningKey     *key,
                                 GDateTime        *signed_at,
                                 GError          **error)
{
  g_autoptr(HzSignedOpinion) self = NULL;
  g_autoptr(GDateTime) now = NULL;

  g_return_val_if_fail (HZ_IS_SIGNED_OPINION (parent), NULL);
  g_return_val_if_fail (HZ_IS_SIGNING_KEY (key), NULL);

  if (text == NULL || *text == '\0')
    {
      g_set_error_literal (error, HZ_OPINION_ERROR, HZ_OPINION_ERROR_INCOMPLETE,
                           _("An addendum needs a text."));
      return NULL;
    }
  if (!g_utf8_validate (text, -1, NULL) || g_utf8_strlen (text, -1) > HZ_ADDENDUM_MAX_TEXT)
    {
      g_set_error (error, HZ_OPINION_ERROR, HZ_OPINION_ERROR_TOO_LARGE,
                   "an addendum holds at most %d characters of UTF-8", HZ_ADDENDUM_MAX_TEXT);
      return NULL;
    }
  if (!check_common (parent->consult_id, author, error))
    return NULL;
  if (signed_at == NULL)
    signed_at = now = g_date_time_new_now_utc ();

  self = g_object_new (HZ_TYPE_SIGNED_OPINION, NULL);
  self->kind = HZ_SIGNED_KIND_ADDENDUM;
  self->consult_id = g_strdup (parent->consult_id);
  self->author = g_strdup (author);
  self->signed_at = format_time (signed_at);
  self->key = g_strdup (hz_signing_key_get_fingerprint (key));
  self->addendum_text = g_strdup (text);
  self->parent_hash = g_strdup (parent->hash);
  seal (self);
  self->signature = hz_signing_key_sign (key, (const guint8 *) self->payload, strlen (self->payload));
  return g_steal_pointer (&self);
}

/* Reading ---------------------------------------------------------------- */

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static GBytes *
decode_signature (const char  *value,
                  GError     **error)
{
  g_autofree guint8 *raw = NULL;
  gsize len = 0;
  const char *p;

  for (p = value; p && *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '=')
      break;
  if (value == NULL || *p != '\0' || strlen (value) != 88 ||
      (raw = g_base64_decode (value, &len)) == NULL || len != HZ_SIGNING_KEY_SIGNATURE_SIZE)
    {
      g_set_error_literal (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_INVALID,
                           "a signature is 64 bytes in base64 (88 characters)");
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&raw), len);
}

static HzSignedOpinion *
build (HzSignedKind  kind,
       const char   *consult_id,
       const char   *author,
       const char   *signed_at,
       const char   *key,
       JsonObject   *content,
       const char   *parent_hash,
       const char   *signature,
       GError      **error)
{
  g_autoptr(HzSignedOpinion) self = g_object_new (HZ_TYPE_SIGNED_OPINION, NULL);

  if (!check_common (consult_id, author, error))
    return NULL;
  if (!is_signed_at (signed_at))
    {
      g_set_error_literal (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_INVALID,
                           "“signed_at” must be a UTC time as YYYY-MM-DDTHH:MM:SSZ");
      return NULL;
    }
  if (!is_sha256_hex (key))
    {
      g_set_error_literal (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_INVALID,
                           "“key” must be a SHA-256 fingerprint in lowercase hex");
      return NULL;
    }
  if (content == NULL)
    {
      g_set_error_literal (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_INVALID,
                           "nothing was signed");
      return NULL;
    }
  self->kind = kind;
  self->consult_id = g_strdup (consult_id);
  self->author = g_strdup (author);
  self->signed_at = g_strdup (signed_at);
  self->key = g_strdup (key);
  if (kind == HZ_SIGNED_KIND_OPINION)
    {
      g_autoptr(GDateTime) t = g_date_time_new_from_iso8601 (signed_at, NULL);
      self->opinion = hz_opinion_new_from_object (content, TRUE, error);
      if (self->opinion == NULL)
        return NULL;
      hz_opinion_set_consult_id (self->opinion, consult_id);
      hz_opinion_set_author (self->opinion, author);
      hz_opinion_set_time (self->opinion, t);
    }
  else
    {
      const char *text = member_string (content, "text");
      if (json_object_get_size (content) != 1 || text == NULL || *text == '\0' ||
          !g_utf8_validate (text, -1, NULL) || g_utf8_strlen (text, -1) > HZ_ADDENDUM_MAX_TEXT)
        {
          g_set_error_literal (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_INVALID,
                               "an addendum is {\"text\": …} with a text of at most 20000 characters");
          return NULL;
        }
      if (!is_sha256_hex (parent_hash))
        {
          g_set_error_literal (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_INVALID,
                               "an addendum needs the SHA-256 (hex) of the payload it corrects");
          return NULL;
        }
      self->addendum_text = g_strdup (text);
      self->parent_hash = g_strdup (parent_hash);
    }
  self->signature = decode_signature (signature, error);
  if (self->signature == NULL)
    return NULL;
  seal (self);
  return g_steal_pointer (&self);
}

/* From a report action: content is the "opinion" (or "addendum") object,
 * signature the {"alg", "key", "signed_at", "value"} object; consult and
 * author come from the hub's own records, never from the client. */
HzSignedOpinion *
hz_signed_opinion_new_from_wire (HzSignedKind  kind,
                                 const char   *consult_id,
                                 const char   *author,
                                 JsonObject   *content,
                                 const char   *parent_hash,
                                 JsonObject   *signature,
                                 GError      **error)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (signature == NULL)
    {
      g_set_error_literal (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_INVALID,
                           "the signature is missing");
      return NULL;
    }
  json_object_iter_init (&iter, signature);
  while (json_object_iter_next (&iter, &name, &value))
    if (strcmp (name, "alg") != 0 && strcmp (name, "key") != 0 &&
        strcmp (name, "signed_at") != 0 && strcmp (name, "value") != 0)
      {
        g_set_error (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_INVALID,
                     "unknown member “%s” in the signature", name);
        return NULL;
      }
  if (g_strcmp0 (member_string (signature, "alg"), "ed25519") != 0)
    {
      g_set_error_literal (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_INVALID,
                           "the signature's “alg” must be “ed25519”");
      return NULL;
    }
  return build (kind, consult_id, author, member_string (signature, "signed_at"),
                member_string (signature, "key"), content, parent_hash,
                member_string (signature, "value"), error);
}

/* A stored record: the payload's members plus "signature" (base64). */
HzSignedOpinion *
hz_signed_opinion_new_from_json (const char  *text,
                                 gssize       length,
                                 GError     **error)
{
  static const char * const opinion_members[] = { "type", "consult", "author", "signed_at", "key",
                                                  "opinion", "signature", NULL };
  static const char * const addendum_members[] = { "type", "consult", "author", "signed_at", "key",
                                                   "parent", "addendum", "signature", NULL };
  g_autoptr(GError) local = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char * const *allowed;
  JsonObject *object;
  JsonObjectIter iter;
  const char *name, *type;
  JsonNode *value, *content;
  HzSignedKind kind;

  node = hz_canonical_json_parse (text, length, HZ_OPINION_MAX_BYTES, TRUE, &local);
  if (node == NULL)
    {
      g_set_error (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_INVALID, "%s", local->message);
      return NULL;
    }
  object = json_node_get_object (node);
  type = member_string (object, "type");
  if (g_strcmp0 (type, HZ_SIGNED_OPINION_TYPE) == 0)
    kind = HZ_SIGNED_KIND_OPINION, allowed = opinion_members;
  else if (g_strcmp0 (type, HZ_SIGNED_ADDENDUM_TYPE) == 0)
    kind = HZ_SIGNED_KIND_ADDENDUM, allowed = addendum_members;
  else
    {
      g_set_error_literal (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_INVALID,
                           "not a signed opinion or addendum");
      return NULL;
    }
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &value))
    if (!g_strv_contains (allowed, name))
      {
        g_set_error (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_INVALID,
                     "unknown member “%s” in a signed opinion", name);
        return NULL;
      }
  content = json_object_get_member (object, kind == HZ_SIGNED_KIND_OPINION ? "opinion" : "addendum");
  return build (kind, member_string (object, "consult"), member_string (object, "author"),
                member_string (object, "signed_at"), member_string (object, "key"),
                content && JSON_NODE_HOLDS_OBJECT (content) ? json_node_get_object (content) : NULL,
                member_string (object, "parent"), member_string (object, "signature"), error);
}

char *
hz_signed_opinion_to_json (HzSignedOpinion *self)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *sig = NULL;

  g_return_val_if_fail (HZ_IS_SIGNED_OPINION (self), NULL);
  node = json_from_string (self->payload, NULL);
  sig = g_base64_encode (g_bytes_get_data (self->signature, NULL), g_bytes_get_size (self->signature));
  json_object_set_string_member (json_node_get_object (node), "signature", sig);
  return hz_canonical_json_from_node (node, NULL);
}

/* Into the local consultation log: the id is the opinion hash, the body
 * the signed payload itself (already canonical, so the log's body hash is
 * the same opinion hash the hub records), the signature its raw bytes.
 * Returns the opinion.signed / opinion.addendum event's seq, 0 on error. */
gint64
hz_signed_opinion_add_to_log (HzSignedOpinion  *self,
                              HzConsultLog     *log,
                              GError          **error)
{
  g_return_val_if_fail (HZ_IS_SIGNED_OPINION (self), 0);
  return hz_consult_log_add_opinion (log, self->consult_id, self->hash, self->parent_hash, self->author,
                                     self->payload, self->signature, error);
}

/* Back from a log row; the caller still verifies it against the key. */
HzSignedOpinion *
hz_signed_opinion_new_from_log (const HzLogOpinion  *row,
                                GError             **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *sig = NULL;
  g_autofree char *record = NULL;
  g_autoptr(HzSignedOpinion) self = NULL;

  g_return_val_if_fail (row != NULL, NULL);
  node = json_from_string (row->body, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) || row->signature == NULL)
    {
      g_set_error_literal (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_INVALID,
                           "the log's opinion is not a signed Huizhen opinion");
      return NULL;
    }
  sig = g_base64_encode (g_bytes_get_data (row->signature, NULL), g_bytes_get_size (row->signature));
  json_object_set_string_member (json_node_get_object (node), "signature", sig);
  record = json_to_string (node, FALSE);
  self = hz_signed_opinion_new_from_json (record, -1, error);
  if (self == NULL)
    return NULL;
  if (g_strcmp0 (self->hash, row->id) != 0)
    {
      g_set_error_literal (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_BAD_SIGNATURE,
                           _("The opinion was changed after it was signed."));
      return NULL;
    }
  return g_steal_pointer (&self);
}

/* The "signature" object of the report action (and of the addenda call). */
JsonNode *
hz_signed_opinion_signature_to_node (HzSignedOpinion *self)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new ();
  g_autofree char *sig = NULL;

  g_return_val_if_fail (HZ_IS_SIGNED_OPINION (self), NULL);
  sig = g_base64_encode (g_bytes_get_data (self->signature, NULL), g_bytes_get_size (self->signature));
  json_object_set_string_member (o, "alg", "ed25519");
  json_object_set_string_member (o, "key", self->key);
  json_object_set_string_member (o, "signed_at", self->signed_at);
  json_object_set_string_member (o, "value", sig);
  json_node_take_object (node, o);
  return node;
}

/* The "opinion" (or "addendum") object as sent and signed. */
JsonNode *
hz_signed_opinion_content_to_node (HzSignedOpinion *self)
{
  JsonNode *node;
  JsonObject *o;

  g_return_val_if_fail (HZ_IS_SIGNED_OPINION (self), NULL);
  if (self->kind == HZ_SIGNED_KIND_OPINION)
    return hz_opinion_to_node (self->opinion, TRUE);
  node = json_node_new (JSON_NODE_OBJECT);
  o = json_object_new ();
  json_object_set_string_member (o, "text", self->addendum_text);
  json_node_take_object (node, o);
  return node;
}

/* Verifying -------------------------------------------------------------- */

gboolean
hz_signed_opinion_verify (HzSignedOpinion  *self,
                          GBytes           *public_key,
                          GError          **error)
{
  g_autofree char *fingerprint = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (HZ_IS_SIGNED_OPINION (self), FALSE);

  if (public_key == NULL)
    {
      g_set_error_literal (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_WRONG_KEY,
                           _("The author has no registered signing key."));
      return FALSE;
    }
  fingerprint = hz_public_key_fingerprint (public_key);
  if (strcmp (fingerprint, self->key) != 0)
    {
      g_autofree char *signed_with = hz_fingerprint_format (self->key);
      g_autofree char *expected = hz_fingerprint_format (fingerprint);
      g_set_error (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_WRONG_KEY,
                   _("Signed with the key %s, but the author’s key is %s."), signed_with, expected);
      return FALSE;
    }
  if (!hz_public_key_verify (public_key, (const guint8 *) self->payload, strlen (self->payload),
                             self->signature, &local))
    {
      g_set_error_literal (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_BAD_SIGNATURE,
                           _("The signature does not match: the opinion was changed after it was signed, or the signature is not its own."));
      return FALSE;
    }
  return TRUE;
}

/* An addendum belongs to the consult of, and follows, parent. */
gboolean
hz_signed_opinion_verify_chain (HzSignedOpinion  *self,
                                HzSignedOpinion  *parent,
                                GError          **error)
{
  g_return_val_if_fail (HZ_IS_SIGNED_OPINION (self), FALSE);
  g_return_val_if_fail (HZ_IS_SIGNED_OPINION (parent), FALSE);

  if (self->kind != HZ_SIGNED_KIND_ADDENDUM ||
      strcmp (self->consult_id, parent->consult_id) != 0 ||
      strcmp (self->parent_hash, parent->hash) != 0)
    {
      g_set_error_literal (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_BROKEN_CHAIN,
                           _("The addendum does not follow the opinion it claims to correct."));
      return FALSE;
    }
  return TRUE;
}

/* Accessors -------------------------------------------------------------- */

HzSignedKind
hz_signed_opinion_get_kind (HzSignedOpinion *self)
{
  g_return_val_if_fail (HZ_IS_SIGNED_OPINION (self), HZ_SIGNED_KIND_OPINION);
  return self->kind;
}

#define GETTER(type, name, field)                                \
  type                                                           \
  hz_signed_opinion_get_##name (HzSignedOpinion *self)           \
  {                                                              \
    g_return_val_if_fail (HZ_IS_SIGNED_OPINION (self), NULL);    \
    return self->field;                                          \
  }

GETTER (const char *, consult_id, consult_id)
GETTER (const char *, author, author)
GETTER (const char *, signed_at, signed_at)
GETTER (const char *, key_fingerprint, key)
GETTER (HzOpinion *, opinion, opinion)
GETTER (const char *, addendum_text, addendum_text)
GETTER (const char *, parent_hash, parent_hash)
GETTER (GBytes *, signature, signature)
GETTER (const char *, payload, payload)
GETTER (const char *, hash, hash)
