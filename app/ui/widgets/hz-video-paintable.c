/* hz-video-paintable.c: a GdkPaintable showing the newest decoded video
 * frame. Each frame is wrapped as a GdkMemoryTexture around the bytes
 * the call engine hands over (the mapped GstBuffer), so no pixel is
 * copied on our side; GTK uploads it once when it draws. The previous
 * frame is dropped at once, so a busy UI never builds a queue: it just
 * shows the newest frame when it next draws. */
#include "config.h"

#include "hz-video-paintable.h"

struct _HzVideoPaintable
{
  GObject     parent_instance;

  GdkTexture *texture;
  guint64     n_frames;
};

static void hz_video_paintable_paintable_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HzVideoPaintable, hz_video_paintable, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE,
                                                      hz_video_paintable_paintable_init))

static void
hz_video_paintable_snapshot (GdkPaintable *paintable,
                             GdkSnapshot  *snapshot,
                             double        width,
                             double        height)
{
  HzVideoPaintable *self = HZ_VIDEO_PAINTABLE (paintable);

  if (self->texture != NULL)
    gdk_paintable_snapshot (GDK_PAINTABLE (self->texture), snapshot, width, height);
}

static GdkPaintable *
hz_video_paintable_get_current_image (GdkPaintable *paintable)
{
  HzVideoPaintable *self = HZ_VIDEO_PAINTABLE (paintable);

  if (self->texture != NULL)
    return GDK_PAINTABLE (g_object_ref (self->texture));
  return gdk_paintable_new_empty (0, 0);
}

static int
hz_video_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  HzVideoPaintable *self = HZ_VIDEO_PAINTABLE (paintable);

  return self->texture ? gdk_texture_get_width (self->texture) : 0;
}

static int
hz_video_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  HzVideoPaintable *self = HZ_VIDEO_PAINTABLE (paintable);

  return self->texture ? gdk_texture_get_height (self->texture) : 0;
}

static double
hz_video_paintable_get_intrinsic_aspect_ratio (GdkPaintable *paintable)
{
  HzVideoPaintable *self = HZ_VIDEO_PAINTABLE (paintable);

  if (self->texture == NULL)
    return 0;
  return (double) gdk_texture_get_width (self->texture) / gdk_texture_get_height (self->texture);
}

static void
hz_video_paintable_paintable_init (GdkPaintableInterface *iface)
{
  iface->snapshot = hz_video_paintable_snapshot;
  iface->get_current_image = hz_video_paintable_get_current_image;
  iface->get_intrinsic_width = hz_video_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = hz_video_paintable_get_intrinsic_height;
  iface->get_intrinsic_aspect_ratio = hz_video_paintable_get_intrinsic_aspect_ratio;
}

HzVideoPaintable *
hz_video_paintable_new (void)
{
  return g_object_new (HZ_TYPE_VIDEO_PAINTABLE, NULL);
}

void
hz_video_paintable_push_frame (HzVideoPaintable *self,
                               GBytes           *bgra,
                               int               width,
                               int               height,
                               gsize             stride)
{
  gboolean resized;
  GdkTexture *texture;

  g_return_if_fail (HZ_IS_VIDEO_PAINTABLE (self));
  g_return_if_fail (bgra != NULL);
  g_return_if_fail (width > 0 && height > 0);
  g_return_if_fail (stride >= (gsize) width * 4);
  g_return_if_fail (g_bytes_get_size (bgra) >= stride * (height - 1) + (gsize) width * 4);

  resized = self->texture == NULL
            || gdk_texture_get_width (self->texture) != width
            || gdk_texture_get_height (self->texture) != height;
  /* Alpha is 255 in decoded video, so premultiplied is exact, and it is
   * the format GTK uploads without converting. */
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, bgra, stride);
  g_clear_object (&self->texture);
  self->texture = texture;
  self->n_frames++;

  if (resized)
    gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
}

void
hz_video_paintable_clear (HzVideoPaintable *self)
{
  g_return_if_fail (HZ_IS_VIDEO_PAINTABLE (self));

  if (self->texture == NULL)
    return;
  g_clear_object (&self->texture);
  gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
}

GdkTexture *
hz_video_paintable_get_texture (HzVideoPaintable *self)
{
  g_return_val_if_fail (HZ_IS_VIDEO_PAINTABLE (self), NULL);
  return self->texture;
}

guint64
hz_video_paintable_get_n_frames (HzVideoPaintable *self)
{
  g_return_val_if_fail (HZ_IS_VIDEO_PAINTABLE (self), 0);
  return self->n_frames;
}

static void
hz_video_paintable_dispose (GObject *object)
{
  HzVideoPaintable *self = HZ_VIDEO_PAINTABLE (object);

  g_clear_object (&self->texture);
  G_OBJECT_CLASS (hz_video_paintable_parent_class)->dispose (object);
}

static void
hz_video_paintable_class_init (HzVideoPaintableClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hz_video_paintable_dispose;
}

static void
hz_video_paintable_init (HzVideoPaintable *self)
{
}
