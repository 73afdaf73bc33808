/* hz-signed-opinion-consult.c: the signed opinion and addenda of a consult
 * as the hub sends it, rebuilt and checked on the client.
 *
 * The hub checked the signatures already; the client checks again with
 * the key the hub published beside the opinion (author_key), so a hub
 * that altered the text after the fact, or a man in the middle, is caught
 * at the requester's desk. Pinning that key (comparing its fingerprint
 * with one learnt earlier or read out over the phone) is the caller's. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hz-signed-opinion.h"

static GBytes *
author_key (JsonObject  *holder,
            GError     **error)
{
  JsonObject *key = json_object_get_member (holder, "author_key") &&
                    JSON_NODE_HOLDS_OBJECT (json_object_get_member (holder, "author_key"))
                      ? json_object_get_object_member (holder, "author_key") : NULL;
  const char *b64 = key ? json_object_get_string_member_with_default (key, "public_key", NULL) : NULL;
  g_autoptr(GError) local = NULL;
  GBytes *pub;

  if (b64 == NULL)
    {
      g_set_error_literal (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_WRONG_KEY,
                           _("The author has no registered signing key."));
      return NULL;
    }
  pub = hz_public_key_from_base64 (b64, &local);
  if (pub == NULL)
    g_set_error_literal (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_WRONG_KEY,
                         _("The public key is malformed."));
  return pub;
}

static JsonObject *
object_member (JsonObject *o,
               const char *name)
{
  JsonNode *node = json_object_get_member (o, name);
  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/**
 * hz_signed_opinion_new_from_consult:
 * @consult: a consult object from the hub (GET consults/ID)
 * @addenda: (out) (optional): the verified addenda, in chain order
 *
 * Returns: the consult's signed opinion, verified against the author's
 * published key with every addendum verified and chained; NULL with
 * @error (HZ_SIGNED_OPINION_ERROR) when anything does not check out.
 */
HzSignedOpinion *
hz_signed_opinion_new_from_consult (JsonObject  *consult,
                                    GPtrArray  **addenda,
                                    GError     **error)
{
  g_autoptr(HzSignedOpinion) opinion = NULL;
  g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GBytes) pub = NULL;
  const char *id = json_object_get_string_member_with_default (consult, "id", NULL);
  const char *author = json_object_get_string_member_with_default (consult, "opinion_author", NULL);
  JsonNode *list_node = json_object_get_member (consult, "addenda");
  HzSignedOpinion *previous;
  guint i;

  if (object_member (consult, "opinion") == NULL)
    {
      g_set_error_literal (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_INVALID,
                           "the consult holds no opinion yet");
      return NULL;
    }
  opinion = hz_signed_opinion_new_from_wire (HZ_SIGNED_KIND_OPINION, id, author, object_member (consult, "opinion"),
                                             NULL, object_member (consult, "signature"), error);
  if (opinion == NULL || (pub = author_key (consult, error)) == NULL ||
      !hz_signed_opinion_verify (opinion, pub, error))
    return NULL;

  previous = opinion;
  if (list_node && JSON_NODE_HOLDS_ARRAY (list_node))
    {
      JsonArray *list = json_node_get_array (list_node);
      for (i = 0; i < json_array_get_length (list); i++)
        {
          JsonNode *element = json_array_get_element (list, i);
          JsonObject *entry = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
          g_autoptr(HzSignedOpinion) addendum = NULL;
          g_autoptr(GBytes) entry_key = NULL;

          if (entry == NULL)
            {
              g_set_error_literal (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_INVALID,
                                   "an addendum is not an object");
              return NULL;
            }
          addendum = hz_signed_opinion_new_from_wire (HZ_SIGNED_KIND_ADDENDUM, id,
                                                      json_object_get_string_member_with_default (entry, "author", NULL),
                                                      object_member (entry, "addendum"),
                                                      json_object_get_string_member_with_default (entry, "parent", NULL),
                                                      object_member (entry, "signature"), error);
          if (addendum == NULL || (entry_key = author_key (entry, error)) == NULL ||
              !hz_signed_opinion_verify (addendum, entry_key, error) ||
              !hz_signed_opinion_verify_chain (addendum, previous, error))
            return NULL;
          previous = addendum;
          g_ptr_array_add (chain, g_steal_pointer (&addendum));
        }
    }
  if (addenda)
    *addenda = g_steal_pointer (&chain);
  return g_steal_pointer (&opinion);
}
