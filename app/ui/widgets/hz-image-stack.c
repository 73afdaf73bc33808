/* hz-image-stack.c: the slices of one image series, decoded off the main
 * thread and cached, and windowed into textures for display.
 *
 * Decoding runs in a GTask thread, one frame at a time: a hostile
 * JPEG-LS frame can keep CharLS busy for seconds, and the viewer must
 * stay responsive meanwhile. Decoded frames stay cached within a memory
 * budget (the farthest from the slice being looked at go first), and
 * the windowed textures are kept per slice until the window changes, so
 * scrolling through a stack costs one texture upload per new slice. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>

#include "hz-dicom-image.h"
#include "hz-image-stack.h"

#define TAG_INSTANCE_NUMBER  HZ_DICOM_TAG (0x0020, 0x0013)
#define TAG_PIXEL_SPACING    HZ_DICOM_TAG (0x0028, 0x0030)
#define TAG_IMAGER_SPACING   HZ_DICOM_TAG (0x0018, 0x1164)

/* Decoded stored values are 4 bytes a pixel: 256 MiB holds over 250
 * slices of 512x512, plenty for reading a CT series back and forth. */
#define CACHE_BUDGET_BYTES   (256u * 1024 * 1024)

typedef struct {
  HzDicomImage *image;
  guint         frame;
  gint64        instance_number;
  HzDicomFrame *decoded;      /* NULL until decoded */
  GError       *error;        /* why decoding failed, if it did */
  GdkTexture   *texture;      /* for the window key below */
} Slice;

struct _HzImageStack
{
  GObject       parent_instance;

  char         *series_uid;
  GArray       *slices;       /* of Slice */
  gsize         cached_bytes;
  guint         wanted;       /* the slice asked for last */
  gboolean      decoding;
  GCancellable *cancellable;

  /* the window and inversion the cached textures were made with */
  gboolean      key_default;
  HzDicomWindow key_window;
  gboolean      key_invert;
};

G_DEFINE_FINAL_TYPE (HzImageStack, hz_image_stack, G_TYPE_OBJECT)

enum {
  SLICE_DECODED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void decode_next (HzImageStack *self);

static void
slice_clear (gpointer data)
{
  Slice *slice = data;

  g_clear_object (&slice->image);
  g_clear_pointer (&slice->decoded, hz_dicom_frame_free);
  g_clear_error (&slice->error);
  g_clear_object (&slice->texture);
}

static void
hz_image_stack_dispose (GObject *object)
{
  HzImageStack *self = HZ_IMAGE_STACK (object);

  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (hz_image_stack_parent_class)->dispose (object);
}

static void
hz_image_stack_finalize (GObject *object)
{
  HzImageStack *self = HZ_IMAGE_STACK (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->slices, g_array_unref);
  g_free (self->series_uid);
  G_OBJECT_CLASS (hz_image_stack_parent_class)->finalize (object);
}

static void
hz_image_stack_class_init (HzImageStackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hz_image_stack_dispose;
  object_class->finalize = hz_image_stack_finalize;

  /**
   * HzImageStack::slice-decoded:
   * @slice: its index; decoded or failed (see get_decode_error)
   */
  signals[SLICE_DECODED] =
    g_signal_new ("slice-decoded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
hz_image_stack_init (HzImageStack *self)
{
  self->slices = g_array_new (FALSE, TRUE, sizeof (Slice));
  g_array_set_clear_func (self->slices, slice_clear);
  self->cancellable = g_cancellable_new ();
  self->key_default = TRUE;
}

static int
compare_slices (gconstpointer a,
                gconstpointer b)
{
  const Slice *sa = a, *sb = b;

  if (sa->instance_number != sb->instance_number)
    return sa->instance_number < sb->instance_number ? -1 : 1;
  return sa->frame < sb->frame ? -1 : sa->frame > sb->frame;
}

HzImageStack *
hz_image_stack_new (const char  *series_uid,
                    GPtrArray   *datasets,
                    GError     **error)
{
  g_autoptr(HzImageStack) self = NULL;
  g_autoptr(GError) first_error = NULL;

  g_return_val_if_fail (datasets != NULL, NULL);

  self = g_object_new (HZ_TYPE_IMAGE_STACK, NULL);
  self->series_uid = g_strdup (series_uid);

  for (guint i = 0; i < datasets->len; i++)
    {
      HzDicomDataset *dataset = g_ptr_array_index (datasets, i);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(HzDicomImage) image = hz_dicom_image_new (dataset, &local_error);
      gint64 number = i;

      if (image == NULL)
        {
          /* A series may hold a non-image instance (a report, say):
           * skip it, but say why if nothing usable is left. */
          if (first_error == NULL)
            first_error = g_steal_pointer (&local_error);
          continue;
        }
      if (!hz_dicom_dataset_get_int (dataset, TAG_INSTANCE_NUMBER, 0, &number))
        number = i;
      for (guint f = 0; f < hz_dicom_image_get_n_frames (image); f++)
        {
          Slice slice = { g_object_ref (image), f, number, NULL, NULL, NULL };
          g_array_append_val (self->slices, slice);
        }
    }

  if (self->slices->len == 0)
    {
      if (first_error != NULL)
        g_propagate_error (error, g_steal_pointer (&first_error));
      else
        g_set_error_literal (error, HZ_DICOM_ERROR, HZ_DICOM_ERROR_MISSING,
                             _("The series holds no images."));
      return NULL;
    }
  g_array_sort (self->slices, compare_slices);
  return g_steal_pointer (&self);
}

const char *
hz_image_stack_get_series_uid (HzImageStack *self)
{
  g_return_val_if_fail (HZ_IS_IMAGE_STACK (self), NULL);
  return self->series_uid;
}

guint
hz_image_stack_get_n_slices (HzImageStack *self)
{
  g_return_val_if_fail (HZ_IS_IMAGE_STACK (self), 0);
  return self->slices->len;
}

static Slice *
get_slice (HzImageStack *self,
           guint         index)
{
  g_return_val_if_fail (HZ_IS_IMAGE_STACK (self), NULL);
  g_return_val_if_fail (index < self->slices->len, NULL);
  return &g_array_index (self->slices, Slice, index);
}

guint
hz_image_stack_get_rows (HzImageStack *self,
                         guint         index)
{
  Slice *slice = get_slice (self, index);
  return slice ? hz_dicom_image_get_rows (slice->image) : 0;
}

guint
hz_image_stack_get_columns (HzImageStack *self,
                            guint         index)
{
  Slice *slice = get_slice (self, index);
  return slice ? hz_dicom_image_get_columns (slice->image) : 0;
}

gboolean
hz_image_stack_is_colour (HzImageStack *self,
                          guint         index)
{
  Slice *slice = get_slice (self, index);
  return slice && hz_dicom_image_get_samples_per_pixel (slice->image) == 3;
}

HzDicomDataset *
hz_image_stack_get_dataset (HzImageStack *self,
                            guint         index)
{
  Slice *slice = get_slice (self, index);
  return slice ? hz_dicom_image_get_dataset (slice->image) : NULL;
}

gboolean
hz_image_stack_get_pixel_spacing (HzImageStack *self,
                                  guint         index,
                                  double       *row_mm,
                                  double       *column_mm)
{
  HzDicomDataset *dataset = hz_image_stack_get_dataset (self, index);
  const guint32 tags[] = { TAG_PIXEL_SPACING, TAG_IMAGER_SPACING };

  if (dataset == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    {
      double r, c;

      if (hz_dicom_dataset_get_double (dataset, tags[i], 0, &r)
          && hz_dicom_dataset_get_double (dataset, tags[i], 1, &c)
          && isfinite (r) && isfinite (c) && r > 0 && c > 0 && r < 1000 && c < 1000)
        {
          *row_mm = r;
          *column_mm = c;
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
hz_image_stack_get_default_window (HzImageStack  *self,
                                   guint          index,
                                   HzDicomWindow *window)
{
  Slice *slice = get_slice (self, index);
  double min, max;

  if (slice == NULL)
    return FALSE;
  if (hz_dicom_image_get_window (slice->image, 0, window) && window->width > 0)
    return TRUE;
  if (slice->decoded == NULL)
    return FALSE;
  /* The same fallback as hz_dicom_frame_render's, so the numbers shown
   * are the numbers used. */
  hz_dicom_frame_get_range (slice->decoded,
                            hz_dicom_image_get_rescale_slope (slice->image),
                            hz_dicom_image_get_rescale_intercept (slice->image),
                            &min, &max);
  window->centre = (min + max) / 2 + 0.5;
  window->width = max - min + 1;
  return TRUE;
}

static gsize
frame_bytes (const HzDicomFrame *frame)
{
  return hz_dicom_frame_get_n_values (frame) * sizeof (gint32);
}

/* Drop the decoded slices farthest from the one being looked at until
 * the cache is within its budget again. */
static void
trim_cache (HzImageStack *self)
{
  while (self->cached_bytes > CACHE_BUDGET_BYTES)
    {
      guint far = G_MAXUINT, far_distance = 0;

      for (guint i = 0; i < self->slices->len; i++)
        {
          Slice *slice = &g_array_index (self->slices, Slice, i);
          guint distance = i > self->wanted ? i - self->wanted : self->wanted - i;

          if (slice->decoded != NULL && distance > far_distance)
            {
              far = i;
              far_distance = distance;
            }
        }
      if (far == G_MAXUINT)
        break;
      {
        Slice *slice = &g_array_index (self->slices, Slice, far);

        self->cached_bytes -= frame_bytes (slice->decoded);
        g_clear_pointer (&slice->decoded, hz_dicom_frame_free);
      }
    }
}

typedef struct {
  HzDicomImage *image;
  guint         frame;
  guint         slice;
} DecodeJob;

static void
decode_job_free (gpointer data)
{
  DecodeJob *job = data;

  g_clear_object (&job->image);
  g_free (job);
}

static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  DecodeJob *job = task_data;
  GError *error = NULL;
  HzDicomFrame *frame = hz_dicom_image_decode_frame (job->image, job->frame, &error);

  if (frame == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, frame, (GDestroyNotify) hz_dicom_frame_free);
}

static void
decode_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HzImageStack) self = user_data;
  DecodeJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  HzDicomFrame *frame = g_task_propagate_pointer (G_TASK (result), &error);
  Slice *slice;

  self->decoding = FALSE;
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_pointer (&frame, hz_dicom_frame_free);
      return;
    }
  slice = &g_array_index (self->slices, Slice, job->slice);
  if (frame != NULL)
    {
      slice->decoded = frame;
      self->cached_bytes += frame_bytes (frame);
    }
  else
    {
      g_debug ("slice %u of a series failed to decode: %s", job->slice, error->message);
      slice->error = g_steal_pointer (&error);
    }
  g_signal_emit (self, signals[SLICE_DECODED], 0, job->slice);
  trim_cache (self);
  decode_next (self);
}

/* The nearest slice to the wanted one that is neither decoded nor
 * failed, as long as decoding it would not evict a nearer one. */
static guint
next_to_decode (HzImageStack *self)
{
  guint n = self->slices->len;

  for (guint d = 0; d < n; d++)
    {
      for (int sign = 1; sign >= -1; sign -= 2)
        {
          gint64 i = (gint64) self->wanted + sign * (gint64) d;
          Slice *slice;

          if (i < 0 || i >= n || (d == 0 && sign < 0))
            continue;
          slice = &g_array_index (self->slices, Slice, i);
          if (slice->decoded != NULL || slice->error != NULL)
            continue;
          if (d > 0 && self->cached_bytes + (gsize) hz_dicom_image_get_rows (slice->image)
                       * hz_dicom_image_get_columns (slice->image)
                       * hz_dicom_image_get_samples_per_pixel (slice->image) * 4 > CACHE_BUDGET_BYTES)
            return G_MAXUINT;
          return (guint) i;
        }
    }
  return G_MAXUINT;
}

static void
decode_next (HzImageStack *self)
{
  g_autoptr(GTask) task = NULL;
  DecodeJob *job;
  guint index;
  Slice *slice;

  if (self->decoding)
    return;
  index = next_to_decode (self);
  if (index == G_MAXUINT)
    return;
  slice = &g_array_index (self->slices, Slice, index);
  job = g_new0 (DecodeJob, 1);
  job->image = g_object_ref (slice->image);
  job->frame = slice->frame;
  job->slice = index;

  self->decoding = TRUE;
  task = g_task_new (self, self->cancellable, decode_done, g_object_ref (self));
  g_task_set_source_tag (task, decode_next);
  g_task_set_task_data (task, job, decode_job_free);
  g_task_run_in_thread (task, decode_thread);
}

const HzDicomFrame *
hz_image_stack_get_frame (HzImageStack *self,
                          guint         index)
{
  Slice *slice = get_slice (self, index);

  if (slice == NULL)
    return NULL;
  self->wanted = index;
  if (slice->decoded == NULL && slice->error == NULL)
    decode_next (self);
  return slice->decoded;
}

gboolean
hz_image_stack_get_decode_error (HzImageStack  *self,
                                 guint          index,
                                 GError       **error)
{
  Slice *slice = get_slice (self, index);

  if (slice == NULL || slice->error == NULL)
    return FALSE;
  if (error != NULL)
    *error = g_error_copy (slice->error);
  return TRUE;
}

/* Grey to RGB: GTK 4.8 has no single-channel memory format. */
static GdkTexture *
make_texture (const HzDicomFrame *frame,
              const guint8       *display,
              gboolean            invert)
{
  gsize n = (gsize) frame->rows * frame->columns;
  gsize stride = (gsize) frame->columns * 3;
  guint8 *rgb = g_malloc (n * 3);
  g_autoptr(GBytes) bytes = NULL;

  if (frame->samples_per_pixel == 3)
    {
      for (gsize i = 0; i < n * 3; i++)
        rgb[i] = invert ? 255 - display[i] : display[i];
    }
  else
    {
      guint8 *out = rgb;

      for (gsize i = 0; i < n; i++)
        {
          guint8 v = invert ? 255 - display[i] : display[i];

          *out++ = v;
          *out++ = v;
          *out++ = v;
        }
    }
  bytes = g_bytes_new_take (rgb, n * 3);
  return gdk_memory_texture_new (frame->columns, frame->rows, GDK_MEMORY_R8G8B8, bytes, stride);
}

static GdkTexture *
render_texture (HzImageStack        *self,
                guint                index,
                const HzDicomWindow *window,
                gboolean             invert)
{
  Slice *slice = get_slice (self, index);
  const HzDicomFrame *frame;
  g_autofree guint8 *display = NULL;
  HzDicomWindow default_window;
  gsize length;

  frame = hz_image_stack_get_frame (self, index);
  if (frame == NULL)
    return NULL;
  if (window == NULL && hz_image_stack_get_default_window (self, index, &default_window))
    window = &default_window;
  display = hz_dicom_frame_render (frame,
                                   hz_dicom_image_get_rescale_slope (slice->image),
                                   hz_dicom_image_get_rescale_intercept (slice->image),
                                   window, &length);
  return make_texture (frame, display, invert);
}

GdkTexture *
hz_image_stack_new_texture (HzImageStack        *self,
                            guint                index,
                            const HzDicomWindow *window,
                            gboolean             invert)
{
  if (get_slice (self, index) == NULL)
    return NULL;
  return render_texture (self, index, window, invert);
}

GdkTexture *
hz_image_stack_get_texture (HzImageStack        *self,
                            guint                index,
                            const HzDicomWindow *window,
                            gboolean             invert)
{
  Slice *slice = get_slice (self, index);

  if (slice == NULL)
    return NULL;

  /* A new window or inversion makes every cached texture stale. */
  if ((window == NULL) != self->key_default
      || (window != NULL && (window->centre != self->key_window.centre
                             || window->width != self->key_window.width))
      || !invert != !self->key_invert)
    {
      for (guint i = 0; i < self->slices->len; i++)
        g_clear_object (&g_array_index (self->slices, Slice, i).texture);
      self->key_default = window == NULL;
      if (window != NULL)
        self->key_window = *window;
      self->key_invert = invert;
    }
  if (slice->texture != NULL)
    {
      self->wanted = index;
      return slice->texture;
    }

  slice->texture = render_texture (self, index, window, invert);
  return slice->texture;
}
