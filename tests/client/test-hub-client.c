/* test-hub-client.c: HzHubClient against a real huizhen-hub on loopback:
 * sign-in, lists, a consult between two clients with the WebSocket push,
 * the bundle cache, reconnect and catch-up across a hub restart, the
 * outbox delivered once, and an untrusted certificate. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "hz-hub-client.h"
#include "hz-hub-harness.h"
#include "hz-hub-restart.h"
#include "hz-test-utils.h"

#define REQUEST_JSON \
  "{\"patient\":{\"id\":\"QS-000731\",\"name\":\"王建国\",\"sex\":\"male\",\"age\":62}," \
  "\"reason\":\"胸痛\",\"question\":\"是否需要转诊？\",\"urgency\":\"urgent\",\"mode\":\"live\"," \
  "\"target\":{\"department\":\"cardiology\"},\"consent\":{\"by\":\"patient\",\"method\":\"written\"}," \
  "\"bundle\":{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[]}}"

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until *flag or the timeout; returns *flag. */
static gboolean
wait_until (const gboolean *flag,
            guint           timeout_ms)
{
  gboolean expired = FALSE;
  guint source = g_timeout_add (timeout_ms, timeout_cb, &expired);

  while (!*flag && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (source);
  return *flag;
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static JsonObject *
request_object (void)
{
  g_autoptr(JsonNode) node = json_from_string (REQUEST_JSON, NULL);
  return json_object_ref (json_node_get_object (node));
}

static HzHubClient *
new_client (HzHub      *hub,
            const char *dir)
{
  g_autoptr(GError) error = NULL;
  HzHubClient *client = hz_hub_client_new (hub->url, dir, &error);

  g_assert_no_error (error);
  hz_hub_client_set_reconnect_delays (client, 100, 400);
  return client;
}

static void
login (HzHubClient *client,
       const char  *user)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) me = NULL;
  g_autofree char *expires = NULL;

  hz_hub_client_login_async (client, user, "huizhen-demo", NULL, result_cb, &result);
  me = hz_hub_client_login_finish (client, wait_result (&result), &expires, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (me, "id"), ==, user);
  g_assert_nonnull (expires);
  g_assert_cmpstr (hz_hub_client_get_user_id (client), ==, user);
}

static JsonObject *
create (HzHubClient *client,
        GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) request = request_object ();

  hz_hub_client_create_consult_async (client, request, NULL, result_cb, &result);
  return hz_hub_client_create_consult_finish (client, wait_result (&result), error);
}

static JsonObject *
act (HzHubClient *client,
     const char  *id,
     const char  *action,
     const char  *reason,
     GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) body = json_object_new ();

  if (reason)
    json_object_set_string_member (body, "reason", reason);
  hz_hub_client_consult_action_async (client, id, action, body, NULL, result_cb, &result);
  return hz_hub_client_consult_action_finish (client, wait_result (&result), error);
}

static JsonArray *
list (HzHubClient *client,
      const char  *box)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *consults;

  hz_hub_client_list_consults_async (client, box, NULL, NULL, result_cb, &result);
  consults = hz_hub_client_list_consults_finish (client, wait_result (&result), &error);
  g_assert_no_error (error);
  return consults;
}

static void
test_login (void)
{
  g_autoptr(HzHub) hub = hz_hub_start (NULL, NULL);
  g_autoptr(HzHubClient) client = new_client (hub, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) result2 = NULL;
  g_autoptr(GAsyncResult) result3 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(JsonObject) directory = NULL;
  g_autoptr(JsonArray) consults = NULL;

  hz_hub_client_login_async (client, "dr.zhou", "wrong", NULL, result_cb, &result);
  user = hz_hub_client_login_finish (client, wait_result (&result), NULL, &error);
  g_assert_null (user);
  g_assert_error (error, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_BAD_CREDENTIALS);
  g_clear_error (&error);

  login (client, "dr.zhou");
  hz_hub_client_directory_async (client, NULL, result_cb, &result2);
  directory = hz_hub_client_get_finish (client, wait_result (&result2), &error);
  g_assert_no_error (error);
  g_assert_true (json_object_has_member (directory, "departments"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (directory, "users")), >, 3);

  consults = list (client, "outgoing");
  g_assert_nonnull (consults);

  hz_hub_client_logout_async (client, NULL, result_cb, &result3);
  g_assert_true (hz_hub_client_logout_finish (client, wait_result (&result3), &error));
  g_assert_no_error (error);
  g_assert_null (hz_hub_client_get_token (client));
}

typedef struct {
  char     *id;
  char     *state;
  gboolean  seen;
  guint     n;
} Watch;

static void
consult_changed_cb (HzHubClient *client,
                    const char  *id,
                    JsonObject  *consult,
                    JsonObject  *event,
                    gpointer     user_data)
{
  Watch *watch = user_data;

  if (watch->id && g_strcmp0 (id, watch->id) != 0)
    return;
  if (consult && g_strcmp0 (json_object_get_string_member (consult, "state"), watch->state) == 0)
    {
      watch->seen = TRUE;
      watch->n++;
    }
}

static void
online_cb (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  *(gboolean *) user_data = hz_hub_client_get_online (HZ_HUB_CLIENT (object));
}

static void
offline_cb (GObject    *object,
            GParamSpec *pspec,
            gpointer    user_data)
{
  *(gboolean *) user_data = !hz_hub_client_get_online (HZ_HUB_CLIENT (object));
}

static void
test_consult_between_two (void)
{
  g_autoptr(HzHub) hub = hz_hub_start (NULL, NULL);
  g_autoptr(HzHubClient) zhou = new_client (hub, NULL);
  g_autoptr(HzHubClient) chen = new_client (hub, NULL);
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(JsonObject) accepted = NULL;
  g_autoptr(JsonArray) incoming = NULL;
  g_autoptr(GError) error = NULL;
  gboolean zhou_online = FALSE, chen_online = FALSE;
  Watch new_one = { NULL, (char *) "requested", FALSE, 0 };
  Watch accept = { NULL, (char *) "accepted", FALSE, 0 };
  gboolean found = FALSE;

  login (zhou, "dr.zhou");
  login (chen, "dr.chen");
  g_signal_connect (zhou, "notify::online", G_CALLBACK (online_cb), &zhou_online);
  g_signal_connect (chen, "notify::online", G_CALLBACK (online_cb), &chen_online);
  hz_hub_client_connect (zhou);
  hz_hub_client_connect (chen);
  g_assert_true (wait_until (&zhou_online, 5000));
  g_assert_true (wait_until (&chen_online, 5000));

  g_signal_connect (chen, "consult-changed", G_CALLBACK (consult_changed_cb), &new_one);
  created = create (zhou, &error);
  g_assert_no_error (error);
  new_one.id = (char *) json_object_get_string_member (created, "id");
  accept.id = new_one.id;
  g_assert_cmpstr (json_object_get_string_member (created, "state"), ==, "requested");
  /* The specialist hears of it without asking. */
  g_assert_true (wait_until (&new_one.seen, 5000));

  incoming = list (chen, "incoming");
  for (guint i = 0; i < json_array_get_length (incoming); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (incoming, i), "id"),
                   new_one.id) == 0)
      found = TRUE;
  g_assert_true (found);

  g_signal_connect (zhou, "consult-changed", G_CALLBACK (consult_changed_cb), &accept);
  accepted = act (chen, new_one.id, "accept", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (accepted, "state"), ==, "accepted");
  g_assert_true (wait_until (&accept.seen, 5000));

  /* A move from the wrong state is refused in plain words, not queued. */
  g_clear_pointer (&accepted, json_object_unref);
  accepted = act (zhou, new_one.id, "close", NULL, &error);
  g_assert_null (accepted);
  g_assert_error (error, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_CONFLICT);
  g_clear_error (&error);

  hz_hub_client_disconnect (zhou);
  hz_hub_client_disconnect (chen);
  g_assert_false (hz_hub_client_get_online (zhou));
}

typedef struct {
  char     *consult;
  char     *from;
  char     *kind;
} Received;

static void
signal_received_cb (HzHubClient *client,
                    const char  *consult,
                    const char  *from,
                    JsonObject  *data,
                    gpointer     user_data)
{
  Received *received = user_data;

  received->consult = g_strdup (consult);
  received->from = g_strdup (from);
  received->kind = g_strdup (json_object_get_string_member (data, "kind"));
}

static void
test_signal_relay (void)
{
  g_autoptr(HzHub) hub = hz_hub_start (NULL, NULL);
  g_autoptr(HzHubClient) zhou = new_client (hub, NULL);
  g_autoptr(HzHubClient) chen = new_client (hub, NULL);
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(JsonObject) accepted = NULL;
  g_autoptr(JsonObject) data = json_object_new ();
  g_autoptr(GError) error = NULL;
  gboolean zhou_online = FALSE, chen_online = FALSE;
  Received received = { 0 };
  const char *id;

  login (zhou, "dr.zhou");
  login (chen, "dr.chen");
  created = create (zhou, &error);
  g_assert_no_error (error);
  id = json_object_get_string_member (created, "id");
  accepted = act (chen, id, "accept", NULL, &error);
  g_assert_no_error (error);

  g_signal_connect (zhou, "notify::online", G_CALLBACK (online_cb), &zhou_online);
  g_signal_connect (chen, "notify::online", G_CALLBACK (online_cb), &chen_online);
  g_signal_connect (zhou, "signal-received", G_CALLBACK (signal_received_cb), &received);
  g_assert_false (hz_hub_client_send_signal (chen, id, data));  /* not connected yet */
  hz_hub_client_connect (zhou);
  hz_hub_client_connect (chen);
  g_assert_true (wait_until (&zhou_online, 5000));
  g_assert_true (wait_until (&chen_online, 5000));

  json_object_set_string_member (data, "kind", "offer");
  json_object_set_string_member (data, "sdp", "v=0\r\n");
  g_assert_true (hz_hub_client_send_signal (chen, id, data));
  while (received.kind == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (received.consult, ==, id);
  g_assert_cmpstr (received.from, ==, "dr.chen");
  g_assert_cmpstr (received.kind, ==, "offer");
  g_free (received.consult);
  g_free (received.from);
  g_free (received.kind);
}

static void
test_bundle_cache (void)
{
  g_autofree char *dir = hz_test_tmpdir ();
  g_autoptr(HzHub) hub = hz_hub_start (NULL, NULL);
  g_autoptr(HzHubClient) chen = new_client (hub, dir);
  g_autoptr(HzHubClient) zhou = new_client (hub, NULL);
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(GAsyncResult) r1 = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  g_autoptr(GAsyncResult) r3 = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(GBytes) offline = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body_path = NULL;
  g_autofree char *cache_dir = NULL;
  gboolean from_cache = TRUE;
  struct stat st;
  const char *id;

  login (zhou, "dr.zhou");
  login (chen, "dr.chen");
  created = create (zhou, &error);
  g_assert_no_error (error);
  id = json_object_get_string_member (created, "id");

  hz_hub_client_get_bundle_async (chen, id, NULL, result_cb, &r1);
  first = hz_hub_client_get_bundle_finish (chen, wait_result (&r1), &from_cache, &error);
  g_assert_no_error (error);
  g_assert_false (from_cache);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (first, NULL), g_bytes_get_size (first), "Bundle"));

  /* The copy on disk is private. */
  body_path = g_strdup_printf ("%s/bundles/%s.json", dir, id);
  cache_dir = g_strdup_printf ("%s/bundles", dir);
  g_assert_cmpint (g_stat (body_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (cache_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  hz_hub_client_get_bundle_async (chen, id, NULL, result_cb, &r2);
  second = hz_hub_client_get_bundle_finish (chen, wait_result (&r2), &from_cache, &error);
  g_assert_no_error (error);
  g_assert_true (from_cache);  /* 304 */
  g_assert_true (g_bytes_equal (first, second));

  /* With the hub gone, the cached copy still opens. */
  hz_hub_kill (hub, TRUE);
  hz_hub_client_get_bundle_async (chen, id, NULL, result_cb, &r3);
  offline = hz_hub_client_get_bundle_finish (chen, wait_result (&r3), &from_cache, &error);
  g_assert_no_error (error);
  g_assert_true (from_cache);
  g_assert_true (g_bytes_equal (first, offline));
  hz_test_rmdir (dir);
}

/* A file sent with a consult is listed (name, type, size) and comes back
 * byte for byte; a bad consult number never reaches the hub. */
static void
test_attachments (void)
{
  g_autoptr(HzHub) hub = hz_hub_start (NULL, NULL);
  g_autoptr(HzHubClient) zhou = new_client (hub, NULL);
  g_autoptr(HzHubClient) chen = new_client (hub, NULL);
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(JsonObject) uploaded = NULL;
  g_autoptr(JsonArray) list = NULL;
  g_autoptr(JsonArray) none = NULL;
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GAsyncResult) r1 = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  g_autoptr(GAsyncResult) r3 = NULL;
  g_autoptr(GAsyncResult) r4 = NULL;
  g_autoptr(GError) error = NULL;
  static const char pdf[] = "%PDF-1.4\n% a tiny test document\n%%EOF\n";
  g_autoptr(GBytes) content = g_bytes_new_static (pdf, sizeof pdf - 1);
  JsonObject *item;
  const char *id;

  login (zhou, "dr.zhou");
  login (chen, "dr.chen");
  created = create (zhou, &error);
  g_assert_no_error (error);
  id = json_object_get_string_member (created, "id");

  hz_hub_client_upload_attachment_async (zhou, id, content, "application/pdf", "心电图报告.pdf", NULL, result_cb, &r1);
  uploaded = hz_hub_client_upload_attachment_finish (zhou, wait_result (&r1), &error);
  g_assert_no_error (error);

  hz_hub_client_list_attachments_async (chen, id, NULL, result_cb, &r2);
  list = hz_hub_client_list_attachments_finish (chen, wait_result (&r2), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  item = json_array_get_object_element (list, 0);
  g_assert_cmpstr (json_object_get_string_member (item, "filename"), ==, "心电图报告.pdf");
  g_assert_cmpstr (json_object_get_string_member (item, "content_type"), ==, "application/pdf");
  g_assert_cmpint (json_object_get_int_member (item, "size"), ==, (gint64) (sizeof pdf - 1));
  g_assert_cmpstr (json_object_get_string_member (item, "sha256"), ==, json_object_get_string_member (uploaded, "sha256"));

  hz_hub_client_download_attachment_async (chen, id, json_object_get_string_member (item, "sha256"), NULL, result_cb, &r3);
  back = hz_hub_client_download_attachment_finish (chen, wait_result (&r3), &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (back, content));

  hz_hub_client_list_attachments_async (chen, "../../me", NULL, result_cb, &r4);
  none = hz_hub_client_list_attachments_finish (chen, wait_result (&r4), &error);
  g_assert_error (error, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_INVALID_ARGUMENT);
  g_assert_null (none);
}

static void
test_reconnect_catch_up (void)
{
  g_autoptr(HzHub) hub = hz_hub_start (NULL, NULL);
  g_autoptr(HzHubClient) zhou = new_client (hub, NULL);
  g_autoptr(JsonObject) created = NULL;
  g_autofree char *chen = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  gboolean online = FALSE, offline = FALSE;
  Watch accept = { NULL, (char *) "accepted", FALSE, 0 };
  guint status = 0;

  login (zhou, "dr.zhou");
  g_signal_connect (zhou, "notify::online", G_CALLBACK (online_cb), &online);
  hz_hub_client_connect (zhou);
  g_assert_true (wait_until (&online, 5000));
  created = create (zhou, &error);
  g_assert_no_error (error);
  accept.id = (char *) json_object_get_string_member (created, "id");
  g_signal_connect (zhou, "consult-changed", G_CALLBACK (consult_changed_cb), &accept);
  /* Let the creation's push arrive, so the cursor is past it. */
  while (hz_hub_client_get_cursor (zhou) == 0)
    g_main_context_iteration (NULL, TRUE);

  g_signal_connect (zhou, "notify::online", G_CALLBACK (offline_cb), &offline);
  /* Slow the client's next attempt so the accept happens while it is away. */
  hz_hub_client_set_reconnect_delays (zhou, 4000, 4000);
  hz_hub_kill (hub, TRUE);
  g_assert_true (wait_until (&offline, 5000));

  hz_hub_restart (hub);
  chen = hz_hub_login (hub, "dr.chen");
  path = g_strdup_printf ("consults/%s/actions/accept", accept.id);
  reply = hz_hub_call (hub, chen, "POST", path, "{}", &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_false (accept.seen);

  online = FALSE;
  g_assert_true (wait_until (&online, 10000));
  /* The missed accept comes with the resume. */
  g_assert_true (wait_until (&accept.seen, 5000));
  g_assert_cmpuint (accept.n, ==, 1);
}

static void
outbox_delivered_cb (HzHubClient *client,
                     const char  *key,
                     const char  *action,
                     const char  *consult,
                     JsonObject  *reply,
                     gpointer     user_data)
{
  if (reply)
    (*(guint *) user_data)++;
}

static guint
count_events (HzHub      *hub,
              const char *token,
              const char *id,
              const char *kind_part)
{
  g_autofree char *path = g_strdup_printf ("consults/%s/events", id);
  guint status = 0, n = 0;
  g_autoptr(JsonNode) reply = hz_hub_call (hub, token, "GET", path, NULL, &status);
  JsonArray *events;

  g_assert_cmpuint (status, ==, 200);
  events = json_object_get_array_member (json_node_get_object (reply), "events");
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);
      g_autofree char *text = NULL;
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

      json_node_set_object (node, event);
      text = json_to_string (node, FALSE);
      if (strstr (text, kind_part))
        n++;
    }
  return n;
}

static void
test_outbox_once (void)
{
  g_autofree char *dir = hz_test_tmpdir ();
  g_autofree char *log_path = g_build_filename (dir, "log.db", NULL);
  g_autoptr(HzHub) hub = hz_hub_start (NULL, NULL);
  g_autoptr(HzHubClient) zhou = new_client (hub, dir);
  g_autoptr(HzConsultLog) log = hz_consult_log_open (log_path, NULL);
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(JsonObject) cancelled = NULL;
  g_autoptr(JsonObject) queued_create = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) before = NULL;
  g_autoptr(JsonArray) after = NULL;
  g_autofree char *token = NULL;
  g_autofree char *id = NULL;
  gboolean online = FALSE, offline = FALSE;
  guint delivered = 0;
  g_autoptr(HzLogConsult) recorded = NULL;
  g_autofree char *other_key = NULL;

  g_assert_nonnull (log);
  /* Someone else's action, queued on this profile before: it waits for
   * them and is never sent with dr.zhou's token. */
  other_key = hz_consult_log_outbox_enqueue (log, "HZ-OTHER", "consult.accept", "{}", "dr.sun", &error);
  g_assert_no_error (error);
  hz_hub_client_set_consult_log (zhou, log);
  login (zhou, "dr.zhou");
  g_assert_cmpuint (hz_hub_client_get_outbox_count (zhou), ==, 0);
  g_signal_connect (zhou, "notify::online", G_CALLBACK (online_cb), &online);
  g_signal_connect (zhou, "outbox-delivered", G_CALLBACK (outbox_delivered_cb), &delivered);
  hz_hub_client_connect (zhou);
  g_assert_true (wait_until (&online, 5000));

  created = create (zhou, &error);
  g_assert_no_error (error);
  id = g_strdup (json_object_get_string_member (created, "id"));
  g_assert_cmpuint (delivered, ==, 1);
  g_assert_cmpuint (hz_hub_client_get_outbox_count (zhou), ==, 0);
  /* The log knows the consult it saw. */
  recorded = hz_consult_log_get_consult (log, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (recorded->state, ==, HZ_CONSULT_STATE_REQUESTED);
  before = list (zhou, "outgoing");

  g_signal_connect (zhou, "notify::online", G_CALLBACK (offline_cb), &offline);
  hz_hub_kill (hub, TRUE);
  g_assert_true (wait_until (&offline, 5000));

  /* Two actions while the hub is away: both kept, in order. */
  cancelled = act (zhou, id, "cancel", "患者已转院", &error);
  g_assert_null (cancelled);
  g_assert_error (error, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_QUEUED);
  g_clear_error (&error);
  queued_create = create (zhou, &error);
  g_assert_error (error, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_QUEUED);
  g_clear_error (&error);
  g_assert_cmpuint (hz_hub_client_get_outbox_count (zhou), ==, 2);

  hz_hub_restart (hub);
  online = FALSE;
  g_assert_true (wait_until (&online, 10000));
  while (delivered < 3)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (hz_hub_client_get_outbox_count (zhou), ==, 0);
  pending = hz_consult_log_outbox_pending (log, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, 1);
  g_assert_cmpstr (((HzLogOutboxItem *) g_ptr_array_index (pending, 0))->idempotency_key, ==, other_key);
  g_assert_cmpint (((HzLogOutboxItem *) g_ptr_array_index (pending, 0))->attempts, ==, 0);

  /* Flushing again sends nothing; the hub acted once on each. */
  hz_hub_client_flush_outbox (zhou);
  token = hz_hub_login (hub, "dr.zhou");
  g_assert_cmpuint (count_events (hub, token, id, "\"cancel"), ==, 1);
  after = list (zhou, "outgoing");
  g_assert_cmpuint (json_array_get_length (after), ==, json_array_get_length (before) + 1);
  g_clear_pointer (&recorded, hz_log_consult_free);
  recorded = hz_consult_log_get_consult (log, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (recorded->state, ==, HZ_CONSULT_STATE_CANCELLED);
  hz_hub_client_disconnect (zhou);
  g_clear_object (&zhou);
  g_clear_object (&log);
  hz_test_rmdir (dir);
}

/* cert.pem and key.pem for 127.0.0.1, made with the openssl command. */
static char *
make_certificate (const char *dir)
{
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  const char *argv[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                         "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                         "-addext", "subjectAltName=IP:127.0.0.1", NULL };
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    return NULL;
  return g_steal_pointer (&cert);
}

static void
tls_body (void)
{
  g_autofree char *dir = hz_test_tmpdir ();
  g_autofree char *cert = make_certificate (dir);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *config = NULL;
  g_autoptr(HzHub) hub = NULL;
  g_autoptr(HzHubClient) client = NULL;
  g_autoptr(GAsyncResult) r1 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) user = NULL;

  g_assert_nonnull (cert);
  config = g_strdup_printf ("[tls]\ncertificate=%s\nkey=%s\n", cert, key);
  hub = hz_hub_start (config, NULL);
  g_assert_true (g_str_has_prefix (hub->url, "https://"));
  client = new_client (hub, NULL);

  /* The system store does not know this hospital's CA: refused, and the
   * message says why in plain words. */
  hz_hub_client_login_async (client, "dr.zhou", "huizhen-demo", NULL, result_cb, &r1);
  user = hz_hub_client_login_finish (client, wait_result (&r1), NULL, &error);
  g_assert_null (user);
  g_assert_error (error, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_TLS);
  g_assert_nonnull (strstr (error->message, "certificate"));
  g_clear_error (&error);

  g_assert_false (hz_hub_client_set_ca_file (client, "/nonexistent/ca.pem", &error));
  g_assert_error (error, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_true (hz_hub_client_set_ca_file (client, cert, &error));
  g_assert_no_error (error);
  login (client, "dr.zhou");
  g_clear_object (&client);
  hz_hub_free (g_steal_pointer (&hub));
  hz_test_rmdir (dir);
}

/* In a child that leaves with _exit(), as in test-dicomweb-client: the
 * TLS libraries glib-networking loads trip LeakSanitizer at exit. */
static void
test_tls (void)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");

  if (openssl == NULL)
    {
      g_test_skip ("no openssl command to make a certificate");
      return;
    }
  if (g_test_subprocess ())
    {
      tls_body ();
      fflush (stdout);
      _exit (0);
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_bad_url (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzHubClient) client = hz_hub_client_new ("ftp://x", NULL, &error);

  g_assert_null (client);
  g_assert_error (error, HZ_HUB_CLIENT_ERROR, HZ_HUB_CLIENT_ERROR_INVALID_ARGUMENT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/client/bad-url", test_bad_url);
  g_test_add_func ("/client/login", test_login);
  g_test_add_func ("/client/consult-between-two", test_consult_between_two);
  g_test_add_func ("/client/signal-relay", test_signal_relay);
  g_test_add_func ("/client/bundle-cache", test_bundle_cache);
  g_test_add_func ("/client/attachments", test_attachments);
  g_test_add_func ("/client/reconnect-catch-up", test_reconnect_catch_up);
  g_test_add_func ("/client/outbox-once", test_outbox_once);
  g_test_add_func ("/client/tls", test_tls);
  return g_test_run ();
}
