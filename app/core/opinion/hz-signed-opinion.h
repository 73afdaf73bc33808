/* hz-signed-opinion.h: an opinion or addendum with its Ed25519 signature
 * over a canonical payload, as the hub and both logs keep it. */
#pragma once

#include <json-glib/json-glib.h>

#include "hz-consult-log.h"
#include "hz-opinion.h"
#include "hz-signing-key.h"

G_BEGIN_DECLS

#define HZ_SIGNED_OPINION_ERROR (hz_signed_opinion_error_quark ())

typedef enum {
  HZ_SIGNED_OPINION_ERROR_INVALID,       /* malformed record or signature object */
  HZ_SIGNED_OPINION_ERROR_WRONG_KEY,     /* signed with a key other than the one given */
  HZ_SIGNED_OPINION_ERROR_BAD_SIGNATURE, /* text or signature changed after signing */
  HZ_SIGNED_OPINION_ERROR_BROKEN_CHAIN,  /* an addendum not chained to its parent */
} HzSignedOpinionError;

typedef enum {
  HZ_SIGNED_KIND_OPINION,
  HZ_SIGNED_KIND_ADDENDUM,
} HzSignedKind;

/* The "type" member of the payload; a new layout gets a new version. */
#define HZ_SIGNED_OPINION_TYPE  "huizhen.opinion/1"
#define HZ_SIGNED_ADDENDUM_TYPE "huizhen.addendum/1"
#define HZ_ADDENDUM_MAX_TEXT    HZ_OPINION_MAX_TEXT

#define HZ_TYPE_SIGNED_OPINION (hz_signed_opinion_get_type ())
G_DECLARE_FINAL_TYPE (HzSignedOpinion, hz_signed_opinion, HZ, SIGNED_OPINION, GObject)

GQuark           hz_signed_opinion_error_quark        (void);

HzSignedOpinion *hz_signed_opinion_sign               (HzOpinion       *opinion,
                                                       const char      *consult_id,
                                                       const char      *author,
                                                       HzSigningKey    *key,
                                                       GDateTime       *signed_at,
                                                       GError         **error);
HzSignedOpinion *hz_signed_opinion_sign_addendum      (HzSignedOpinion *parent,
                                                       const char      *text,
                                                       const char      *author,
                                                       HzSigningKey    *key,
                                                       GDateTime       *signed_at,
                                                       GError         **error);
HzSignedOpinion *hz_signed_opinion_new_from_wire      (HzSignedKind     kind,
                                                       const char      *consult_id,
                                                       const char      *author,
                                                       JsonObject      *content,
                                                       const char      *parent_hash,
                                                       JsonObject      *signature,
                                                       GError         **error);
HzSignedOpinion *hz_signed_opinion_new_from_consult   (JsonObject      *consult,
                                                       GPtrArray      **addenda,
                                                       GError         **error);
HzSignedOpinion *hz_signed_opinion_new_from_json      (const char      *text,
                                                       gssize           length,
                                                       GError         **error);
char            *hz_signed_opinion_to_json            (HzSignedOpinion *self);
gint64           hz_signed_opinion_add_to_log         (HzSignedOpinion *self,
                                                       HzConsultLog    *log,
                                                       GError         **error);
HzSignedOpinion *hz_signed_opinion_new_from_log       (const HzLogOpinion *row,
                                                       GError         **error);
JsonNode        *hz_signed_opinion_signature_to_node  (HzSignedOpinion *self);
JsonNode        *hz_signed_opinion_content_to_node    (HzSignedOpinion *self);

gboolean         hz_signed_opinion_verify             (HzSignedOpinion *self,
                                                       GBytes          *public_key,
                                                       GError         **error);
gboolean         hz_signed_opinion_verify_chain       (HzSignedOpinion *self,
                                                       HzSignedOpinion *parent,
                                                       GError         **error);

HzSignedKind     hz_signed_opinion_get_kind           (HzSignedOpinion *self);
const char      *hz_signed_opinion_get_consult_id     (HzSignedOpinion *self);
const char      *hz_signed_opinion_get_author         (HzSignedOpinion *self);
const char      *hz_signed_opinion_get_signed_at      (HzSignedOpinion *self);
const char      *hz_signed_opinion_get_key_fingerprint (HzSignedOpinion *self);
HzOpinion       *hz_signed_opinion_get_opinion        (HzSignedOpinion *self);
const char      *hz_signed_opinion_get_addendum_text  (HzSignedOpinion *self);
const char      *hz_signed_opinion_get_parent_hash    (HzSignedOpinion *self);
GBytes          *hz_signed_opinion_get_signature      (HzSignedOpinion *self);
const char      *hz_signed_opinion_get_payload        (HzSignedOpinion *self);
const char      *hz_signed_opinion_get_hash           (HzSignedOpinion *self);

G_END_DECLS
