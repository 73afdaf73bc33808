/* hz-video-frame.h: one decoded BGRA picture handed to the UI without a copy. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HZ_TYPE_VIDEO_FRAME (hz_video_frame_get_type ())

/* Pixels are B8G8R8A8 with alpha 255 (so premultiplied is also correct).
 * @pixels wraps the mapped GstBuffer itself: the buffer is unmapped and
 * released when the last reference to @pixels goes. */
typedef struct {
  GBytes *pixels;
  int     width;
  int     height;
  gsize   stride;
  gint64  pts_us;   /* stream time of the picture, -1 when unknown */
} HzVideoFrame;

GType         hz_video_frame_get_type (void) G_GNUC_CONST;
HzVideoFrame *hz_video_frame_new      (GBytes             *pixels,
                                       int                 width,
                                       int                 height,
                                       gsize               stride);
HzVideoFrame *hz_video_frame_copy     (const HzVideoFrame *frame);
void          hz_video_frame_free     (HzVideoFrame       *frame);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzVideoFrame, hz_video_frame_free)

G_END_DECLS
