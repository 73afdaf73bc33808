/* test-opinion-hub.c: a real huizhen-hub checking opinion signatures:
 * key registration, a signed report accepted and verifiable by the
 * requester, tampered text or signature and another user's key refused
 * and flagged in the audit trail, addenda chained and checked. */
#include "config.h"

#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "hz-consult-report.h"
#include "hz-hub-harness.h"
#include "hz-signed-opinion.h"
#include "hz-test-utils.h"

#define NEW_REQUEST \
  "{\"patient\":{\"id\":\"QS-000731\",\"name\":\"王建国\",\"sex\":\"male\",\"age\":62}," \
  "\"reason\":\"劳力性胸痛 3 天\",\"question\":\"是否需要转诊？\",\"urgency\":\"urgent\",\"mode\":\"store_forward\"," \
  "\"target\":{\"specialist\":\"dr.chen\"},\"consent\":{\"by\":\"patient\",\"method\":\"written\"}}"

typedef struct {
  HzHub *hub;
  char  *zhou;
  char  *chen;
  char  *sun;
  char  *consult;
} Fixture;

static guint
call_status (HzHub      *hub,
             const char *token,
             const char *method,
             const char *path,
             const char *body,
             JsonNode  **reply_out)
{
  guint status = 0;
  JsonNode *reply = hz_hub_call (hub, token, method, path, body, &status);

  if (reply_out)
    *reply_out = reply;
  else if (reply)
    json_node_unref (reply);
  return status;
}

static HzSigningKey *
register_key (HzHub      *hub,
              const char *token)
{
  HzSigningKey *key = hz_signing_key_generate (NULL);
  g_autofree char *pub = hz_signing_key_dup_public_key_base64 (key);
  g_autofree char *body = g_strdup_printf ("{\"public_key\":\"%s\"}", pub);
  g_autoptr(JsonNode) reply = NULL;

  g_assert_cmpuint (call_status (hub, token, "PUT", "me/key", body, &reply), ==, 200);
  g_assert_cmpstr (hz_json_str (reply, "fingerprint"), ==, hz_signing_key_get_fingerprint (key));
  g_assert_cmpstr (hz_json_str (reply, "public_key"), ==, pub);
  return key;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *accept = NULL;

  f->hub = hz_hub_start (NULL, NULL);
  f->zhou = hz_hub_login (f->hub, "dr.zhou");
  f->chen = hz_hub_login (f->hub, "dr.chen");
  f->sun = hz_hub_login (f->hub, "dr.sun");
  if (call_status (f->hub, f->zhou, "POST", "consults", NEW_REQUEST, &reply) != 201)
    g_error ("creating the consult: %s", json_to_string (reply, FALSE));
  f->consult = g_strdup (hz_json_str (reply, "id"));
  g_clear_pointer (&reply, json_node_unref);
  accept = g_strdup_printf ("consults/%s/actions/accept", f->consult);
  g_assert_cmpuint (call_status (f->hub, f->chen, "POST", accept, "{}", NULL), ==, 200);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  hz_hub_free (f->hub);
  g_free (f->zhou);
  g_free (f->chen);
  g_free (f->sun);
  g_free (f->consult);
}

static HzSignedOpinion *
sign_opinion (const char   *consult,
              const char   *author,
              HzSigningKey *key)
{
  g_autoptr(HzOpinion) o = hz_opinion_new ();
  HzSignedOpinion *s;

  hz_opinion_set_findings (o, "劳力性胸痛，心电图 V4–V6 导联 ST 段压低 1 mm。");
  hz_opinion_add_diagnosis (o, "I20.0", "不稳定型心绞痛");
  hz_opinion_set_treatment (o, "阿司匹林 100 mg 每日一次。");
  hz_opinion_set_follow_up (o, "一周后复查。");
  hz_opinion_set_referral (o, HZ_REFERRAL_REFER, HZ_REFERRAL_URGENCY_URGENT, "county-hospital");
  hz_opinion_set_text (o, "建议尽快转诊行冠脉造影。");
  s = hz_signed_opinion_sign (o, consult, author, key, NULL, NULL);
  g_assert_nonnull (s);
  return s;
}

static char *
report_body (HzSignedOpinion *s)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new ();

  json_object_set_member (o, "opinion", hz_signed_opinion_content_to_node (s));
  json_object_set_member (o, "signature", hz_signed_opinion_signature_to_node (s));
  json_node_take_object (root, o);
  return json_to_string (root, FALSE);
}

static guint
report (Fixture    *f,
        const char *token,
        const char *body,
        JsonNode  **reply)
{
  g_autofree char *path = g_strdup_printf ("consults/%s/actions/report", f->consult);
  return call_status (f->hub, token, "POST", path, body, reply);
}

/* How many "opinion.refused" events the consult's trail holds. */
static guint
n_refused (Fixture *f)
{
  g_autofree char *path = g_strdup_printf ("consults/%s/events", f->consult);
  g_autoptr(JsonNode) events = NULL;
  JsonArray *array;
  guint i, n = 0;

  g_assert_cmpuint (call_status (f->hub, f->zhou, "GET", path, NULL, &events), ==, 200);
  array = json_object_get_array_member (json_node_get_object (events), "events");
  for (i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (array, i), "kind"),
                   "opinion.refused") == 0)
      n++;
  return n;
}

/* The consult's state; has_opinion says whether it holds an opinion. */
static char *
state_of (Fixture  *f,
          gboolean *has_opinion)
{
  g_autofree char *path = g_strdup_printf ("consults/%s", f->consult);
  g_autoptr(JsonNode) c = NULL;

  g_assert_cmpuint (call_status (f->hub, f->zhou, "GET", path, NULL, &c), ==, 200);
  *has_opinion = json_object_has_member (json_node_get_object (c), "opinion");
  return g_strdup (hz_json_str (c, "state"));
}

static void
test_keys (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(HzSigningKey) first = NULL;
  g_autoptr(HzSigningKey) second = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autofree char *again = NULL;
  g_autofree char *pub = NULL;
  JsonArray *keys;

  /* Before registering: no key. Requesters do not sign. */
  g_assert_cmpuint (call_status (f->hub, f->chen, "GET", "me/key", NULL, NULL), ==, 404);
  g_assert_cmpuint (call_status (f->hub, f->zhou, "PUT", "me/key",
                                 "{\"public_key\":\"11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"}", NULL), ==, 403);
  g_assert_cmpuint (call_status (f->hub, f->chen, "PUT", "me/key", "{\"public_key\":\"short\"}", NULL), ==, 422);
  g_assert_cmpuint (call_status (f->hub, f->chen, "PUT", "me/key", "{\"key\":\"x\"}", NULL), ==, 400);

  first = register_key (f->hub, f->chen);
  second = register_key (f->hub, f->chen);
  g_assert_cmpuint (call_status (f->hub, f->zhou, "GET", "keys/dr.chen", NULL, &list), ==, 200);
  keys = json_object_get_array_member (json_node_get_object (list), "keys");
  g_assert_cmpuint (json_array_get_length (keys), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (keys, 0), "fingerprint"), ==,
                   hz_signing_key_get_fingerprint (second));
  g_assert_true (json_object_get_null_member (json_array_get_object_element (keys, 0), "retired"));
  g_assert_nonnull (json_object_get_string_member (json_array_get_object_element (keys, 1), "retired"));

  /* A retired key does not come back. */
  pub = hz_signing_key_dup_public_key_base64 (first);
  again = g_strdup_printf ("{\"public_key\":\"%s\"}", pub);
  g_assert_cmpuint (call_status (f->hub, f->chen, "PUT", "me/key", again, NULL), ==, 409);
  g_assert_cmpuint (call_status (f->hub, f->zhou, "GET", "keys/nobody", NULL, NULL), ==, 404);
}

static void
test_signed_report (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(HzSigningKey) key = register_key (f->hub, f->chen);
  g_autoptr(HzSignedOpinion) s = sign_opinion (f->consult, "dr.chen", key);
  g_autofree char *body = report_body (s);
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonNode) seen = NULL;
  g_autoptr(HzSignedOpinion) received = NULL;
  g_autoptr(GBytes) pub = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("consults/%s", f->consult);
  JsonObject *c;

  g_autoptr(HzWs) ws = hz_ws_connect (f->hub, f->zhou);
  g_autoptr(JsonNode) hello = hz_ws_next (ws, "hello", 5000);
  g_autoptr(JsonNode) pushed = NULL;

  g_assert_nonnull (hello);
  g_assert_cmpuint (report (f, f->chen, body, &reply), ==, 200);
  g_assert_cmpstr (hz_json_str (reply, "state"), ==, "reported");

  /* The requester hears of it live, with the opinion hash. */
  pushed = hz_ws_next (ws, "consult", 5000);
  g_assert_nonnull (pushed);
  g_assert_cmpstr (hz_json_str (pushed, "consult.state"), ==, "reported");
  g_assert_cmpstr (hz_json_str (pushed, "event.payload.opinion_hash"), ==, hz_signed_opinion_get_hash (s));

  /* The requester's client rebuilds the signed payload from the consult
   * and checks it against the author's key as the hub published it. */
  g_assert_cmpuint (call_status (f->hub, f->zhou, "GET", path, NULL, &seen), ==, 200);
  c = json_node_get_object (seen);
  g_assert_cmpstr (json_object_get_string_member (c, "opinion_hash"), ==, hz_signed_opinion_get_hash (s));
  g_assert_cmpstr (json_object_get_string_member (c, "opinion_author"), ==, "dr.chen");
  pub = hz_public_key_from_base64 (json_object_get_string_member (json_object_get_object_member (c, "author_key"),
                                                                  "public_key"), &error);
  g_assert_no_error (error);
  received = hz_signed_opinion_new_from_wire (HZ_SIGNED_KIND_OPINION, f->consult,
                                              json_object_get_string_member (c, "opinion_author"),
                                              json_object_get_object_member (c, "opinion"), NULL,
                                              json_object_get_object_member (c, "signature"), &error);
  g_assert_no_error (error);
  g_assert_true (hz_signed_opinion_verify (received, pub, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (hz_signed_opinion_get_hash (received), ==, hz_signed_opinion_get_hash (s));
  g_assert_cmpuint (n_refused (f), ==, 0);
}

static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(HzSigningKey) key = register_key (f->hub, f->chen);
  g_autoptr(HzSigningKey) sun_key = register_key (f->hub, f->sun);
  g_autoptr(HzSigningKey) unregistered = hz_signing_key_generate (NULL);
  g_autoptr(HzSignedOpinion) s = sign_opinion (f->consult, "dr.chen", key);
  g_autoptr(HzSignedOpinion) by_sun = sign_opinion (f->consult, "dr.sun", sun_key);
  g_autoptr(HzSignedOpinion) by_other = sign_opinion (f->consult, "dr.chen", unregistered);
  g_autoptr(HzSignedOpinion) other_consult = sign_opinion ("HZ-20261122-OTHER1", "dr.chen", key);
  g_autofree char *good = report_body (s);
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *state = NULL;
  gboolean has_opinion = FALSE;
  guint refused = 0;

  /* Unsigned. */
  g_assert_cmpuint (report (f, f->chen, "{\"opinion\":{\"findings\":\"x\",\"referral\":{\"decision\":\"refer\"}}}",
                            &reply), ==, 422);
  g_assert_cmpstr (hz_json_str (reply, "error.code"), ==, "signature_required");
  g_clear_pointer (&reply, json_node_unref);
  g_assert_cmpuint (n_refused (f), ==, ++refused);

  /* The text changed after signing. */
  {
    g_autoptr(GString) tampered = g_string_new (good);
    char *at = strstr (tampered->str, "100 mg");
    g_assert_nonnull (at);
    at[0] = '2';
    g_assert_cmpuint (report (f, f->chen, tampered->str, &reply), ==, 422);
    g_assert_cmpstr (hz_json_str (reply, "error.code"), ==, "bad_signature");
    g_clear_pointer (&reply, json_node_unref);
    g_assert_cmpuint (n_refused (f), ==, ++refused);
  }
  /* The signature changed. */
  {
    g_autoptr(JsonNode) node = json_from_string (good, NULL);
    JsonObject *sig = json_object_get_object_member (json_node_get_object (node), "signature");
    g_autofree char *value = g_strdup (json_object_get_string_member (sig, "value"));
    g_autofree char *text = NULL;
    value[5] = value[5] == 'Q' ? 'R' : 'Q';
    json_object_set_string_member (sig, "value", value);
    text = json_to_string (node, FALSE);
    g_assert_cmpuint (report (f, f->chen, text, &reply), ==, 422);
    g_assert_cmpstr (hz_json_str (reply, "error.code"), ==, "bad_signature");
    g_clear_pointer (&reply, json_node_unref);
    g_assert_cmpuint (n_refused (f), ==, ++refused);
  }
  /* Another user's key (dr.sun's, registered, and naming it). */
  {
    g_autofree char *body = report_body (by_sun);
    g_assert_cmpuint (report (f, f->chen, body, &reply), ==, 422);
    g_assert_cmpstr (hz_json_str (reply, "error.code"), ==, "wrong_key");
    g_clear_pointer (&reply, json_node_unref);
    g_assert_cmpuint (n_refused (f), ==, ++refused);
  }
  /* dr.sun's key but claiming to be dr.chen's: the key named is the
   * author's, the signature is not. */
  {
    g_autofree char *sun_body = report_body (by_sun);
    g_autoptr(JsonNode) node = json_from_string (sun_body, NULL);
    g_autoptr(JsonNode) chen_sig = hz_signed_opinion_signature_to_node (s);
    JsonObject *sig = json_object_get_object_member (json_node_get_object (node), "signature");
    g_autofree char *text = NULL;
    json_object_set_string_member (sig, "key", json_object_get_string_member (json_node_get_object (chen_sig), "key"));
    text = json_to_string (node, FALSE);
    g_assert_cmpuint (report (f, f->chen, text, &reply), ==, 422);
    g_assert_cmpstr (hz_json_str (reply, "error.code"), ==, "bad_signature");
    g_clear_pointer (&reply, json_node_unref);
    g_assert_cmpuint (n_refused (f), ==, ++refused);
  }
  /* An unregistered key, and a signature made for another consult. */
  {
    g_autofree char *body = report_body (by_other);
    g_autofree char *replay = report_body (other_consult);
    g_assert_cmpuint (report (f, f->chen, body, &reply), ==, 422);
    g_assert_cmpstr (hz_json_str (reply, "error.code"), ==, "wrong_key");
    g_clear_pointer (&reply, json_node_unref);
    g_assert_cmpuint (report (f, f->chen, replay, &reply), ==, 422);
    g_assert_cmpstr (hz_json_str (reply, "error.code"), ==, "bad_signature");
    g_clear_pointer (&reply, json_node_unref);
    refused += 2;
    g_assert_cmpuint (n_refused (f), ==, refused);
  }
  /* Malformed signature object. */
  g_assert_cmpuint (report (f, f->chen, "{\"opinion\":{\"findings\":\"x\",\"referral\":{\"decision\":\"refer\"}},"
                                        "\"signature\":{\"alg\":\"ed25519\",\"value\":\"AAAA\"}}", &reply), ==, 422);
  g_assert_cmpstr (hz_json_str (reply, "error.code"), ==, "invalid");
  g_clear_pointer (&reply, json_node_unref);

  /* Nothing was stored: still accepted, no opinion. */
  state = state_of (f, &has_opinion);
  g_assert_cmpstr (state, ==, "accepted");
  g_assert_false (has_opinion);
  g_clear_pointer (&state, g_free);

  /* And the genuine one goes through. */
  g_assert_cmpuint (report (f, f->chen, good, NULL), ==, 200);
  state = state_of (f, &has_opinion);
  g_assert_cmpstr (state, ==, "reported");
  g_assert_true (has_opinion);
}

static char *
addendum_body (HzSignedOpinion *a)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new ();

  json_object_set_member (o, "addendum", hz_signed_opinion_content_to_node (a));
  json_object_set_string_member (o, "parent", hz_signed_opinion_get_parent_hash (a));
  json_object_set_member (o, "signature", hz_signed_opinion_signature_to_node (a));
  json_node_take_object (root, o);
  return json_to_string (root, FALSE);
}

static void
test_addenda (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(HzSigningKey) key = register_key (f->hub, f->chen);
  g_autoptr(HzSignedOpinion) s = sign_opinion (f->consult, "dr.chen", key);
  g_autofree char *good = report_body (s);
  g_autofree char *path = g_strdup_printf ("consults/%s/addenda", f->consult);
  g_autoptr(HzSignedOpinion) a1 = NULL;
  g_autoptr(HzSignedOpinion) a2 = NULL;
  g_autoptr(HzSignedOpinion) stale = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *b1 = NULL;
  g_autofree char *b2 = NULL;
  g_autofree char *bstale = NULL;
  JsonArray *addenda;

  a1 = hz_signed_opinion_sign_addendum (s, "更正：阿司匹林 100 mg 改为氯吡格雷 75 mg。", "dr.chen", key, NULL, NULL);
  b1 = addendum_body (a1);
  /* Not before the report. */
  g_assert_cmpuint (call_status (f->hub, f->chen, "POST", path, b1, NULL), ==, 403);
  g_assert_cmpuint (report (f, f->chen, good, NULL), ==, 200);
  /* Only the author. */
  g_assert_cmpuint (call_status (f->hub, f->zhou, "POST", path, b1, NULL), ==, 403);

  g_assert_cmpuint (call_status (f->hub, f->chen, "POST", path, b1, &reply), ==, 201);
  addenda = json_object_get_array_member (json_node_get_object (reply), "addenda");
  g_assert_cmpuint (json_array_get_length (addenda), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (addenda, 0), "hash"), ==,
                   hz_signed_opinion_get_hash (a1));
  g_clear_pointer (&reply, json_node_unref);

  /* A second addendum chained to the opinion rather than to a1: refused. */
  stale = hz_signed_opinion_sign_addendum (s, "另一更正。", "dr.chen", key, NULL, NULL);
  bstale = addendum_body (stale);
  g_assert_cmpuint (call_status (f->hub, f->chen, "POST", path, bstale, &reply), ==, 422);
  g_assert_cmpstr (hz_json_str (reply, "error.code"), ==, "broken_chain");
  g_clear_pointer (&reply, json_node_unref);

  /* Tampered addendum text. */
  a2 = hz_signed_opinion_sign_addendum (a1, "补充：两周后随访。", "dr.chen", key, NULL, NULL);
  b2 = addendum_body (a2);
  {
    g_autoptr(GString) t = g_string_new (b2);
    char *at = strstr (t->str, "两周");
    g_assert_nonnull (at);
    memcpy (at, "三周", strlen ("三周"));
    g_assert_cmpuint (call_status (f->hub, f->chen, "POST", path, t->str, &reply), ==, 422);
    g_assert_cmpstr (hz_json_str (reply, "error.code"), ==, "bad_signature");
    g_clear_pointer (&reply, json_node_unref);
  }
  g_assert_cmpuint (call_status (f->hub, f->chen, "POST", path, b2, &reply), ==, 201);
  addenda = json_object_get_array_member (json_node_get_object (reply), "addenda");
  g_assert_cmpuint (json_array_get_length (addenda), ==, 2);
  g_assert_cmpuint (n_refused (f), ==, 2);
}

static gboolean
contains_squeezed (const char *text,
                   const char *needle)
{
  GString *flat = g_string_new (NULL);
  const char *p;
  gboolean found;

  for (p = text; *p; p++)
    if (*p != '\n' && *p != ' ')
      g_string_append_c (flat, *p);
  found = strstr (flat->str, needle) != NULL;
  g_string_free (flat, TRUE);
  return found;
}

/* The requester's side: the consult and directory from the hub give a
 * verified opinion with its addendum, and a PDF naming both doctors and
 * institutions as the directory has them; a consult altered in transit is
 * refused. */
static void
test_client_side (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(HzSigningKey) key = register_key (f->hub, f->chen);
  g_autoptr(HzSignedOpinion) s = sign_opinion (f->consult, "dr.chen", key);
  g_autoptr(HzSignedOpinion) a = hz_signed_opinion_sign_addendum (s, "更正：复查改为三天后。", "dr.chen", key, NULL, NULL);
  g_autofree char *good = report_body (s);
  g_autofree char *add = addendum_body (a);
  g_autofree char *path = g_strdup_printf ("consults/%s", f->consult);
  g_autofree char *add_path = g_strdup_printf ("consults/%s/addenda", f->consult);
  g_autofree char *dir = hz_test_tmpdir ();
  g_autofree char *pdf = g_build_filename (dir, "report.pdf", NULL);
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) consult = NULL;
  g_autoptr(JsonNode) directory = NULL;
  g_autoptr(HzSignedOpinion) got = NULL;
  g_autoptr(GPtrArray) addenda = NULL;
  g_autoptr(HzConsultReport) pdf_report = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", NULL, "-", NULL };
  int status = 0;

  g_assert_cmpuint (report (f, f->chen, good, NULL), ==, 200);
  g_assert_cmpuint (call_status (f->hub, f->chen, "POST", add_path, add, NULL), ==, 201);
  g_assert_cmpuint (call_status (f->hub, f->zhou, "GET", path, NULL, &consult), ==, 200);
  g_assert_cmpuint (call_status (f->hub, f->zhou, "GET", "directory", NULL, &directory), ==, 200);

  got = hz_signed_opinion_new_from_consult (json_node_get_object (consult), &addenda, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hz_signed_opinion_get_hash (got), ==, hz_signed_opinion_get_hash (s));
  g_assert_cmpuint (addenda->len, ==, 1);
  g_assert_cmpstr (hz_signed_opinion_get_hash (addenda->pdata[0]), ==, hz_signed_opinion_get_hash (a));

  pdf_report = hz_consult_report_new_from_hub (json_node_get_object (consult), json_node_get_object (directory), &error);
  g_assert_no_error (error);
  g_assert_true (hz_consult_report_write_pdf (pdf_report, pdf, &error));
  g_assert_no_error (error);
  argv[3] = pdf;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &text, NULL, &status, &error));
  g_assert_no_error (error);
  g_test_message ("%s", text);
  g_assert_true (contains_squeezed (text, "王建国"));
  g_assert_true (contains_squeezed (text, "ZhouMing"));        /* the requester, from the directory */
  g_assert_true (contains_squeezed (text, "ChenLi"));          /* the specialist */
  g_assert_true (contains_squeezed (text, "劳力性胸痛3天"));
  g_assert_true (contains_squeezed (text, "更正：复查改为三天后。"));

  /* Altered on the way (by the hub or anyone between): refused. */
  json_object_set_string_member (json_object_get_object_member (json_node_get_object (consult), "opinion"),
                                 "text", "无需转诊。");
  g_clear_object (&got);
  got = hz_signed_opinion_new_from_consult (json_node_get_object (consult), NULL, &error);
  g_assert_null (got);
  g_assert_error (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);
  g_assert_null (hz_consult_report_new_from_hub (json_node_get_object (consult), json_node_get_object (directory), &error));
  g_assert_error (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_BAD_SIGNATURE);
  hz_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_test_add ("/opinion-hub/keys", Fixture, NULL, fixture_set_up, test_keys, fixture_tear_down);
  g_test_add ("/opinion-hub/signed-report", Fixture, NULL, fixture_set_up, test_signed_report, fixture_tear_down);
  g_test_add ("/opinion-hub/refused", Fixture, NULL, fixture_set_up, test_refused, fixture_tear_down);
  g_test_add ("/opinion-hub/addenda", Fixture, NULL, fixture_set_up, test_addenda, fixture_tear_down);
  g_test_add ("/opinion-hub/client-side", Fixture, NULL, fixture_set_up, test_client_side, fixture_tear_down);
  ret = g_test_run ();
  /* The PDF's font caches, dropped so the sanitizer sees only real leaks. */
  pango_cairo_font_map_set_default (NULL);
  cairo_debug_reset_static_data ();
  FcFini ();
  return ret;
}
