/* hz-call-repair.c: getting lost video back (NACK/RTX) instead of waiting
 * for a keyframe, and the jitter-buffer latency that makes it possible.
 *
 * webrtcbin 1.22 turns retransmission on in a jitter buffer only when it
 * finds the stream's SSRC in the remote description's m-line of a
 * transceiver with do-nack. Our offers carry no a=ssrc for video (the
 * encoder has made no caps yet when the offer is written), so, measured,
 * no jitter buffer on either side ever asked for a resend: every lost
 * video packet cost a keyframe request and a frozen picture of about half
 * a second. So each new jitter buffer is looked at when its first packet
 * comes, and a video one (by payload type, from the remote description)
 * asks for resends. Audio does not: Opus carries its own FEC, and a resend
 * would come after the packet's time to play.
 *
 * A resend request travels in RTCP, and rtpsession lets only one early
 * RTCP packet out per regular interval, which it computes from an RTCP
 * budget of 5 % of a guessed 64 kbit/s session: about a second, so most
 * requests waited for the next regular report and their resends came too
 * late (measured: 60–200 ms on loopback, 3–19 ms with the budget below).
 *
 * A resend comes a round trip plus the time to notice the gap (up to a
 * frame interval) after the loss, so once the link has lost video the
 * jitter buffer holds that much more; on a clean link it stays short. */
#include "config.h"

#include <gst/rtp/rtp.h>
#include <string.h>

#include "hz-call-private.h"

/* RTCP budget, bit/s, each of senders' and receivers' share: 5 % of a
 * 400 kbit/s session. Reports are about 100–200 bytes, so this allows
 * several a second; they also carry the TWCC feedback the estimator
 * reads. */
#define RTCP_SHARE_BPS 20000

/* Resends at the sender: a share of the video budget, and how many may
 * be saved up for a burst. */
#define RESEND_SHARE 0.1
#define RESEND_BURST 8.0

/* The most the jitter buffer holds: pictures and sound are played this
 * long after they arrive, and a conversation suffers beyond a few hundred
 * ms of delay each way. */
#define MAX_LATENCY_MS 350

/* How long after the last loss the longer latency stays. */
#define LOSSY_HOLD_US (20 * G_USEC_PER_SEC)

/* Resends come as RTX on an SSRC of their own, which rtpbin gives a
 * jitter buffer too until it knows whose resends they are: that one is
 * not the video's. (RED, which wraps video when FEC is on, is.) */
static gboolean
is_rtx (const GstSDPMedia *media,
        guint64            pt)
{
  g_autofree char *prefix = g_strdup_printf ("%" G_GUINT64_FORMAT " ", pt);
  const char *map;

  for (guint k = 0; (map = gst_sdp_media_get_attribute_val_n (media, "rtpmap", k)) != NULL; k++)
    if (g_str_has_prefix (map, prefix))
      return g_ascii_strncasecmp (map + strlen (prefix), "rtx/", 4) == 0;
  return FALSE;
}

/* Called with the remote description before webrtcbin takes it, so the
 * payload types are known before any packet of that description comes. */
void
_hz_call_repair_note_remote (HzCall              *self,
                             const GstSDPMessage *msg)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->video_pts); i++)
    g_atomic_int_set (&self->video_pts[i], 0);
  for (guint i = 0; i < gst_sdp_message_medias_len (msg); i++)
    {
      const GstSDPMedia *media = gst_sdp_message_get_media (msg, i);

      if (g_strcmp0 (gst_sdp_media_get_media (media), "video") != 0)
        continue;
      for (guint j = 0; j < gst_sdp_media_formats_len (media); j++)
        {
          guint64 pt = g_ascii_strtoull (gst_sdp_media_get_format (media, j), NULL, 10);

          if (pt < 128 && !is_rtx (media, pt))
            g_atomic_int_or (&self->video_pts[pt / 32], 1u << (pt % 32));
        }
    }
}

static GstPadProbeReturn
first_packet_cb (GstPad          *pad,
                 GstPadProbeInfo *info,
                 gpointer         user_data)
{
  HzCall *self = user_data;
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  guint pt;

  if (!gst_rtp_buffer_map (GST_PAD_PROBE_INFO_BUFFER (info), GST_MAP_READ, &rtp))
    return GST_PAD_PROBE_OK;
  pt = gst_rtp_buffer_get_payload_type (&rtp);
  gst_rtp_buffer_unmap (&rtp);
  if (g_atomic_int_get (&self->video_pts[pt / 32]) & (1u << (pt % 32)))
    {
      GstElement *jitterbuffer = gst_pad_get_parent_element (pad);

      /* Ask only for packets missing behind one that came: the next
       * packet's "expected" time is a guess from the spacing so far, and
       * on a slow link a picture's packets come out of its queue one by
       * one, later than that guess (measured: most resends came as
       * duplicates of packets merely queued). */
      g_object_set (jitterbuffer, "do-retransmission", TRUE, "rtx-next-seqnum", FALSE, NULL);
      g_mutex_lock (&self->lock);
      g_clear_object (&self->video_jitterbuffer);
      self->video_jitterbuffer = jitterbuffer;   /* takes the reference */
      g_mutex_unlock (&self->lock);
    }
  return GST_PAD_PROBE_REMOVE;
}

static void
new_jitterbuffer_cb (GstElement *rtpbin,
                     GstElement *jitterbuffer,
                     guint       session_id,
                     guint       ssrc,
                     gpointer    user_data)
{
  g_autoptr(GstPad) sink = gst_element_get_static_pad (jitterbuffer, "sink");
  g_autoptr(GObject) session = NULL;

  /* The session exists by the time its first jitter buffer does. */
  g_signal_emit_by_name (rtpbin, "get-session", session_id, &session);
  if (session)
    {
      g_autoptr(GObject) internal = NULL;

      g_object_get (session, "internal-session", &internal, NULL);
      if (internal)
        g_object_set (internal, "rtcp-rr-bandwidth", RTCP_SHARE_BPS, "rtcp-rs-bandwidth", RTCP_SHARE_BPS, NULL);
      /* transport-wide feedback ten times a second, for the other side's
       * estimator (hz-call-webrtc.c) */
      if (internal && g_object_class_find_property (G_OBJECT_GET_CLASS (internal), "twcc-feedback-interval"))
        g_object_set (internal, "twcc-feedback-interval", (guint64) (100 * GST_MSECOND), NULL);
    }
  /* hz_call_media_stop takes the pipeline down before the call goes, so
   * the probe never outlives the call. */
  if (sink)
    gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_BUFFER, first_packet_cb, user_data, NULL);
}

/* The sender's side: resends share the budget. Each request for a resend
 * spends a token; tokens come at RESEND_SHARE of the video target, at
 * most RESEND_BURST saved up. A request without a token is not answered:
 * the receiver then asks for a keyframe, as it would have without
 * resends. Without this, a queue overflow (a burst of dozens of lost
 * packets) brought as many resends into the same full queue. */
static GstPadProbeReturn
resend_request_cb (GstPad          *pad,
                   GstPadProbeInfo *info,
                   gpointer         user_data)
{
  HzCall *self = user_data;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  gint64 now = g_get_monotonic_time ();
  GstPadProbeReturn ret;

  if (!gst_event_has_name (event, "GstRTPRetransmissionRequest"))
    return GST_PAD_PROBE_OK;
  g_mutex_lock (&self->lock);
  if (self->resend_refill_us != 0)
    {
      /* packets of about 1000 bytes: target kbit/s × share / 8 per second */
      double packets_per_s = MAX (self->target_kbps, 50) * RESEND_SHARE / 8.0;

      self->resend_tokens = MIN (RESEND_BURST, self->resend_tokens + packets_per_s * (now - self->resend_refill_us) / 1e6);
    }
  self->resend_refill_us = now;
  if (self->resend_tokens >= 1)
    {
      self->resend_tokens -= 1;
      ret = GST_PAD_PROBE_OK;
    }
  else
    ret = GST_PAD_PROBE_DROP;
  g_mutex_unlock (&self->lock);
  return ret;
}

static void
element_added_cb (GstBin     *bin,
                  GstBin     *sub_bin,
                  GstElement *element,
                  gpointer    user_data)
{
  GstElementFactory *factory = gst_element_get_factory (element);
  g_autoptr(GstPad) src = NULL;

  if (factory == NULL || !g_str_equal (GST_OBJECT_NAME (factory), "rtprtxsend"))
    return;
  src = gst_element_get_static_pad (element, "src");
  if (src)
    gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM, resend_request_cb, user_data, NULL);
}

/* On a freshly made webrtcbin. */
void
_hz_call_repair_attach (HzCall *self)
{
  g_autoptr(GstElement) rtpbin = gst_bin_get_by_name (GST_BIN (self->webrtc), "rtpbin");

  self->lost_seen = 0;
  self->resend_tokens = RESEND_BURST;
  self->resend_refill_us = 0;
  g_signal_connect_object (self->webrtc, "deep-element-added", G_CALLBACK (element_added_cb), self, 0);
  if (rtpbin)
    g_signal_connect_object (rtpbin, "new-jitterbuffer", G_CALLBACK (new_jitterbuffer_cb), self, 0);
  else
    g_warning ("webrtcbin has no rtpbin: lost video will not be resent");
}

void
_hz_call_repair_stop (HzCall *self)
{
  g_mutex_lock (&self->lock);
  g_clear_object (&self->video_jitterbuffer);
  g_clear_object (&self->video_sink);
  g_mutex_unlock (&self->lock);
}

/* The jitter buffer's latency for the link: about a round trip plus a
 * margin, and once video has been lost also a frame interval and a little
 * more, so a resend can still be played. Changed only when off by more
 * than a quarter, since each change is a small glitch; rtpbin passes it on
 * to the running jitter buffers, and the pipeline's playout delay follows
 * (hz-call-media.c recalculates it on their LATENCY message). Pictures and
 * sound are played that long after capture, both: a longer delay mends
 * more, but a conversation suffers beyond a few hundred ms, hence the
 * bound. */
void
_hz_call_repair_adapt_latency (HzCall *self)
{
  guint wanted = (guint) (self->stats.rtt_ms * 1.2) + 30;

  if (self->webrtc == NULL || self->latency_fixed)
    return;
  if (self->lossy_since_us != 0 && g_get_monotonic_time () - self->lossy_since_us < LOSSY_HOLD_US)
    {
      double fps = self->stats.fps >= 5 ? self->stats.fps : 5;

      wanted += (guint) (1000 / fps) + 20;
    }
  wanted = CLAMP (wanted, 40, MAX_LATENCY_MS);
  if (wanted * 4 > self->latency_ms * 5 || wanted * 4 < self->latency_ms * 3)
    {
      g_debug ("call %s: RTT %.0f ms%s, jitter buffer %u → %u ms", self->call_id, self->stats.rtt_ms,
               self->lossy_since_us ? ", video lost lately" : "", self->latency_ms, wanted);
      self->latency_ms = wanted;
      g_object_set (self->webrtc, "latency", wanted, NULL);
    }
}

/* Pictures at their time while the link loses video (resends then come in
 * time without a stall), at once otherwise (hz-call-media.c says why). */
static void
sync_playout (HzCall   *self,
              gboolean  lossy)
{
  g_autoptr(GstElement) sink = NULL;

  if (g_atomic_int_get (&self->playout_synced) == lossy)
    return;
  g_mutex_lock (&self->lock);
  if (self->video_sink)
    sink = g_object_ref (self->video_sink);
  g_mutex_unlock (&self->lock);
  if (sink == NULL)
    return;
  g_atomic_int_set (&self->playout_synced, lossy);
  g_object_set (sink, "sync", lossy, NULL);
}

/* Once a second: has the video stream lost packets since the last look? */
void
_hz_call_repair_tick (HzCall *self)
{
  g_autoptr(GstElement) jitterbuffer = NULL;
  g_autoptr(GstStructure) stats = NULL;
  guint64 lost = 0, asked = 0;

  g_mutex_lock (&self->lock);
  if (self->video_jitterbuffer)
    jitterbuffer = g_object_ref (self->video_jitterbuffer);
  g_mutex_unlock (&self->lock);
  if (jitterbuffer == NULL)
    return;
  g_object_get (jitterbuffer, "stats", &stats, NULL);
  gst_structure_get_uint64 (stats, "num-lost", &lost);
  gst_structure_get_uint64 (stats, "rtx-count", &asked);
  if (lost + asked > self->lost_seen)
    self->lossy_since_us = g_get_monotonic_time ();
  else if (self->lossy_since_us != 0 && g_get_monotonic_time () - self->lossy_since_us >= LOSSY_HOLD_US)
    self->lossy_since_us = 0;
  self->lost_seen = lost + asked;
  sync_playout (self, self->lossy_since_us != 0);
  _hz_call_repair_adapt_latency (self);
}
