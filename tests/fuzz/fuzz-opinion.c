/* fuzz-opinion.c: any bytes in, as an opinion or a signed opinion record:
 * a clear error, or a value whose JSON reads back as itself. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hz-canonical-json.h"
#include "hz-signed-opinion.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzOpinion) opinion = NULL;
  g_autoptr(HzSignedOpinion) record = NULL;

  opinion = hz_opinion_new_from_json ((const char *) data, (gssize) size, &error);
  if (opinion == NULL)
    {
      if (error == NULL)
        abort ();  /* a refusal must say why */
      g_clear_error (&error);
    }
  else
    {
      g_autofree char *once = hz_opinion_to_json (opinion, FALSE);
      g_autoptr(HzOpinion) again = hz_opinion_new_from_json (once, -1, NULL);
      g_autofree char *twice = again ? hz_opinion_to_json (again, FALSE) : NULL;
      if (twice == NULL || strcmp (once, twice) != 0)
        abort ();
    }

  record = hz_signed_opinion_new_from_json ((const char *) data, (gssize) size, &error);
  if (record == NULL)
    {
      if (error == NULL)
        abort ();
    }
  else
    {
      g_autofree char *once = hz_signed_opinion_to_json (record);
      g_autoptr(HzSignedOpinion) again = hz_signed_opinion_new_from_json (once, -1, NULL);
      if (again == NULL || strcmp (hz_signed_opinion_get_hash (again), hz_signed_opinion_get_hash (record)) != 0)
        abort ();
      /* No key matches a fuzzed fingerprint: verify must refuse, not crash. */
      if (hz_signed_opinion_verify (record, NULL, NULL))
        abort ();
    }
  /* As a report action body: {"opinion": {…}, "signature": {…}}. */
  {
    g_autoptr(JsonNode) body = hz_canonical_json_parse ((const char *) data, (gssize) size, HZ_OPINION_MAX_BYTES,
                                                        TRUE, NULL);
    JsonObject *o = body ? json_node_get_object (body) : NULL;
    JsonNode *content = o ? json_object_get_member (o, "opinion") : NULL;
    JsonNode *sig = o ? json_object_get_member (o, "signature") : NULL;

    if (content && sig && JSON_NODE_HOLDS_OBJECT (content) && JSON_NODE_HOLDS_OBJECT (sig))
      {
        g_autoptr(GError) wire_error = NULL;
        g_autoptr(HzSignedOpinion) wire = hz_signed_opinion_new_from_wire (HZ_SIGNED_KIND_OPINION, "HZ-FUZZ", "dr.fuzz",
                                                                           json_node_get_object (content), NULL,
                                                                           json_node_get_object (sig), &wire_error);
        if (wire == NULL && wire_error == NULL)
          abort ();
        if (wire && hz_signed_opinion_verify (wire, NULL, NULL))
          abort ();
      }
  }
  return 0;
}
