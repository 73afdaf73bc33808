/* test-hub.c: huizhen-hub as a real process on loopback: sign-in, the
 * workflow for each role, an authorization matrix, bad input, the relay,
 * catch-up after reconnecting, expiry, and kill -9. */
#include "config.h"

#include <string.h>

#include "hz-hub-harness.h"
#include "hz-signed-opinion.h"
#include "hz-test-utils.h"

#define TEST_CONFIG "[limits]\nexpiry-emergency=1\nexpiry-check-ms=200\nlogin-failures-per-account=3\n" \
                    "max-json-bytes=4096\nmax-bundle-bytes=65536\nmax-attachment-bytes=65536\n" \
                    "ws-messages-per-second=50\n" \
                    "[turn]\nsecret=test-secret\nurls=turn:127.0.0.1:3478?transport=udp\nttl=600\n"

#define NEW_REQUEST \
  "{\"patient\":{\"id\":\"QS-000731\",\"name\":\"王建国\",\"sex\":\"male\",\"age\":62}," \
  "\"reason\":\"胸痛\",\"urgency\":\"%s\",\"mode\":\"live\"," \
  "\"target\":{\"department\":\"cardiology\"},\"consent\":{\"by\":\"patient\",\"method\":\"written\"}," \
  "\"bundle\":{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[]}}"

static char *
create_consult (HzHub      *hub,
                const char *token,
                const char *urgency)
{
  g_autofree char *body = g_strdup_printf (NEW_REQUEST, urgency);
  guint status = 0;
  g_autoptr(JsonNode) reply = hz_hub_call (hub, token, "POST", "consults", body, &status);

  g_assert_cmpuint (status, ==, 201);
  g_assert_cmpstr (hz_json_str (reply, "state"), ==, "requested");
  return g_strdup (hz_json_str (reply, "id"));
}

static guint
n_consults (JsonNode *list)
{
  return json_array_get_length (json_object_get_array_member (json_node_get_object (list), "consults"));
}

static guint
act (HzHub      *hub,
     const char *token,
     const char *id,
     const char *action,
     const char *body,
     char      **state)
{
  g_autofree char *path = g_strdup_printf ("consults/%s/actions/%s", id, action);
  guint status = 0;
  g_autoptr(JsonNode) reply = hz_hub_call (hub, token, "POST", path, body ? body : "{}", &status);

  if (state)
    *state = g_strdup (hz_json_str (reply, "state"));
  return status;
}

static guint
status_of (HzHub      *hub,
           const char *token,
           const char *method,
           const char *path,
           const char *body)
{
  guint status = 0;
  g_autoptr(JsonNode) reply = hz_hub_call (hub, token, method, path, body, &status);
  return status;
}

static void
test_login (void)
{
  g_autoptr(HzHub) hub = hz_hub_start (TEST_CONFIG, NULL);
  g_autofree char *token = hz_hub_login (hub, "dr.zhou");
  g_autoptr(JsonNode) me = NULL;
  guint status = 0, i;

  me = hz_hub_call (hub, token, "GET", "me", NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (hz_json_str (me, "role"), ==, "requester");
  g_assert_cmpstr (hz_json_str (me, "display_name"), ==, "周明 Zhou Ming");

  /* unknown user and wrong password look the same */
  g_assert_cmpuint (status_of (hub, NULL, "POST", "login", "{\"username\":\"nobody\",\"password\":\"x\"}"), ==, 401);
  for (i = 0; i < 3; i++)
    g_assert_cmpuint (status_of (hub, NULL, "POST", "login", "{\"username\":\"dr.chen\",\"password\":\"wrong\"}"), ==, 401);
  /* now limited, even with the right password */
  g_assert_cmpuint (status_of (hub, NULL, "POST", "login",
                               "{\"username\":\"dr.chen\",\"password\":\"huizhen-demo\"}"), ==, 429);

  /* forged, and logged-out tokens */
  g_assert_cmpuint (status_of (hub, "forged-token-forged-token", "GET", "me", NULL), ==, 401);
  g_assert_cmpuint (status_of (hub, NULL, "GET", "me", NULL), ==, 401);
  g_assert_cmpuint (status_of (hub, token, "POST", "logout", NULL), ==, 204);
  g_assert_cmpuint (status_of (hub, token, "GET", "me", NULL), ==, 401);
}

static void
test_workflow (void)
{
  g_autoptr(HzHub) hub = hz_hub_start (TEST_CONFIG, NULL);
  g_autofree char *zhou = hz_hub_login (hub, "dr.zhou");
  g_autofree char *chen = hz_hub_login (hub, "dr.chen");
  g_autofree char *id = create_consult (hub, zhou, "urgent");
  g_autofree char *path = g_strdup_printf ("consults/%s/events", id);
  g_autoptr(JsonNode) incoming = NULL;
  g_autoptr(JsonNode) events = NULL;
  g_autoptr(JsonNode) consult = NULL;
  g_autofree char *report = NULL;
  char *state = NULL;
  guint status = 0;

  incoming = hz_hub_call (hub, chen, "GET", "consults?box=incoming&state=requested", NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (n_consults (incoming), ==, 2);

  g_assert_cmpuint (act (hub, chen, id, "decline", "{}", NULL), ==, 422);  /* needs a reason */
  g_assert_cmpuint (act (hub, zhou, id, "accept", NULL, NULL), ==, 403);   /* not the requester's move */
  g_assert_cmpuint (act (hub, chen, id, "accept", NULL, &state), ==, 200);
  g_assert_cmpstr (state, ==, "accepted");
  g_clear_pointer (&state, g_free);
  g_assert_cmpuint (act (hub, chen, id, "accept", NULL, NULL), ==, 403);   /* not twice: no longer a candidate */
  g_assert_cmpuint (act (hub, zhou, id, "provide_info", NULL, NULL), ==, 409);  /* right person, wrong moment */
  g_assert_cmpuint (act (hub, zhou, id, "start_session", NULL, NULL), ==, 200);
  g_assert_cmpuint (act (hub, chen, id, "end_session", NULL, NULL), ==, 200);
  g_assert_cmpuint (act (hub, zhou, id, "report", "{\"opinion\":{\"findings\":\"x\"}}", NULL), ==, 403);
  report = hz_hub_signed_report (hub, chen, "dr.chen", id);
  g_assert_cmpuint (act (hub, chen, id, "report", report, &state), ==, 200);
  g_assert_cmpstr (state, ==, "reported");
  g_clear_pointer (&state, g_free);
  g_assert_cmpuint (act (hub, zhou, id, "close", NULL, &state), ==, 200);
  g_assert_cmpstr (state, ==, "closed");
  g_clear_pointer (&state, g_free);

  consult = hz_hub_call (hub, zhou, "GET", path + 0, NULL, &status);
  events = g_steal_pointer (&consult);
  g_assert_cmpuint (status, ==, 200);
  /* created, accept, start, end, report, close */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (events), "events")), ==, 6);
}

/* Every endpoint, for every role, on a consult that is theirs or not. */
static void
test_authorization_matrix (void)
{
  g_autoptr(HzHub) hub = hz_hub_start (TEST_CONFIG, NULL);
  const char *users[] = { "dr.zhou", "dr.chen", "dr.sun", "coord.wang", "admin" };
  char *tokens[G_N_ELEMENTS (users)];
  g_autofree char *id = NULL;
  typedef struct { const char *method, *path_fmt, *body; guint expected[G_N_ELEMENTS (users)]; } Cell;
  /* expected: zhou (requester), chen (candidate cardiologist), sun (other
   * department), coordinator of the target hospital, administrator */
  const Cell cells[] = {
    { "GET", "consults/%s", NULL, { 200, 200, 404, 200, 404 } },
    { "GET", "consults/%s/bundle", NULL, { 200, 200, 404, 200, 404 } },
    { "GET", "consults/%s/events", NULL, { 200, 200, 404, 200, 404 } },
    { "POST", "consults/%s/actions/request_info", "{\"reason\":\"心电图\"}", { 403, 200, 404, 403, 404 } },
    { "POST", "consults/%s/actions/provide_info", "{\"note\":\"已补充\"}", { 200, 403, 404, 403, 404 } },
    { "POST", "consults/%s/actions/assign", "{\"specialist\":\"dr.chen\"}", { 403, 403, 404, 200, 404 } },
    { "POST", "consults/%s/actions/close", NULL, { 409, 403, 404, 409, 404 } },
    { "POST", "consults", NULL, { 422, 403, 403, 403, 403 } },
  };
  guint u, c;

  for (u = 0; u < G_N_ELEMENTS (users); u++)
    tokens[u] = hz_hub_login (hub, users[u]);
  id = create_consult (hub, tokens[0], "routine");

  for (c = 0; c < G_N_ELEMENTS (cells); c++)
    for (u = 0; u < G_N_ELEMENTS (users); u++)
      {
        g_autofree char *path = NULL;
        char **halves = g_strsplit (cells[c].path_fmt, "%s", 2);
        path = halves[1] ? g_strconcat (halves[0], id, halves[1], NULL) : g_strdup (halves[0]);
        g_strfreev (halves);
        guint got = status_of (hub, tokens[u], cells[c].method, path, cells[c].body ? cells[c].body : "{}");
        if (got != cells[c].expected[u])
          g_error ("%s %s as %s: %u, expected %u", cells[c].method, path, users[u], got, cells[c].expected[u]);
      }
  /* a consult of someone else's: another township doctor does not exist in
   * the demo, so check list filtering instead: dr.sun sees none of it */
  {
    guint status = 0;
    g_autoptr(JsonNode) list = hz_hub_call (hub, tokens[2], "GET", "consults", NULL, &status);
    JsonArray *a = json_object_get_array_member (json_node_get_object (list), "consults");
    for (guint i = 0; i < json_array_get_length (a); i++)
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (a, i), "target_department"), ==, "dermatology");
  }
  for (u = 0; u < G_N_ELEMENTS (users); u++)
    g_free (tokens[u]);
}

static void
assert_error_reply (HzHub      *hub,
                    const char *token,
                    const char *method,
                    const char *path,
                    const char *body,
                    guint       status,
                    const char *code)
{
  guint got = 0;
  g_autoptr(JsonNode) reply = hz_hub_call (hub, token, method, path, body, &got);

  if (got != status || g_strcmp0 (hz_json_str (reply, "error.code"), code) != 0)
    g_error ("%s %s: %u %s, expected %u %s", method, path, got, hz_json_str (reply, "error.code"), status, code);
  g_assert_nonnull (hz_json_str (reply, "error.message"));
}

static void
test_bad_input (void)
{
  g_autoptr(HzHub) hub = hz_hub_start (TEST_CONFIG, NULL);
  g_autofree char *zhou = hz_hub_login (hub, "dr.zhou");
  g_autofree char *big = NULL;
  g_autofree char *big_body = NULL;
  g_autoptr(JsonNode) list = NULL;
  guint status = 0;

  assert_error_reply (hub, NULL, "POST", "login", "{\"username\":", 400, "bad_json");
  assert_error_reply (hub, NULL, "POST", "login", "[1,2]", 400, "bad_json");
  assert_error_reply (hub, NULL, "POST", "login", "{\"username\":5,\"password\":\"x\"}", 422, "invalid");
  assert_error_reply (hub, NULL, "POST", "login", "{\"username\":\"a\",\"password\":\"x\",\"admin\":true}", 400, "unknown_field");
  assert_error_reply (hub, zhou, "POST", "consults", "{\"patient\":{\"id\":\"X\",\"name\":\"Y\",\"blood\":\"A\"}}", 400, "unknown_field");
  assert_error_reply (hub, zhou, "POST", "consults",
                      "{\"patient\":{\"id\":\"X\",\"name\":\"Y\"},\"consent\":{\"by\":\"patient\",\"method\":\"written\"},"
                      "\"target\":{\"department\":\"cardiology\"},\"reason\":\"r\",\"urgency\":\"soon\"}", 422, "invalid");
  assert_error_reply (hub, zhou, "POST", "consults",
                      "{\"patient\":{\"id\":\"X\",\"name\":\"Y\"},\"consent\":{\"by\":\"patient\",\"method\":\"written\"},"
                      "\"target\":{\"department\":\"cardiology\"},\"reason\":\"r\",\"urgency\":\"urgent\","
                      "\"bundle\":{\"resourceType\":\"Patient\"}}", 422, "invalid");
  assert_error_reply (hub, zhou, "POST", "consults",
                      "{\"patient\":{\"id\":\"X\",\"name\":\"Y\"},\"target\":{\"department\":\"cardiology\"},"
                      "\"reason\":\"r\",\"urgency\":\"urgent\"}", 422, "invalid");  /* no consent */
  assert_error_reply (hub, zhou, "GET", "consults/HZ-NOPE/bundle", NULL, 404, "not_found");
  assert_error_reply (hub, zhou, "POST", "consults/HZ-NOPE/actions/explode", "{}", 404, "not_found");
  assert_error_reply (hub, zhou, "DELETE", "me", NULL, 405, "method_not_allowed");

  /* over the limits: the JSON limit, and the early Content-Length check */
  big = g_strnfill (8000, 'x');
  big_body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"x\"}", big);
  assert_error_reply (hub, NULL, "POST", "login", big_body, 413, "too_large");
  {
    g_autofree char *huge = g_malloc0 (200 * 1024);
    g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&huge), 200 * 1024);
    g_autoptr(JsonNode) reply = hz_hub_call_raw (hub, zhou, "POST", "consults", "application/json", bytes, &status);
    g_assert_cmpuint (status, ==, 413);
  }
  /* nothing was stored half-way, and the hub still serves */
  list = hz_hub_call (hub, zhou, "GET", "consults", NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (n_consults (list), ==, 3);
}

static void
test_attachments (void)
{
  g_autoptr(HzHub) hub = hz_hub_start (TEST_CONFIG, NULL);
  g_autofree char *zhou = hz_hub_login (hub, "dr.zhou");
  g_autofree char *sun = hz_hub_login (hub, "dr.sun");
  g_autofree char *id = create_consult (hub, zhou, "routine");
  g_autofree char *path = g_strdup_printf ("consults/%s/attachments", id);
  g_autofree char *get_path = NULL;
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };
  g_autoptr(GBytes) good = g_bytes_new_static (png, sizeof png);
  g_autoptr(GBytes) liar = g_bytes_new_static ("%PDF-1.4 not a png", 18);
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) r2 = NULL;
  guint status = 0;

  reply = hz_hub_call_raw (hub, zhou, "POST", path, "image/png", good, &status);
  g_assert_cmpuint (status, ==, 201);
  {
    g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, good);
    g_assert_cmpstr (hz_json_str (reply, "sha256"), ==, sha);
  }
  r2 = hz_hub_call_raw (hub, zhou, "POST", path, "image/png", liar, &status);
  g_assert_cmpuint (status, ==, 415);
  get_path = g_strdup_printf ("%s/%s", path, hz_json_str (reply, "sha256"));
  g_assert_cmpuint (status_of (hub, sun, "GET", get_path, NULL), ==, 404);
  g_assert_cmpuint (status_of (hub, sun, "POST", path, NULL), ==, 404);
  g_assert_cmpuint (status_of (hub, sun, "GET", path, NULL), ==, 404);

  /* The list: the one accepted file, its type and size, no bytes. */
  {
    g_autoptr(JsonNode) list = hz_hub_call (hub, zhou, "GET", path, NULL, &status);
    JsonArray *items;
    JsonObject *item;

    g_assert_cmpuint (status, ==, 200);
    items = json_object_get_array_member (json_node_get_object (list), "attachments");
    g_assert_cmpuint (json_array_get_length (items), ==, 1);
    item = json_array_get_object_element (items, 0);
    g_assert_cmpstr (json_object_get_string_member (item, "sha256"), ==, hz_json_str (reply, "sha256"));
    g_assert_cmpstr (json_object_get_string_member (item, "content_type"), ==, "image/png");
    g_assert_cmpint (json_object_get_int_member (item, "size"), ==, sizeof png);
    g_assert_cmpstr (json_object_get_string_member (item, "added_by"), ==, "dr.zhou");
    g_assert_false (json_object_has_member (item, "data"));
  }
}

static char *
accepted_consult (HzHub      *hub,
                  const char *zhou,
                  const char *chen)
{
  char *id = create_consult (hub, zhou, "urgent");
  g_assert_cmpuint (act (hub, chen, id, "accept", NULL, NULL), ==, 200);
  return id;
}

static void
test_relay (void)
{
  g_autoptr(HzHub) hub = hz_hub_start (TEST_CONFIG, NULL);
  g_autofree char *zhou = hz_hub_login (hub, "dr.zhou");
  g_autofree char *chen = hz_hub_login (hub, "dr.chen");
  g_autofree char *sun = hz_hub_login (hub, "dr.sun");
  g_autoptr(HzWs) a = hz_ws_connect (hub, zhou);
  g_autoptr(HzWs) b = hz_ws_connect (hub, chen);
  g_autoptr(HzWs) c = hz_ws_connect (hub, sun);
  g_autofree char *id = NULL;
  g_autofree char *offer = NULL;
  g_autofree char *intrude = NULL;
  g_autoptr(JsonNode) got = NULL;
  g_autoptr(JsonNode) err = NULL;
  g_autoptr(JsonNode) pushed = NULL;
  g_autoptr(JsonNode) pong = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JsonNode) hello = hz_ws_next (i == 0 ? a : i == 1 ? b : c, "hello", 2000);
      g_assert_nonnull (hello);
    }

  id = accepted_consult (hub, zhou, chen);
  pushed = hz_ws_next (a, "consult", 2000);  /* the requester hears of the new consult */
  g_assert_nonnull (pushed);

  offer = g_strdup_printf ("{\"type\":\"signal\",\"consult\":\"%s\",\"data\":{\"sdp\":\"v=0 offer\",\"kind\":\"offer\"}}", id);
  hz_ws_send (a, offer);
  got = hz_ws_next (b, "signal", 3000);
  g_assert_nonnull (got);
  g_assert_cmpstr (hz_json_str (got, "from"), ==, "dr.zhou");
  g_assert_cmpstr (hz_json_str (got, "data.sdp"), ==, "v=0 offer");

  /* the third doctor is no party: refused, and heard nothing */
  intrude = g_strdup_printf ("{\"type\":\"signal\",\"consult\":\"%s\",\"data\":{\"sdp\":\"x\"}}", id);
  hz_ws_send (c, intrude);
  err = hz_ws_next (c, "error", 3000);
  g_assert_cmpstr (hz_json_str (err, "code"), ==, "forbidden");
  hz_ws_send (c, "{\"type\":\"ping\"}");
  pong = hz_ws_next (c, "pong", 3000);
  g_assert_nonnull (pong);
  g_assert_null (hz_ws_next (c, "signal", 200));
  g_assert_null (hz_ws_next (a, "signal", 200));  /* nor does the sender hear itself */
}

/* The next presence message about @user, or NULL. */
static JsonNode *
next_presence (HzWs       *ws,
               const char *user,
               guint       timeout_ms)
{
  for (;;)
    {
      JsonNode *p = hz_ws_next (ws, "presence", timeout_ms);
      if (p == NULL || g_strcmp0 (hz_json_str (p, "user"), user) == 0)
        return p;
      json_node_unref (p);
    }
}

static const char *
directory_presence (JsonNode   *directory,
                    const char *user)
{
  JsonArray *users = json_object_get_array_member (json_node_get_object (directory), "users");

  for (guint i = 0; i < json_array_get_length (users); i++)
    if (g_strcmp0 (hz_json_str (json_array_get_element (users, i), "id"), user) == 0)
      return hz_json_str (json_array_get_element (users, i), "presence");
  return NULL;
}

static void
expect_presence (HzHub      *hub,
                 HzWs       *watcher,
                 const char *token,
                 const char *user,
                 const char *status)
{
  g_autoptr(JsonNode) pushed = next_presence (watcher, user, 3000);
  g_autoptr(JsonNode) directory = NULL;
  guint code = 0;

  g_assert_nonnull (pushed);
  g_assert_cmpstr (hz_json_str (pushed, "status"), ==, status);
  directory = hz_hub_call (hub, token, "GET", "directory", NULL, &code);
  g_assert_cmpuint (code, ==, 200);
  g_assert_cmpstr (directory_presence (directory, user), ==, status);
}

/* Busy while in a consult in session, set and cleared by the hub; a
 * choice made meanwhile does not override it, and counts again after. */
static void
test_presence_busy (void)
{
  g_autoptr(HzHub) hub = hz_hub_start (TEST_CONFIG, NULL);
  g_autofree char *zhou = hz_hub_login (hub, "dr.zhou");
  g_autofree char *chen = hz_hub_login (hub, "dr.chen");
  g_autofree char *sun = hz_hub_login (hub, "dr.sun");
  g_autoptr(HzWs) watcher = hz_ws_connect (hub, sun);
  g_autoptr(HzWs) a = NULL;
  g_autoptr(HzWs) b = NULL;
  g_autofree char *id = NULL;
  g_autoptr(JsonNode) none = NULL;

  a = hz_ws_connect (hub, zhou);
  expect_presence (hub, watcher, sun, "dr.zhou", "available");
  b = hz_ws_connect (hub, chen);
  expect_presence (hub, watcher, sun, "dr.chen", "available");
  hz_ws_send (b, "{\"type\":\"presence\",\"status\":\"away\"}");
  expect_presence (hub, watcher, sun, "dr.chen", "away");

  id = accepted_consult (hub, zhou, chen);
  g_assert_cmpuint (act (hub, zhou, id, "start_session", NULL, NULL), ==, 200);
  expect_presence (hub, watcher, sun, "dr.zhou", "busy");
  expect_presence (hub, watcher, sun, "dr.chen", "busy");

  /* choosing "available" during the call changes nothing others see */
  hz_ws_send (a, "{\"type\":\"presence\",\"status\":\"available\"}");
  expect_presence (hub, watcher, sun, "dr.zhou", "busy");

  g_assert_cmpuint (act (hub, chen, id, "end_session", NULL, NULL), ==, 200);
  expect_presence (hub, watcher, sun, "dr.zhou", "available");
  expect_presence (hub, watcher, sun, "dr.chen", "away");  /* back to their own choice */
  none = next_presence (watcher, "dr.sun", 200);
  g_assert_null (none);  /* the onlooker's own presence did not move */
}

static void
test_reconnect_catch_up (void)
{
  g_autoptr(HzHub) hub = hz_hub_start (TEST_CONFIG, NULL);
  g_autofree char *zhou = hz_hub_login (hub, "dr.zhou");
  g_autofree char *chen = hz_hub_login (hub, "dr.chen");
  g_autofree char *id = create_consult (hub, zhou, "urgent");
  g_autofree char *resume = NULL;
  g_autoptr(JsonNode) hello = NULL;
  g_autoptr(JsonNode) missed = NULL;
  g_autoptr(JsonNode) hello2 = NULL;
  g_autoptr(JsonNode) live = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autofree char *other = NULL;
  HzWs *ws = hz_ws_connect (hub, zhou);
  gint64 cursor;

  hello = hz_ws_next (ws, "hello", 2000);
  cursor = json_object_get_int_member (json_node_get_object (hello), "cursor");
  hz_ws_free (ws);

  /* while away: the specialist accepts */
  g_assert_cmpuint (act (hub, chen, id, "accept", NULL, NULL), ==, 200);

  ws = hz_ws_connect (hub, zhou);
  hello2 = hz_ws_next (ws, "hello", 2000);
  /* Back, but before the resume is read, something new happens: it comes
   * live, so the resume must not replay it too. */
  other = create_consult (hub, zhou, "routine");
  live = hz_ws_next (ws, "consult", 3000);
  g_assert_nonnull (live);
  g_assert_cmpstr (hz_json_str (live, "consult.id"), ==, other);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (live), "cursor"), >,
                   json_object_get_int_member (json_node_get_object (hello2), "cursor"));

  resume = g_strdup_printf ("{\"type\":\"resume\",\"cursor\":%" G_GINT64_FORMAT "}", cursor);
  hz_ws_send (ws, resume);
  missed = hz_ws_next (ws, "consult", 3000);
  g_assert_nonnull (missed);
  g_assert_cmpstr (hz_json_str (missed, "consult.id"), ==, id);
  g_assert_cmpstr (hz_json_str (missed, "consult.state"), ==, "accepted");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (missed), "cursor"), >, cursor);
  again = hz_ws_next (ws, "consult", 500);
  g_assert_null (again);
  hz_ws_free (ws);
}

static void
test_ws_refusals (void)
{
  g_autoptr(HzHub) hub = hz_hub_start (TEST_CONFIG, NULL);
  g_autofree char *zhou = hz_hub_login (hub, "dr.zhou");
  g_autoptr(HzWs) anon = hz_ws_connect (hub, "not-a-token");
  g_autoptr(HzWs) flood = NULL;
  g_autoptr(HzWs) calm = NULL;
  g_autoptr(JsonNode) err = NULL;
  g_autoptr(JsonNode) pong = NULL;
  guint i;

  g_assert_true (hz_ws_wait_closed (anon, 3000));
  g_assert_cmpuint (anon->close_code, ==, 4401);

  flood = hz_ws_connect (hub, zhou);
  hz_ws_send (flood, "{not json");
  err = hz_ws_next (flood, "error", 2000);
  g_assert_cmpstr (hz_json_str (err, "code"), ==, "bad_json");
  for (i = 0; i < 500; i++)
    hz_ws_send (flood, "{\"type\":\"ping\"}");
  g_assert_true (hz_ws_wait_closed (flood, 5000));
  g_assert_cmpuint (flood->close_code, ==, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);

  /* everyone else is still served */
  calm = hz_ws_connect (hub, zhou);
  hz_ws_send (calm, "{\"type\":\"ping\"}");
  pong = hz_ws_next (calm, "pong", 3000);
  g_assert_nonnull (pong);
}

static void
test_expiry (void)
{
  g_autoptr(HzHub) hub = hz_hub_start (TEST_CONFIG, NULL);
  g_autofree char *zhou = hz_hub_login (hub, "dr.zhou");
  g_autofree char *id = create_consult (hub, zhou, "emergency");
  g_autofree char *path = g_strdup_printf ("consults/%s", id);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  /* expiry-emergency=1 s, checked every 200 ms */
  for (;;)
    {
      guint status = 0;
      g_autoptr(JsonNode) c = hz_hub_call (hub, zhou, "GET", path, NULL, &status);
      if (g_strcmp0 (hz_json_str (c, "state"), "expired") == 0)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (100000);
    }
}

static void
test_kill9 (void)
{
  g_autoptr(HzHub) hub = hz_hub_start (TEST_CONFIG, NULL);
  g_autofree char *zhou = hz_hub_login (hub, "dr.zhou");
  g_autofree char *id = create_consult (hub, zhou, "urgent");
  g_autofree char *path = g_strdup_printf ("consults/%s", id);
  g_autofree char *dir = g_strdup (hub->data_dir);
  g_autoptr(HzHub) again = NULL;
  g_autofree char *token = NULL;
  guint status = 0;

  hz_hub_kill (hub, TRUE);
  again = hz_hub_start (TEST_CONFIG, dir);
  token = hz_hub_login (again, "dr.zhou");
  {
    g_autoptr(JsonNode) c = hz_hub_call (again, token, "GET", path, NULL, &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpstr (hz_json_str (c, "reason"), ==, "胸痛");
  }
  /* the old token survived the restart too: sessions are in the store */
  g_assert_cmpuint (status_of (again, zhou, "GET", "me", NULL), ==, 200);
}

/* The configured bundle limit holds, not the JSON writer's 1 MiB default. */
static void
test_large_bundle (void)
{
  g_autoptr(HzHub) hub = hz_hub_start ("[limits]\nmax-bundle-bytes=4194304\n", NULL);
  g_autofree char *zhou = hz_hub_login (hub, "dr.zhou");
  g_autofree char *note = g_strnfill (1500 * 1024, 'x');
  g_autofree char *body = g_strdup_printf (
    "{\"patient\":{\"id\":\"QS-000731\",\"name\":\"王建国\"},\"reason\":\"胸痛\",\"urgency\":\"routine\","
    "\"target\":{\"department\":\"cardiology\"},\"consent\":{\"by\":\"patient\",\"method\":\"written\"},"
    "\"bundle\":{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[],\"note\":\"%s\"}}", note);
  guint status = 0;
  g_autoptr(JsonNode) reply = hz_hub_call (hub, zhou, "POST", "consults", body, &status);

  g_assert_cmpuint (status, ==, 201);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (reply), "has_bundle"));
}

/* The client's outbox retries with the same key: one consult, one answer. */
static void
test_idempotency (void)
{
  g_autoptr(HzHub) hub = hz_hub_start (TEST_CONFIG, NULL);
  g_autofree char *zhou = hz_hub_login (hub, "dr.zhou");
  g_autofree char *body = g_strdup_printf (NEW_REQUEST, "routine");
  g_autofree char *uri = g_strconcat (hub->url, "api/v1/consults", NULL);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", zhou);
  g_autofree char *first_id = NULL;
  g_autoptr(JsonNode) list = NULL;
  guint i, status = 0;

  for (i = 0; i < 3; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", uri);
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      g_autoptr(GBytes) reply = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      const char *id;

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", "outbox-key-1");
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
      reply = soup_session_send_and_read (hub->session, msg, NULL, NULL);
      g_assert_cmpuint (soup_message_get_status (msg), ==, 201);
      g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), NULL));
      id = hz_json_str (json_parser_get_root (parser), "id");
      if (first_id == NULL)
        first_id = g_strdup (id);
      g_assert_cmpstr (id, ==, first_id);
    }
  list = hz_hub_call (hub, zhou, "GET", "consults?box=outgoing", NULL, &status);
  g_assert_cmpuint (n_consults (list), ==, 4);
}

/* POST with an Idempotency-Key; the status, or 0 when the hub died
 * before answering. */
static guint
post_keyed (HzHub      *hub,
            const char *token,
            const char *path,
            const char *key,
            const char *body,
            gboolean   *replayed,
            char      **id)
{
  g_autofree char *uri = g_strconcat (hub->url, "api/v1/", path, NULL);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", uri);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", key);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  reply = soup_session_send_and_read (hub->session, msg, NULL, &error);
  if (reply == NULL)
    return 0;
  if (replayed)
    *replayed = g_strcmp0 (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                         "Idempotent-Replay"), "true") == 0;
  if (id && json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), NULL))
    *id = g_strdup (hz_json_str (json_parser_get_root (parser), "id"));
  return soup_message_get_status (msg);
}

static HzHub *
start_crashing (const char *dir)
{
  static const char * const env[] = { "HUIZHEN_HUB_TEST_CRASH_AFTER_COMMIT=1", NULL };

  return hz_hub_start_full (TEST_CONFIG, dir, env, NULL);
}

/* The hub dies right after committing an action, before answering: the
 * client's retry with the same key must get the answer, not act twice
 * (a second consult, or a refusal to accept what it already accepted). */
static void
test_idempotency_crash (void)
{
  g_autoptr(HzHub) hub = start_crashing (NULL);
  g_autofree char *dir = g_strdup (hub->data_dir);
  g_autofree char *zhou = hz_hub_login (hub, "dr.zhou");
  g_autofree char *chen = hz_hub_login (hub, "dr.chen");
  g_autofree char *body = g_strdup_printf (NEW_REQUEST, "routine");
  g_autofree char *id = NULL;
  g_autofree char *again_id = NULL;
  g_autofree char *accept = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) consult = NULL;
  g_autoptr(JsonNode) events = NULL;
  g_autofree char *events_path = NULL;
  gboolean replayed = FALSE;
  guint status = 0, i, n_accepts = 0;
  JsonArray *array;

  /* the first create commits, then the hub dies without answering */
  g_assert_cmpuint (post_keyed (hub, zhou, "consults", "crash-key-1", body, NULL, NULL), ==, 0);
  g_assert_nonnull (hub->process);
  g_assert_true (g_subprocess_wait (hub->process, NULL, NULL));
  g_assert_cmpint (g_subprocess_get_exit_status (hub->process), ==, 99);
  g_clear_pointer (&hub, hz_hub_free);

  hub = start_crashing (dir);
  g_assert_cmpuint (post_keyed (hub, zhou, "consults", "crash-key-1", body, &replayed, &id), ==, 201);
  g_assert_true (replayed);
  g_assert_nonnull (id);
  list = hz_hub_call (hub, zhou, "GET", "consults?box=outgoing", NULL, &status);
  g_assert_cmpuint (n_consults (list), ==, 4);  /* three demo cases and this one, once */

  /* the same for a workflow action */
  accept = g_strdup_printf ("consults/%s/actions/accept", id);
  g_assert_cmpuint (post_keyed (hub, chen, accept, "crash-key-2", "{}", NULL, NULL), ==, 0);
  g_clear_pointer (&hub, hz_hub_free);
  hub = hz_hub_start (TEST_CONFIG, dir);
  replayed = FALSE;
  g_assert_cmpuint (post_keyed (hub, chen, accept, "crash-key-2", "{}", &replayed, &again_id), ==, 200);
  g_assert_true (replayed);
  g_assert_cmpstr (again_id, ==, id);
  events_path = g_strdup_printf ("consults/%s/events", id);
  events = hz_hub_call (hub, chen, "GET", events_path, NULL, &status);
  array = json_object_get_array_member (json_node_get_object (events), "events");
  for (i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (hz_json_str (json_array_get_element (array, i), "payload.action"), "accept") == 0)
      n_accepts++;
  g_assert_cmpuint (n_accepts, ==, 1);

  /* a new key is a new request, judged afresh: accepting twice is illegal */
  status = post_keyed (hub, chen, accept, "crash-key-3", "{}", &replayed, NULL);
  g_assert_cmpuint (status, >=, 400);
  g_assert_false (replayed);
}

static guint
count_fds (HzHub *hub)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/fd", g_subprocess_get_identifier (hub->process));
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir))
    n++;
  return n;
}

/* Clients that come, ask and go (their connection closed by them) leave
 * no socket behind in the hub (libsoup 3.2 kept them: CLOSE-WAIT). */
static void
test_no_socket_leak (void)
{
  g_autoptr(HzHub) hub = hz_hub_start (TEST_CONFIG, NULL);
  g_autofree char *zhou = hz_hub_login (hub, "dr.zhou");
  guint before, after, i;

  before = count_fds (hub);
  for (i = 0; i < 40; i++)
    {
      guint status = 0;
      g_autoptr(JsonNode) me = NULL;
      g_clear_object (&hub->session);  /* a new client each time; the old one closes */
      hub->session = soup_session_new_with_options ("timeout", 20, NULL);
      me = hz_hub_call (hub, zhou, i % 2 ? "GET" : "POST", i % 2 ? "me" : "consults", i % 2 ? NULL : "{}", &status);
      g_assert_cmpuint (status, ==, i % 2 ? 200 : 422);
    }
  g_clear_object (&hub->session);
  hub->session = soup_session_new_with_options ("timeout", 20, NULL);
  g_usleep (300 * 1000);
  after = count_fds (hub);
  g_assert_cmpuint (after, <=, before + 3);
}

static void
test_turn_credentials (void)
{
  g_autoptr(HzHub) hub = hz_hub_start (TEST_CONFIG, NULL);
  g_autofree char *zhou = hz_hub_login (hub, "dr.zhou");
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA1, (const guchar *) "test-secret", 11);
  JsonObject *server;
  const char *username;
  guint8 digest[20];
  gsize len = sizeof digest;
  g_autofree char *expected = NULL;
  guint status = 0;
  gint64 expiry;

  reply = hz_hub_call (hub, zhou, "GET", "turn", NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  server = json_array_get_object_element (json_object_get_array_member (json_node_get_object (reply), "ice_servers"), 0);
  username = json_object_get_string_member (server, "username");
  g_assert_true (g_str_has_suffix (username, ":dr.zhou"));
  expiry = g_ascii_strtoll (username, NULL, 10);
  g_assert_cmpint (expiry, >, g_get_real_time () / G_USEC_PER_SEC + 500);
  g_assert_cmpint (expiry, <=, g_get_real_time () / G_USEC_PER_SEC + 600);
  g_hmac_update (hmac, (const guchar *) username, strlen (username));
  g_hmac_get_digest (hmac, digest, &len);
  expected = g_base64_encode (digest, len);
  g_assert_cmpstr (json_object_get_string_member (server, "credential"), ==, expected);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub/login", test_login);
  g_test_add_func ("/hub/workflow", test_workflow);
  g_test_add_func ("/hub/authorization-matrix", test_authorization_matrix);
  g_test_add_func ("/hub/bad-input", test_bad_input);
  g_test_add_func ("/hub/attachments", test_attachments);
  g_test_add_func ("/hub/relay", test_relay);
  g_test_add_func ("/hub/presence-busy", test_presence_busy);
  g_test_add_func ("/hub/reconnect-catch-up", test_reconnect_catch_up);
  g_test_add_func ("/hub/ws-refusals", test_ws_refusals);
  g_test_add_func ("/hub/expiry", test_expiry);
  g_test_add_func ("/hub/kill-9", test_kill9);
  g_test_add_func ("/hub/idempotency", test_idempotency);
  g_test_add_func ("/hub/idempotency-crash", test_idempotency_crash);
  g_test_add_func ("/hub/large-bundle", test_large_bundle);
  g_test_add_func ("/hub/turn-credentials", test_turn_credentials);
  g_test_add_func ("/hub/no-socket-leak", test_no_socket_leak);
  return g_test_run ();
}
