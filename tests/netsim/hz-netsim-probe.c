/* hz-netsim-probe.c: measures a link made by netsim.sh from both ends: a
 * paced UDP sender, a receiver that checks every datagram and reports rate,
 * loss and one-way delay, and an ICMP ping. All times are CLOCK_MONOTONIC,
 * which network namespaces share, so one-way delays are exact. */
#define _GNU_SOURCE
#include <glib.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAGIC 0x485a4e53u   /* "HZNS" */
#define HEADER 20           /* magic, seq, send time */
/* IPv4 + UDP + Ethernet headers: what the relay's rate counts per datagram. */
#define L2_OVERHEAD 42

static char *opt_to;
static int opt_port = 5599, opt_size = 1000, opt_count, opt_burst, opt_pps, opt_idle_ms = 1000;
static double opt_rate_kbit, opt_duration, opt_timeout = 30, opt_interval_ms = 100;
static char *opt_ready, *opt_log;
static gint64 opt_bytes = 1000000;

static const GOptionEntry entries[] = {
  { "to", 0, 0, G_OPTION_ARG_STRING, &opt_to, "Destination address (send, ping)", "ADDR" },
  { "port", 0, 0, G_OPTION_ARG_INT, &opt_port, "UDP port (default 5599)", "PORT" },
  { "size", 0, 0, G_OPTION_ARG_INT, &opt_size, "Payload bytes per datagram (default 1000)", "N" },
  { "count", 0, 0, G_OPTION_ARG_INT, &opt_count, "Datagrams or pings to send", "N" },
  { "duration", 0, 0, G_OPTION_ARG_DOUBLE, &opt_duration, "Send for this many seconds", "S" },
  { "rate", 0, 0, G_OPTION_ARG_DOUBLE, &opt_rate_kbit, "Send at this many kbit/s of Ethernet frames", "KBIT" },
  { "pps", 0, 0, G_OPTION_ARG_INT, &opt_pps, "Send this many datagrams per second", "N" },
  { "burst", 0, 0, G_OPTION_ARG_INT, &opt_burst, "Send N datagrams back to back, then stop", "N" },
  { "interval", 0, 0, G_OPTION_ARG_DOUBLE, &opt_interval_ms, "Ping interval in ms (default 100)", "MS" },
  { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &opt_timeout, "Receiver: give up after S seconds (default 30)", "S" },
  { "idle", 0, 0, G_OPTION_ARG_INT, &opt_idle_ms, "Receiver: stop after MS without data once data came (default 1000)", "MS" },
  { "ready", 0, 0, G_OPTION_ARG_FILENAME, &opt_ready, "Receiver: create this file once listening", "PATH" },
  { "bytes", 0, 0, G_OPTION_ARG_INT64, &opt_bytes, "tcp-send: bytes to send (default 1000000)", "N" },
  { "log", 0, 0, G_OPTION_ARG_FILENAME, &opt_log, "Receiver: write 'seq send_ns recv_ns' per datagram", "PATH" },
  { NULL }
};

static gint64
mono_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static void
sleep_until (gint64 t)
{
  struct timespec ts = { .tv_sec = t / 1000000000, .tv_nsec = t % 1000000000 };

  while (clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
    ;
}

static guint8
pattern (guint64 seq, gsize i)
{
  return (guint8) (seq * 31 + i * 7);
}

static int
cmp_i64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static gint64
percentile (GArray *sorted, double q)
{
  guint idx;

  if (sorted->len == 0)
    return 0;
  idx = (guint) (q * (sorted->len - 1) + 0.5);
  return g_array_index (sorted, gint64, idx);
}

static gboolean
parse_addr (struct sockaddr_in *sa, int port)
{
  memset (sa, 0, sizeof *sa);
  sa->sin_family = AF_INET;
  sa->sin_port = htons ((guint16) port);
  return opt_to != NULL && inet_pton (AF_INET, opt_to, &sa->sin_addr) == 1;
}

static int
do_send (void)
{
  struct sockaddr_in sa;
  g_autofree guint8 *buf = NULL;
  gint64 start, interval_ns = 0;
  guint64 sent = 0, errors = 0;
  int fd;

  if (!parse_addr (&sa, opt_port) || opt_size < HEADER || opt_size > 1472)
    {
      g_printerr ("send: needs --to ADDR and 20 <= --size <= 1472\n");
      return 2;
    }
  fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect (fd, (struct sockaddr *) &sa, sizeof sa) < 0)
    {
      g_printerr ("send: %s\n", g_strerror (errno));
      return 1;
    }
  if (opt_rate_kbit > 0)
    interval_ns = (gint64) ((opt_size + L2_OVERHEAD) * 8 * 1e6 / opt_rate_kbit);
  else if (opt_pps > 0)
    interval_ns = 1000000000 / opt_pps;
  if (opt_burst > 0)
    opt_count = opt_burst, interval_ns = 0;
  if (opt_count <= 0 && opt_duration <= 0)
    opt_count = 1000;

  buf = g_malloc (opt_size);
  start = mono_ns ();
  for (guint64 seq = 0;; seq++)
    {
      gint64 due = start + (gint64) seq * interval_ns, now;
      guint32 magic = MAGIC;

      if (opt_count > 0 && seq >= (guint64) opt_count)
        break;
      if (opt_duration > 0 && due - start >= (gint64) (opt_duration * 1e9))
        break;
      if (interval_ns > 0)
        sleep_until (due);
      now = mono_ns ();
      memcpy (buf, &magic, 4);
      memcpy (buf + 4, &seq, 8);
      memcpy (buf + 12, &now, 8);
      for (int i = HEADER; i < opt_size; i++)
        buf[i] = pattern (seq, i);
      if (send (fd, buf, opt_size, 0) != opt_size)
        errors++;
      else
        sent++;
    }
  g_print ("sent=%" G_GUINT64_FORMAT " send_errors=%" G_GUINT64_FORMAT " seconds=%.3f\n",
           sent, errors, (mono_ns () - start) / 1e9);
  close (fd);
  return 0;
}

static int
do_recv (void)
{
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons ((guint16) opt_port) };
  g_autofree guint8 *buf = g_malloc (65536);
  g_autoptr(GArray) owd = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  FILE *log = NULL;
  guint64 received = 0, bytes = 0, corrupt = 0, dups = 0, reordered = 0, last_seq = 0;
  gint64 max_seq = -1, first_ns = 0, last_ns = 0, deadline, bytes_after_first = 0;
  int fd, buf_size = 8 << 20;

  fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  setsockopt (fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf_size, sizeof buf_size);
  if (fd < 0 || bind (fd, (struct sockaddr *) &sa, sizeof sa) < 0)
    {
      g_printerr ("recv: bind port %d: %s\n", opt_port, g_strerror (errno));
      return 1;
    }
  if (opt_log != NULL)
    log = fopen (opt_log, "we");
  if (opt_ready != NULL)
    g_file_set_contents (opt_ready, "", 0, NULL);

  deadline = mono_ns () + (gint64) (opt_timeout * 1e9);
  for (;;)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLIN };
      gint64 now = mono_ns (), limit = deadline;
      ssize_t n;
      guint64 seq;
      gint64 sent_ns;
      guint32 magic;
      gboolean ok = TRUE;

      if (received > 0)
        limit = MIN (limit, last_ns + (gint64) opt_idle_ms * 1000000);
      if (now >= limit)
        break;
      if (poll (&pfd, 1, (int) ((limit - now) / 1000000) + 1) <= 0)
        continue;
      n = recv (fd, buf, 65536, MSG_DONTWAIT);
      now = mono_ns ();
      if (n < HEADER)
        continue;
      memcpy (&magic, buf, 4);
      memcpy (&seq, buf + 4, 8);
      memcpy (&sent_ns, buf + 12, 8);
      if (magic != MAGIC)
        {
          corrupt++;
          continue;
        }
      for (ssize_t i = HEADER; i < n && ok; i++)
        ok = buf[i] == pattern (seq, i);
      if (!ok)
        {
          corrupt++;
          continue;
        }
      if (g_hash_table_contains (seen, &seq))
        {
          dups++;
          continue;
        }
      g_hash_table_add (seen, g_memdup2 (&seq, sizeof seq));
      if (received > 0 && seq < last_seq)
        reordered++;
      last_seq = seq;
      if (received == 0)
        first_ns = now;
      else
        bytes_after_first += n + L2_OVERHEAD;
      received++;
      bytes += n;
      last_ns = now;
      max_seq = MAX (max_seq, (gint64) seq);
      {
        gint64 d = now - sent_ns;
        g_array_append_val (owd, d);
      }
      if (log != NULL)
        fprintf (log, "%" G_GUINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n",
                 seq, sent_ns, now);
    }
  if (log != NULL)
    fclose (log);
  close (fd);

  g_array_sort (owd, cmp_i64);
  g_print ("received=%" G_GUINT64_FORMAT " bytes=%" G_GUINT64_FORMAT " corrupt=%" G_GUINT64_FORMAT
           " duplicates=%" G_GUINT64_FORMAT " reordered=%" G_GUINT64_FORMAT
           " max_seq=%" G_GINT64_FORMAT " first_ns=%" G_GINT64_FORMAT " last_ns=%" G_GINT64_FORMAT
           " l2_kbit=%.3f owd_min_us=%" G_GINT64_FORMAT " owd_med_us=%" G_GINT64_FORMAT
           " owd_p99_us=%" G_GINT64_FORMAT " owd_max_us=%" G_GINT64_FORMAT "\n",
           received, bytes, corrupt, dups, reordered, max_seq, first_ns, last_ns,
           last_ns > first_ns ? bytes_after_first * 8 / ((last_ns - first_ns) / 1e9) / 1000 : 0.0,
           percentile (owd, 0) / 1000, percentile (owd, 0.5) / 1000,
           percentile (owd, 0.99) / 1000, percentile (owd, 1) / 1000);
  return 0;
}

static guint16
inet_checksum (const guint8 *p, gsize len)
{
  guint32 sum = 0;

  for (gsize i = 0; i + 1 < len; i += 2)
    sum += (guint32) (p[i] << 8 | p[i + 1]);
  if (len & 1)
    sum += (guint32) p[len - 1] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (guint16) ~sum;
}

/* ICMP echo over a raw socket: the kernel of the far namespace answers, so
 * the round trip crosses the relay twice. */
static int
do_ping (void)
{
  struct sockaddr_in sa;
  g_autoptr(GArray) rtts = g_array_new (FALSE, FALSE, sizeof (gint64));
  int fd, count = opt_count > 0 ? opt_count : 10, size = MIN (MAX (opt_size, 16), 1472);
  guint16 ident = (guint16) getpid ();
  g_autofree gint64 *sent_at = g_new0 (gint64, count);
  g_autofree guint8 *pkt = g_malloc0 (8 + size);
  guint8 reply[2048];
  gint64 start, end, sum = 0;
  guint corrupt = 0;

  if (!parse_addr (&sa, 0))
    {
      g_printerr ("ping: needs --to ADDR\n");
      return 2;
    }
  fd = socket (AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
  if (fd < 0)
    {
      g_printerr ("ping: raw socket: %s\n", g_strerror (errno));
      return 1;
    }
  start = mono_ns ();
  end = start + (gint64) ((count - 1) * opt_interval_ms * 1e6) + (gint64) (opt_timeout * 1e9);
  for (int next = 0;;)
    {
      gint64 now = mono_ns (), due = start + (gint64) (next * opt_interval_ms * 1e6);
      struct pollfd pfd = { .fd = fd, .events = POLLIN };
      gint64 wake = next < count ? MIN (due, end) : end;

      if (now >= end || (next == count && rtts->len + corrupt >= (guint) count))
        break;
      if (next < count && now >= due)
        {
          struct icmphdr *h = (struct icmphdr *) pkt;
          guint16 cs;

          memset (pkt, 0, 8);
          h->type = ICMP_ECHO;
          h->un.echo.id = htons (ident);
          h->un.echo.sequence = htons ((guint16) next);
          for (int i = 0; i < size; i++)
            pkt[8 + i] = pattern ((guint64) next, i);
          cs = inet_checksum (pkt, 8 + size);
          h->checksum = htons (cs);
          sent_at[next] = mono_ns ();
          sendto (fd, pkt, 8 + size, 0, (struct sockaddr *) &sa, sizeof sa);
          next++;
          continue;
        }
      if (poll (&pfd, 1, (int) ((wake - now) / 1000000) + 1) > 0)
        {
          ssize_t n = recv (fd, reply, sizeof reply, MSG_DONTWAIT);
          gint64 at = mono_ns ();
          gsize ihl;
          struct icmphdr *h;
          guint16 seq;
          gboolean ok = TRUE;

          if (n < (ssize_t) sizeof (struct iphdr))
            continue;
          ihl = (reply[0] & 0x0f) * 4;
          if ((gsize) n < ihl + 8)
            continue;
          h = (struct icmphdr *) (reply + ihl);
          if (h->type != ICMP_ECHOREPLY || ntohs (h->un.echo.id) != ident)
            continue;
          seq = ntohs (h->un.echo.sequence);
          if (seq >= count || sent_at[seq] == 0)
            continue;
          /* A valid checksum over the whole message sums to zero. */
          if (inet_checksum (reply + ihl, n - ihl) != 0 || (gsize) n - ihl != (gsize) (8 + size))
            ok = FALSE;
          for (int i = 0; i < size && ok; i++)
            ok = reply[ihl + 8 + i] == pattern (seq, i);
          if (!ok)
            {
              corrupt++;
              continue;
            }
          {
            gint64 rtt = at - sent_at[seq];
            g_array_append_val (rtts, rtt);
            sum += rtt;
          }
          sent_at[seq] = 0;
        }
    }
  close (fd);
  g_array_sort (rtts, cmp_i64);
  g_print ("sent=%d received=%u corrupt=%u rtt_min_us=%" G_GINT64_FORMAT " rtt_med_us=%" G_GINT64_FORMAT
           " rtt_avg_us=%" G_GINT64_FORMAT " rtt_max_us=%" G_GINT64_FORMAT "\n",
           count, rtts->len, corrupt, percentile (rtts, 0) / 1000, percentile (rtts, 0.5) / 1000,
           rtts->len ? sum / rtts->len / 1000 : 0, percentile (rtts, 1) / 1000);
  return 0;
}

static guint8
stream_byte (gint64 i)
{
  return (guint8) (i * 7 + i / 251);
}

/* TCP both ways across the link: what the hub's WebSocket will do. The
 * receiver checks every byte; TCP's own retransmissions cover the loss. */
static int
do_tcp_recv (void)
{
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons ((guint16) opt_port) };
  guint8 buf[16384];
  gint64 total = 0, corrupt = 0, start = 0;
  int one = 1, lfd, fd;

  lfd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  setsockopt (lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (lfd < 0 || bind (lfd, (struct sockaddr *) &sa, sizeof sa) < 0 || listen (lfd, 1) < 0)
    {
      g_printerr ("tcp-recv: port %d: %s\n", opt_port, g_strerror (errno));
      return 1;
    }
  if (opt_ready != NULL)
    g_file_set_contents (opt_ready, "", 0, NULL);
  {
    struct pollfd pfd = { .fd = lfd, .events = POLLIN };
    if (poll (&pfd, 1, (int) (opt_timeout * 1000)) <= 0)
      {
        g_printerr ("tcp-recv: nobody connected\n");
        return 1;
      }
  }
  fd = accept4 (lfd, NULL, NULL, SOCK_CLOEXEC);
  start = mono_ns ();
  for (;;)
    {
      ssize_t n = recv (fd, buf, sizeof buf, 0);
      if (n <= 0)
        break;
      for (ssize_t i = 0; i < n; i++)
        if (buf[i] != stream_byte (total + i))
          corrupt++;
      total += n;
    }
  g_print ("received_bytes=%" G_GINT64_FORMAT " corrupt=%" G_GINT64_FORMAT " seconds=%.3f\n",
           total, corrupt, (mono_ns () - start) / 1e9);
  close (fd);
  close (lfd);
  return 0;
}

static int
do_tcp_send (void)
{
  struct sockaddr_in sa;
  guint8 buf[16384];
  gint64 sent = 0, start = mono_ns ();
  int fd;

  if (!parse_addr (&sa, opt_port))
    {
      g_printerr ("tcp-send: needs --to ADDR\n");
      return 2;
    }
  fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect (fd, (struct sockaddr *) &sa, sizeof sa) < 0)
    {
      g_printerr ("tcp-send: connect: %s\n", g_strerror (errno));
      return 1;
    }
  while (sent < opt_bytes)
    {
      gsize chunk = (gsize) MIN ((gint64) sizeof buf, opt_bytes - sent);
      ssize_t n;

      for (gsize i = 0; i < chunk; i++)
        buf[i] = stream_byte (sent + (gint64) i);
      n = send (fd, buf, chunk, MSG_NOSIGNAL);
      if (n <= 0)
        {
          g_printerr ("tcp-send: %s\n", g_strerror (errno));
          return 1;
        }
      sent += n;
    }
  /* Wait for the receiver's close so the time covers delivery. */
  shutdown (fd, SHUT_WR);
  while (recv (fd, buf, sizeof buf, 0) > 0)
    ;
  g_print ("sent_bytes=%" G_GINT64_FORMAT " seconds=%.3f\n", sent, (mono_ns () - start) / 1e9);
  close (fd);
  return 0;
}

int
main (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("send|recv|ping|tcp-send|tcp-recv - probe a netsim link");
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc != 2)
    {
      g_printerr ("hz-netsim-probe: %s\n", error ? error->message : "one mode: send, recv, ping, tcp-send or tcp-recv");
      return 2;
    }
  if (g_str_equal (argv[1], "send"))
    status = do_send ();
  else if (g_str_equal (argv[1], "recv"))
    status = do_recv ();
  else if (g_str_equal (argv[1], "ping"))
    status = do_ping ();
  else if (g_str_equal (argv[1], "tcp-recv"))
    status = do_tcp_recv ();
  else if (g_str_equal (argv[1], "tcp-send"))
    status = do_tcp_send ();
  else
    {
      g_printerr ("hz-netsim-probe: unknown mode %s\n", argv[1]);
      status = 2;
    }
  g_free (opt_to);
  g_free (opt_ready);
  g_free (opt_log);
  return status;
}
