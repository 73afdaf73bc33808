/* test-call-netsim.c: a call over the bad link (384 kbit/s, 150 ms
 * RTT, 3 % random loss, a 50-packet queue) between two hz-call-peer
 * processes in their own network namespaces, the hub in A: the call
 * connects and holds, pictures and sound keep coming; a 10 s cut, and
 * after it media resumes in the same call. Needs root and namespaces. */
#include "config.h"

#include "hz-netcall.h"

/* Pictures and sound from the first picture on: the first 10 s are the
 * estimator finding the link (start-up), the next 15 s must be steady. */
#define SETTLE_MS        10000
#define STEADY_MS        15000
/* The longest time without a new picture we accept while the link is up.
 * At 3 % loss a lost packet costs a frame now and then, recovered by FEC,
 * a resend (one RTT, 150 ms) or at worst a keyframe request: the request's
 * round trip, up to 500 ms of the sender's keyframe throttle, and the
 * keyframe's own way through the 384 kbit/s queue, about 1 s all told.
 * 2 s allows one such request to fail and be repeated. (Gaps of 1.2 s
 * were seen on a moderately loaded machine; bench-call-netsim reports the
 * frozen time, which the target wants at 0.) */
#define MAX_GAP_MS       2000
/* Audio comes in 20 ms packets, 50 a second; loss and jitter take a few.
 * Counted at the decoder, second by second, so the relay queue's delay
 * swings show too: a second that receives 28 packets is followed by one
 * that receives 67 (two bench-call-netsim runs, four 30 s phases: averages
 * 48 a second, 3.1–3.8 % concealed, the poorest single seconds 28–35). A
 * real outage (a second of audio lost) still fails. */
#define MIN_AUDIO_PER_S  25
#define CUT_MS           10000
/* From restore to the first new picture on both sides. The transport is
 * kept through the cut, so media comes back one link delay after the
 * restore, and the first picture after one keyframe (forced by the sender
 * as soon as it hears the other side again): well under 1 s on a quiet
 * machine (bench-call-netsim measures it). The bound is 5 s, which fails
 * on any fallback to a new transport (its offer waits behind TCP's
 * back-off, then ICE and DTLS: 3–8 s) yet tolerates a loaded machine. */
#define RECOVERY_MS      5000
#define AFTER_MS         5000
/* When the steady phase found the machine overloaded (the peers waited
 * for a CPU longer than they ran), everything, the keyframe and the
 * transport's checks included, takes two to three times longer: seen
 * once, with both peers back only after 10 s while other builds ran. */
#define RECOVERY_LOADED_MS 15000

typedef struct {
  guint   frames;
  gint64  max_gap_us;
  gint64  first_us;   /* first picture in the window, 0 if none */
  int     width, height;
} FrameSummary;

static FrameSummary
frames_in (HzNetPeer *peer,
           gint64     from_us,
           gint64     to_us)
{
  FrameSummary s = { 0 };
  gint64 last = from_us;

  for (guint i = 0; i < peer->events->len; i++)
    {
      JsonObject *e = g_ptr_array_index (peer->events, i);
      gint64 t;

      if (!g_str_equal (hz_net_event_str (e, "event"), "frame"))
        continue;
      t = (gint64) hz_net_event_num (e, "t_us");
      if (t < from_us || t > to_us)
        continue;
      if (s.frames++ == 0)
        s.first_us = t;
      s.max_gap_us = MAX (s.max_gap_us, t - last);
      s.width = (int) hz_net_event_num (e, "width");
      s.height = (int) hz_net_event_num (e, "height");
      last = t;
    }
  s.max_gap_us = MAX (s.max_gap_us, to_us - last);
  return s;
}

/* The fewest audio packets decoded in any one-second report of the
 * window (the peer reports its running count every second). */
static guint
min_audio_per_s (HzNetPeer *peer,
                 gint64     from_us,
                 gint64     to_us,
                 guint     *reports)
{
  double prev = -1, prev_t = 0;
  guint least = G_MAXUINT;

  *reports = 0;
  for (guint i = 0; i < peer->events->len; i++)
    {
      JsonObject *e = g_ptr_array_index (peer->events, i);
      double t, n;

      if (!g_str_equal (hz_net_event_str (e, "event"), "audio"))
        continue;
      t = hz_net_event_num (e, "t_us");
      n = hz_net_event_num (e, "packets");
      if (t >= from_us && t <= to_us && prev >= 0)
        {
          /* per second, should a report come late */
          guint per_s = (guint) ((n - prev) * 1e6 / MAX (t - prev_t, 1e6));
          least = MIN (least, per_s);
          (*reports)++;
        }
      prev = n;
      prev_t = t;
    }
  return least;
}

static gboolean
ended (HzNetPeer *peer)
{
  for (guint i = 0; i < peer->events->len; i++)
    if (g_str_equal (hz_net_event_str (g_ptr_array_index (peer->events, i), "event"), "ended"))
      return TRUE;
  return FALSE;
}

static gint64
first_frame_after (HzNetPeer *peer,
                   gint64     after_us,
                   guint      timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint i = 0;

  for (;;)
    {
      for (; i < peer->events->len; i++)
        {
          JsonObject *e = g_ptr_array_index (peer->events, i);

          if (g_str_equal (hz_net_event_str (e, "event"), "frame") && hz_net_event_num (e, "t_us") > after_us)
            return (gint64) hz_net_event_num (e, "t_us");
        }
      if (peer->eof || g_get_monotonic_time () >= end)
        return 0;
      hz_netcall_pump (10);
    }
}

static void
pump_until (gint64 t_us)
{
  gint64 now = g_get_monotonic_time ();

  if (t_us > now)
    hz_netcall_pump ((guint) ((t_us - now) / 1000));
}

typedef struct {
  double run[2], wait[2];
} CpuSnapshot;

static void
cpu_snapshot (HzNetcall   *nc,
              CpuSnapshot *c)
{
  hz_net_peer_cpu (nc->caller, &c->run[0], &c->wait[0]);
  hz_net_peer_cpu (nc->callee, &c->run[1], &c->wait[1]);
}

/* The gap bound is for a machine that gives the peers a CPU when they need
 * one. When their threads waited for a CPU longer than they ran, the
 * pictures are late because of the load, not the link: the bound is then
 * MAX_GAP_LOADED_MS (and the audio bound MIN_AUDIO_LOADED) and the log
 * says so. The test's video is 320x180 (what the link carries anyway) to
 * keep the peers' own CPU need small. */
#define MAX_GAP_LOADED_MS 3500
#define MIN_AUDIO_LOADED  15

/* Returns whether the machine was overloaded over the phase. */
static gboolean
check_steady (HzNetcall         *nc,
              const char        *phase,
              gint64             from_us,
              gint64             to_us,
              const CpuSnapshot *before,
              gboolean           was_loaded)
{
  HzNetPeer *peers[] = { nc->caller, nc->callee };
  CpuSnapshot now;
  /* A machine found overloaded in an earlier phase of the same call is
   * judged so in this one too: seen, a first phase whose peers waited
   * 11 s for a CPU over 15 s, then 2.6 s over 5 s. */
  gboolean loaded = was_loaded;

  cpu_snapshot (nc, &now);
  for (guint k = 0; k < G_N_ELEMENTS (peers); k++)
    {
      double run = now.run[k] - before->run[k], wait = now.wait[k] - before->wait[k];

      g_test_message ("%s, %s: ran %.2f CPU-s and waited %.2f s for a CPU over %.1f s", phase,
                      peers[k]->name, run, wait, (to_us - from_us) / 1e6);
      loaded = loaded || wait > run;
    }
  if (loaded)
    g_test_message ("the machine is overloaded: the longest gap allowed is %d ms, not %d ms, "
                    "and at least %d audio packets a second, not %d",
                    MAX_GAP_LOADED_MS, MAX_GAP_MS, MIN_AUDIO_LOADED, MIN_AUDIO_PER_S);
  for (guint k = 0; k < G_N_ELEMENTS (peers); k++)
    {
      FrameSummary s = frames_in (peers[k], from_us, to_us);
      guint reports = 0;
      guint audio = min_audio_per_s (peers[k], from_us, to_us, &reports);

      g_test_message ("%s, %s receives: %u pictures in %.1f s (%.1f fps, %dx%d), longest gap %.0f ms, "
                      "at least %u audio packets a second",
                      phase, peers[k]->name, s.frames, (to_us - from_us) / 1e6,
                      s.frames * 1e6 / (to_us - from_us), s.width, s.height, s.max_gap_us / 1000.0, audio);
      g_assert_cmpuint (s.frames, >, 0);
      g_assert_cmpint (s.max_gap_us / 1000, <=, loaded ? MAX_GAP_LOADED_MS : MAX_GAP_MS);
      g_assert_cmpuint (reports, >=, (to_us - from_us) / G_USEC_PER_SEC - 2);
      g_assert_cmpuint (audio, >=, loaded ? MIN_AUDIO_LOADED : MIN_AUDIO_PER_S);
    }
  return loaded;
}

static void
test_bad_link_and_cut (void)
{
  const char * const link[] = { "--rate", "384kbit", "--delay", "75ms", "--loss", "3", "--queue", "50",
                                "--seed", "20261122", NULL };
  const char * const peer_args[] = { "--calls", "1", "--duration-ms", "0", "--width", "320", "--height", "180",
                                     "--fps", "30", "--stats", "--media-log", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(HzNetcall) nc = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *stats = NULL;
  gint64 t0, cut, restore, back_a, back_b, after;
  CpuSnapshot cpu;
  gboolean loaded;
  int recovery_ms;
  int i, j;

  if (!hz_netsim_available (&reason))
    {
      g_test_skip (reason);
      return;
    }
  nc = hz_netcall_up (link, &error);
  g_assert_no_error (error);
  g_assert_true (hz_netcall_start_call (nc, peer_args, &error));
  g_assert_no_error (error);

  /* connects */
  i = hz_net_peer_wait (nc->caller, 0, "first-frame", NULL, NULL, 30000);
  j = hz_net_peer_wait (nc->callee, 0, "first-frame", NULL, NULL, 10000);
  g_assert_cmpint (i, >=, 0);
  g_assert_cmpint (j, >=, 0);
  t0 = MAX ((gint64) hz_net_event_num (g_ptr_array_index (nc->caller->events, i), "t_us"),
            (gint64) hz_net_event_num (g_ptr_array_index (nc->callee->events, j), "t_us"));

  /* holds: pictures at a reduced rate and sound, both ways, steadily */
  pump_until (t0 + SETTLE_MS * 1000);
  cpu_snapshot (nc, &cpu);
  pump_until (t0 + (SETTLE_MS + STEADY_MS) * 1000 + 500 * 1000);
  g_assert_false (ended (nc->caller));
  g_assert_false (ended (nc->callee));
  g_assert_cmpstr (hz_net_peer_state (nc->caller), ==, "connected");
  g_assert_cmpstr (hz_net_peer_state (nc->callee), ==, "connected");
  loaded = check_steady (nc, "bad link", t0 + SETTLE_MS * 1000, t0 + (SETTLE_MS + STEADY_MS) * 1000, &cpu, FALSE);
  recovery_ms = loaded ? RECOVERY_LOADED_MS : RECOVERY_MS;

  /* a 10 s cut, both ways, signalling included */
  g_assert_true (hz_netsim_control (nc->net, "cut", &error));
  g_assert_no_error (error);
  cut = g_get_monotonic_time ();
  hz_netcall_pump (CUT_MS);
  g_assert_true (hz_netsim_control (nc->net, "restore", &error));
  g_assert_no_error (error);
  restore = g_get_monotonic_time ();
  g_assert_cmpstr (hz_net_peer_state (nc->caller), ==, "reconnecting");
  g_assert_cmpstr (hz_net_peer_state (nc->callee), ==, "reconnecting");

  /* media resumes in the same call */
  back_a = first_frame_after (nc->caller, restore, recovery_ms + 5000);
  back_b = first_frame_after (nc->callee, restore, recovery_ms + 5000);
  g_test_message ("cut for %.1f s; first new picture %.0f ms (%s) and %.0f ms (%s) after the restore",
                  (restore - cut) / 1e6, back_a ? (back_a - restore) / 1e3 : -1.0, nc->caller->name,
                  back_b ? (back_b - restore) / 1e3 : -1.0, nc->callee->name);
  g_assert_cmpint (back_a, >, 0);
  g_assert_cmpint (back_b, >, 0);
  if (loaded)
    g_test_message ("overloaded: recovery may take up to %d ms, not %d ms", RECOVERY_LOADED_MS, RECOVERY_MS);
  g_assert_cmpint ((back_a - restore) / 1000, <=, recovery_ms);
  g_assert_cmpint ((back_b - restore) / 1000, <=, recovery_ms);

  /* and holds again, from a second after the first picture */
  after = MAX (back_a, back_b) + G_USEC_PER_SEC;
  pump_until (after);
  cpu_snapshot (nc, &cpu);
  pump_until (after + AFTER_MS * 1000 + 500 * 1000);
  g_assert_false (ended (nc->caller));
  g_assert_false (ended (nc->callee));
  g_assert_cmpstr (hz_net_peer_state (nc->caller), ==, "connected");
  g_assert_cmpstr (hz_net_peer_state (nc->callee), ==, "connected");
  check_steady (nc, "after the cut", after, after + AFTER_MS * 1000, &cpu, loaded);

  stats = hz_netsim_stats (nc->net, &error);
  g_assert_no_error (error);
  g_test_message ("relay: %s", stats);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/call/netsim/bad-link-and-cut", test_bad_link_and_cut);
  return g_test_run ();
}
