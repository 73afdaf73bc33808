/* hz-call-sdp.c: the check an SDP description from the other side must
 * pass before webrtcbin sees it (outside bytes: fuzzed by fuzz-call-sdp). */
#include "config.h"

#include <string.h>

#include "hz-call-sdp.h"

/* Refuses what webrtcbin would choke on or silently ignore: text that is
 * no SDP, no media, no ICE credentials or DTLS fingerprint. */
GstSDPMessage *
_hz_call_parse_sdp (const char  *text,
                    char       **why)
{
  g_autoptr(GstSDPMessage) msg = NULL;
  gboolean fingerprint, ufrag;

  if (!g_str_has_prefix (text, "v=0") || strlen (text) > 60 * 1024 ||
      gst_sdp_message_new_from_text (text, &msg) != GST_SDP_OK)
    {
      *why = g_strdup ("not an SDP description");
      return NULL;
    }
  if (gst_sdp_message_medias_len (msg) == 0)
    {
      *why = g_strdup ("an SDP description without media");
      return NULL;
    }
  fingerprint = gst_sdp_message_get_attribute_val (msg, "fingerprint") != NULL;
  ufrag = gst_sdp_message_get_attribute_val (msg, "ice-ufrag") != NULL;
  for (guint i = 0; i < gst_sdp_message_medias_len (msg); i++)
    {
      const GstSDPMedia *media = gst_sdp_message_get_media (msg, i);

      fingerprint = fingerprint || gst_sdp_media_get_attribute_val (media, "fingerprint") != NULL;
      ufrag = ufrag || gst_sdp_media_get_attribute_val (media, "ice-ufrag") != NULL;
    }
  if (!fingerprint || !ufrag)
    {
      *why = g_strdup ("an SDP description without ICE credentials or a DTLS fingerprint");
      return NULL;
    }
  return g_steal_pointer (&msg);
}
