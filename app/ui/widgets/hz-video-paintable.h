/* hz-video-paintable.h: a GdkPaintable showing the newest decoded video
 * frame, fed by the call engine (Debian 12 has no gtk4paintablesink). */
#pragma once

#include <gdk/gdk.h>

G_BEGIN_DECLS

#define HZ_TYPE_VIDEO_PAINTABLE (hz_video_paintable_get_type ())

G_DECLARE_FINAL_TYPE (HzVideoPaintable, hz_video_paintable, HZ, VIDEO_PAINTABLE, GObject)

HzVideoPaintable *hz_video_paintable_new            (void);
/* On the main thread. @bgra: the frame's pixels, B8G8R8A8 with alpha
 * 255, typically wrapping a mapped GstBuffer (unmapped when the bytes
 * are freed). Wrapped without a copy; only the newest frame is kept. */
void              hz_video_paintable_push_frame     (HzVideoPaintable *self,
                                                     GBytes           *bgra,
                                                     int               width,
                                                     int               height,
                                                     gsize             stride);
/* Back to nothing (camera off, call ended). */
void              hz_video_paintable_clear          (HzVideoPaintable *self);
GdkTexture       *hz_video_paintable_get_texture    (HzVideoPaintable *self);
guint64           hz_video_paintable_get_n_frames   (HzVideoPaintable *self);

G_END_DECLS
