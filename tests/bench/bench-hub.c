/* bench-hub.c: a load generator for huizhen-hub, printed figures.
 *
 * Starts a hub process on loopback (--demo --demo-users P), signs in all
 * its users (login rate: argon2id dominates), holds N WebSocket sessions,
 * then relays signaling at a fixed rate between doctors of consults in
 * session and measures the latency, and creates consults as fast as the
 * hub answers. Targets (issue 3): 5,000 sessions under 500 MB RSS, relay
 * p99 <= 5 ms at 1,000 messages/s, >= 1,000 consult creations/s.
 *
 * Users: P requesting doctors and P cardiologists (bench.req.NNNN,
 * bench.spec.NNNN). The first R pairs carry the measured traffic with one
 * session each; the other sessions are spread over the remaining users'
 * tokens, several per token (one doctor on several PCs), and stay idle
 * but connected. The idle sessions live on the main thread; the measuring
 * client runs on a thread of its own, so that polling thousands of idle
 * sockets in this process does not show up as hub latency. */
#include "config.h"

#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "hz-hub-harness.h"
#include "hz-test-utils.h"

static int n_sessions = 5000;
static int n_pairs = 100;
static int n_relay_pairs = 20;
static int relay_rate = 1000;
static int relay_seconds = 10;
static int n_creations = 5000;
static int creation_window = 32;

static const GOptionEntry entries[] = {
  { "sessions", 'n', 0, G_OPTION_ARG_INT, &n_sessions, "WebSocket sessions to hold (5000)", "N" },
  { "pairs", 0, 0, G_OPTION_ARG_INT, &n_pairs, "Requester/specialist pairs the hub creates (100)", "P" },
  { "relay-pairs", 0, 0, G_OPTION_ARG_INT, &n_relay_pairs, "Pairs that exchange signals (20)", "R" },
  { "rate", 0, 0, G_OPTION_ARG_INT, &relay_rate, "Relayed messages per second (1000)", "N" },
  { "seconds", 0, 0, G_OPTION_ARG_INT, &relay_seconds, "How long to relay (10)", "S" },
  { "creations", 0, 0, G_OPTION_ARG_INT, &n_creations, "Consults to create (5000)", "N" },
  { "window", 0, 0, G_OPTION_ARG_INT, &creation_window, "Creation requests in flight (32)", "N" },
  { NULL }
};

#define CREATE_BODY \
  "{\"patient\":{\"id\":\"B-%06u\",\"name\":\"测试患者\",\"sex\":\"female\",\"age\":40}," \
  "\"reason\":\"bench\",\"urgency\":\"routine\",\"mode\":\"live\"," \
  "\"target\":{\"specialist\":\"bench.spec.%04u\"},\"consent\":{\"by\":\"patient\",\"method\":\"written\"}," \
  "\"bundle\":{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[]}}"

/* ---- small helpers ---- */

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

static double
percentile_ms (GArray *samples_us,
               double  p)
{
  guint index;

  if (samples_us->len == 0)
    return 0;
  index = (guint) (p * (samples_us->len - 1) + 0.5);
  return g_array_index (samples_us, gint64, index) / 1000.0;
}

static void
raise_file_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
      getrlimit (RLIMIT_NOFILE, &limit);
      g_print ("file descriptor limit: %llu\n", (unsigned long long) limit.rlim_cur);
    }
}

/* VmRSS and VmHWM of the hub in MB. */
static void
hub_memory (HzHub  *hub,
            double *rss_mb,
            double *hwm_mb)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (hub->process));
  g_autofree char *text = NULL;
  const char *p;

  *rss_mb = *hwm_mb = -1;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return;
  if ((p = strstr (text, "VmRSS:")))
    *rss_mb = g_ascii_strtoll (p + 6, NULL, 10) / 1024.0;
  if ((p = strstr (text, "VmHWM:")))
    *hwm_mb = g_ascii_strtoll (p + 6, NULL, 10) / 1024.0;
}

/* The hub's CPU time so far (all its threads), in seconds: tells how much
 * of a figure is the hub's own cost on a machine shared with others. */
static double
hub_cpu_seconds (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (after_name = strrchr (text, ')')) == NULL)
    return 0;
  fields = g_strsplit (after_name + 2, " ", 0);
  if (g_strv_length (fields) < 13)
    return 0;
  /* utime and stime: fields 14 and 15 of the line, 12 and 13 after the name */
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* One REST call, iterating @context until it is answered. */
static JsonNode *
call (SoupSession  *session,
      GMainContext *context,
      const char   *url,
      const char   *token,
      const char   *method,
      const char   *path,
      const char   *body,
      guint        *status)
{
  g_autofree char *uri = g_strconcat (url, "api/v1/", path, NULL);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  if (body)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  reply = soup_session_send_and_read_finish (session, result, NULL);
  *status = soup_message_get_status (msg);
  if (reply == NULL || !json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), NULL))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

/* ---- WebSocket sessions ---- */

typedef struct {
  SoupSession  *session;
  GMainContext *context;
  const char   *url;
  guint         in_flight;
  guint         opened;
  guint         failed;
} Opener;

typedef struct {
  Opener                  *opener;
  SoupWebsocketConnection *conn;
  GArray                  *latencies;   /* relay endpoints only */
  guint                    consults;    /* consult pushes seen */
} Ws;

static void
ws_message_cb (SoupWebsocketConnection *conn,
               gint                     type,
               GBytes                  *message,
               gpointer                 user_data)
{
  Ws *ws = user_data;
  gsize len;
  const char *data = g_bytes_get_data (message, &len);
  const char *t;

  if (ws->latencies == NULL)
    return;
  /* cheaper than parsing: the bench's own signals carry "t":MICROSECONDS */
  if (len > 20 && memcmp (data, "{\"type\":\"signal\"", 16) == 0 && (t = g_strstr_len (data, (gssize) len, "\"t\":")))
    {
      gint64 sent = g_ascii_strtoll (t + 4, NULL, 10);
      gint64 latency = g_get_monotonic_time () - sent;
      g_array_append_val (ws->latencies, latency);
    }
  else if (len > 20 && memcmp (data, "{\"type\":\"consult\"", 17) == 0)
    ws->consults++;
}

static void
ws_connected_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Ws *ws = user_data;
  g_autoptr(GError) error = NULL;

  ws->opener->in_flight--;
  ws->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (ws->conn == NULL)
    {
      if (ws->opener->failed++ < 3)
        g_printerr ("websocket: %s\n", error->message);
      return;
    }
  ws->opener->opened++;
  soup_websocket_connection_set_keepalive_interval (ws->conn, 0);
  g_signal_connect (ws->conn, "message", G_CALLBACK (ws_message_cb), ws);
}

static void
ws_open (Ws         *ws,
         const char *token)
{
  Opener *o = ws->opener;
  g_autofree char *uri = g_strconcat ("ws", o->url + strlen ("http"), "api/v1/ws", NULL);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  o->in_flight++;
  soup_session_websocket_connect_async (o->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL, ws_connected_cb, ws);
}

static void
ws_close (Ws *ws)
{
  if (ws->conn)
    {
      g_signal_handlers_disconnect_by_data (ws->conn, ws);
      if (soup_websocket_connection_get_state (ws->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (ws->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_object (&ws->conn);
    }
  g_clear_pointer (&ws->latencies, g_array_unref);
}

static SoupSession *
new_session (void)
{
  return soup_session_new_with_options ("timeout", 60, "max-conns", 20000, "max-conns-per-host", 20000, NULL);
}

/* ---- the measuring thread ---- */

typedef struct {
  const char  *url;
  const char  *hub_pid;
  char       **tokens;      /* [2 * pair + 0] requester, [2 * pair + 1] specialist */
  GMainContext *main_context;
  GMainLoop   *main_loop;
} Job;

typedef struct {
  Ws        *endpoints;     /* 2 per relay pair */
  char     **consults;      /* one in session per relay pair */
  guint      n_pairs;
  gint64     start;
  guint64    sent;
  gboolean   done;
} Relay;

static gboolean
relay_tick (gpointer user_data)
{
  Relay *r = user_data;
  gint64 now = g_get_monotonic_time ();
  guint64 due = (guint64) ((now - r->start) * (gint64) relay_rate / G_USEC_PER_SEC);

  if (now - r->start >= (gint64) relay_seconds * G_USEC_PER_SEC)
    {
      r->done = TRUE;
      return G_SOURCE_REMOVE;
    }
  for (; r->sent < due; r->sent++)
    {
      guint pair = (guint) (r->sent % r->n_pairs);
      Ws *from = &r->endpoints[2 * pair + (r->sent / r->n_pairs) % 2];
      g_autofree char *text = g_strdup_printf ("{\"type\":\"signal\",\"consult\":\"%s\",\"data\":"
                                               "{\"kind\":\"candidate\",\"candidate\":\"candidate:1 1 udp "
                                               "2122260223 127.0.0.1 50000 typ host\",\"mline\":0,\"t\":%"
                                               G_GINT64_FORMAT "}}",
                                               r->consults[pair], g_get_monotonic_time ());
      if (from->conn && soup_websocket_connection_get_state (from->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_send_text (from->conn, text);
    }
  return G_SOURCE_CONTINUE;
}

typedef struct {
  SoupSession *session;
  Job         *job;
  guint        next;
  guint        in_flight;
  guint        created;
  guint        failed;
  GArray      *latencies;
} Creator;

static void creation_send (Creator *c);

typedef struct {
  Creator *creator;
  gint64   start;
} CreationCall;

static void
creation_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  CreationCall *cc = user_data;
  Creator *c = cc->creator;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) reply = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  gint64 latency = g_get_monotonic_time () - cc->start;

  c->in_flight--;
  if (reply && soup_message_get_status (msg) == 201)
    {
      c->created++;
      g_array_append_val (c->latencies, latency);
    }
  else if (c->failed++ < 3)
    g_printerr ("creation: status %u\n", msg ? soup_message_get_status (msg) : 0);
  g_object_unref (msg);
  g_free (cc);
  creation_send (c);
}

static void
creation_send (Creator *c)
{
  while (c->in_flight < (guint) creation_window && c->next < (guint) n_creations)
    {
      guint pair = c->next % (guint) n_relay_pairs;
      g_autofree char *uri = g_strconcat (c->job->url, "api/v1/consults", NULL);
      g_autofree char *auth = g_strdup_printf ("Bearer %s", c->job->tokens[2 * pair]);
      char *body = g_strdup_printf (CREATE_BODY, c->next, pair);
      g_autoptr(GBytes) bytes = g_bytes_new_take (body, strlen (body));
      SoupMessage *msg = soup_message_new ("POST", uri);
      CreationCall *cc = g_new0 (CreationCall, 1);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
      cc->creator = c;
      cc->start = g_get_monotonic_time ();
      c->in_flight++;
      c->next++;
      /* the message is unreffed in creation_cb */
      soup_session_send_and_read_async (c->session, msg, G_PRIORITY_DEFAULT, NULL, creation_cb, cc);
    }
}

static gboolean
quit_main (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static gpointer
measure_thread (gpointer user_data)
{
  Job *job = user_data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  Opener opener = { 0 };
  Relay relay = { 0 };
  Creator creator = { 0 };
  gint64 t0, elapsed;
  double cpu;
  guint i, received = 0;
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_main_context_push_thread_default (context);
  session = new_session ();
  opener = (Opener) { session, context, job->url, 0, 0, 0 };

  /* one consult in session per relay pair, its two doctors connected */
  relay.n_pairs = (guint) n_relay_pairs;
  relay.endpoints = g_new0 (Ws, 2 * relay.n_pairs);
  relay.consults = g_new0 (char *, relay.n_pairs + 1);
  for (i = 0; i < 2 * relay.n_pairs; i++)
    {
      relay.endpoints[i].opener = &opener;
      relay.endpoints[i].latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
      ws_open (&relay.endpoints[i], job->tokens[i]);
    }
  while (opener.in_flight > 0)
    g_main_context_iteration (context, TRUE);
  for (i = 0; i < relay.n_pairs; i++)
    {
      g_autofree char *body = g_strdup_printf (CREATE_BODY, 900000 + i, i);
      g_autofree char *accept = NULL;
      g_autofree char *start = NULL;
      g_autoptr(JsonNode) created = NULL;
      g_autoptr(JsonNode) accepted = NULL;
      g_autoptr(JsonNode) started = NULL;
      guint status = 0;

      created = call (session, context, job->url, job->tokens[2 * i], "POST", "consults", body, &status);
      g_assert_cmpuint (status, ==, 201);
      relay.consults[i] = g_strdup (hz_json_str (created, "id"));
      accept = g_strdup_printf ("consults/%s/actions/accept", relay.consults[i]);
      accepted = call (session, context, job->url, job->tokens[2 * i + 1], "POST", accept, "{}", &status);
      g_assert_cmpuint (status, ==, 200);
      start = g_strdup_printf ("consults/%s/actions/start_session", relay.consults[i]);
      started = call (session, context, job->url, job->tokens[2 * i], "POST", start, "{}", &status);
      g_assert_cmpuint (status, ==, 200);
    }

  /* relay at the fixed rate */
  cpu = hub_cpu_seconds (job->hub_pid);
  relay.start = g_get_monotonic_time ();
  {
    g_autoptr(GSource) tick = g_timeout_source_new (1);
    g_source_set_priority (tick, G_PRIORITY_HIGH);
    g_source_set_callback (tick, relay_tick, &relay, NULL);
    g_source_attach (tick, context);
    while (!relay.done)
      g_main_context_iteration (context, TRUE);
    g_source_destroy (tick);
  }
  /* the last messages in flight */
  t0 = g_get_monotonic_time ();
  while (g_get_monotonic_time () - t0 < 500 * 1000)
    g_main_context_iteration (context, FALSE);
  for (i = 0; i < 2 * relay.n_pairs; i++)
    {
      g_array_append_vals (all, relay.endpoints[i].latencies->data, relay.endpoints[i].latencies->len);
      received += relay.endpoints[i].latencies->len;
    }
  g_array_sort (all, compare_gint64);
  g_print ("relay: %" G_GUINT64_FORMAT " signals sent at %d/s for %d s between %d pairs, %u received\n",
           relay.sent, relay_rate, relay_seconds, n_relay_pairs, received);
  g_print ("relay latency: median %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms; hub CPU %.0f %% of a core\n",
           percentile_ms (all, 0.50), percentile_ms (all, 0.95), percentile_ms (all, 0.99),
           percentile_ms (all, 1.0), 100 * (hub_cpu_seconds (job->hub_pid) - cpu) / (relay_seconds + 0.5));

  /* consult creations, with the sessions still held */
  /* as many connections as requests in flight, reused: otherwise libsoup
   * opens a new one whenever none is idle at that instant, and thousands
   * pile up */
  creator.session = soup_session_new_with_options ("timeout", 60, "max-conns", creation_window,
                                                   "max-conns-per-host", creation_window, NULL);
  creator.job = job;
  creator.latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
  t0 = g_get_monotonic_time ();
  cpu = hub_cpu_seconds (job->hub_pid);
  creation_send (&creator);
  while (creator.in_flight > 0)
    g_main_context_iteration (context, TRUE);
  elapsed = g_get_monotonic_time () - t0;
  g_array_sort (creator.latencies, compare_gint64);
  cpu = hub_cpu_seconds (job->hub_pid) - cpu;
  g_print ("consult creations: %u in %.2f s = %.0f/s (%d in flight, %u failed); "
           "answer median %.2f ms, p99 %.2f ms; hub CPU %.2f ms per creation (%.0f/s per busy core)\n",
           creator.created, elapsed / 1e6, creator.created / (elapsed / 1e6), creation_window, creator.failed,
           percentile_ms (creator.latencies, 0.5), percentile_ms (creator.latencies, 0.99),
           1000 * cpu / MAX (1, creator.created), creator.created / MAX (cpu, 1e-6));
  g_array_unref (creator.latencies);
  g_object_unref (creator.session);

  for (i = 0; i < 2 * relay.n_pairs; i++)
    ws_close (&relay.endpoints[i]);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_free (relay.endpoints);
  g_strfreev (relay.consults);
  g_main_context_pop_thread_default (context);
  g_main_context_invoke (job->main_context, quit_main, job->main_loop);
  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) options = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HzHub) hub = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GThread) thread = NULL;
  g_autofree char *pairs_arg = NULL;
  g_autofree Ws *idle = NULL;
  const char *args[3];
  char **tokens;
  Opener opener = { 0 };
  Job job;
  gint64 t0, elapsed;
  double rss, hwm;
  int i, n_users, n_idle;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("bench-hub: %s\n", error->message);
      return 2;
    }
  /* at least one pair left over to carry the idle sessions */
  n_pairs = MAX (n_pairs, 2);
  n_relay_pairs = CLAMP (n_relay_pairs, 1, n_pairs - 1);
  n_users = 2 * n_pairs;
  raise_file_limit ();

  pairs_arg = g_strdup_printf ("%d", n_pairs);
  args[0] = "--demo-users";
  args[1] = pairs_arg;
  args[2] = NULL;
  hub = hz_hub_start_full ("[limits]\nws-messages-per-second=1000\nlogin-failures-per-address=1000000\n",
                           NULL, NULL, args);
  g_print ("hub: %s (pid %s), %d users for the load\n", hub->url, g_subprocess_get_identifier (hub->process), n_users);

  /* sign-in: argon2id is most of it */
  tokens = g_new0 (char *, n_users + 1);
  t0 = g_get_monotonic_time ();
  for (i = 0; i < n_users; i++)
    {
      g_autofree char *user = g_strdup_printf (i % 2 == 0 ? "bench.req.%04d" : "bench.spec.%04d", i / 2);
      tokens[i] = hz_hub_login (hub, user);
    }
  elapsed = g_get_monotonic_time () - t0;
  g_print ("login: %d sign-ins in %.2f s = %.1f/s, %.1f ms each (one at a time)\n",
           n_users, elapsed / 1e6, n_users / (elapsed / 1e6), elapsed / 1e3 / n_users);

  /* the idle sessions, on this thread, over the users that do not relay:
   * several sessions per token */
  n_idle = MAX (0, n_sessions - 2 * n_relay_pairs);
  idle = g_new0 (Ws, n_idle);
  session = new_session ();
  opener = (Opener) { session, NULL, hub->url, 0, 0, 0 };
  t0 = g_get_monotonic_time ();
  for (i = 0; i < n_idle; i++)
    {
      int user = 2 * n_relay_pairs + i % MAX (1, n_users - 2 * n_relay_pairs);
      idle[i].opener = &opener;
      ws_open (&idle[i], tokens[MIN (user, n_users - 1)]);
      while (opener.in_flight >= 64)
        g_main_context_iteration (NULL, TRUE);
    }
  while (opener.in_flight > 0)
    g_main_context_iteration (NULL, TRUE);
  elapsed = g_get_monotonic_time () - t0;
  g_print ("idle sessions: %u opened in %.2f s, %u failed, over %d tokens (%.0f per token)\n",
           opener.opened, elapsed / 1e6, opener.failed, n_users - 2 * n_relay_pairs,
           (double) n_idle / MAX (1, n_users - 2 * n_relay_pairs));
  /* let the presence pushes of all those sign-ins settle */
  t0 = g_get_monotonic_time ();
  while (g_get_monotonic_time () - t0 < 1000 * 1000)
    g_main_context_iteration (NULL, FALSE);

  /* the measured traffic, on its own thread */
  job = (Job) { hub->url, g_subprocess_get_identifier (hub->process), tokens, g_main_context_default (), loop };
  thread = g_thread_new ("bench-hub-measure", measure_thread, &job);
  g_main_loop_run (loop);
  g_thread_join (g_steal_pointer (&thread));

  hub_memory (hub, &rss, &hwm);
  g_print ("sessions held: %u idle + %d measuring = %u; hub RSS %.1f MB, peak %.1f MB (%.1f KB per session)\n",
           opener.opened, 2 * n_relay_pairs, opener.opened + 2 * n_relay_pairs, rss, hwm,
           rss * 1024 / MAX (1, (int) opener.opened + 2 * n_relay_pairs));

  for (i = 0; i < n_idle; i++)
    ws_close (&idle[i]);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_strfreev (tokens);
  {
    g_autofree char *dir = g_strdup (hub->data_dir);
    g_clear_pointer (&hub, hz_hub_free);
    hz_test_rmdir (dir);
  }
  return 0;
}
