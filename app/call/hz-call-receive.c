/* hz-call-receive.c: what comes out of webrtcbin. Each incoming stream
 * gets a decoding branch (pad-added); decoded pictures go to the call's
 * main context as HzVideoFrames, the newest only; counters feed the
 * call's statistics and its "no media" watch.
 *
 * Everything here but deliver_frame_cb runs on streaming threads, and
 * takes self->lock only to update counters and the newest picture. */
#include "config.h"

#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include "hz-call-private.h"

/* ---- counters ---- */

static gboolean
first_media_cb (gpointer user_data)
{
  _hz_call_media_force_keyframe (user_data);
  return G_SOURCE_REMOVE;
}

static GstPadProbeReturn
count_in_cb (GstPad          *pad,
             GstPadProbeInfo *info,
             gpointer         user_data)
{
  HzCall *self = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  gboolean first;

  g_mutex_lock (&self->lock);
  self->bytes_in += gst_buffer_get_size (buffer);
  first = !self->media_seen;
  self->media_seen = TRUE;
  self->last_media_us = g_get_monotonic_time ();
  g_mutex_unlock (&self->lock);
  /* Media arrives, so DTLS is up both ways: the other side gets a
   * keyframe from us at once rather than after its request. */
  if (first)
    _hz_call_invoke (self, first_media_cb, self, NULL);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
count_audio_cb (GstPad          *pad,
                GstPadProbeInfo *info,
                gpointer         user_data)
{
  HzCall *self = user_data;

  g_mutex_lock (&self->lock);
  self->audio_buffers++;
  g_mutex_unlock (&self->lock);
  return GST_PAD_PROBE_OK;
}

/* ---- pictures ---- */

typedef struct {
  GstBuffer  *buffer;
  GstMapInfo  map;
} MappedBuffer;

static void
mapped_buffer_free (gpointer data)
{
  MappedBuffer *m = data;

  gst_buffer_unmap (m->buffer, &m->map);
  gst_buffer_unref (m->buffer);
  g_free (m);
}

/* A sample from one of our BGRA appsinks as an HzVideoFrame, or NULL.
 * No copy: the GBytes is the mapped buffer, unmapped when it goes. */
HzVideoFrame *
_hz_call_frame_from_sample (GstSample *sample)
{
  g_autoptr(GBytes) bytes = NULL;
  HzVideoFrame *frame;
  GstVideoInfo info;
  GstVideoMeta *meta;
  MappedBuffer *m;
  GstBuffer *buffer;

  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample)))
    return NULL;
  buffer = gst_sample_get_buffer (sample);
  m = g_new0 (MappedBuffer, 1);
  m->buffer = gst_buffer_ref (buffer);
  if (!gst_buffer_map (m->buffer, &m->map, GST_MAP_READ))
    {
      gst_buffer_unref (m->buffer);
      g_free (m);
      return NULL;
    }
  meta = gst_buffer_get_video_meta (buffer);
  bytes = g_bytes_new_with_free_func (m->map.data, m->map.size, mapped_buffer_free, m);
  frame = hz_video_frame_new (bytes, GST_VIDEO_INFO_WIDTH (&info), GST_VIDEO_INFO_HEIGHT (&info),
                              meta ? (gsize) meta->stride[0] : (gsize) GST_VIDEO_INFO_PLANE_STRIDE (&info, 0));
  if (GST_BUFFER_PTS_IS_VALID (buffer))
    frame->pts_us = GST_BUFFER_PTS (buffer) / GST_USECOND;
  return frame;
}

/* A slot keeps only the newest picture for the main context: one not yet
 * delivered is replaced, so a busy main context skips pictures instead
 * of falling behind. With self->lock held; takes the sample and returns
 * whether a delivery must be queued. */
gboolean
_hz_frame_slot_put (HzFrameSlot *slot,
                    GstSample   *sample)
{
  if (slot->sample)
    gst_sample_unref (slot->sample);
  slot->sample = sample;
  if (slot->queued)
    return FALSE;
  slot->queued = TRUE;
  return TRUE;
}

/* In the main context: the slot's picture as a frame, or NULL. */
HzVideoFrame *
_hz_call_take_frame (HzCall      *self,
                     HzFrameSlot *slot)
{
  g_autoptr(GstSample) sample = NULL;

  g_mutex_lock (&self->lock);
  sample = g_steal_pointer (&slot->sample);
  slot->queued = FALSE;
  g_mutex_unlock (&self->lock);
  return sample ? _hz_call_frame_from_sample (sample) : NULL;
}

static gboolean
deliver_frame_cb (gpointer user_data)
{
  HzCall *self = user_data;
  g_autoptr(HzVideoFrame) frame = _hz_call_take_frame (self, &self->remote_frame);

  if (frame != NULL && self->state != HZ_CALL_STATE_ENDED)
    _hz_call_emit_frame (self, frame);
  return G_SOURCE_REMOVE;
}

static GstFlowReturn
new_sample_cb (GstAppSink *sink,
               gpointer    user_data)
{
  HzCall *self = user_data;
  GstSample *sample = gst_app_sink_pull_sample (sink);
  GstStructure *s;
  gboolean queue_it;

  if (sample == NULL)
    return GST_FLOW_EOS;
  s = gst_caps_get_structure (gst_sample_get_caps (sample), 0);
  g_mutex_lock (&self->lock);
  self->frames++;
  self->last_media_us = g_get_monotonic_time ();
  gst_structure_get_int (s, "width", &self->frame_width);
  gst_structure_get_int (s, "height", &self->frame_height);
  queue_it = _hz_frame_slot_put (&self->remote_frame, sample);
  g_mutex_unlock (&self->lock);
  if (queue_it)
    _hz_call_invoke (self, deliver_frame_cb, self, NULL);
  return GST_FLOW_OK;
}

/* webrtcbin's pad-added: a decoding branch for the stream. */
void
_hz_call_receive_pad_added (GstElement *webrtc,
                            GstPad     *pad,
                            gpointer    user_data)
{
  HzCall *self = user_data;
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *desc = NULL;
  g_autofree char *decoder = NULL;
  g_autoptr(GstPad) sink = NULL;
  const char *media;
  GstElement *bin;
  gboolean video;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;
  caps = gst_pad_get_current_caps (pad);
  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  media = gst_structure_get_string (gst_caps_get_structure (caps, 0), "media");
  video = g_strcmp0 (media, "video") == 0;
  decoder = _hz_call_codecs_decoder (caps);
  if (video)
    /* The queue before the decoder is bounded in time and drops the
     * oldest: a machine too busy to decode must freeze and catch up (the
     * depayloader asks for a keyframe), not drift seconds behind. Its
     * bound is above the longest playout delay (350 ms): at 300 ms, the
     * pictures waiting for their time overflowed it on a lossy link and
     * each dropped packet cost a keyframe.
     * On a lossy link pictures are handed on at their time (sync), one
     * jitter-buffer latency after capture, as audio is played: a picture
     * that waited for a resent packet then comes on time instead of after
     * a stall of a round trip (hz-call-repair.c switches it). On a clean
     * link they go at once: there is nothing to wait for, and waiting
     * would add the jitter buffer's latency to every picture. */
    desc = g_strdup_printf ("queue max-size-buffers=0 max-size-time=1000000000 max-size-bytes=0 leaky=downstream ! %s "
                            "! %s%s videoconvert ! video/x-raw,format=BGRA "
                            "! appsink name=sink max-buffers=2 drop=true sync=false",
                            decoder, self->remote_video_filter ? self->remote_video_filter : "",
                            self->remote_video_filter ? " !" : "");
  else
    desc = g_strdup_printf ("queue ! rtpopusdepay ! opusdec name=adec plc=true ! audioconvert ! audioresample ! %s",
                            self->audio_playback ? "autoaudiosink" : "fakesink sync=false async=false");
  bin = gst_parse_bin_from_description (desc, TRUE, &error);
  if (bin == NULL)
    {
      g_warning ("call %s: cannot decode %s: %s", self->call_id, media, error->message);
      return;
    }
  gst_bin_add (GST_BIN (self->pipeline), bin);
  if (video)
    {
      g_autoptr(GstElement) appsink = gst_bin_get_by_name (GST_BIN (bin), "sink");
      GstAppSinkCallbacks callbacks = { .new_sample = new_sample_cb };

      gst_app_sink_set_callbacks (GST_APP_SINK (appsink), &callbacks, self, NULL);
      g_mutex_lock (&self->lock);
      g_set_object (&self->video_sink, appsink);
      g_mutex_unlock (&self->lock);
      g_atomic_int_set (&self->playout_synced, FALSE);
    }
  else
    {
      g_autoptr(GstElement) dec = gst_bin_get_by_name (GST_BIN (bin), "adec");
      g_autoptr(GstPad) src = gst_element_get_static_pad (dec, "src");

      gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, count_audio_cb, self, NULL);
    }
  gst_element_sync_state_with_parent (bin);
  sink = gst_element_get_static_pad (bin, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_in_cb, self, NULL);
  if (gst_pad_link (pad, sink) != GST_PAD_LINK_OK)
    g_warning ("call %s: cannot link the %s decoder", self->call_id, media);
}
