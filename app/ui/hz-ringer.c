/* hz-ringer.c: HzRinger: plays the Huizhen chime through GtkMediaFile
 * (GTK's GStreamer media backend; GSound is not in the Flatpak runtime).
 * The sound is in the GResource so a build run from its folder rings
 * too. Sound is a courtesy: a machine without audio output only loses
 * the sound, never a notification. */
#include "config.h"

#include "hz-ringer.h"

#define CHIME_RESOURCE "/cn/huizhen/Huizhen/sounds/huizhen-chime.oga"

struct _HzRinger
{
  GObject         parent_instance;

  GSettings      *settings;
  GtkMediaStream *stream;
  gboolean        ringing;     /* looping for a call */
};

G_DEFINE_FINAL_TYPE (HzRinger, hz_ringer, G_TYPE_OBJECT)

static gboolean
enabled (HzRinger *self)
{
  return self->settings == NULL || g_settings_get_boolean (self->settings, "notification-sound");
}

/* A fresh stream each time: a media file that has ended (or failed for
 * want of an audio device) starts cleanly again. */
static void
play (HzRinger *self,
      gboolean  loop)
{
  if (self->stream)
    gtk_media_stream_pause (self->stream);
  g_clear_object (&self->stream);
  self->stream = gtk_media_file_new_for_resource (CHIME_RESOURCE);
  gtk_media_stream_set_loop (self->stream, loop);
  gtk_media_stream_play (self->stream);
}

void
hz_ringer_chime (HzRinger *self)
{
  g_return_if_fail (HZ_IS_RINGER (self));

  /* A call ringing already says enough. */
  if (self->ringing || !enabled (self))
    return;
  play (self, FALSE);
}

void
hz_ringer_ring (HzRinger *self)
{
  g_return_if_fail (HZ_IS_RINGER (self));

  if (self->ringing || !enabled (self))
    return;
  self->ringing = TRUE;
  play (self, TRUE);
}

void
hz_ringer_stop (HzRinger *self)
{
  g_return_if_fail (HZ_IS_RINGER (self));

  self->ringing = FALSE;
  if (self->stream)
    {
      gtk_media_stream_set_loop (self->stream, FALSE);
      gtk_media_stream_pause (self->stream);
    }
}

gboolean
hz_ringer_is_ringing (HzRinger *self)
{
  return self->ringing;
}

GtkMediaStream *
hz_ringer_get_stream (HzRinger *self)
{
  return self->stream;
}

static void
hz_ringer_dispose (GObject *object)
{
  HzRinger *self = HZ_RINGER (object);

  if (self->stream)
    gtk_media_stream_pause (self->stream);
  g_clear_object (&self->stream);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (hz_ringer_parent_class)->dispose (object);
}

static void
hz_ringer_class_init (HzRingerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hz_ringer_dispose;
}

static void
hz_ringer_init (HzRinger *self)
{
}

HzRinger *
hz_ringer_new (GSettings *settings)
{
  HzRinger *self = g_object_new (HZ_TYPE_RINGER, NULL);

  if (settings)
    self->settings = g_object_ref (settings);
  return self;
}
