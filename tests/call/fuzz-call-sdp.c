/* fuzz-call-sdp.c: a peer's SDP description, as it arrives in a signal. */
#include "config.h"

#include <glib.h>
#include <stdint.h>

#include "hz-call-sdp.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autofree char *why = NULL;
  GstSDPMessage *msg = _hz_call_parse_sdp (text, &why);

  if (msg)
    {
      g_autofree char *again = gst_sdp_message_as_text (msg);
      g_assert_nonnull (again);
      gst_sdp_message_free (msg);
    }
  else
    g_assert_nonnull (why);
  return 0;
}
