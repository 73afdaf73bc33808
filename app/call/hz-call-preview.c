/* hz-call-preview.c: HzCall's self-view: the local camera picture, small
 * and at a low frame rate, handed to the main context as "local-frame".
 *
 * A branch off a tee at the head of the sending chain (after the camera
 * switch point, before the camera-off valve and the resolution ladder, so
 * the doctor sees their own camera even when the link forces audio only):
 *
 *   tee ! queue (1 buffer, leaky) ! videoscale (≤ 320 px wide, same
 *       shape) ! videoconvert (BGRA) ! appsink (1 buffer, drop)
 *
 * A probe in front of the queue keeps at most 15 pictures a second (by
 * their timestamps; videorate with a frame-rate range let all 30 through
 * in our trials) and drops every picture while the camera is off or
 * nobody listens, so then the branch costs nothing. */
#include "config.h"

#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include "hz-call-private.h"

#define PREVIEW_MAX_WIDTH 320
#define PREVIEW_MAX_FPS   15

static guint local_frame_signal;

void
_hz_call_preview_class_init (GObjectClass *object_class)
{
  /**
   * HzCall::local-frame:
   * @frame: (type HzVideoFrame): the newest local camera picture
   *
   * The self-view: what the camera sends, at most 320 px wide (same
   * shape as the capture) and 15 frames a second, in the call's main
   * context; nothing while the camera is off. Copies per picture: the tee
   * copies nothing; videoscale writes one small I420 picture from the
   * full-size one (the only pass over the full frame, and only for the
   * pictures the 15 fps gate keeps), videoconvert writes it once more as BGRA,
   * and the GBytes wraps that mapped buffer (no copy). So one scaled
   * write plus one small conversion, none at full size.
   */
  local_frame_signal =
    g_signal_new ("local-frame", G_TYPE_FROM_CLASS (object_class), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  HZ_TYPE_VIDEO_FRAME | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static gboolean
deliver_local_cb (gpointer user_data)
{
  HzCall *self = user_data;
  g_autoptr(HzVideoFrame) frame = _hz_call_take_frame (self, &self->local_frame);

  /* A picture that was on its way when the camera went off is not shown. */
  if (frame != NULL && self->state != HZ_CALL_STATE_ENDED && !self->camera_off)
    g_signal_emit (self, local_frame_signal, 0, frame);
  return G_SOURCE_REMOVE;
}

static GstFlowReturn
local_sample_cb (GstAppSink *sink,
                 gpointer    user_data)
{
  HzCall *self = user_data;
  GstSample *sample = gst_app_sink_pull_sample (sink);
  gboolean queue_it;

  if (sample == NULL)
    return GST_FLOW_EOS;
  g_mutex_lock (&self->lock);
  queue_it = _hz_frame_slot_put (&self->local_frame, sample);
  g_mutex_unlock (&self->lock);
  if (queue_it)
    _hz_call_invoke (self, deliver_local_cb, self, NULL);
  return GST_FLOW_OK;
}

static GstPadProbeReturn
gate_cb (GstPad          *pad,
         GstPadProbeInfo *info,
         gpointer         user_data)
{
  HzCall *self = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstClockTime pts = GST_BUFFER_PTS (buffer);

  /* camera_off is written in the main context; a stale read lets one
   * picture more through (and deliver_local_cb drops it) or drops one. */
  if (g_atomic_int_get (&self->camera_off) ||
      !g_signal_has_handler_pending (self, local_frame_signal, 0, FALSE))
    return GST_PAD_PROBE_DROP;
  /* A little under 1/15 s, so a 30 fps camera gives exactly every other
   * picture; a timestamp going back (a new source) starts over. */
  if (GST_CLOCK_TIME_IS_VALID (pts) && GST_CLOCK_TIME_IS_VALID (self->local_last_pts) &&
      pts >= self->local_last_pts && pts - self->local_last_pts < GST_SECOND / PREVIEW_MAX_FPS - 5 * GST_MSECOND)
    return GST_PAD_PROBE_DROP;
  self->local_last_pts = pts;
  return GST_PAD_PROBE_OK;
}

/* Adds the preview branch inside @chain, fed by its tee "preview_tee". */
gboolean
_hz_call_preview_attach (HzCall      *self,
                         GstElement  *chain,
                         GError     **error)
{
  g_autoptr(GstElement) tee = gst_bin_get_by_name (GST_BIN (chain), "preview_tee");
  g_autoptr(GstPad) tee_src = NULL;
  g_autoptr(GstPad) queue_sink = NULL;
  g_autoptr(GstElement) appsink = NULL;
  g_autofree char *desc = NULL;
  GstAppSinkCallbacks callbacks = { .new_sample = local_sample_cb };
  GstElement *branch;
  guint width = self->width, height = self->height;

  if (tee == NULL)
    {
      g_set_error_literal (error, HZ_CALL_ERROR, HZ_CALL_ERROR_FAILED, "no tee for the self-view");
      return FALSE;
    }
  /* The source's capsfilter fixes the capture size, so the preview size
   * is known now: at most 320 wide, the capture's shape, even sizes. */
  if (width > PREVIEW_MAX_WIDTH)
    {
      height = (guint) (((guint64) height * PREVIEW_MAX_WIDTH + width / 2) / width);
      width = PREVIEW_MAX_WIDTH;
    }
  height = MAX (2, height & ~1u);
  width = MAX (2, width & ~1u);
  desc = g_strdup_printf ("queue name=preview_queue max-size-buffers=1 max-size-time=0 max-size-bytes=0 leaky=downstream "
                          "! videoscale "
                          "! capsfilter caps=\"video/x-raw,width=%u,height=%u,pixel-aspect-ratio=1/1\" "
                          "! videoconvert ! capsfilter caps=\"video/x-raw,format=BGRA\" "
                          "! appsink name=preview_sink max-buffers=1 drop=true sync=false async=false enable-last-sample=false",
                          width, height);
  branch = gst_parse_bin_from_description (desc, TRUE, error);
  if (branch == NULL)
    {
      g_prefix_error (error, "cannot make the self-view: ");
      return FALSE;
    }
  gst_bin_add (GST_BIN (chain), branch);
  appsink = gst_bin_get_by_name (GST_BIN (branch), "preview_sink");
  gst_app_sink_set_callbacks (GST_APP_SINK (appsink), &callbacks, self, NULL);
  tee_src = gst_element_request_pad_simple (tee, "src_%u");
  queue_sink = gst_element_get_static_pad (branch, "sink");
  if (gst_pad_link (tee_src, queue_sink) != GST_PAD_LINK_OK)
    {
      g_set_error_literal (error, HZ_CALL_ERROR, HZ_CALL_ERROR_FAILED, "cannot link the self-view");
      return FALSE;
    }
  self->local_last_pts = GST_CLOCK_TIME_NONE;
  gst_pad_add_probe (queue_sink, GST_PAD_PROBE_TYPE_BUFFER, gate_cb, self, NULL);
  return TRUE;
}

/* The pipeline is gone: drop a picture still waiting. */
void
_hz_call_preview_stop (HzCall *self)
{
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->local_frame.sample, gst_sample_unref);
  g_mutex_unlock (&self->lock);
}
