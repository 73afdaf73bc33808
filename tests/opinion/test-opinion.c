/* test-opinion.c: the opinion model, Ed25519 signing and verification. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "hz-canonical-json.h"
#include "hz-signed-opinion.h"
#include "hz-test-utils.h"

static HzOpinion *
sample_opinion (void)
{
  HzOpinion *o = hz_opinion_new ();

  hz_opinion_set_findings (o, "劳力性胸痛，心电图 V4–V6 导联 ST 段压低 1 mm。");
  hz_opinion_add_diagnosis (o, "I20.0", "不稳定型心绞痛");
  hz_opinion_add_diagnosis (o, "I10", "原发性高血压");
  hz_opinion_set_treatment (o, "阿司匹林 100 mg 每日一次；阿托伐他汀 20 mg 每晚。");
  hz_opinion_set_follow_up (o, "一周后复查心电图。");
  hz_opinion_set_referral (o, HZ_REFERRAL_REFER, HZ_REFERRAL_URGENCY_URGENT, "county-hospital");
  hz_opinion_set_text (o, "建议尽快转诊行冠脉造影。");
  return o;
}

static void
test_roundtrip (void)
{
  g_autoptr(HzOpinion) o = sample_opinion ();
  g_autoptr(GDateTime) t = g_date_time_new_utc (2026, 11, 22, 10, 30, 0);
  g_autoptr(HzOpinion) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *again = NULL;

  hz_opinion_set_consult_id (o, "HZ-20261122-K7M2QX");
  hz_opinion_set_author (o, "dr.chen");
  hz_opinion_set_time (o, t);
  json = hz_opinion_to_json (o, FALSE);
  g_assert_nonnull (strstr (json, "\"time\":\"2026-11-22T10:30:00Z\""));
  g_assert_nonnull (strstr (json, "\"decision\":\"refer\""));
  back = hz_opinion_new_from_json (json, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hz_opinion_get_findings (back), ==, hz_opinion_get_findings (o));
  g_assert_cmpuint (hz_opinion_get_n_diagnoses (back), ==, 2);
  g_assert_cmpstr (hz_opinion_get_diagnosis (back, 0)->label, ==, "不稳定型心绞痛");
  g_assert_cmpint (hz_opinion_get_referral (back), ==, HZ_REFERRAL_REFER);
  g_assert_cmpint (hz_opinion_get_referral_urgency (back), ==, HZ_REFERRAL_URGENCY_URGENT);
  g_assert_cmpstr (hz_opinion_get_referral_to (back), ==, "county-hospital");
  g_assert_cmpstr (hz_opinion_get_consult_id (back), ==, "HZ-20261122-K7M2QX");
  again = hz_opinion_to_json (back, FALSE);
  g_assert_cmpstr (again, ==, json);
}

static void
test_strict (void)
{
  static const struct { const char *json; int code; } cases[] = {
    { "[]", HZ_OPINION_ERROR_SYNTAX },
    { "{\"findings\": 1}", HZ_OPINION_ERROR_INVALID },
    { "{\"findings\": \"x\", \"extra\": 1}", HZ_OPINION_ERROR_INVALID },
    { "{\"diagnosis\": {}}", HZ_OPINION_ERROR_INVALID },
    { "{\"diagnosis\": [\"I10\"]}", HZ_OPINION_ERROR_INVALID },
    { "{\"diagnosis\": [{\"code\": \"10I\"}]}", HZ_OPINION_ERROR_INVALID },
    { "{\"diagnosis\": [{\"code\": \"I10\", \"x\": 1}]}", HZ_OPINION_ERROR_INVALID },
    { "{\"referral\": {\"decision\": \"maybe\"}}", HZ_OPINION_ERROR_INVALID },
    { "{\"referral\": {\"decision\": \"refer\", \"urgency\": \"soon\"}}", HZ_OPINION_ERROR_INVALID },
    { "{\"referral\": \"refer\"}", HZ_OPINION_ERROR_INVALID },
    { "{\"advice\": {\"dose\": \"x\"}}", HZ_OPINION_ERROR_INVALID },
    { "{\"time\": \"yesterday\"}", HZ_OPINION_ERROR_INVALID },
    { "{\"time\": \"0411-11-22T10:30:00Z\"}", HZ_OPINION_ERROR_INVALID },  /* found by fuzz-opinion */
    { "{\"findings\": \"x\"", HZ_OPINION_ERROR_SYNTAX },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HzOpinion) o = hz_opinion_new_from_json (cases[i].json, -1, &error);
      g_test_message ("%s", cases[i].json);
      g_assert_null (o);
      g_assert_error (error, HZ_OPINION_ERROR, cases[i].code);
    }

  /* A time with an offset is kept, and written back, in UTC. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(HzOpinion) o = hz_opinion_new_from_json ("{\"findings\": \"x\", \"time\": \"2026-11-22T18:30:00+08:00\"}",
                                                      -1, &error);
    g_autofree char *json = NULL;

    g_assert_no_error (error);
    json = hz_opinion_to_json (o, FALSE);
    g_assert_nonnull (strstr (json, "\"time\":\"2026-11-22T10:30:00Z\""));
  }

  /* Beyond the limits. */
  {
    g_autoptr(GString) s = g_string_new ("{\"diagnosis\": [");
    g_autoptr(GError) error = NULL;
    g_autoptr(HzOpinion) o = NULL;
    g_autofree char *longtext = NULL;
    g_autofree char *json = NULL;
    for (i = 0; i <= HZ_OPINION_MAX_DIAGNOSES; i++)
      g_string_append_printf (s, "%s{\"code\": \"I10\"}", i ? "," : "");
    g_string_append (s, "]}");
    o = hz_opinion_new_from_json (s->str, -1, &error);
    g_assert_null (o);
    g_assert_error (error, HZ_OPINION_ERROR, HZ_OPINION_ERROR_TOO_LARGE);
    g_clear_error (&error);

    longtext = g_strnfill (HZ_OPINION_MAX_TEXT + 1, 'a');
    json = g_strdup_printf ("{\"text\": \"%s\"}", longtext);
    o = hz_opinion_new_from_json (json, -1, &error);
    g_assert_null (o);
    g_assert_error (error, HZ_OPINION_ERROR, HZ_OPINION_ERROR_TOO_LARGE);
  }

  /* The content form refuses what only a stored opinion carries. */
  {
    g_autoptr(JsonNode) node = json_from_string ("{\"findings\": \"x\", \"author\": \"dr.chen\"}", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(HzOpinion) o = hz_opinion_new_from_object (json_node_get_object (node), TRUE, &error);
    g_assert_null (o);
    g_assert_error (error, HZ_OPINION_ERROR, HZ_OPINION_ERROR_INVALID);
  }

  g_assert_true (hz_icd10_code_is_valid ("I10"));
  g_assert_true (hz_icd10_code_is_valid ("I10.x00"));
  g_assert_true (hz_icd10_code_is_valid ("J18.900"));
  g_assert_false (hz_icd10_code_is_valid ("I1"));
  g_assert_false (hz_icd10_code_is_valid ("i10"));
  g_assert_false (hz_icd10_code_is_valid ("I10."));
  g_assert_false (hz_icd10_code_is_valid ("I10-0"));
}

static void
test_validate (void)
{
  g_autoptr(HzOpinion) o = hz_opinion_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (hz_opinion_validate (o, &error));
  g_assert_error (error, HZ_OPINION_ERROR, HZ_OPINION_ERROR_INCOMPLETE);
  g_clear_error (&error);
  hz_opinion_add_diagnosis (o, "J18.9", "肺炎");
  g_assert_false (hz_opinion_validate (o, &error));  /* no referral decision */
  g_assert_error (error, HZ_OPINION_ERROR, HZ_OPINION_ERROR_INCOMPLETE);
  g_clear_error (&error);
  hz_opinion_set_referral (o, HZ_REFERRAL_TREAT_LOCALLY, HZ_REFERRAL_URGENCY_ROUTINE, NULL);
  g_assert_true (hz_opinion_validate (o, &error));
  g_assert_no_error (error);
}

static GBytes *
hex_bytes (const char *hex)
{
  gsize n = strlen (hex) / 2, i;
  guint8 *out = g_malloc (n + 1);

  for (i = 0; i < n; i++)
    out[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) << 4 | g_ascii_xdigit_value (hex[2 * i + 1]));
  return g_bytes_new_take (out, n);
}

/* RFC 8032, section 7.1, tests 1 to 3. */
static void
test_rfc8032 (void)
{
  static const struct { const char *secret, *public, *message, *signature; } vectors[] = {
    { "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
      "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
      "",
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
    { "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
      "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
      "72",
      "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
    { "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
      "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
      "af82",
      "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autoptr(GBytes) secret = hex_bytes (vectors[i].secret);
      g_autoptr(GBytes) expected_pub = hex_bytes (vectors[i].public);
      g_autoptr(GBytes) message = hex_bytes (vectors[i].message);
      g_autoptr(GBytes) expected_sig = hex_bytes (vectors[i].signature);
      g_autoptr(GError) error = NULL;
      g_autoptr(HzSigningKey) key = NULL;
      g_autoptr(GBytes) pub = NULL;
      g_autoptr(GBytes) sig = NULL;
      g_autoptr(GBytes) bad = NULL;
      const guint8 *msg;
      guint8 *flipped;
      gsize len;

      key = hz_signing_key_new_from_seed (g_bytes_get_data (secret, NULL), g_bytes_get_size (secret), &error);
      g_assert_no_error (error);
      pub = hz_signing_key_get_public_key (key);
      g_assert_true (g_bytes_equal (pub, expected_pub));
      sig = hz_signing_key_sign (key, g_bytes_get_data (message, NULL), g_bytes_get_size (message));
      g_assert_true (g_bytes_equal (sig, expected_sig));
      msg = g_bytes_get_size (message) ? g_bytes_get_data (message, NULL) : (const guint8 *) "";
      g_assert_true (hz_public_key_verify (pub, msg, g_bytes_get_size (message), sig, &error));
      g_assert_no_error (error);

      flipped = g_bytes_unref_to_data (g_bytes_ref (sig), &len);
      flipped[0] ^= 1;
      bad = g_bytes_new_take (flipped, len);
      g_assert_false (hz_public_key_verify (pub, msg, g_bytes_get_size (message), bad, &error));
      g_assert_error (error, HZ_SIGNING_KEY_ERROR, HZ_SIGNING_KEY_ERROR_BAD_SIGNATURE);
      g_clear_error (&error);
    }
}

static void
test_sign_verify (void)
{
  g_autoptr(HzOpinion) o = sample_opinion ();
  g_autoptr(HzSigningKey) key = NULL;
  g_autoptr(HzSigningKey) other = NULL;
  g_autoptr(HzSignedOpinion) signed_op = NULL;
  g_autoptr(HzSignedOpinion) back = NULL;
  g_autoptr(HzSignedOpinion) addendum = NULL;
  g_autoptr(HzSignedOpinion) addendum2 = NULL;
  g_autoptr(GBytes) pub = NULL;
  g_autoptr(GBytes) other_pub = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) t = g_date_time_new_utc (2026, 11, 22, 10, 30, 0);
  g_autofree char *record = NULL;
  g_autofree char *expected_hash = NULL;
  const char *payload;

  key = hz_signing_key_generate (&error);
  g_assert_no_error (error);
  other = hz_signing_key_generate (&error);
  g_assert_no_error (error);
  pub = hz_signing_key_get_public_key (key);
  other_pub = hz_signing_key_get_public_key (other);
  g_assert_cmpstr (hz_signing_key_get_fingerprint (key), !=, hz_signing_key_get_fingerprint (other));

  signed_op = hz_signed_opinion_sign (o, "HZ-20261122-K7M2QX", "dr.chen", key, t, &error);
  g_assert_no_error (error);
  payload = hz_signed_opinion_get_payload (signed_op);
  g_assert_true (g_str_has_prefix (payload, "{\"author\":\"dr.chen\",\"consult\":\"HZ-20261122-K7M2QX\",\"key\":\""));
  g_assert_nonnull (strstr (payload, "\"signed_at\":\"2026-11-22T10:30:00Z\",\"type\":\"huizhen.opinion/1\"}"));
  g_assert_nonnull (strstr (payload, hz_signing_key_get_fingerprint (key)));
  expected_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, payload, -1);
  g_assert_cmpstr (hz_signed_opinion_get_hash (signed_op), ==, expected_hash);
  g_assert_true (hz_signed_opinion_verify (signed_op, pub, &error));
  g_assert_no_error (error);

  /* Another doctor's key is refused, with both fingerprints named. */
  g_assert_false (hz_signed_opinion_verify (signed_op, other_pub, &error));
  g_assert_error (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_WRONG_KEY);
  g_clear_error (&error);
  g_assert_false (hz_signed_opinion_verify (signed_op, NULL, &error));
  g_assert_error (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_WRONG_KEY);
  g_clear_error (&error);

  /* The stored record reads back and still verifies. */
  record = hz_signed_opinion_to_json (signed_op);
  back = hz_signed_opinion_new_from_json (record, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hz_signed_opinion_get_hash (back), ==, hz_signed_opinion_get_hash (signed_op));
  g_assert_true (hz_signed_opinion_verify (back, pub, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (hz_opinion_get_author (hz_signed_opinion_get_opinion (back)), ==, "dr.chen");
  g_clear_object (&back);

  /* Tampered text: one character of the findings changed. */
  {
    g_autoptr(GString) tampered = g_string_new (record);
    char *at = strstr (tampered->str, "1 mm");
    g_assert_nonnull (at);
    at[0] = '2';
    back = hz_signed_opinion_new_from_json (tampered->str, -1, &error);
    g_assert_no_error (error);
    g_assert_false (hz_signed_opinion_verify (back, pub, &error));
    g_assert_error (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_BAD_SIGNATURE);
    g_test_message ("refused: %s", error->message);
    g_clear_error (&error);
    g_clear_object (&back);
  }
  /* Tampered signature, and a signed_at moved. */
  {
    g_autoptr(JsonNode) node = json_from_string (record, NULL);
    JsonObject *obj = json_node_get_object (node);
    g_autofree char *sig = g_strdup (json_object_get_string_member (obj, "signature"));
    g_autofree char *text = NULL;
    sig[10] = sig[10] == 'A' ? 'B' : 'A';
    json_object_set_string_member (obj, "signature", sig);
    text = json_to_string (node, FALSE);
    back = hz_signed_opinion_new_from_json (text, -1, &error);
    g_assert_no_error (error);
    g_assert_false (hz_signed_opinion_verify (back, pub, &error));
    g_assert_error (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_BAD_SIGNATURE);
    g_clear_error (&error);
    g_clear_object (&back);
  }
  {
    g_autoptr(JsonNode) node = json_from_string (record, NULL);
    g_autofree char *text = NULL;
    json_object_set_string_member (json_node_get_object (node), "signed_at", "2026-11-21T10:30:00Z");
    text = json_to_string (node, FALSE);
    back = hz_signed_opinion_new_from_json (text, -1, &error);
    g_assert_no_error (error);
    g_assert_false (hz_signed_opinion_verify (back, pub, &error));
    g_assert_error (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_BAD_SIGNATURE);
    g_clear_error (&error);
    g_clear_object (&back);
  }

  /* Addenda chain to the opinion and then to each other. */
  addendum = hz_signed_opinion_sign_addendum (signed_op, "更正：阿托伐他汀 40 mg。", "dr.chen", key, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hz_signed_opinion_get_parent_hash (addendum), ==, hz_signed_opinion_get_hash (signed_op));
  g_assert_true (hz_signed_opinion_verify (addendum, pub, &error));
  g_assert_true (hz_signed_opinion_verify_chain (addendum, signed_op, &error));
  g_assert_no_error (error);
  addendum2 = hz_signed_opinion_sign_addendum (addendum, "补充：两周后随访。", "dr.chen", key, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (hz_signed_opinion_verify_chain (addendum2, addendum, &error));
  g_assert_false (hz_signed_opinion_verify_chain (addendum2, signed_op, &error));
  g_assert_error (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_BROKEN_CHAIN);
  g_clear_error (&error);
  g_clear_pointer (&record, g_free);
  record = hz_signed_opinion_to_json (addendum2);
  back = hz_signed_opinion_new_from_json (record, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hz_signed_opinion_get_kind (back), ==, HZ_SIGNED_KIND_ADDENDUM);
  g_assert_true (hz_signed_opinion_verify (back, pub, &error));
  g_assert_no_error (error);

  g_assert_null (hz_signed_opinion_sign_addendum (signed_op, "", "dr.chen", key, NULL, &error));
  g_assert_error (error, HZ_OPINION_ERROR, HZ_OPINION_ERROR_INCOMPLETE);
  g_clear_error (&error);

  /* An unfinished opinion is not signed. */
  {
    g_autoptr(HzOpinion) empty = hz_opinion_new ();
    g_assert_null (hz_signed_opinion_sign (empty, "HZ-1", "dr.chen", key, NULL, &error));
    g_assert_error (error, HZ_OPINION_ERROR, HZ_OPINION_ERROR_INCOMPLETE);
  }
}

static void
test_wire (void)
{
  g_autoptr(HzOpinion) o = sample_opinion ();
  g_autoptr(HzSigningKey) key = hz_signing_key_generate (NULL);
  g_autoptr(HzSignedOpinion) s = hz_signed_opinion_sign (o, "HZ-1", "dr.chen", key, NULL, NULL);
  g_autoptr(JsonNode) content = hz_signed_opinion_content_to_node (s);
  g_autoptr(JsonNode) sig = hz_signed_opinion_signature_to_node (s);
  g_autoptr(HzSignedOpinion) back = NULL;
  g_autoptr(HzSignedOpinion) replayed = NULL;
  g_autoptr(GBytes) pub = hz_signing_key_get_public_key (key);
  g_autoptr(GError) error = NULL;

  back = hz_signed_opinion_new_from_wire (HZ_SIGNED_KIND_OPINION, "HZ-1", "dr.chen",
                                          json_node_get_object (content), NULL,
                                          json_node_get_object (sig), &error);
  g_assert_no_error (error);
  g_assert_true (hz_signed_opinion_verify (back, pub, &error));
  g_assert_no_error (error);

  /* The same signature offered for another consult does not verify. */
  replayed = hz_signed_opinion_new_from_wire (HZ_SIGNED_KIND_OPINION, "HZ-2", "dr.chen",
                                              json_node_get_object (content), NULL,
                                              json_node_get_object (sig), &error);
  g_assert_no_error (error);
  g_assert_false (hz_signed_opinion_verify (replayed, pub, &error));
  g_assert_error (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);

  json_object_set_string_member (json_node_get_object (sig), "alg", "rsa");
  g_assert_null (hz_signed_opinion_new_from_wire (HZ_SIGNED_KIND_OPINION, "HZ-1", "dr.chen",
                                                  json_node_get_object (content), NULL,
                                                  json_node_get_object (sig), &error));
  g_assert_error (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_INVALID);
}

static void
test_key_file (void)
{
  g_autofree char *dir = hz_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "keys", "dr.chen.key", NULL);
  g_autofree char *keys_dir = g_path_get_dirname (path);
  g_autoptr(HzSigningKey) key = hz_signing_key_generate (NULL);
  g_autoptr(HzSigningKey) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *grouped = NULL;
  g_autofree char *b64 = NULL;
  g_autoptr(GBytes) pub = NULL;
  g_autoptr(GBytes) pub2 = NULL;
  GStatBuf st;

  g_assert_true (hz_signing_key_save (key, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (keys_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  loaded = hz_signing_key_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hz_signing_key_get_fingerprint (loaded), ==, hz_signing_key_get_fingerprint (key));

  b64 = hz_signing_key_dup_public_key_base64 (key);
  g_assert_cmpuint (strlen (b64), ==, 44);
  pub = hz_public_key_from_base64 (b64, &error);
  g_assert_no_error (error);
  pub2 = hz_signing_key_get_public_key (key);
  g_assert_true (g_bytes_equal (pub, pub2));
  g_assert_null (hz_public_key_from_base64 ("not a key", &error));
  g_assert_error (error, HZ_SIGNING_KEY_ERROR, HZ_SIGNING_KEY_ERROR_FORMAT);
  g_clear_error (&error);

  grouped = hz_fingerprint_format (hz_signing_key_get_fingerprint (key));
  g_assert_cmpuint (strlen (grouped), ==, 64 + 15);
  g_assert_cmpint (grouped[4], ==, ' ');

  /* Readable by others: refused, like ssh does. */
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  g_clear_object (&loaded);
  loaded = hz_signing_key_load (path, &error);
  g_assert_null (loaded);
  g_assert_error (error, HZ_SIGNING_KEY_ERROR, HZ_SIGNING_KEY_ERROR_PERMISSIONS);
  g_clear_error (&error);

  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  g_assert_true (g_file_set_contents (path, "[signing-key]\nalgorithm=rsa\n", -1, NULL));
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  g_assert_null (hz_signing_key_load (path, &error));
  g_assert_error (error, HZ_SIGNING_KEY_ERROR, HZ_SIGNING_KEY_ERROR_FORMAT);

  hz_test_rmdir (dir);
}

/* Both logs keep the signed opinion and its addenda; read back, they
 * verify, and the log's opinion id is the opinion hash. */
static void
test_log (void)
{
  g_autofree char *dir = hz_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "log.db", NULL);
  g_autoptr(HzConsultLog) log = NULL;
  g_autoptr(HzOpinion) o = sample_opinion ();
  g_autoptr(HzSigningKey) key = hz_signing_key_generate (NULL);
  g_autoptr(GBytes) pub = hz_signing_key_get_public_key (key);
  g_autoptr(HzSignedOpinion) s = NULL;
  g_autoptr(HzSignedOpinion) a = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  HzLogVerifyReport report = { 0 };
  HzLogConsult consult = { (char *) "HZ-20261122-K7M2QX", (char *) "QS-000731", (char *) "dr.zhou", NULL,
                           HZ_CONSULT_STATE_ACCEPTED, 0, 0 };
  guint i;

  log = hz_consult_log_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (hz_consult_log_add_consult (log, &consult, "dr.zhou", &error));
  s = hz_signed_opinion_sign (o, consult.id, "dr.chen", key, NULL, &error);
  a = hz_signed_opinion_sign_addendum (s, "更正：随访改为两周。", "dr.chen", key, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hz_signed_opinion_add_to_log (s, log, &error), >, 0);
  g_assert_cmpint (hz_signed_opinion_add_to_log (a, log, &error), >, 0);
  g_assert_no_error (error);

  rows = hz_consult_log_list_opinions (log, consult.id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);
  for (i = 0; i < rows->len; i++)
    {
      const HzLogOpinion *row = rows->pdata[i];
      g_autoptr(HzSignedOpinion) back = hz_signed_opinion_new_from_log (row, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (row->body_hash, ==, row->id);
      g_assert_cmpstr (hz_signed_opinion_get_hash (back), ==,
                       hz_signed_opinion_get_hash (hz_signed_opinion_get_kind (back) == HZ_SIGNED_KIND_OPINION ? s : a));
      g_assert_true (hz_signed_opinion_verify (back, pub, &error));
      g_assert_no_error (error);
    }
  g_assert_true (hz_consult_log_verify (log, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.problem, ==, HZ_LOG_CHAIN_INTACT);
  hz_log_verify_report_clear (&report);

  /* A row whose body was changed does not come back. */
  {
    HzLogOpinion forged = *(HzLogOpinion *) rows->pdata[0];
    g_autoptr(GString) body = g_string_new (forged.body);
    g_autoptr(HzSignedOpinion) back = NULL;
    char *at = strstr (body->str, "1 mm");
    g_assert_nonnull (at);
    at[0] = '3';
    forged.body = body->str;
    back = hz_signed_opinion_new_from_log (&forged, &error);
    g_assert_null (back);
    g_assert_error (error, HZ_SIGNED_OPINION_ERROR, HZ_SIGNED_OPINION_ERROR_BAD_SIGNATURE);
  }
  g_clear_object (&log);
  hz_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/opinion/roundtrip", test_roundtrip);
  g_test_add_func ("/opinion/strict", test_strict);
  g_test_add_func ("/opinion/validate", test_validate);
  g_test_add_func ("/opinion/ed25519-rfc8032", test_rfc8032);
  g_test_add_func ("/opinion/sign-verify", test_sign_verify);
  g_test_add_func ("/opinion/wire", test_wire);
  g_test_add_func ("/opinion/key-file", test_key_file);
  g_test_add_func ("/opinion/log", test_log);
  return g_test_run ();
}
