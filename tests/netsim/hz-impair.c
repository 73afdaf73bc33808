/* hz-impair.c: the project's own link impairment relay. It bridges raw
 * Ethernet frames between two interfaces (AF_PACKET) and imposes, per
 * direction, a bit rate, a one-way delay, random loss, a bounded queue and a
 * cut that can be switched at run time. This kernel has no netem, so the bad
 * network tests and the impaired-link benchmark use this instead. */
#define _GNU_SOURCE
#include <glib.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

#define MAX_FRAME 65536
/* Frames read per wake-up before due frames are sent again: a long burst
 * must not hold back frames whose departure time has come. */
#define READ_BATCH 32

typedef struct {
  guint64  rate_bps;   /* 0: unlimited */
  gint64   delay_ns;
  double   loss;       /* probability, 0..1 */
  guint    queue;      /* packets waiting or being serialised; 0: unbounded */
  guint    overhead;   /* bytes added to each frame for the rate (e.g. 24 for
                        * preamble, FCS and inter-frame gap) */
  gboolean cut;
} LinkParams;

typedef struct {
  gint64  in_ns;
  gint64  tx_end_ns;   /* last bit leaves the bottleneck */
  gint64  depart_ns;   /* tx_end + delay: written to the far interface */
  guint64 seq;
  gsize   len;
  guint8  data[];
} Packet;

typedef struct {
  const char *name;
  LinkParams  p;
  GRand      *rand;
  GQueue      queue;          /* Packet*, in departure order */
  gint64      link_free_ns;   /* the bottleneck is busy until then */
  gint64      last_depart_ns; /* departures never overtake each other */
  int         in_fd;
  int         out_fd;
  guint64     seq;
  guint64     forwarded, bytes, lost, queue_drops, cut_drops, send_errors,
              kernel_drops;
  guint       max_queue;
} Direction;

static FILE *trace_file;
/* The last control command's failure, reported in the next stats file so
 * that netsim.sh can fail the command that caused it. */
static char *control_error;

static gint64
mono_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

/* Values: rate "384kbit", "1.5mbit", "2000000" (bit/s), "0" unlimited;
 * delay "75ms", "500us", "75" (ms); loss "3%" or "3" (percent);
 * queue "50" (packets, 0 unbounded); overhead "24" (bytes). */
static gboolean
parse_number (const char *s, double *out, const char **unit)
{
  char *end = NULL;

  errno = 0;
  *out = g_ascii_strtod (s, &end);
  if (errno != 0 || end == s || *out < 0)
    return FALSE;
  *unit = end;
  return TRUE;
}

static gboolean
apply_setting (LinkParams *p, const char *key, const char *value, GError **error)
{
  double v;
  const char *unit;

  if (!parse_number (value, &v, &unit))
    goto bad;

  if (g_str_equal (key, "rate"))
    {
      double mul;
      if (*unit == '\0' || g_ascii_strcasecmp (unit, "bit") == 0)
        mul = 1;
      else if (g_ascii_strcasecmp (unit, "kbit") == 0)
        mul = 1e3;
      else if (g_ascii_strcasecmp (unit, "mbit") == 0)
        mul = 1e6;
      else
        goto bad;
      p->rate_bps = (guint64) (v * mul + 0.5);
    }
  else if (g_str_equal (key, "delay"))
    {
      double mul;
      if (*unit == '\0' || g_ascii_strcasecmp (unit, "ms") == 0)
        mul = 1e6;
      else if (g_ascii_strcasecmp (unit, "us") == 0)
        mul = 1e3;
      else if (g_ascii_strcasecmp (unit, "s") == 0)
        mul = 1e9;
      else
        goto bad;
      p->delay_ns = (gint64) (v * mul + 0.5);
    }
  else if (g_str_equal (key, "loss"))
    {
      if (!(*unit == '\0' || g_str_equal (unit, "%")) || v > 100)
        goto bad;
      p->loss = v / 100.0;
    }
  else if (g_str_equal (key, "queue") || g_str_equal (key, "overhead"))
    {
      if (*unit != '\0' || v != (guint) v)
        goto bad;
      if (key[0] == 'q')
        p->queue = (guint) v;
      else
        p->overhead = (guint) v;
    }
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "unknown link setting '%s' (rate, delay, loss, queue, overhead)", key);
      return FALSE;
    }
  return TRUE;

bad:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "bad value '%s' for %s", value, key);
  return FALSE;
}

/* A spec is "key=value" items separated by commas or spaces. */
static gboolean
apply_spec (LinkParams *p, const char *spec, GError **error)
{
  g_auto(GStrv) items = g_regex_split_simple ("[,\\s]+", spec, 0, 0);

  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *eq;
      g_autofree char *key = NULL;

      if (items[i][0] == '\0')
        continue;
      eq = strchr (items[i], '=');
      if (eq == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "link setting '%s' is not key=value", items[i]);
          return FALSE;
        }
      key = g_strndup (items[i], eq - items[i]);
      if (!apply_setting (p, key, eq + 1, error))
        return FALSE;
    }
  return TRUE;
}

static guint
backlog (Direction *d, gint64 now)
{
  guint n = 0;

  /* tx_end grows along the queue: count from the tail until a frame that
   * has already left the bottleneck. */
  for (GList *l = d->queue.tail; l != NULL; l = l->prev)
    {
      Packet *pk = l->data;
      if (pk->tx_end_ns <= now)
        break;
      n++;
    }
  return n;
}

static void
trace (Direction *d, Packet *pk, guint64 seq, gsize len, gint64 in_ns,
       gint64 sched_ns, gint64 out_ns, const char *fate)
{
  if (trace_file == NULL)
    return;
  fprintf (trace_file, "%s %" G_GUINT64_FORMAT " %zu %" G_GINT64_FORMAT
           " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %s\n",
           d->name, seq, len, in_ns, sched_ns, out_ns, fate);
}

static void
enqueue (Direction *d, const guint8 *frame, gsize len, gint64 now)
{
  guint64 seq = d->seq++;
  guint n;
  Packet *pk;
  gint64 start;

  if (d->p.cut)
    {
      d->cut_drops++;
      trace (d, NULL, seq, len, now, 0, 0, "cut");
      return;
    }
  if (d->p.loss > 0 && g_rand_double (d->rand) < d->p.loss)
    {
      d->lost++;
      trace (d, NULL, seq, len, now, 0, 0, "loss");
      return;
    }
  n = backlog (d, now);
  if (d->p.queue > 0 && n >= d->p.queue)
    {
      d->queue_drops++;
      trace (d, NULL, seq, len, now, 0, 0, "queue");
      return;
    }

  pk = g_malloc (sizeof (Packet) + len);
  memcpy (pk->data, frame, len);
  pk->len = len;
  pk->seq = seq;
  pk->in_ns = now;
  start = MAX (now, d->link_free_ns);
  if (d->p.rate_bps > 0)
    pk->tx_end_ns = start + (gint64) ((len + d->p.overhead) * 8 * G_GUINT64_CONSTANT (1000000000)
                                      / d->p.rate_bps);
  else
    pk->tx_end_ns = start;
  d->link_free_ns = pk->tx_end_ns;
  pk->depart_ns = MAX (pk->tx_end_ns + d->p.delay_ns, d->last_depart_ns);
  d->last_depart_ns = pk->depart_ns;
  g_queue_push_tail (&d->queue, pk);
  d->max_queue = MAX (d->max_queue, n + 1);
}

static void
send_due (Direction *d, gint64 now)
{
  Packet *pk;

  while ((pk = g_queue_peek_head (&d->queue)) != NULL && pk->depart_ns <= now)
    {
      g_queue_pop_head (&d->queue);
      /* A cut also loses what was on the wire when it started. */
      if (d->p.cut)
        {
          d->cut_drops++;
          trace (d, pk, pk->seq, pk->len, pk->in_ns, pk->depart_ns, 0, "cut");
        }
      else if (send (d->out_fd, pk->data, pk->len, 0) < 0)
        {
          d->send_errors++;
          trace (d, pk, pk->seq, pk->len, pk->in_ns, pk->depart_ns, 0, "error");
        }
      else
        {
          d->forwarded++;
          d->bytes += pk->len;
          if (trace_file != NULL)
            trace (d, pk, pk->seq, pk->len, pk->in_ns, pk->depart_ns, mono_ns (), "fwd");
        }
      g_free (pk);
    }
}

static void
update_kernel_drops (Direction *d)
{
  struct tpacket_stats st = { 0 };
  socklen_t sl = sizeof st;

  /* Reading the statistics resets them, so they are accumulated. */
  if (getsockopt (d->in_fd, SOL_PACKET, PACKET_STATISTICS, &st, &sl) == 0)
    d->kernel_drops += st.tp_drops;
}

static char *
format_counters (Direction *dirs)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < 2; i++)
    {
      Direction *d = &dirs[i];
      update_kernel_drops (d);
      g_string_append_printf (s, "%s forwarded=%" G_GUINT64_FORMAT " bytes=%" G_GUINT64_FORMAT
                              " lost=%" G_GUINT64_FORMAT " queue_drops=%" G_GUINT64_FORMAT
                              " cut_drops=%" G_GUINT64_FORMAT " max_queue=%u queued=%u"
                              " send_errors=%" G_GUINT64_FORMAT " kernel_drops=%" G_GUINT64_FORMAT
                              " cut=%d rate=%" G_GUINT64_FORMAT " delay_us=%" G_GINT64_FORMAT
                              " loss=%g queue=%u\n",
                              d->name, d->forwarded, d->bytes, d->lost, d->queue_drops,
                              d->cut_drops, d->max_queue, d->queue.length, d->send_errors,
                              d->kernel_drops, d->p.cut, d->p.rate_bps, d->p.delay_ns / 1000,
                              d->p.loss * 100, d->p.queue);
    }
  return g_string_free (s, FALSE);
}

static void
set_cut (Direction *dirs, int which, gboolean cut)
{
  for (guint i = 0; i < 2; i++)
    if (which < 0 || (guint) which == i)
      dirs[i].p.cut = cut;
  g_print ("hz-impair: %s %s at %" G_GINT64_FORMAT " ns\n", cut ? "cut" : "restore",
           which < 0 ? "both" : dirs[which].name, mono_ns ());
}

/* Control commands, one per line:
 *   cut [a2b|b2a|both]       drop everything (also frames in flight)
 *   restore [a2b|b2a|both]
 *   set [a2b|b2a|both] rate=… delay=… loss=… queue=… overhead=…
 *   stats FILE               write the counters to FILE (atomically)
 */
static void
control_line (Direction *dirs, const char *line)
{
  g_auto(GStrv) words = g_strsplit_set (g_strstrip ((char *) line), " \t", 3);
  int which = -1;
  guint arg = 1;

  if (words[0] == NULL || words[0][0] == '\0')
    return;
  if (words[1] != NULL)
    {
      if (g_str_equal (words[1], "a2b"))
        which = 0, arg = 2;
      else if (g_str_equal (words[1], "b2a"))
        which = 1, arg = 2;
      else if (g_str_equal (words[1], "both"))
        arg = 2;
    }

  if (g_str_equal (words[0], "cut"))
    set_cut (dirs, which, TRUE);
  else if (g_str_equal (words[0], "restore"))
    set_cut (dirs, which, FALSE);
  else if (g_str_equal (words[0], "set"))
    {
      g_autofree char *spec = NULL;

      /* The split stopped at three fields: re-join what follows the verb. */
      spec = g_strjoinv (" ", words + MIN (arg, g_strv_length (words)));
      for (guint i = 0; i < 2; i++)
        {
          g_autoptr(GError) error = NULL;
          LinkParams p = dirs[i].p;

          if (which >= 0 && (guint) which != i)
            continue;
          if (!apply_spec (&p, spec, &error))
            {
              g_printerr ("hz-impair: set: %s\n", error->message);
              g_free (control_error);
              control_error = g_strdup_printf ("set: %s", error->message);
              return;
            }
          dirs[i].p = p;
        }
      g_print ("hz-impair: set %s %s\n", which < 0 ? "both" : dirs[which].name, spec);
    }
  else if (g_str_equal (words[0], "stats") && words[1] != NULL)
    {
      g_autofree char *path = g_strjoinv (" ", words + 1);
      g_autofree char *counters = format_counters (dirs);
      g_autofree char *text = NULL;
      g_autoptr(GError) error = NULL;

      text = control_error ? g_strdup_printf ("error: %s\n%s", control_error, counters)
                           : g_strdup (counters);
      g_clear_pointer (&control_error, g_free);
      /* Readers of the trace get everything up to now. */
      if (trace_file != NULL)
        fflush (trace_file);
      if (!g_file_set_contents (path, text, -1, &error))
        g_printerr ("hz-impair: stats: %s\n", error->message);
    }
  else
    {
      g_printerr ("hz-impair: unknown control command '%s'\n", line);
      g_free (control_error);
      control_error = g_strdup_printf ("unknown control command '%s'", line);
    }
  fflush (stdout);
}

static int
open_packet_socket (const char *ifname, GError **error)
{
  struct sockaddr_ll sll = { 0 };
  struct packet_mreq mr = { 0 };
  int one = 1, buf = 8 << 20;
  unsigned int ifindex = if_nametoindex (ifname);
  int fd;

  if (ifindex == 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   "no interface %s: %s", ifname, g_strerror (errno));
      return -1;
    }
  /* Protocol 0 receives nothing until bind, so no frame of another
   * interface slips in between. */
  fd = socket (AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   "AF_PACKET socket: %s (needs CAP_NET_RAW)", g_strerror (errno));
      return -1;
    }
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = g_htons (ETH_P_ALL);
  sll.sll_ifindex = (int) ifindex;
  if (bind (fd, (struct sockaddr *) &sll, sizeof sll) < 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   "bind to %s: %s", ifname, g_strerror (errno));
      close (fd);
      return -1;
    }
  mr.mr_ifindex = (int) ifindex;
  mr.mr_type = PACKET_MR_PROMISC;
  if (setsockopt (fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) < 0)
    g_printerr ("hz-impair: promiscuous mode on %s: %s\n", ifname, g_strerror (errno));
  /* Our own writes on this interface must not come back as input. */
  if (setsockopt (fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) < 0)
    g_printerr ("hz-impair: PACKET_IGNORE_OUTGOING: %s\n", g_strerror (errno));
  /* A burst must reach our queue model, not die in the socket buffer. */
  if (setsockopt (fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf) < 0)
    setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  if (setsockopt (fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof buf) < 0)
    setsockopt (fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
  return fd;
}

static void
read_frames (Direction *d, guint8 *buf)
{
  for (guint i = 0; i < READ_BATCH; i++)
    {
      struct sockaddr_ll from;
      socklen_t fl = sizeof from;
      ssize_t n = recvfrom (d->in_fd, buf, MAX_FRAME, MSG_DONTWAIT,
                            (struct sockaddr *) &from, &fl);
      if (n < 0)
        {
          if (errno != EAGAIN && errno != EINTR)
            g_printerr ("hz-impair: recv: %s\n", g_strerror (errno));
          return;
        }
      if (from.sll_pkttype == PACKET_OUTGOING)
        continue;
      enqueue (d, buf, (gsize) n, mono_ns ());
    }
}

static char *opt_if_a, *opt_if_b, *opt_rate, *opt_delay, *opt_loss, *opt_queue,
            *opt_overhead, *opt_a2b, *opt_b2a, *opt_control, *opt_pidfile, *opt_trace;
static gint64 opt_seed = -1;
static int opt_owner;
static gboolean opt_realtime;

static const GOptionEntry entries[] = {
  { "if-a", 0, 0, G_OPTION_ARG_STRING, &opt_if_a, "Interface towards peer A", "IF" },
  { "if-b", 0, 0, G_OPTION_ARG_STRING, &opt_if_b, "Interface towards peer B", "IF" },
  { "rate", 0, 0, G_OPTION_ARG_STRING, &opt_rate, "Bit rate each way: 384kbit, 2mbit, 0 = unlimited", "RATE" },
  { "delay", 0, 0, G_OPTION_ARG_STRING, &opt_delay, "One-way delay each way: 75ms, 500us", "DELAY" },
  { "loss", 0, 0, G_OPTION_ARG_STRING, &opt_loss, "Random loss each way, percent", "PCT" },
  { "queue", 0, 0, G_OPTION_ARG_STRING, &opt_queue, "Queue bound in packets each way, 0 = unbounded", "N" },
  { "overhead", 0, 0, G_OPTION_ARG_STRING, &opt_overhead, "Bytes added to each frame for the rate", "BYTES" },
  { "a2b", 0, 0, G_OPTION_ARG_STRING, &opt_a2b, "Settings A to B only: 'rate=… delay=… loss=… queue=…'", "SPEC" },
  { "b2a", 0, 0, G_OPTION_ARG_STRING, &opt_b2a, "Settings B to A only", "SPEC" },
  { "seed", 0, 0, G_OPTION_ARG_INT64, &opt_seed, "Seed of the loss generator (default: random, printed)", "N" },
  { "control", 0, 0, G_OPTION_ARG_FILENAME, &opt_control, "Control FIFO (created 0600 if missing)", "PATH" },
  { "pidfile", 0, 0, G_OPTION_ARG_FILENAME, &opt_pidfile, "Write the PID here once ready", "PATH" },
  { "trace", 0, 0, G_OPTION_ARG_FILENAME, &opt_trace, "Write one line per frame: dir seq len in_ns sched_ns out_ns fate", "FILE" },
  { "owner", 0, 0, G_OPTION_ARG_INT, &opt_owner, "Exit when this process exits", "PID" },
  { "realtime", 0, 0, G_OPTION_ARG_NONE, &opt_realtime, "Run under SCHED_FIFO so a busy machine delays frames less", NULL },
  { NULL }
};

static gboolean
build_params (LinkParams *p, const char *dir_spec, GError **error)
{
  const char *keys[] = { "rate", "delay", "loss", "queue", "overhead" };
  const char *values[] = { opt_rate, opt_delay, opt_loss, opt_queue, opt_overhead };

  memset (p, 0, sizeof *p);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (values[i] != NULL && !apply_setting (p, keys[i], values[i], error))
      return FALSE;
  return dir_spec == NULL || apply_spec (p, dir_spec, error);
}

int
main (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- impair the link between two interfaces");
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) control_buf = g_string_new (NULL);
  Direction dirs[2] = { { .name = "a2b" }, { .name = "b2a" } };
  struct pollfd fds[6];
  int sig_fd, ctl_fd = -1, owner_fd = -1;
  guint64 seed;
  sigset_t mask;
  g_autofree guint8 *buf = g_malloc (MAX_FRAME);
  int status = 0;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx,
      "Signals: SIGUSR1 cuts both directions, SIGUSR2 restores them, SIGHUP prints\n"
      "the counters, SIGTERM/SIGINT print them and exit.\n"
      "Control FIFO lines: cut [a2b|b2a|both], restore [...], set [...] SPEC, stats FILE.\n"
      "The rate counts Ethernet frame bytes (header and payload) plus --overhead.\n");
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("hz-impair: %s\n", error->message);
      return 2;
    }
  if (opt_if_a == NULL || opt_if_b == NULL)
    {
      g_printerr ("hz-impair: --if-a and --if-b are required\n");
      return 2;
    }
  if (!build_params (&dirs[0].p, opt_a2b, &error) || !build_params (&dirs[1].p, opt_b2a, &error))
    {
      g_printerr ("hz-impair: %s\n", error->message);
      return 2;
    }

  seed = opt_seed >= 0 ? (guint64) opt_seed : g_random_int ();
  /* Each direction draws from its own stream so A->B losses do not depend
   * on B->A traffic. */
  dirs[0].rand = g_rand_new_with_seed ((guint32) (seed * 2));
  dirs[1].rand = g_rand_new_with_seed ((guint32) (seed * 2 + 1));

  dirs[0].in_fd = open_packet_socket (opt_if_a, &error);
  if (dirs[0].in_fd >= 0)
    dirs[1].in_fd = open_packet_socket (opt_if_b, &error);
  if (error != NULL)
    {
      g_printerr ("hz-impair: %s\n", error->message);
      return 1;
    }
  dirs[0].out_fd = dirs[1].in_fd;
  dirs[1].out_fd = dirs[0].in_fd;

  /* Timers wake us on the nanosecond we ask for, not 50 µs later. */
  prctl (PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
  /* On a loaded machine the relay's lateness is mostly waiting for a CPU.
   * The loop sleeps between frames, so a real-time priority costs others
   * little; the kernel's RT throttling bounds it anyway. */
  if (opt_realtime)
    {
      struct sched_param sp = { .sched_priority = 10 };
      if (sched_setscheduler (0, SCHED_FIFO, &sp) < 0)
        g_printerr ("hz-impair: SCHED_FIFO: %s (running without)\n", g_strerror (errno));
    }

  sigemptyset (&mask);
  sigaddset (&mask, SIGTERM);
  sigaddset (&mask, SIGINT);
  sigaddset (&mask, SIGHUP);
  sigaddset (&mask, SIGUSR1);
  sigaddset (&mask, SIGUSR2);
  sigprocmask (SIG_BLOCK, &mask, NULL);
  signal (SIGPIPE, SIG_IGN);
  sig_fd = signalfd (-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);

  if (opt_control != NULL)
    {
      if (mkfifo (opt_control, 0600) < 0 && errno != EEXIST)
        {
          g_printerr ("hz-impair: mkfifo %s: %s\n", opt_control, g_strerror (errno));
          return 1;
        }
      /* Opened read-write so the last writer closing never gives EOF. */
      ctl_fd = open (opt_control, O_RDWR | O_NONBLOCK | O_CLOEXEC);
      if (ctl_fd < 0)
        {
          g_printerr ("hz-impair: open %s: %s\n", opt_control, g_strerror (errno));
          return 1;
        }
    }
  if (opt_owner > 0)
    {
      owner_fd = (int) syscall (SYS_pidfd_open, opt_owner, 0);
      if (owner_fd < 0)
        {
          g_printerr ("hz-impair: owner %d: %s\n", opt_owner, g_strerror (errno));
          return 1;
        }
    }
  if (opt_trace != NULL)
    {
      trace_file = fopen (opt_trace, "we");
      if (trace_file == NULL)
        {
          g_printerr ("hz-impair: %s: %s\n", opt_trace, g_strerror (errno));
          return 1;
        }
      setvbuf (trace_file, NULL, _IOFBF, 1 << 20);
      fprintf (trace_file, "# dir seq len in_ns sched_ns out_ns fate (CLOCK_MONOTONIC)\n");
    }

  {
    g_autofree char *text = format_counters (dirs);
    g_print ("hz-impair: %s <-> %s seed=%" G_GUINT64_FORMAT "\n%s", opt_if_a, opt_if_b, seed, text);
  }
  if (opt_pidfile != NULL)
    {
      g_autofree char *pid = g_strdup_printf ("%d\n", (int) getpid ());
      if (!g_file_set_contents (opt_pidfile, pid, -1, &error))
        {
          g_printerr ("hz-impair: %s\n", error->message);
          return 1;
        }
    }
  fflush (stdout);

  for (;;)
    {
      gint64 now = mono_ns (), next = G_MAXINT64;
      struct timespec ts, *tsp = NULL;
      guint nfds = 0;
      int r;

      for (guint i = 0; i < 2; i++)
        {
          Packet *pk;
          send_due (&dirs[i], now);
          pk = g_queue_peek_head (&dirs[i].queue);
          if (pk != NULL)
            next = MIN (next, pk->depart_ns);
        }
      if (next != G_MAXINT64)
        {
          /* One clock read: MAX() would evaluate it twice, and the
           * second read can already be past the deadline. */
          gint64 wait = next - mono_ns ();

          wait = MAX (wait, 0);
          ts.tv_sec = wait / 1000000000;
          ts.tv_nsec = wait % 1000000000;
          tsp = &ts;
        }

      fds[nfds++] = (struct pollfd) { .fd = dirs[0].in_fd, .events = POLLIN };
      fds[nfds++] = (struct pollfd) { .fd = dirs[1].in_fd, .events = POLLIN };
      fds[nfds++] = (struct pollfd) { .fd = sig_fd, .events = POLLIN };
      fds[nfds++] = (struct pollfd) { .fd = ctl_fd, .events = POLLIN };
      fds[nfds++] = (struct pollfd) { .fd = owner_fd, .events = POLLIN };
      r = ppoll (fds, nfds, tsp, NULL);
      if (r < 0)
        {
          if (errno == EINTR)
            continue;
          g_printerr ("hz-impair: poll: %s\n", g_strerror (errno));
          status = 1;
          break;
        }
      if (r == 0)
        continue;

      if (fds[0].revents & POLLIN)
        read_frames (&dirs[0], buf);
      if (fds[1].revents & POLLIN)
        read_frames (&dirs[1], buf);
      if (fds[0].revents & (POLLERR | POLLNVAL) || fds[1].revents & (POLLERR | POLLNVAL))
        {
          g_printerr ("hz-impair: interface gone\n");
          status = 1;
          break;
        }
      if (fds[4].revents)
        {
          g_print ("hz-impair: owner %d exited\n", opt_owner);
          break;
        }
      if (fds[3].revents & POLLIN)
        {
          char cbuf[512];
          ssize_t n = read (ctl_fd, cbuf, sizeof cbuf);
          char *nl;

          if (n > 0)
            g_string_append_len (control_buf, cbuf, n);
          while ((nl = strchr (control_buf->str, '\n')) != NULL)
            {
              g_autofree char *line = g_strndup (control_buf->str, nl - control_buf->str);
              g_string_erase (control_buf, 0, nl - control_buf->str + 1);
              control_line (dirs, line);
            }
        }
      if (fds[2].revents & POLLIN)
        {
          struct signalfd_siginfo si;
          gboolean quit = FALSE;

          while (read (sig_fd, &si, sizeof si) == sizeof si)
            {
              if (si.ssi_signo == SIGUSR1)
                set_cut (dirs, -1, TRUE);
              else if (si.ssi_signo == SIGUSR2)
                set_cut (dirs, -1, FALSE);
              else if (si.ssi_signo == SIGHUP)
                {
                  g_autofree char *text = format_counters (dirs);
                  g_print ("%s", text);
                }
              else
                quit = TRUE;
            }
          fflush (stdout);
          if (quit)
            break;
        }
    }

  {
    g_autofree char *text = format_counters (dirs);
    g_print ("hz-impair: exit\n%s", text);
  }
  if (trace_file != NULL)
    fclose (trace_file);
  for (guint i = 0; i < 2; i++)
    {
      g_queue_clear_full (&dirs[i].queue, g_free);
      g_rand_free (dirs[i].rand);
      close (dirs[i].in_fd);
    }
  if (ctl_fd >= 0)
    close (ctl_fd);
  if (owner_fd >= 0)
    close (owner_fd);
  close (sig_fd);
  g_free (opt_if_a); g_free (opt_if_b); g_free (opt_rate); g_free (opt_delay);
  g_free (opt_loss); g_free (opt_queue); g_free (opt_overhead); g_free (opt_a2b);
  g_free (control_error);
  g_free (opt_b2a); g_free (opt_control); g_free (opt_pidfile); g_free (opt_trace);
  return status;
}
