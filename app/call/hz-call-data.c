/* hz-call-data.c: HzCall's data channel: the application's ordered JSON
 * messages and the engine's own pings (round-trip time, from which
 * hz-call-repair.c sets the jitter buffer latency). */
#include "config.h"

#include <string.h>

#include "hz-call-private.h"

typedef struct {
  HzCall *self;
  char   *text;
} TextJob;

static void
text_job_free (gpointer data)
{
  TextJob *job = data;
  g_free (job->text);
  g_free (job);
}

#define PING_PREFIX "{\"hz-call\":\"ping\",\"t\":"
#define PONG_PREFIX "{\"hz-call\":\"pong\",\"t\":"

/* The engine's own pings share the channel; they are answered here and
 * never reach the application. */
static gboolean
data_in_cb (gpointer user_data)
{
  TextJob *job = user_data;
  HzCall *self = job->self;

  if (self->state == HZ_CALL_STATE_ENDED)
    return G_SOURCE_REMOVE;
  if (g_str_has_prefix (job->text, PING_PREFIX))
    {
      g_autofree char *pong = g_strconcat (PONG_PREFIX, job->text + strlen (PING_PREFIX), NULL);
      _hz_call_media_send_data (self, pong, NULL);
    }
  else if (g_str_has_prefix (job->text, PONG_PREFIX))
    {
      gint64 sent = g_ascii_strtoll (job->text + strlen (PONG_PREFIX), NULL, 10);
      gint64 now = g_get_monotonic_time ();

      if (sent > 0 && sent <= now)
        {
          /* The least of the last five (ten seconds): a ping or pong lost
           * on a lossy link comes a second or more late, resent by SCTP,
           * and that is not the path's round trip (a 1.2 s sample set the
           * jitter buffer to 400 ms, then back, each time a glitch). */
          double least = (now - sent) / 1000.0;
          double sample = least, base = least;
          double previous = self->rtt_next > 0 ? self->rtt_recent[(self->rtt_next - 1) % G_N_ELEMENTS (self->rtt_recent)] : 0;

          /* A queue on the path shows as round trips above the path's own
           * (the least of the last half minute); the least of the last two
           * so one ping resent by SCTP does not read as a queue. The
           * estimator takes it as a sign of congestion (hz-call-webrtc.c). */
          self->rtt_window[self->rtt_next % G_N_ELEMENTS (self->rtt_window)] = sample;
          for (guint i = 0; i < G_N_ELEMENTS (self->rtt_window); i++)
            if (self->rtt_window[i] > 0)
              base = MIN (base, self->rtt_window[i]);
          /* (Over 1.5 s is a ping resent by SCTP after a loss or a cut,
           * not a queue this link could hold.) */
          if (sample < 1500)
            {
              self->queue_ms = MAX (0, (previous > 0 ? MIN (previous, sample) : sample) - base);
              self->queue_us = now;
            }
          self->rtt_recent[self->rtt_next++ % G_N_ELEMENTS (self->rtt_recent)] = least;
          for (guint i = 0; i < G_N_ELEMENTS (self->rtt_recent); i++)
            if (self->rtt_recent[i] > 0)
              least = MIN (least, self->rtt_recent[i]);
          self->stats.rtt_ms = least;
          _hz_call_repair_adapt_latency (self);
        }
    }
  else
    _hz_call_emit_data (self, job->text);
  return G_SOURCE_REMOVE;
}

static void
on_channel_message (GstWebRTCDataChannel *channel,
                    const char           *text,
                    gpointer              user_data)
{
  HzCall *self = user_data;
  TextJob *job = g_new0 (TextJob, 1);

  g_mutex_lock (&self->lock);
  self->last_media_us = g_get_monotonic_time ();
  g_mutex_unlock (&self->lock);
  job->self = self;
  job->text = g_strdup (text);
  _hz_call_invoke (self, data_in_cb, job, text_job_free);
}

static gboolean
flush_outgoing (gpointer user_data)
{
  HzCall *self = user_data;
  GstWebRTCDataChannelState ready = GST_WEBRTC_DATA_CHANNEL_STATE_CLOSED;
  char *text;

  if (self->channel == NULL)
    return G_SOURCE_REMOVE;
  g_object_get (self->channel, "ready-state", &ready, NULL);
  if (ready != GST_WEBRTC_DATA_CHANNEL_STATE_OPEN)
    return G_SOURCE_REMOVE;
  while ((text = g_queue_pop_head (&self->outgoing_data)))
    {
      g_autoptr(GError) error = NULL;

      if (!gst_webrtc_data_channel_send_string_full (self->channel, text, &error))
        g_warning ("call %s: data channel: %s", self->call_id, error->message);
      g_free (text);
    }
  return G_SOURCE_REMOVE;
}

static void
on_channel_open (GstWebRTCDataChannel *channel,
                 gpointer              user_data)
{
  _hz_call_invoke (user_data, flush_outgoing, user_data, NULL);
}

void
_hz_call_data_connect_channel (HzCall               *self,
                 GstWebRTCDataChannel *channel)
{
  g_signal_connect (channel, "on-message-string", G_CALLBACK (on_channel_message), self);
  g_signal_connect (channel, "on-open", G_CALLBACK (on_channel_open), self);
}

void
_hz_call_data_adopt_channel (HzCall               *self,
               GstWebRTCDataChannel *channel)
{
  if (self->channel)
    g_signal_handlers_disconnect_by_data (self->channel, self);
  g_set_object (&self->channel, channel);
  /* It may have opened already. */
  _hz_call_invoke (self, flush_outgoing, self, NULL);
}

typedef struct {
  HzCall               *self;
  GstWebRTCDataChannel *channel;
} ChannelJob;

static void
channel_job_free (gpointer data)
{
  ChannelJob *job = data;
  g_object_unref (job->channel);
  g_free (job);
}

static gboolean
adopt_channel_cb (gpointer data)
{
  ChannelJob *job = data;

  if (job->self->pipeline != NULL)
    _hz_call_data_adopt_channel (job->self, job->channel);
  return G_SOURCE_REMOVE;
}

void
_hz_call_data_on_data_channel (GstElement           *webrtc,
                 GstWebRTCDataChannel *channel,
                 gpointer              user_data)
{
  ChannelJob *job = g_new0 (ChannelJob, 1);

  job->self = user_data;
  job->channel = g_object_ref (channel);
  /* Connect at once, here, so no early message is missed; adopt later. */
  _hz_call_data_connect_channel (user_data, channel);
  _hz_call_invoke (user_data, adopt_channel_cb, job, channel_job_free);
}

gboolean
_hz_call_media_send_data (HzCall     *self,
                          const char *text,
                          GError    **error)
{
  g_queue_push_tail (&self->outgoing_data, g_strdup (text));
  flush_outgoing (self);
  return TRUE;
}
