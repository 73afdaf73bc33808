/* test-hub-inprocess.c: the hub's server object created inside the test
 * process (127.0.0.1:0, its own data folder), driven by libsoup clients
 * on the same main context: the whole workflow for each role, the relay,
 * presence, refusals, and a restart of the server object on the same
 * store. test-hub.c does the same against a real process. */
#include "config.h"

#include <string.h>

#include "hz-hub-demo.h"
#include "hz-hub-harness.h"
#include "hz-hub-server.h"
#include "hz-test-utils.h"

#define NEW_REQUEST \
  "{\"patient\":{\"id\":\"QS-000731\",\"name\":\"王建国\",\"sex\":\"male\",\"age\":62}," \
  "\"reason\":\"胸痛\",\"urgency\":\"urgent\",\"mode\":\"live\"," \
  "\"target\":{\"department\":\"cardiology\"},\"consent\":{\"by\":\"patient\",\"method\":\"written\"}," \
  "\"bundle\":{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[]}}"

typedef struct {
  HzHubConfig *config;
  HzHubStore  *store;
  HzHubServer *server;
  HzHub        client;   /* the harness's client helpers; no process */
} InProcess;

static void
start_server (InProcess *ip)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = g_build_filename (ip->client.data_dir, "hub.db", NULL);

  ip->store = hz_hub_store_open (db, &error);
  g_assert_no_error (error);
  ip->server = hz_hub_server_new (ip->config, ip->store);
  g_assert_true (hz_hub_server_listen (ip->server, &error));
  g_assert_no_error (error);
  g_free (ip->client.url);
  ip->client.url = hz_hub_server_get_url (ip->server);
  g_assert_true (g_str_has_prefix (ip->client.url, "http://127.0.0.1:"));
}

static void
stop_server (InProcess *ip)
{
  g_clear_object (&ip->server);
  g_clear_object (&ip->store);
  /* let the closing handshakes run */
  for (guint i = 0; i < 50 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
}

static InProcess *
in_process_new (void)
{
  InProcess *ip = g_new0 (InProcess, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *demo = g_build_filename (g_getenv ("HUIZHEN_SOURCE_ROOT"), "data", "demo", NULL);

  g_assert_nonnull (g_getenv ("HUIZHEN_SOURCE_ROOT"));
  ip->config = hz_hub_config_new ();
  g_free (ip->config->listen);
  ip->config->listen = g_strdup ("127.0.0.1:0");
  ip->client.data_dir = hz_test_tmpdir ();
  g_free (ip->config->data_dir);
  ip->config->data_dir = g_strdup (ip->client.data_dir);
  ip->client.session = soup_session_new_with_options ("timeout", 20, NULL);
  start_server (ip);
  g_assert_true (hz_hub_demo_seed (ip->store, demo, &error));
  g_assert_no_error (error);
  return ip;
}

static void
in_process_free (InProcess *ip)
{
  stop_server (ip);
  g_clear_object (&ip->client.session);
  hz_test_rmdir (ip->client.data_dir);
  g_free (ip->client.data_dir);
  g_free (ip->client.url);
  hz_hub_config_free (ip->config);
  g_free (ip);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InProcess, in_process_free)

static guint
act (HzHub      *hub,
     const char *token,
     const char *id,
     const char *action,
     const char *body,
     const char *expected_state)
{
  g_autofree char *path = g_strdup_printf ("consults/%s/actions/%s", id, action);
  guint status = 0;
  g_autoptr(JsonNode) reply = hz_hub_call (hub, token, "POST", path, body ? body : "{}", &status);

  if (expected_state && status == 200)
    g_assert_cmpstr (hz_json_str (reply, "state"), ==, expected_state);
  return status;
}

static JsonNode *
next_presence_of (HzWs       *ws,
                  const char *user)
{
  for (;;)
    {
      JsonNode *p = hz_ws_next (ws, "presence", 3000);
      if (p == NULL || g_strcmp0 (hz_json_str (p, "user"), user) == 0)
        return p;
      json_node_unref (p);
    }
}

/* Requester, specialist and coordinator through one consult, with a call. */
static void
test_workflow (void)
{
  g_autoptr(InProcess) ip = in_process_new ();
  HzHub *hub = &ip->client;
  g_autofree char *zhou = hz_hub_login (hub, "dr.zhou");
  g_autofree char *chen = hz_hub_login (hub, "dr.chen");
  g_autofree char *sun = hz_hub_login (hub, "dr.sun");
  g_autofree char *wang = hz_hub_login (hub, "coord.wang");
  g_autoptr(HzWs) a = hz_ws_connect (hub, zhou);
  g_autoptr(HzWs) b = hz_ws_connect (hub, chen);
  g_autoptr(HzWs) c = hz_ws_connect (hub, sun);
  g_autoptr(JsonNode) hello = NULL;
  g_autoptr(JsonNode) created = NULL;
  g_autofree char *report = NULL;
  g_autoptr(JsonNode) pushed = NULL;
  g_autoptr(JsonNode) signal = NULL;
  g_autoptr(JsonNode) busy = NULL;
  g_autoptr(JsonNode) events = NULL;
  g_autoptr(JsonNode) none = NULL;
  g_autofree char *id = NULL;
  g_autofree char *offer = NULL;
  g_autofree char *events_path = NULL;
  guint64 commits;
  guint status = 0;

  hello = hz_ws_next (a, "hello", 2000);
  g_assert_nonnull (hello);
  commits = hz_hub_store_commits (ip->store);
  created = hz_hub_call (hub, zhou, "POST", "consults", NEW_REQUEST, &status);
  g_assert_cmpuint (status, ==, 201);
  id = g_strdup (hz_json_str (created, "id"));
  /* group commit: the answer came only once the change was synced */
  g_assert_cmpuint (hz_hub_store_commits (ip->store), >, commits);
  g_assert_false (hz_hub_store_unsynced (ip->store));

  /* the candidate cardiologist hears of it; the dermatologist does not */
  pushed = hz_ws_next (b, "consult", 2000);
  g_assert_nonnull (pushed);
  g_assert_cmpstr (hz_json_str (pushed, "consult.id"), ==, id);
  none = hz_ws_next (c, "consult", 200);
  g_assert_null (none);

  g_assert_cmpuint (act (hub, sun, id, "accept", NULL, NULL), ==, 404);       /* not his to see */
  g_assert_cmpuint (act (hub, zhou, id, "accept", NULL, NULL), ==, 403);      /* not the requester's move */
  /* a coordinator re-addresses it: to a department or to a named specialist, not both */
  g_assert_cmpuint (act (hub, wang, id, "assign", "{}", NULL), ==, 422);
  g_assert_cmpuint (act (hub, wang, id, "assign", "{\"specialist\":\"dr.chen\",\"department\":\"cardiology\"}", NULL), ==, 422);
  g_assert_cmpuint (act (hub, wang, id, "assign", "{\"department\":\"nowhere\"}", NULL), ==, 422);
  g_assert_cmpuint (act (hub, wang, id, "assign", "{\"department\":\"cardiology\",\"reason\":\"on duty\"}", "requested"), ==, 200);
  g_assert_cmpuint (act (hub, wang, id, "assign", "{\"specialist\":\"dr.chen\"}", "requested"), ==, 200);
  g_assert_cmpuint (act (hub, chen, id, "accept", NULL, "accepted"), ==, 200);
  /* once accepted, only to a named specialist */
  g_assert_cmpuint (act (hub, wang, id, "assign", "{\"department\":\"cardiology\"}", NULL), ==, 409);

  /* signaling between the two doctors only */
  offer = g_strdup_printf ("{\"type\":\"signal\",\"consult\":\"%s\",\"data\":{\"kind\":\"offer\",\"sdp\":\"v=0\"}}", id);
  hz_ws_send (a, offer);
  signal = hz_ws_next (b, "signal", 3000);
  g_assert_nonnull (signal);
  g_assert_cmpstr (hz_json_str (signal, "from"), ==, "dr.zhou");
  g_assert_null (hz_ws_next (c, "signal", 200));

  g_assert_cmpuint (act (hub, zhou, id, "start_session", NULL, "in_session"), ==, 200);
  busy = next_presence_of (c, "dr.chen");
  g_assert_nonnull (busy);
  g_assert_cmpstr (hz_json_str (busy, "status"), ==, "busy");
  g_assert_cmpuint (act (hub, chen, id, "end_session", NULL, "accepted"), ==, 200);
  report = hz_hub_signed_report (hub, chen, "dr.chen", id);
  g_assert_cmpuint (act (hub, chen, id, "report", report, "reported"), ==, 200);
  g_assert_cmpuint (act (hub, zhou, id, "close", NULL, "closed"), ==, 200);
  g_assert_cmpuint (act (hub, zhou, id, "close", NULL, NULL), ==, 409);        /* once */

  events_path = g_strdup_printf ("consults/%s/events", id);
  events = hz_hub_call (hub, wang, "GET", events_path, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  /* created, assign (department), assign, accept, start, end, report, close */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (events), "events")), ==, 8);
}

/* Refusals in-process: nothing half-stored, and the server keeps serving. */
static void
test_refusals (void)
{
  g_autoptr(InProcess) ip = in_process_new ();
  HzHub *hub = &ip->client;
  g_autofree char *zhou = hz_hub_login (hub, "dr.zhou");
  g_autoptr(JsonNode) bad = NULL;
  g_autoptr(JsonNode) unknown = NULL;
  g_autoptr(JsonNode) forged = NULL;
  g_autoptr(JsonNode) list = NULL;
  guint status = 0;

  bad = hz_hub_call (hub, zhou, "POST", "consults", "{\"patient\":", &status);
  g_assert_cmpuint (status, ==, 400);
  g_assert_cmpstr (hz_json_str (bad, "error.code"), ==, "bad_json");
  unknown = hz_hub_call (hub, zhou, "POST", "consults", "{\"surprise\":1}", &status);
  g_assert_cmpuint (status, ==, 400);
  g_assert_cmpstr (hz_json_str (unknown, "error.code"), ==, "unknown_field");
  forged = hz_hub_call (hub, "forged", "GET", "me", NULL, &status);
  g_assert_cmpuint (status, ==, 401);
  g_assert_cmpstr (hz_json_str (forged, "error.code"), ==, "unauthorized");
  list = hz_hub_call (hub, zhou, "GET", "consults?box=outgoing", NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (list), "consults")), ==, 3);
}

/* A request to one named specialist goes to their department, and only
 * they are its candidate (the department's others do not see it). */
static void
test_named_specialist (void)
{
  g_autoptr(InProcess) ip = in_process_new ();
  HzHub *hub = &ip->client;
  g_autofree char *zhou = hz_hub_login (hub, "dr.zhou");
  g_autofree char *sun = hz_hub_login (hub, "dr.sun");
  g_autofree char *chen = hz_hub_login (hub, "dr.chen");
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) seen = NULL;
  g_autoptr(JsonNode) hidden = NULL;
  g_autoptr(JsonNode) bad = NULL;
  guint status = 0;

  {
    g_auto(GStrv) halves = g_strsplit (NEW_REQUEST, "{\"department\":\"cardiology\"}", 2);
    body = g_strconcat (halves[0], "{\"specialist\":\"dr.sun\"}", halves[1], NULL);
  }
  created = hz_hub_call (hub, zhou, "POST", "consults", body, &status);
  g_assert_cmpuint (status, ==, 201);
  g_assert_cmpstr (hz_json_str (created, "target_department"), ==, "dermatology");
  g_assert_cmpstr (hz_json_str (created, "target_specialist"), ==, "dr.sun");
  path = g_strdup_printf ("consults/%s", hz_json_str (created, "id"));
  seen = hz_hub_call (hub, sun, "GET", path, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  hidden = hz_hub_call (hub, chen, "GET", path, NULL, &status);
  g_assert_cmpuint (status, ==, 404);

  g_free (body);
  {
    g_auto(GStrv) halves = g_strsplit (NEW_REQUEST, "{\"department\":\"cardiology\"}", 2);
    body = g_strconcat (halves[0], "{\"specialist\":\"coord.wang\"}", halves[1], NULL);
  }
  bad = hz_hub_call (hub, zhou, "POST", "consults", body, &status);
  g_assert_cmpuint (status, ==, 422);
  g_assert_cmpstr (hz_json_str (bad, "error.code"), ==, "invalid");
}

/* A new server object on the same store: tokens and consults are there,
 * and a consult in session still makes its doctors busy. */
static void
test_restart (void)
{
  g_autoptr(InProcess) ip = in_process_new ();
  HzHub *hub = &ip->client;
  g_autofree char *zhou = hz_hub_login (hub, "dr.zhou");
  g_autofree char *chen = hz_hub_login (hub, "dr.chen");
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) directory = NULL;
  g_autoptr(JsonNode) hello = NULL;
  g_autoptr(HzWs) ws = NULL;
  g_autofree char *id = NULL;
  guint status = 0;
  JsonArray *users;
  gboolean seen = FALSE;

  created = hz_hub_call (hub, zhou, "POST", "consults", NEW_REQUEST, &status);
  id = g_strdup (hz_json_str (created, "id"));
  g_assert_cmpuint (act (hub, chen, id, "accept", NULL, "accepted"), ==, 200);
  g_assert_cmpuint (act (hub, chen, id, "start_session", NULL, "in_session"), ==, 200);

  stop_server (ip);
  start_server (ip);
  ws = hz_ws_connect (hub, chen);
  hello = hz_ws_next (ws, "hello", 2000);
  g_assert_nonnull (hello);
  directory = hz_hub_call (hub, zhou, "GET", "directory", NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  users = json_object_get_array_member (json_node_get_object (directory), "users");
  for (guint i = 0; i < json_array_get_length (users); i++)
    if (g_strcmp0 (hz_json_str (json_array_get_element (users, i), "id"), "dr.chen") == 0)
      {
        g_assert_cmpstr (hz_json_str (json_array_get_element (users, i), "presence"), ==, "busy");
        seen = TRUE;
      }
  g_assert_true (seen);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub-inprocess/workflow", test_workflow);
  g_test_add_func ("/hub-inprocess/refusals", test_refusals);
  g_test_add_func ("/hub-inprocess/named-specialist", test_named_specialist);
  g_test_add_func ("/hub-inprocess/restart", test_restart);
  return g_test_run ();
}
