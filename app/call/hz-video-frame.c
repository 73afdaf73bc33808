/* hz-video-frame.c: the boxed decoded picture. Copying it shares the pixels. */
#include "config.h"

#include "hz-video-frame.h"

G_DEFINE_BOXED_TYPE (HzVideoFrame, hz_video_frame, hz_video_frame_copy, hz_video_frame_free)

HzVideoFrame *
hz_video_frame_new (GBytes *pixels,
                    int     width,
                    int     height,
                    gsize   stride)
{
  HzVideoFrame *frame = g_new0 (HzVideoFrame, 1);

  frame->pixels = g_bytes_ref (pixels);
  frame->width = width;
  frame->height = height;
  frame->stride = stride;
  frame->pts_us = -1;
  return frame;
}

HzVideoFrame *
hz_video_frame_copy (const HzVideoFrame *frame)
{
  HzVideoFrame *copy = g_memdup2 (frame, sizeof *frame);

  copy->pixels = g_bytes_ref (frame->pixels);
  return copy;
}

void
hz_video_frame_free (HzVideoFrame *frame)
{
  if (frame == NULL)
    return;
  g_bytes_unref (frame->pixels);
  g_free (frame);
}
