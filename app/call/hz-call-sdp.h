/* hz-call-sdp.h: checking a peer's SDP description before webrtcbin takes it. */
#pragma once

#include <gst/sdp/sdp.h>

G_BEGIN_DECLS

GstSDPMessage *_hz_call_parse_sdp (const char  *text,
                                   char       **why);

G_END_DECLS
