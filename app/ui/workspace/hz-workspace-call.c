/* hz-workspace-call.c: the workspace's video, call controls, quality
 * indicator and the banner for audio-only and reconnecting. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hz-workspace-private.h"

static void
set_banner (HzWorkspace *self,
            const char  *text)
{
  if (text != NULL)
    gtk_label_set_text (self->banner_label, text);
  gtk_revealer_set_reveal_child (self->banner_revealer, text != NULL);
}

/* What the call's state and quality look like: the status line, the
 * banner for audio-only and reconnecting, the quality label. Apart from
 * update_call so a test can show any state without a bad network. */
void
_hz_workspace_show_call_state (HzWorkspace   *self,
                               HzCallState    state,
                               HzCallQuality  quality)
{
  gboolean live = self->call != NULL && state != HZ_CALL_STATE_ENDED;
  const char *status = NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "workspace.mute", live);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "workspace.camera-off", live);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "workspace.hang-up", live);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "workspace.present", live);
  _hz_workspace_media_set_live (self, live);

  switch (state)
    {
    case HZ_CALL_STATE_IDLE:
      status = self->call ? _("Not connected") : _("No call: store-and-forward consult");
      break;
    case HZ_CALL_STATE_RINGING_OUT:
      status = _("Calling…");
      break;
    case HZ_CALL_STATE_RINGING_IN:
      status = _("Incoming call");
      break;
    case HZ_CALL_STATE_CONNECTING:
      status = _("Connecting…");
      break;
    case HZ_CALL_STATE_CONNECTED:
      status = quality == HZ_CALL_QUALITY_AUDIO_ONLY ? _("In call, audio only") : _("In call");
      break;
    case HZ_CALL_STATE_RECONNECTING:
      status = _("Reconnecting…");
      break;
    case HZ_CALL_STATE_ENDED:
    default:
      status = _("Call ended");
      break;
    }
  gtk_label_set_text (self->call_status_label, status);

  if (state == HZ_CALL_STATE_RECONNECTING || (live && quality == HZ_CALL_QUALITY_RECONNECTING))
    set_banner (self, _("The connection was lost. Reconnecting…"));
  else if (state == HZ_CALL_STATE_CONNECTED && quality == HZ_CALL_QUALITY_AUDIO_ONLY)
    set_banner (self, _("The network is too slow for video: audio only"));
  else
    set_banner (self, NULL);

  if (state != HZ_CALL_STATE_CONNECTED)
    gtk_label_set_text (self->quality_label, "");
  /* The banner says it louder; an empty label is no indicator. */
  gtk_widget_set_visible (GTK_WIDGET (self->quality_label),
                          state == HZ_CALL_STATE_CONNECTED &&
                          !gtk_revealer_get_reveal_child (self->banner_revealer) &&
                          *gtk_label_get_text (self->quality_label) != '\0');
  if (!live)
    {
      hz_video_paintable_clear (self->video);
      gtk_widget_set_visible (GTK_WIDGET (self->video_placeholder), TRUE);
    }
}

static void
update_call (HzWorkspace *self)
{
  HzCallState state = self->call ? hz_call_get_state (self->call) : HZ_CALL_STATE_IDLE;
  HzCallQuality quality = self->call ? hz_call_get_quality (self->call) : HZ_CALL_QUALITY_GOOD;

  _hz_workspace_show_call_state (self, state, quality);
}

static void
on_frame (HzCall             *call,
          const HzVideoFrame *frame,
          HzWorkspace        *self)
{
  hz_video_paintable_push_frame (self->video, frame->pixels, frame->width, frame->height, frame->stride);
  gtk_widget_set_visible (GTK_WIDGET (self->video_placeholder), FALSE);
}

static void
on_stats (HzCall            *call,
          const HzCallStats *stats,
          HzWorkspace       *self)
{
  g_autofree char *text = NULL;
  const char *verdict;

  switch (hz_call_get_quality (call))
    {
    case HZ_CALL_QUALITY_GOOD:
      verdict = _("Good connection");
      break;
    case HZ_CALL_QUALITY_POOR:
      verdict = _("Poor connection");
      break;
    case HZ_CALL_QUALITY_AUDIO_ONLY:
      verdict = _("Audio only");
      break;
    case HZ_CALL_QUALITY_RECONNECTING:
    default:
      verdict = _("Reconnecting");
      break;
    }
  if (stats->rtt_ms >= 0)
    text = g_strdup_printf (_("%s · %lld ms"), verdict, (long long) (stats->rtt_ms + 0.5));
  else
    text = g_strdup (verdict);
  gtk_label_set_text (self->quality_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->quality_label),
                          hz_call_get_state (call) == HZ_CALL_STATE_CONNECTED &&
                          !gtk_revealer_get_reveal_child (self->banner_revealer));
}

static void
on_muted (HzWorkspace *self)
{
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (gtk_widget_get_first_child (self->call_controls)),
                                hz_call_get_muted (self->call));
}

void
_hz_workspace_call_detach (HzWorkspace *self)
{
  if (self->call == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (self->call_ids); i++)
    g_clear_signal_handler (&self->call_ids[i], self->call);
  g_clear_object (&self->call);
}

void
hz_workspace_set_call (HzWorkspace *self,
                       HzCall      *call)
{
  g_return_if_fail (HZ_IS_WORKSPACE (self));
  g_return_if_fail (call == NULL || HZ_IS_CALL (call));

  if (self->call == call)
    {
      update_call (self);
      return;
    }
  _hz_workspace_call_detach (self);
  hz_shared_session_set_call (self->session, call);
  if (call != NULL)
    {
      self->call = g_object_ref (call);
      /* The call engine itself writes call.started and call.ended. */
      if (self->log != NULL)
        hz_call_set_consult_log (call, self->log, self->user_id);
      self->call_ids[HZ_WORKSPACE_CALL_FRAME] = g_signal_connect (call, "video-frame", G_CALLBACK (on_frame), self);
      self->call_ids[HZ_WORKSPACE_CALL_STATS] = g_signal_connect (call, "stats-updated", G_CALLBACK (on_stats), self);
      self->call_ids[HZ_WORKSPACE_CALL_STATE] = g_signal_connect_swapped (call, "notify::state", G_CALLBACK (update_call), self);
      self->call_ids[HZ_WORKSPACE_CALL_QUALITY] = g_signal_connect_swapped (call, "notify::quality", G_CALLBACK (update_call), self);
      self->call_ids[HZ_WORKSPACE_CALL_MUTED] = g_signal_connect_swapped (call, "notify::muted", G_CALLBACK (on_muted), self);
    }
  _hz_workspace_media_attach (self, call);
  update_call (self);
}

HzCall *
hz_workspace_get_call (HzWorkspace *self)
{
  g_return_val_if_fail (HZ_IS_WORKSPACE (self), NULL);
  return self->call;
}

static void
mute_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HzWorkspace *self = HZ_WORKSPACE (widget);

  if (self->call != NULL)
    hz_call_set_muted (self->call, !hz_call_get_muted (self->call));
}

static void
camera_off_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HzWorkspace *self = HZ_WORKSPACE (widget);
  gboolean off;

  if (self->call == NULL)
    return;
  off = !hz_call_get_camera_off (self->call);
  hz_call_set_camera_off (self->call, off);
  _hz_workspace_media_camera_changed (self, off);
}

static void
hang_up_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  HzWorkspace *self = HZ_WORKSPACE (widget);

  if (self->call != NULL)
    hz_call_hangup (self->call);
}

void
_hz_workspace_call_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "workspace.mute", NULL, mute_action);
  gtk_widget_class_install_action (widget_class, "workspace.camera-off", NULL, camera_off_action);
  gtk_widget_class_install_action (widget_class, "workspace.hang-up", NULL, hang_up_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "workspace.mute", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "workspace.camera-off", NULL);
  /* Two modifiers: a call does not end on a stray key. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_h, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "workspace.hang-up", NULL);
}
