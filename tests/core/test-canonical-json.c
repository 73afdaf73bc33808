/* test-canonical-json.c: the byte-exact JSON form that events hash to. */
#include "config.h"

#include "hz-canonical-json.h"

static char *
canon (const char *text)
{
  g_autoptr(GError) error = NULL;
  char *out = hz_canonical_json_from_string (text, -1, FALSE, &error);

  g_assert_no_error (error);
  return out;
}

static void
assert_canon (const char *input,
              const char *expected)
{
  g_autofree char *out = canon (input);
  g_autofree char *again = canon (out);

  g_assert_cmpstr (out, ==, expected);
  g_assert_cmpstr (again, ==, expected);  /* canonical form is a fixed point */
}

static void
test_key_order (void)
{
  assert_canon ("{ \"b\": 1, \"a\": 2, \"aa\": 3, \"A\": 4 }", "{\"A\":4,\"a\":2,\"aa\":3,\"b\":1}");
  assert_canon ("{\"z\":{\"y\":1,\"x\":[{\"b\":1,\"a\":2}]}}", "{\"z\":{\"x\":[{\"a\":2,\"b\":1}],\"y\":1}}");
  /* UTF-16 order: U+1F600 (surrogates D83D…) sorts before U+FB01 but
   * after U+4E2D; byte order would put the emoji last. */
  assert_canon ("{\"\xef\xac\x81\":1,\"\xf0\x9f\x98\x80\":2,\"\xe4\xb8\xad\":3}",
                "{\"\xe4\xb8\xad\":3,\"\xf0\x9f\x98\x80\":2,\"\xef\xac\x81\":1}");
}

static void
test_numbers (void)
{
  assert_canon ("[1, 1.0, -0.0, 0, 10, 1e2, 0.5, 1.5e300, 1e21, 1e-7, 0.000001, 123456789012]",
                "[1,1,0,0,10,100,0.5,1.5e+300,1e+21,1e-7,0.000001,123456789012]");
  assert_canon ("[0.1, 0.2, 1e20, 123.456, -2.5, 5e-324, 1.7976931348623157e308]",
                "[0.1,0.2,1e+20,123.456,-2.5,5e-324,1.7976931348623157e+308]");
  /* int64 stays exact even beyond 2^53 (a deliberate step away from JCS). */
  assert_canon ("[9007199254740993, -9223372036854775808]", "[9007199254740993,-9223372036854775808]");
  assert_canon ("[9007199254740992.0, 4503599627370495.5]", "[9.007199254740992e+15,4503599627370495.5]");
}

static void
test_strings (void)
{
  assert_canon ("[\"王建国\", \"a\\\"b\\\\c\", \"\\u0001\\n\\t\\/\", \"\\u4e2d\\u6587\"]",
                "[\"王建国\",\"a\\\"b\\\\c\",\"\\u0001\\n\\t/\",\"中文\"]");
  assert_canon ("{\"诊断\":\"不稳定型心绞痛\",\"code\":\"I20.0\"}",
                "{\"code\":\"I20.0\",\"诊断\":\"不稳定型心绞痛\"}");
}

static void
test_literals (void)
{
  assert_canon ("{\"t\":true,\"f\":false,\"n\":null,\"e\":[],\"o\":{}}",
                "{\"e\":[],\"f\":false,\"n\":null,\"o\":{},\"t\":true}");
}

static void
test_same_hash_whatever_layout (void)
{
  g_autofree char *a = canon ("{\"kind\":\"x\",\"n\":1.0,\"list\":[1,2]}");
  g_autofree char *b = canon ("{\n  \"list\" : [ 1 , 2 ],\n  \"n\" : 1,\n  \"kind\" : \"x\"\n}");

  g_assert_cmpstr (a, ==, b);
}

static void
assert_error (const char *input,
              gboolean    require_object,
              int         code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = hz_canonical_json_from_string (input, -1, require_object, &error);

  g_assert_null (out);
  g_assert_error (error, HZ_CANONICAL_JSON_ERROR, code);
}

static void
test_bad_input (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autofree char *big = NULL;
  int i;

  assert_error ("{\"a\":", FALSE, HZ_CANONICAL_JSON_ERROR_SYNTAX);
  assert_error ("not json", FALSE, HZ_CANONICAL_JSON_ERROR_SYNTAX);
  assert_error ("", FALSE, HZ_CANONICAL_JSON_ERROR_SYNTAX);
  assert_error ("[1,2]", TRUE, HZ_CANONICAL_JSON_ERROR_NOT_OBJECT);
  assert_error ("\"text\"", TRUE, HZ_CANONICAL_JSON_ERROR_NOT_OBJECT);
  assert_error ("{\"a\":\"\xff\xfe\"}", FALSE, HZ_CANONICAL_JSON_ERROR_INVALID);
  assert_error ("[100000000000000000000]", FALSE, HZ_CANONICAL_JSON_ERROR_INVALID);
  assert_error ("{\"n\":-9223372036854775809}", FALSE, HZ_CANONICAL_JSON_ERROR_INVALID);

  for (i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  assert_error (deep->str, FALSE, HZ_CANONICAL_JSON_ERROR_TOO_DEEP);

  big = g_strnfill (HZ_CANONICAL_JSON_MAX_BYTES + 1, ' ');
  assert_error (big, FALSE, HZ_CANONICAL_JSON_ERROR_TOO_LARGE);
}

static void
test_depth_limit_edge (void)
{
  g_autoptr(GString) ok = g_string_new (NULL);
  g_autofree char *out = NULL;
  int i;

  for (i = 0; i < HZ_CANONICAL_JSON_MAX_DEPTH; i++)
    g_string_append_c (ok, '[');
  for (i = 0; i < HZ_CANONICAL_JSON_MAX_DEPTH; i++)
    g_string_append_c (ok, ']');
  out = canon (ok->str);
  g_assert_cmpstr (out, ==, ok->str);
  /* brackets inside strings are text, not nesting */
  {
    g_autofree char *brackets = g_strnfill (HZ_CANONICAL_JSON_MAX_DEPTH * 2, '[');
    g_autofree char *text = g_strdup_printf ("{\"a\":\"%s\"}", brackets);
    assert_canon (text, text);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/canonical-json/key-order", test_key_order);
  g_test_add_func ("/core/canonical-json/numbers", test_numbers);
  g_test_add_func ("/core/canonical-json/strings", test_strings);
  g_test_add_func ("/core/canonical-json/literals", test_literals);
  g_test_add_func ("/core/canonical-json/layout-independent", test_same_hash_whatever_layout);
  g_test_add_func ("/core/canonical-json/bad-input", test_bad_input);
  g_test_add_func ("/core/canonical-json/depth-limit-edge", test_depth_limit_edge);

  return g_test_run ();
}
