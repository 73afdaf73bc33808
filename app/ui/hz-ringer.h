/* hz-ringer.h: the chime (data/sounds/huizhen-chime.oga, in the
 * GResource) for new urgent requests, and looping for an incoming call. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HZ_TYPE_RINGER (hz_ringer_get_type ())

G_DECLARE_FINAL_TYPE (HzRinger, hz_ringer, HZ, RINGER, GObject)

/* @settings: where "notification-sound" says whether to make a sound
 * (NULL: always). */
HzRinger       *hz_ringer_new        (GSettings *settings);
/* Once: a new urgent request. */
void            hz_ringer_chime      (HzRinger  *self);
/* Over and over until hz_ringer_stop(): a call rings. */
void            hz_ringer_ring       (HzRinger  *self);
void            hz_ringer_stop       (HzRinger  *self);
gboolean        hz_ringer_is_ringing (HzRinger  *self);
/* The stream last played, or NULL if none was: for tests. */
GtkMediaStream *hz_ringer_get_stream (HzRinger  *self);

G_END_DECLS
