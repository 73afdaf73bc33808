/* hz-shared-types.c: the plain structs of the data channel: view state,
 * annotation and message, with copy, free and equality. */
#include "config.h"

#include "hz-shared-message.h"

G_DEFINE_QUARK (hz-shared-view-error-quark, hz_shared_view_error)
G_DEFINE_BOXED_TYPE (HzSharedViewState, hz_shared_view_state, hz_shared_view_state_copy, hz_shared_view_state_free)
G_DEFINE_BOXED_TYPE (HzAnnotation, hz_annotation, hz_annotation_copy, hz_annotation_free)
G_DEFINE_BOXED_TYPE (HzSharedMessage, hz_shared_message, hz_shared_message_copy, hz_shared_message_free)

HzSharedViewState *
hz_shared_view_state_new (void)
{
  HzSharedViewState *state = g_new0 (HzSharedViewState, 1);

  state->zoom = 1.0;
  state->window_width = 1.0;
  return state;
}

HzSharedViewState *
hz_shared_view_state_copy (const HzSharedViewState *state)
{
  HzSharedViewState *copy;

  g_return_val_if_fail (state != NULL, NULL);

  copy = g_memdup2 (state, sizeof *state);
  copy->resource_id = g_strdup (state->resource_id);
  copy->study_uid = g_strdup (state->study_uid);
  return copy;
}

void
hz_shared_view_state_free (HzSharedViewState *state)
{
  if (state == NULL)
    return;
  g_free (state->resource_id);
  g_free (state->study_uid);
  g_free (state);
}

gboolean
hz_shared_view_state_equal (const HzSharedViewState *a,
                            const HzSharedViewState *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;
  if (a->has_window != b->has_window)
    return FALSE;
  if (a->has_window && (a->window_centre != b->window_centre || a->window_width != b->window_width))
    return FALSE;
  return a->resource == b->resource
         && g_strcmp0 (a->resource_id, b->resource_id) == 0
         && g_strcmp0 (a->study_uid, b->study_uid) == 0
         && a->slice == b->slice
         && a->zoom == b->zoom
         && a->pan_x == b->pan_x
         && a->pan_y == b->pan_y
         && !a->invert == !b->invert;
}

HzAnnotation *
hz_annotation_new (HzAnnotationKind  kind,
                   const char       *id)
{
  HzAnnotation *annotation = g_new0 (HzAnnotation, 1);

  annotation->kind = kind;
  annotation->id = g_strdup (id);
  return annotation;
}

HzAnnotation *
hz_annotation_copy (const HzAnnotation *annotation)
{
  HzAnnotation *copy;

  g_return_val_if_fail (annotation != NULL, NULL);

  copy = g_memdup2 (annotation, sizeof *annotation);
  copy->id = g_strdup (annotation->id);
  copy->series_uid = g_strdup (annotation->series_uid);
  copy->text = g_strdup (annotation->text);
  return copy;
}

void
hz_annotation_free (HzAnnotation *annotation)
{
  if (annotation == NULL)
    return;
  g_free (annotation->id);
  g_free (annotation->series_uid);
  g_free (annotation->text);
  g_free (annotation);
}

HzSharedMessage *
hz_shared_message_new (HzSharedMessageType type)
{
  HzSharedMessage *message = g_new0 (HzSharedMessage, 1);

  message->type = type;
  return message;
}

HzSharedMessage *
hz_shared_message_copy (const HzSharedMessage *message)
{
  HzSharedMessage *copy;

  g_return_val_if_fail (message != NULL, NULL);

  copy = g_memdup2 (message, sizeof *message);
  copy->view = message->view ? hz_shared_view_state_copy (message->view) : NULL;
  copy->annotation = message->annotation ? hz_annotation_copy (message->annotation) : NULL;
  copy->id = g_strdup (message->id);
  copy->text = g_strdup (message->text);
  return copy;
}

void
hz_shared_message_free (HzSharedMessage *message)
{
  if (message == NULL)
    return;
  hz_shared_view_state_free (message->view);
  hz_annotation_free (message->annotation);
  g_free (message->id);
  g_free (message->text);
  g_free (message);
}
