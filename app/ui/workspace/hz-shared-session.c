/* hz-shared-session.c: the shared view over the call's data channel.
 *
 * It lives in app/ui (not app/call) because it drives HzImageView and
 * HzRecordView, and the call layer includes no widgets; it is a plain
 * GObject with no widgets of its own, so the workspace, the tests and the
 * benchmark all use the same one.
 *
 * The presenter sends its whole view state on every change (a few hundred
 * bytes), never deltas: a follower that missed one, joined late or comes
 * back to following needs nothing but the newest message. */
#include "config.h"

#include "hz-shared-session.h"

#define DEFAULT_POINTER_INTERVAL_MS 33   /* 30 Hz: smooth to the eye, a trickle on the wire */

struct _HzSharedSession
{
  GObject            parent_instance;
  char              *author;
  HzCall            *call;
  gulong             data_id;
  gulong             state_id;
  HzImageView       *image_view;
  gulong             view_changed_id, ann_added_id, ann_removed_id, pointer_id;
  HzRecordView      *record_view;
  gulong             section_id;
  HzSharedSeriesLookup lookup;
  gpointer           lookup_data;

  gboolean           presenting;
  gboolean           peer_presenting;
  gboolean           following;
  gboolean           peer_following;

  guint64            seq;            /* ours, for every message sent */
  guint64            peer_view_seq;  /* newest view applied or kept */
  guint64            peer_pointer_seq;
  HzSharedViewState *peer_view;      /* the presenter's newest view */
  GPtrArray         *annotations;    /* HzAnnotation: every one shared, either side */
  char              *record_section; /* what we show, when a record section */

  guint              pointer_interval_ms;
  gint64             pointer_sent_us;
  guint              pointer_source;
  gboolean           pointer_pending_visible;
  double             pointer_pending_x, pointer_pending_y;
  guint64            n_sent;
};

G_DEFINE_FINAL_TYPE (HzSharedSession, hz_shared_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PRESENTING,
  PROP_PEER_PRESENTING,
  PROP_FOLLOWING,
  PROP_PEER_FOLLOWING,
  N_PROPS
};

enum {
  VIEW_APPLIED,
  SHOW_RESOURCE,
  CHAT,
  ANNOTATION,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gboolean
send_message (HzSharedSession *self,
              HzSharedMessage *message,
              GError         **error)
{
  g_autofree char *text = NULL;

  if (self->call == NULL)
    {
      g_set_error_literal (error, HZ_CALL_ERROR, HZ_CALL_ERROR_NOT_OPEN, "no call");
      return FALSE;
    }
  message->seq = ++self->seq;
  text = hz_shared_message_serialize (message, error);
  if (text == NULL)
    return FALSE;
  if (!hz_call_send_data (self->call, text, error))
    return FALSE;
  self->n_sent++;
  return TRUE;
}

/* ---- presenter ---- */

static HzSharedViewState *
current_view (HzSharedSession *self)
{
  HzSharedViewState *state;

  if (self->record_section != NULL || self->image_view == NULL ||
      hz_image_view_get_stack (self->image_view) == NULL)
    {
      state = hz_shared_view_state_new ();
      if (self->record_section != NULL)
        {
          state->resource = HZ_SHARED_RESOURCE_RECORD_SECTION;
          state->resource_id = g_strdup (self->record_section);
        }
      return state;
    }
  return hz_image_view_get_state (self->image_view);
}

gboolean
hz_shared_session_send_view (HzSharedSession *self,
                             GError         **error)
{
  g_autoptr(HzSharedMessage) message = hz_shared_message_new (HZ_SHARED_MESSAGE_VIEW);

  g_return_val_if_fail (HZ_IS_SHARED_SESSION (self), FALSE);

  if (!self->presenting)
    return TRUE;
  message->view = current_view (self);
  return send_message (self, message, error);
}

static void
send_view_quietly (HzSharedSession *self)
{
  g_autoptr(GError) error = NULL;

  if (!hz_shared_session_send_view (self, &error))
    g_debug ("shared view not sent: %s", error->message);
}

static void
on_view_changed (HzImageView     *view,
                 HzSharedSession *self)
{
  /* The user went back to the images: the series is what is shown now. */
  g_clear_pointer (&self->record_section, g_free);
  send_view_quietly (self);
}

gboolean
hz_shared_session_show_record_section (HzSharedSession *self,
                                       const char      *section_id,
                                       GError         **error)
{
  g_return_val_if_fail (HZ_IS_SHARED_SESSION (self), FALSE);

  g_free (self->record_section);
  self->record_section = g_strdup (section_id);
  return hz_shared_session_send_view (self, error);
}

static void
on_section_changed (HzRecordView    *view,
                    const char      *section_id,
                    HzSharedSession *self)
{
  g_autoptr(GError) error = NULL;

  if (!hz_shared_session_show_record_section (self, section_id, &error))
    g_debug ("record section not shared: %s", error->message);
}

static gboolean
send_pointer_now (HzSharedSession *self)
{
  g_autoptr(HzSharedMessage) message = hz_shared_message_new (HZ_SHARED_MESSAGE_POINTER);
  g_autoptr(GError) error = NULL;

  message->pointer_visible = self->pointer_pending_visible;
  message->pointer_x = CLAMP (self->pointer_pending_x, -HZ_SHARED_VIEW_MAX_COORD, HZ_SHARED_VIEW_MAX_COORD);
  message->pointer_y = CLAMP (self->pointer_pending_y, -HZ_SHARED_VIEW_MAX_COORD, HZ_SHARED_VIEW_MAX_COORD);
  self->pointer_sent_us = g_get_monotonic_time ();
  if (!send_message (self, message, &error))
    g_debug ("pointer not sent: %s", error->message);
  return G_SOURCE_REMOVE;
}

static gboolean
pointer_timeout_cb (gpointer user_data)
{
  HzSharedSession *self = user_data;

  self->pointer_source = 0;
  send_pointer_now (self);
  return G_SOURCE_REMOVE;
}

static void
on_pointer_moved (HzImageView     *view,
                  double           x,
                  double           y,
                  gboolean         visible,
                  HzSharedSession *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 due;

  if (!self->presenting || self->call == NULL)
    return;
  self->pointer_pending_visible = visible;
  self->pointer_pending_x = x;
  self->pointer_pending_y = y;
  if (self->pointer_source != 0)
    return;   /* the pending send takes the newest position */
  due = self->pointer_sent_us + (gint64) self->pointer_interval_ms * 1000;
  /* Leaving the image always goes at once, so the peer's marker never
   * lingers where the presenter no longer points. */
  if (self->pointer_interval_ms == 0 || now >= due || !visible)
    send_pointer_now (self);
  else
    self->pointer_source = g_timeout_add ((guint) ((due - now + 999) / 1000),
                                          pointer_timeout_cb, self);
}

static void
on_annotation_added (HzImageView        *view,
                     const HzAnnotation *annotation,
                     HzSharedSession    *self)
{
  g_autoptr(HzSharedMessage) message = hz_shared_message_new (HZ_SHARED_MESSAGE_ANNOTATION_ADD);
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (self->annotations, hz_annotation_copy (annotation));
  g_signal_emit (self, signals[ANNOTATION], 0, FALSE, annotation);
  /* Annotations are shared whoever presents: they are content, not view. */
  if (self->call == NULL)
    return;
  message->annotation = hz_annotation_copy (annotation);
  if (!send_message (self, message, &error))
    g_debug ("annotation not sent: %s", error->message);
}

static void
forget_annotation (HzSharedSession *self,
                   const char      *id)
{
  for (guint i = 0; i < self->annotations->len; i++)
    {
      HzAnnotation *a = g_ptr_array_index (self->annotations, i);

      if (g_strcmp0 (a->id, id) == 0)
        {
          g_ptr_array_remove_index (self->annotations, i);
          return;
        }
    }
}

static void
on_annotation_removed (HzImageView     *view,
                       const char      *id,
                       HzSharedSession *self)
{
  g_autoptr(HzSharedMessage) message = hz_shared_message_new (HZ_SHARED_MESSAGE_ANNOTATION_REMOVE);
  g_autoptr(GError) error = NULL;

  forget_annotation (self, id);
  if (self->call == NULL)
    return;
  message->id = g_strdup (id);
  if (!send_message (self, message, &error))
    g_debug ("annotation removal not sent: %s", error->message);
}

static gboolean
send_control (HzSharedSession *self,
              HzSharedControl  control,
              GError         **error)
{
  g_autoptr(HzSharedMessage) message = hz_shared_message_new (HZ_SHARED_MESSAGE_CONTROL);

  message->control = control;
  return send_message (self, message, error);
}

gboolean
hz_shared_session_present (HzSharedSession *self,
                           GError         **error)
{
  g_return_val_if_fail (HZ_IS_SHARED_SESSION (self), FALSE);

  if (!send_control (self, HZ_SHARED_CONTROL_PRESENT, error))
    return FALSE;
  if (!self->presenting)
    {
      self->presenting = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENTING]);
    }
  if (self->peer_presenting)
    {
      self->peer_presenting = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_PRESENTING]);
    }
  return hz_shared_session_send_view (self, error);
}

void
hz_shared_session_stop_presenting (HzSharedSession *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (HZ_IS_SHARED_SESSION (self));

  if (!self->presenting)
    return;
  self->presenting = FALSE;
  g_clear_handle_id (&self->pointer_source, g_source_remove);
  if (self->call != NULL && !send_control (self, HZ_SHARED_CONTROL_STOP_PRESENTING, &error))
    g_debug ("stop-presenting not sent: %s", error->message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENTING]);
}

gboolean
hz_shared_session_send_chat (HzSharedSession *self,
                             const char      *text,
                             GError         **error)
{
  g_autoptr(HzSharedMessage) message = hz_shared_message_new (HZ_SHARED_MESSAGE_CHAT);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_return_val_if_fail (HZ_IS_SHARED_SESSION (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  message->text = g_strdup (text);
  message->id = g_strdup_printf ("%s-%" G_GUINT64_FORMAT, self->author, self->seq + 1);
  message->time_us = g_date_time_to_unix (now) * G_USEC_PER_SEC + g_date_time_get_microsecond (now);
  if (!send_message (self, message, error))
    return FALSE;
  g_signal_emit (self, signals[CHAT], 0, FALSE, text, message->time_us);
  return TRUE;
}

/* ---- follower ---- */

static void
apply_annotations_for_shown_series (HzSharedSession *self)
{
  HzImageStack *stack;
  GPtrArray *shown;

  if (self->image_view == NULL || (stack = hz_image_view_get_stack (self->image_view)) == NULL)
    return;
  shown = hz_image_view_get_annotations (self->image_view);
  for (guint i = 0; i < self->annotations->len; i++)
    {
      HzAnnotation *a = g_ptr_array_index (self->annotations, i);
      gboolean present = FALSE;

      if (g_strcmp0 (a->series_uid, hz_image_stack_get_series_uid (stack)) != 0)
        continue;
      for (guint j = 0; shown && j < shown->len && !present; j++)
        present = g_strcmp0 (((HzAnnotation *) g_ptr_array_index (shown, j))->id, a->id) == 0;
      if (!present)
        hz_image_view_add_annotation (self->image_view, a);
    }
}

void
hz_shared_session_reapply (HzSharedSession *self)
{
  HzSharedViewState *state;
  HzImageStack *stack;

  g_return_if_fail (HZ_IS_SHARED_SESSION (self));

  state = self->peer_view;
  if (state == NULL || !self->following || !self->peer_presenting)
    return;
  g_signal_emit (self, signals[SHOW_RESOURCE], 0, (int) state->resource, state->resource_id);
  if (state->resource == HZ_SHARED_RESOURCE_RECORD_SECTION)
    {
      if (self->record_view != NULL)
        hz_record_view_show_section (self->record_view, state->resource_id);
    }
  else if (state->resource == HZ_SHARED_RESOURCE_SERIES && self->image_view != NULL)
    {
      stack = hz_image_view_get_stack (self->image_view);
      if (stack == NULL || g_strcmp0 (hz_image_stack_get_series_uid (stack), state->resource_id) != 0)
        {
          HzImageStack *found = self->lookup ? self->lookup (state->resource_id, state->study_uid,
                                                             self->lookup_data) : NULL;
          if (found == NULL)
            return;   /* kept: reapply() once it has been loaded */
          hz_image_view_set_stack (self->image_view, found);
        }
      apply_annotations_for_shown_series (self);
      if (!hz_image_view_apply_state (self->image_view, state))
        return;
    }
  g_signal_emit (self, signals[VIEW_APPLIED], 0, (int) HZ_SHARED_MESSAGE_VIEW, self->peer_view_seq);
}

static void
receive_control (HzSharedSession *self,
                 HzSharedControl  control)
{
  switch (control)
    {
    case HZ_SHARED_CONTROL_PRESENT:
      if (self->presenting)
        {
          /* The last one to ask presents. */
          self->presenting = FALSE;
          g_clear_handle_id (&self->pointer_source, g_source_remove);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENTING]);
        }
      if (!self->peer_presenting)
        {
          self->peer_presenting = TRUE;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_PRESENTING]);
        }
      break;
    case HZ_SHARED_CONTROL_STOP_PRESENTING:
      if (self->peer_presenting)
        {
          self->peer_presenting = FALSE;
          if (self->image_view != NULL)
            hz_image_view_set_remote_pointer (self->image_view, FALSE, 0, 0);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_PRESENTING]);
        }
      break;
    case HZ_SHARED_CONTROL_FOLLOW:
    case HZ_SHARED_CONTROL_UNFOLLOW:
      if (self->peer_following != (control == HZ_SHARED_CONTROL_FOLLOW))
        {
          self->peer_following = control == HZ_SHARED_CONTROL_FOLLOW;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_FOLLOWING]);
        }
      break;
    default:
      break;
    }
}

gboolean
hz_shared_session_receive (HzSharedSession *self,
                           const char      *text,
                           GError         **error)
{
  g_autoptr(HzSharedMessage) message = NULL;

  g_return_val_if_fail (HZ_IS_SHARED_SESSION (self), FALSE);

  message = hz_shared_message_parse (text, -1, error);
  if (message == NULL)
    return FALSE;

  switch (message->type)
    {
    case HZ_SHARED_MESSAGE_VIEW:
      if (message->seq <= self->peer_view_seq)
        break;   /* older than what we have */
      self->peer_view_seq = message->seq;
      g_clear_pointer (&self->peer_view, hz_shared_view_state_free);
      self->peer_view = g_steal_pointer (&message->view);
      hz_shared_session_reapply (self);
      break;
    case HZ_SHARED_MESSAGE_POINTER:
      if (message->seq <= self->peer_pointer_seq)
        break;
      self->peer_pointer_seq = message->seq;
      if (self->image_view != NULL && self->following && self->peer_presenting)
        {
          hz_image_view_set_remote_pointer (self->image_view, message->pointer_visible,
                                            message->pointer_x, message->pointer_y);
          g_signal_emit (self, signals[VIEW_APPLIED], 0, (int) HZ_SHARED_MESSAGE_POINTER, message->seq);
        }
      break;
    case HZ_SHARED_MESSAGE_ANNOTATION_ADD:
      forget_annotation (self, message->annotation->id);
      g_ptr_array_add (self->annotations, hz_annotation_copy (message->annotation));
      if (self->image_view != NULL)
        apply_annotations_for_shown_series (self);
      g_signal_emit (self, signals[ANNOTATION], 0, TRUE, message->annotation);
      break;
    case HZ_SHARED_MESSAGE_ANNOTATION_REMOVE:
      forget_annotation (self, message->id);
      if (self->image_view != NULL)
        hz_image_view_remove_annotation (self->image_view, message->id);
      break;
    case HZ_SHARED_MESSAGE_CONTROL:
      receive_control (self, message->control);
      break;
    case HZ_SHARED_MESSAGE_CHAT:
      g_signal_emit (self, signals[CHAT], 0, TRUE, message->text, message->time_us);
      break;
    default:
      break;
    }
  return TRUE;
}

static void
on_data_received (HzCall          *call,
                  const char      *text,
                  HzSharedSession *self)
{
  g_autoptr(GError) error = NULL;

  /* Not a fatal matter: a newer peer may speak a newer version. */
  if (!hz_shared_session_receive (self, text, &error))
    g_debug ("shared-view message refused: %s", error->message);
}

static void
on_call_state (HzCall          *call,
               GParamSpec      *pspec,
               HzSharedSession *self)
{
  /* A (re)opened channel: whatever the peer missed, it gets now. */
  if (hz_call_get_state (call) == HZ_CALL_STATE_CONNECTED && self->presenting)
    {
      g_autoptr(GError) error = NULL;

      if (!send_control (self, HZ_SHARED_CONTROL_PRESENT, &error))
        g_debug ("present not sent: %s", error->message);
      send_view_quietly (self);
    }
}

/* ---- set-up ---- */

void
hz_shared_session_set_call (HzSharedSession *self,
                            HzCall          *call)
{
  g_return_if_fail (HZ_IS_SHARED_SESSION (self));

  if (self->call == call)
    return;
  if (self->call != NULL)
    {
      g_clear_signal_handler (&self->data_id, self->call);
      g_clear_signal_handler (&self->state_id, self->call);
    }
  g_set_object (&self->call, call);
  if (call != NULL)
    {
      self->data_id = g_signal_connect (call, "data-received", G_CALLBACK (on_data_received), self);
      self->state_id = g_signal_connect (call, "notify::state", G_CALLBACK (on_call_state), self);
    }
}

HzCall *
hz_shared_session_get_call (HzSharedSession *self)
{
  g_return_val_if_fail (HZ_IS_SHARED_SESSION (self), NULL);
  return self->call;
}

static void
disconnect_image_view (HzSharedSession *self)
{
  if (self->image_view == NULL)
    return;
  g_clear_signal_handler (&self->view_changed_id, self->image_view);
  g_clear_signal_handler (&self->ann_added_id, self->image_view);
  g_clear_signal_handler (&self->ann_removed_id, self->image_view);
  g_clear_signal_handler (&self->pointer_id, self->image_view);
  g_clear_object (&self->image_view);
}

void
hz_shared_session_set_image_view (HzSharedSession *self,
                                  HzImageView     *view)
{
  g_return_if_fail (HZ_IS_SHARED_SESSION (self));

  disconnect_image_view (self);
  if (view == NULL)
    return;
  self->image_view = g_object_ref (view);
  self->view_changed_id = g_signal_connect (view, "view-changed", G_CALLBACK (on_view_changed), self);
  self->ann_added_id = g_signal_connect (view, "annotation-added", G_CALLBACK (on_annotation_added), self);
  self->ann_removed_id = g_signal_connect (view, "annotation-removed", G_CALLBACK (on_annotation_removed), self);
  self->pointer_id = g_signal_connect (view, "pointer-moved", G_CALLBACK (on_pointer_moved), self);
}

void
hz_shared_session_set_record_view (HzSharedSession *self,
                                   HzRecordView    *view)
{
  g_return_if_fail (HZ_IS_SHARED_SESSION (self));

  if (self->record_view != NULL)
    g_clear_signal_handler (&self->section_id, self->record_view);
  g_set_object (&self->record_view, view);
  if (view != NULL)
    self->section_id = g_signal_connect (view, "section-changed", G_CALLBACK (on_section_changed), self);
}

void
hz_shared_session_set_series_lookup (HzSharedSession     *self,
                                     HzSharedSeriesLookup lookup,
                                     gpointer             user_data)
{
  g_return_if_fail (HZ_IS_SHARED_SESSION (self));
  self->lookup = lookup;
  self->lookup_data = user_data;
}

void
hz_shared_session_set_following (HzSharedSession *self,
                                 gboolean         following)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (HZ_IS_SHARED_SESSION (self));

  following = !!following;
  if (self->following == following)
    return;
  self->following = following;
  if (self->call != NULL &&
      !send_control (self, following ? HZ_SHARED_CONTROL_FOLLOW : HZ_SHARED_CONTROL_UNFOLLOW, &error))
    g_debug ("follow state not sent: %s", error->message);
  if (!following && self->image_view != NULL)
    hz_image_view_set_remote_pointer (self->image_view, FALSE, 0, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOWING]);
  if (following)
    hz_shared_session_reapply (self);
}

gboolean
hz_shared_session_get_presenting (HzSharedSession *self)
{
  g_return_val_if_fail (HZ_IS_SHARED_SESSION (self), FALSE);
  return self->presenting;
}

gboolean
hz_shared_session_get_peer_presenting (HzSharedSession *self)
{
  g_return_val_if_fail (HZ_IS_SHARED_SESSION (self), FALSE);
  return self->peer_presenting;
}

gboolean
hz_shared_session_get_following (HzSharedSession *self)
{
  g_return_val_if_fail (HZ_IS_SHARED_SESSION (self), FALSE);
  return self->following;
}

gboolean
hz_shared_session_get_peer_following (HzSharedSession *self)
{
  g_return_val_if_fail (HZ_IS_SHARED_SESSION (self), FALSE);
  return self->peer_following;
}

void
hz_shared_session_set_pointer_interval (HzSharedSession *self,
                                        guint            interval_ms)
{
  g_return_if_fail (HZ_IS_SHARED_SESSION (self));
  self->pointer_interval_ms = interval_ms;
}

guint64
hz_shared_session_get_n_sent (HzSharedSession *self)
{
  g_return_val_if_fail (HZ_IS_SHARED_SESSION (self), 0);
  return self->n_sent;
}

static void
hz_shared_session_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  HzSharedSession *self = HZ_SHARED_SESSION (object);

  switch (prop_id)
    {
    case PROP_PRESENTING:
      g_value_set_boolean (value, self->presenting);
      break;
    case PROP_PEER_PRESENTING:
      g_value_set_boolean (value, self->peer_presenting);
      break;
    case PROP_FOLLOWING:
      g_value_set_boolean (value, self->following);
      break;
    case PROP_PEER_FOLLOWING:
      g_value_set_boolean (value, self->peer_following);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hz_shared_session_dispose (GObject *object)
{
  HzSharedSession *self = HZ_SHARED_SESSION (object);

  g_clear_handle_id (&self->pointer_source, g_source_remove);
  hz_shared_session_set_call (self, NULL);
  disconnect_image_view (self);
  hz_shared_session_set_record_view (self, NULL);
  G_OBJECT_CLASS (hz_shared_session_parent_class)->dispose (object);
}

static void
hz_shared_session_finalize (GObject *object)
{
  HzSharedSession *self = HZ_SHARED_SESSION (object);

  g_free (self->author);
  g_free (self->record_section);
  g_clear_pointer (&self->peer_view, hz_shared_view_state_free);
  g_ptr_array_unref (self->annotations);
  G_OBJECT_CLASS (hz_shared_session_parent_class)->finalize (object);
}

static void
hz_shared_session_class_init (HzSharedSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = hz_shared_session_get_property;
  object_class->dispose = hz_shared_session_dispose;
  object_class->finalize = hz_shared_session_finalize;

  properties[PROP_PRESENTING] =
    g_param_spec_boolean ("presenting", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PEER_PRESENTING] =
    g_param_spec_boolean ("peer-presenting", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOLLOWING] =
    g_param_spec_boolean ("following", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PEER_FOLLOWING] =
    g_param_spec_boolean ("peer-following", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (HzSharedMessageType type, guint64 seq): the presenter's view or
   * pointer is now on this side's viewer. */
  signals[VIEW_APPLIED] =
    g_signal_new ("view-applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_UINT64);
  /* (HzSharedResource resource, const char *id): the presenter shows this;
   * the workspace brings the right page forward. */
  signals[SHOW_RESOURCE] =
    g_signal_new ("show-resource", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);
  /* (gboolean incoming, const char *text, gint64 time_us) */
  signals[CHAT] =
    g_signal_new ("chat", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_BOOLEAN, G_TYPE_STRING, G_TYPE_INT64);
  /* (gboolean incoming, HzAnnotation *annotation): one added, by either side. */
  signals[ANNOTATION] =
    g_signal_new ("annotation", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_BOOLEAN,
                  HZ_TYPE_ANNOTATION | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
hz_shared_session_init (HzSharedSession *self)
{
  self->following = TRUE;
  self->peer_following = TRUE;
  self->pointer_interval_ms = DEFAULT_POINTER_INTERVAL_MS;
  self->annotations = g_ptr_array_new_with_free_func ((GDestroyNotify) hz_annotation_free);
}

HzSharedSession *
hz_shared_session_new (const char *author)
{
  HzSharedSession *self = g_object_new (HZ_TYPE_SHARED_SESSION, NULL);

  self->author = g_strdup (author != NULL ? author : "me");
  return self;
}
