/* hz-call-codecs.c: HzCall's video codec choice: VP8 always, H.264
 * (openh264, constrained baseline, packetization-mode 1) as well when
 * this machine has it, negotiated by offer and answer.
 *
 * Both sides build their sending chain before they know the outcome, so
 * with two codecs the chain ends in a switch:
 *
 *   … ! tee ─┬─ valve ! vp8enc ! rtpvp8pay ──────────┬─ funnel ! webrtcbin
 *            └─ valve ! openh264enc ! rtph264pay ─────┘
 *
 * Both payloaders share one SSRC; only the valve of the negotiated codec
 * is open, and neither before the answer (the tee copies nothing, and the idle encoder costs nothing).
 * Not output-selector: switching it to a pad that never had data (1.22)
 * sends the segment before the stream-start, which is an error. The switch happens when
 * the answer is known: the answerer as it sends its answer, the offerer
 * as it takes it; neither can have media at the other side before that
 * (ICE needs the answer), so the receiver sees one codec from the first
 * packet on.
 *
 * The offer lists the offerer's codecs in its order of preference;
 * webrtcbin's answer keeps the ones both have in the offer's order, and we
 * then put the answerer's preferred one first. The first codec of the
 * answer is the call's codec, on both sides. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <gst/sdp/sdp.h>

#include "hz-call-private.h"

#define TWCC_URI "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
#define H264_PT 102

static const char *const codec_names[] = { "VP8", "H264" };

static gboolean
h264_available (void)
{
  static const char *const elements[] = { "openh264enc", "openh264dec", "h264parse", "rtph264pay", "rtph264depay" };

  for (guint i = 0; i < G_N_ELEMENTS (elements); i++)
    {
      g_autoptr(GstElementFactory) f = gst_element_factory_find (elements[i]);

      if (f == NULL)
        return FALSE;
    }
  return TRUE;
}

/* From HzCallOptions.codecs: "vp8", "h264" in order of preference, comma
 * separated; NULL or empty means "vp8,h264". H.264 is dropped where
 * openh264 is missing, and VP8 is always there, last if not named. */
void
_hz_call_codecs_take_options (HzCall     *self,
                              const char *codecs)
{
  g_auto(GStrv) names = g_strsplit (codecs && *codecs ? codecs : "vp8,h264", ",", -1);
  gboolean h264 = FALSE, vp8 = FALSE;

  gst_init (NULL, NULL);
  self->n_codec_prefs = 0;
  for (guint i = 0; names[i]; i++)
    {
      const char *name = g_strstrip (names[i]);

      if (g_ascii_strcasecmp (name, "vp8") == 0 && !vp8)
        {
          vp8 = TRUE;
          self->codec_prefs[self->n_codec_prefs++] = HZ_CALL_CODEC_VP8;
        }
      else if (g_ascii_strcasecmp (name, "h264") == 0 && !h264 && h264_available ())
        {
          h264 = TRUE;
          self->codec_prefs[self->n_codec_prefs++] = HZ_CALL_CODEC_H264;
        }
      else if (*name != '\0' && g_ascii_strcasecmp (name, "vp8") != 0 && g_ascii_strcasecmp (name, "h264") != 0)
        g_warning ("call %s: unknown video codec “%s” in the options", self->call_id, name);
    }
  if (!vp8)
    self->codec_prefs[self->n_codec_prefs++] = HZ_CALL_CODEC_VP8;
}

static gboolean
offers_h264 (HzCall *self)
{
  for (guint i = 0; i < self->n_codec_prefs; i++)
    if (self->codec_prefs[i] == HZ_CALL_CODEC_H264)
      return TRUE;
  return FALSE;
}

/* The caps of the video transceiver, one structure per codec in order of
 * preference (the offer lists them so). @send adds the feedback and the
 * TWCC extension (see ../shared/MACHINE.md); the receive-only
 * transceiver of a side without a camera keeps them plain. */
char *
_hz_call_codecs_rtp_caps (HzCall   *self,
                          gboolean  send)
{
  GString *caps = g_string_new (NULL);
  const char *feedback = send ? ",rtcp-fb-nack=(boolean)true,rtcp-fb-nack-pli=(boolean)true,"
                                "rtcp-fb-ccm-fir=(boolean)true,rtcp-fb-transport-cc=(boolean)true,"
                                "extmap-1=(string)" TWCC_URI : "";

  for (guint i = 0; i < self->n_codec_prefs; i++)
    {
      if (caps->len)
        g_string_append (caps, ";");
      if (self->codec_prefs[i] == HZ_CALL_CODEC_VP8)
        g_string_append_printf (caps, "application/x-rtp,media=video,encoding-name=VP8,clock-rate=90000,payload=96%s",
                                feedback);
      else
        g_string_append_printf (caps, "application/x-rtp,media=video,encoding-name=H264,clock-rate=90000,payload=%d,"
                                "packetization-mode=(string)1,profile-level-id=(string)42e01f,"
                                "level-asymmetry-allowed=(string)1%s", H264_PT, feedback);
    }
  return g_string_free (caps, FALSE);
}

/* The end of the sending chain after the ladder's queue: @vp8 alone, or
 * the switch between @vp8 and H.264. */
char *
_hz_call_codecs_send_tail (HzCall     *self,
                           const char *vp8)
{
  if (!offers_h264 (self))
    return g_strdup (vp8);
  /* Like vp8enc: real-time speed, rate in bit/s from the estimator,
   * keyframes when asked for or every 10 s, one slice per picture (fewer
   * NAL units, no STAP-A needed), SPS/PPS before every IDR so a receiver
   * that lost them recovers at the next keyframe. No background
   * detection: it left a small changing region (the benchmark's QR time
   * stamp) stale for seconds at 720p, which a pointer or a moving hand
   * would suffer too. */
  return g_strdup_printf ("tee name=codectee codectee. ! valve name=vp8valve ! %s ! funnel name=codecfun "
                          "codectee. ! valve name=h264valve ! openh264enc name=h264enc complexity=low rate-control=bitrate "
                          "bitrate=%u gop-size=%u usage-type=camera multi-thread=2 num-slices=1 "
                          "enable-frame-skip=false scene-change-detection=false background-detection=false "
                          "! capsfilter caps=\"video/x-h264,profile=constrained-baseline\" "
                          "! rtph264pay name=h264pay pt=%d mtu=1200 config-interval=-1 aggregate-mode=zero-latency "
                          "! codecfun.",
                          vp8, self->target_kbps * 1000, self->fps * 10, H264_PT);
}

/* Opens the valve of @codec, closes the other. */
static void
select_codec (HzCall      *self,
              HzCallCodec  codec)
{
  g_object_set (self->h264_valve, "drop", codec != HZ_CALL_CODEC_H264, NULL);
  g_object_set (self->codec_selector, "drop", codec != HZ_CALL_CODEC_VP8, NULL);
}

/* After the chain is made: finds the switch, gives both payloaders one
 * SSRC, and keeps both valves closed until the answer. */
void
_hz_call_codecs_attach (HzCall     *self,
                        GstElement *chain)
{
  g_autoptr(GstElement) vp8pay = NULL;
  g_autoptr(GstElement) h264pay = NULL;
  guint ssrc;

  /* A restarted transport keeps the codec it had (for the UI and the
   * log) until its new answer says again. */
  self->codec_selector = gst_bin_get_by_name (GST_BIN (chain), "vp8valve");
  if (self->codec_selector == NULL)
    return;
  gst_object_unref (self->codec_selector);   /* the bin keeps it */
  self->h264_valve = gst_bin_get_by_name (GST_BIN (chain), "h264valve");
  gst_object_unref (self->h264_valve);
  self->h264enc = gst_bin_get_by_name (GST_BIN (chain), "h264enc");
  gst_object_unref (self->h264enc);
  h264pay = gst_bin_get_by_name (GST_BIN (chain), "h264pay");
  vp8pay = gst_bin_get_by_name (GST_BIN (chain), "vp8pay");
  ssrc = g_random_int ();
  g_object_set (h264pay, "ssrc", ssrc, NULL);
  if (vp8pay)
    g_object_set (vp8pay, "ssrc", ssrc, NULL);
  /* Both closed until the answer: webrtcbin 1.22 narrows a transceiver's
   * codec preferences to the caps that already reached its sink pad, so
   * an answerer whose H.264 branch ran during the ringing could only
   * answer H.264 (and answered a VP8-only offer with a receive-only
   * line: no video from it at all). Nothing can reach the other side
   * before the answer anyway. */
  g_object_set (self->codec_selector, "drop", TRUE, NULL);
  g_object_set (self->h264_valve, "drop", TRUE, NULL);
}

void
_hz_call_codecs_stop (HzCall *self)
{
  self->codec_selector = self->h264_valve = self->h264enc = NULL;
}

/* The decoding part for a received stream's caps. */
char *
_hz_call_codecs_decoder (GstCaps *caps)
{
  const char *name = gst_structure_get_string (gst_caps_get_structure (caps, 0), "encoding-name");

  if (g_strcmp0 (name, "H264") == 0)
    return g_strdup ("rtph264depay request-keyframe=true wait-for-keyframe=true ! h264parse "
                     "! openh264dec");
  /* One thread, like the encoder (hz-call-media.c): libvpx's threads
   * spin while they wait for each other. */
  return g_strdup ("rtpvp8depay request-keyframe=true wait-for-keyframe=true ! vp8dec threads=1");
}

/* The codec a format of @media stands for, or -1 (RTX, RED, FEC…). */
static int
codec_of_format (const GstSDPMedia *media,
                 const char        *format)
{
  int pt = atoi (format);

  for (guint i = 0; i < gst_sdp_media_attributes_len (media); i++)
    {
      const GstSDPAttribute *a = gst_sdp_media_get_attribute (media, i);
      char *end = NULL;

      if (g_strcmp0 (a->key, "rtpmap") != 0 || a->value == NULL ||
          strtol (a->value, &end, 10) != pt || end == a->value || *end != ' ')
        continue;
      end++;
      if (g_ascii_strncasecmp (end, "VP8/", 4) == 0)
        return HZ_CALL_CODEC_VP8;
      if (g_ascii_strncasecmp (end, "H264/", 5) == 0)
        return HZ_CALL_CODEC_H264;
      return -1;
    }
  return -1;
}

static GstSDPMedia *
video_media (const GstSDPMessage *sdp)
{
  for (guint i = 0; i < gst_sdp_message_medias_len (sdp); i++)
    {
      const GstSDPMedia *media = gst_sdp_message_get_media (sdp, i);

      if (g_strcmp0 (gst_sdp_media_get_media (media), "video") == 0)
        return (GstSDPMedia *) media;
    }
  return NULL;
}

/* Our answer, before webrtcbin takes it as the local description (in
 * webrtcbin's thread; reads only the preferences, fixed at creation):
 * our preferred codec among those the answer has goes first. */
void
_hz_call_codecs_order_answer (HzCall        *self,
                              GstSDPMessage *sdp)
{
  GstSDPMedia *media = video_media (sdp);

  if (media == NULL)
    return;
  for (guint p = 0; p < self->n_codec_prefs; p++)
    for (guint i = 0; i < gst_sdp_media_formats_len (media); i++)
      {
        const char *format = gst_sdp_media_get_format (media, i);

        if (codec_of_format (media, format) == (int) self->codec_prefs[p])
          {
            g_autofree char *moved = g_strdup (format);

            if (i > 0)
              {
                gst_sdp_media_remove_format (media, i);
                gst_sdp_media_insert_format (media, 0, moved);
              }
            return;
          }
      }
}

/* The answer is known (ours, sent; or theirs, taken): its first codec is
 * the call's, and our sending switches to it. In the main context. */
void
_hz_call_codecs_apply_answer (HzCall     *self,
                              const char *answer)
{
  g_autoptr(GstSDPMessage) sdp = NULL;
  GstSDPMedia *media;
  int codec = -1;

  if (gst_sdp_message_new_from_text (answer, &sdp) != GST_SDP_OK || (media = video_media (sdp)) == NULL)
    return;
  for (guint i = 0; i < gst_sdp_media_formats_len (media) && codec < 0; i++)
    codec = codec_of_format (media, gst_sdp_media_get_format (media, i));
  if (codec < 0)
    return;
  self->video_codec = codec_names[codec];
  g_debug ("call %s: video codec %s", self->call_id, self->video_codec);
  if (self->codec_selector)
    {
      select_codec (self, codec);
      if (self->h264enc)
        g_object_set (self->h264enc, "bitrate", self->target_kbps * 1000, NULL);
    }
}

/* For the rate control: the H.264 encoder's rate, in bit/s (vp8enc's
 * target-bitrate is set by the caller). */
void
_hz_call_codecs_set_bitrate (HzCall *self,
                             guint   kbps)
{
  if (self->h264enc)
    g_object_set (self->h264enc, "bitrate", kbps * 1000, NULL);
}

/* The encoder a keyframe request must reach: the one in use. */
GstElement *
_hz_call_codecs_active_encoder (HzCall *self)
{
  if (self->h264enc && g_strcmp0 (self->video_codec, "H264") == 0)
    return self->h264enc;
  return self->vp8enc;
}

/**
 * hz_call_get_video_codec:
 * @self: a call
 *
 * Returns: "VP8" or "H264", what offer and answer settled on for video;
 * NULL before the answer (or without video).
 */
const char *
hz_call_get_video_codec (HzCall *self)
{
  g_return_val_if_fail (HZ_IS_CALL (self), NULL);
  return self->video_codec;
}
