/* hz-canonical-json.c: canonical JSON after RFC 8785 (JCS), so that the
 * same event always hashes the same whatever produced its text. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "hz-canonical-json.h"

G_DEFINE_QUARK (hz-canonical-json-error-quark, hz_canonical_json_error)

static gboolean write_node (GString *out, JsonNode *node, guint depth, GError **error);

void
hz_canonical_json_write_string (GString    *out,
                                const char *str)
{
  static const char hex[] = "0123456789abcdef";
  const guchar *p;

  g_string_append_c (out, '"');
  for (p = (const guchar *) str; *p; p++)
    {
      switch (*p)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (*p < 0x20)
            {
              g_string_append (out, "\\u00");
              g_string_append_c (out, hex[*p >> 4]);
              g_string_append_c (out, hex[*p & 0xf]);
            }
          else
            g_string_append_c (out, (char) *p);
        }
    }
  g_string_append_c (out, '"');
}

/* Shortest digits that read back as the same double, in the layout of
 * ECMAScript's Number::toString (which is what JCS prescribes). */
void
hz_canonical_json_write_double (GString *out,
                                double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char digits[32];
  int precision, exponent, n, k, i;
  const char *e;
  const char *p;

  if (value == 0)
    {
      g_string_append_c (out, '0');  /* also for -0, as JCS requires */
      return;
    }
  if (value < 0)
    {
      g_string_append_c (out, '-');
      value = -value;
    }

  for (precision = 1; precision <= 17; precision++)
    {
      char fmt[8];
      g_snprintf (fmt, sizeof fmt, "%%.%de", precision - 1);
      g_ascii_formatd (buf, sizeof buf, fmt, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }

  /* buf is d[.ddd]e[+-]XX: collect the digits and the exponent. */
  e = strchr (buf, 'e');
  g_assert (e != NULL);
  exponent = atoi (e + 1);
  k = 0;
  for (p = buf; p < e; p++)
    if (g_ascii_isdigit (*p))
      digits[k++] = *p;
  while (k > 1 && digits[k - 1] == '0')
    k--;
  digits[k] = '\0';
  n = exponent + 1;

  /* Integral values from 2^53 up go out in exponent form: JCS would
   * spell them in digits, but json-glib reads digit strings beyond
   * int64 wrongly, and the canonical form must read back as itself. */
  if (k <= n && n <= 21 && value < 9007199254740992.0)
    {
      g_string_append (out, digits);
      for (i = 0; i < n - k; i++)
        g_string_append_c (out, '0');
    }
  else if (k > n && 0 < n && n <= 21)
    {
      g_string_append_len (out, digits, n);
      g_string_append_c (out, '.');
      g_string_append (out, digits + n);
    }
  else if (k > n && -6 < n && n <= 0)
    {
      g_string_append (out, "0.");
      for (i = 0; i < -n; i++)
        g_string_append_c (out, '0');
      g_string_append (out, digits);
    }
  else
    {
      g_string_append_c (out, digits[0]);
      if (k > 1)
        {
          g_string_append_c (out, '.');
          g_string_append (out, digits + 1);
        }
      g_string_append_printf (out, "e%c%d", n - 1 < 0 ? '-' : '+', ABS (n - 1));
    }
}

/* Next UTF-16 code unit of a UTF-8 string; JCS orders keys by them. */
static gunichar2
next_utf16_unit (const char **p,
                 gunichar2   *pending)
{
  gunichar c;

  if (*pending)
    {
      gunichar2 unit = *pending;
      *pending = 0;
      return unit;
    }
  c = g_utf8_get_char (*p);
  *p = g_utf8_next_char (*p);
  if (c < 0x10000)
    return (gunichar2) c;
  c -= 0x10000;
  *pending = (gunichar2) (0xDC00 + (c & 0x3FF));
  return (gunichar2) (0xD800 + (c >> 10));
}

static int
compare_keys_utf16 (gconstpointer a,
                    gconstpointer b)
{
  const char *pa = *(const char * const *) a;
  const char *pb = *(const char * const *) b;
  gunichar2 pend_a = 0, pend_b = 0;

  for (;;)
    {
      gboolean end_a = (*pa == '\0' && pend_a == 0);
      gboolean end_b = (*pb == '\0' && pend_b == 0);
      gunichar2 ua, ub;

      if (end_a || end_b)
        return end_a - end_b ? (end_a ? -1 : 1) : 0;
      ua = next_utf16_unit (&pa, &pend_a);
      ub = next_utf16_unit (&pb, &pend_b);
      if (ua != ub)
        return ua < ub ? -1 : 1;
    }
}

static gboolean
check_utf8 (const char *s,
            GError    **error)
{
  if (g_utf8_validate (s, -1, NULL))
    return TRUE;
  g_set_error_literal (error, HZ_CANONICAL_JSON_ERROR, HZ_CANONICAL_JSON_ERROR_INVALID,
                       "string is not valid UTF-8");
  return FALSE;
}

static gboolean
write_object (GString    *out,
              JsonObject *object,
              guint       depth,
              GError    **error)
{
  g_autoptr(GList) members = json_object_get_members (object);
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  guint i;

  for (GList *l = members; l; l = l->next)
    {
      if (!check_utf8 (l->data, error))
        return FALSE;
      g_ptr_array_add (keys, l->data);
    }
  g_ptr_array_sort (keys, compare_keys_utf16);

  g_string_append_c (out, '{');
  for (i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      if (i > 0)
        g_string_append_c (out, ',');
      hz_canonical_json_write_string (out, key);
      g_string_append_c (out, ':');
      if (!write_node (out, json_object_get_member (object, key), depth + 1, error))
        return FALSE;
    }
  g_string_append_c (out, '}');
  return TRUE;
}

static gboolean
write_array (GString   *out,
             JsonArray *array,
             guint      depth,
             GError   **error)
{
  guint i, n = json_array_get_length (array);

  g_string_append_c (out, '[');
  for (i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      if (!write_node (out, json_array_get_element (array, i), depth + 1, error))
        return FALSE;
    }
  g_string_append_c (out, ']');
  return TRUE;
}

static gboolean
write_value (GString  *out,
             JsonNode *node,
             GError  **error)
{
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      if (!check_utf8 (json_node_get_string (node), error))
        return FALSE;
      hz_canonical_json_write_string (out, json_node_get_string (node));
      return TRUE;
    case G_TYPE_INT64:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
      return TRUE;
    case G_TYPE_DOUBLE:
      {
        double d = json_node_get_double (node);
        if (!isfinite (d))
          {
            g_set_error_literal (error, HZ_CANONICAL_JSON_ERROR, HZ_CANONICAL_JSON_ERROR_INVALID,
                                 "number is not finite");
            return FALSE;
          }
        hz_canonical_json_write_double (out, d);
        return TRUE;
      }
    case G_TYPE_BOOLEAN:
      g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
      return TRUE;
    default:
      g_set_error (error, HZ_CANONICAL_JSON_ERROR, HZ_CANONICAL_JSON_ERROR_INVALID,
                   "unsupported value type %s", g_type_name (json_node_get_value_type (node)));
      return FALSE;
    }
}

static gboolean
write_node (GString  *out,
            JsonNode *node,
            guint     depth,
            GError  **error)
{
  if (depth > HZ_CANONICAL_JSON_MAX_DEPTH)
    {
      g_set_error (error, HZ_CANONICAL_JSON_ERROR, HZ_CANONICAL_JSON_ERROR_TOO_DEEP,
                   "nested deeper than %d levels", HZ_CANONICAL_JSON_MAX_DEPTH);
      return FALSE;
    }

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      return write_object (out, json_node_get_object (node), depth, error);
    case JSON_NODE_ARRAY:
      return write_array (out, json_node_get_array (node), depth, error);
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      return TRUE;
    case JSON_NODE_VALUE:
      return write_value (out, node, error);
    default:
      g_assert_not_reached ();
    }
}

gboolean
hz_canonical_json_write_node (GString  *out,
                              JsonNode *node,
                              GError  **error)
{
  gsize start = out->len;

  if (write_node (out, node, 0, error))
    return TRUE;
  g_string_truncate (out, start);
  return FALSE;
}

char *
hz_canonical_json_from_node (JsonNode *node,
                             GError  **error)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (!hz_canonical_json_write_node (out, node, error))
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* json-glib wraps integer literals beyond int64 silently (1e20 written
 * out in digits reads back as -1): refuse them instead. */
static gboolean
check_integer (const char *text,
               gsize       length,
               gsize      *i,
               GError    **error)
{
  gsize start = *i, end = *i;
  g_autofree char *literal = NULL;

  if (text[end] == '-')
    end++;
  while (end < length && g_ascii_isdigit (text[end]))
    end++;
  *i = end - 1;
  if (end < length && (text[end] == '.' || text[end] == 'e' || text[end] == 'E'))
    {
      /* a float: skip its fraction and exponent as well */
      while (end < length && (g_ascii_isdigit (text[end]) || strchr (".eE+-", text[end])))
        end++;
      *i = end - 1;
      return TRUE;
    }
  if (end - start < 19)
    return TRUE;
  literal = g_strndup (text + start, end - start);
  if (g_ascii_string_to_signed (literal, 10, G_MININT64, G_MAXINT64, NULL, NULL))
    return TRUE;
  g_set_error (error, HZ_CANONICAL_JSON_ERROR, HZ_CANONICAL_JSON_ERROR_INVALID,
               "integer %s is out of range (write it as a decimal number)", literal);
  return FALSE;
}

/* json-glib recurses without a limit; refuse absurd nesting before it
 * parses, so hostile input cannot exhaust the stack. Strings are skipped
 * so brackets inside them do not count. */
gboolean
hz_canonical_json_prescan (const char *text,
                           gsize       length,
                           gboolean    check_integers,
                           GError    **error)
{
  guint depth = 0;
  gboolean in_string = FALSE;
  gsize i;

  for (i = 0; i < length; i++)
    {
      char c = text[i];
      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > HZ_CANONICAL_JSON_MAX_DEPTH)
            {
              g_set_error (error, HZ_CANONICAL_JSON_ERROR, HZ_CANONICAL_JSON_ERROR_TOO_DEEP,
                           "nested deeper than %d levels", HZ_CANONICAL_JSON_MAX_DEPTH);
              return FALSE;
            }
        }
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
      else if (check_integers && (c == '-' || g_ascii_isdigit (c)) &&
               !check_integer (text, length, &i, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * hz_canonical_json_parse:
 * @max_bytes: refuse longer texts (callers with larger documents than
 *   HZ_CANONICAL_JSON_MAX_BYTES, such as case bundles, pass their own)
 *
 * Parses outside bytes after the checks json-glib lacks: size, UTF-8,
 * nesting depth and integers beyond 64 bits.
 *
 * Returns: (transfer full): the root node, or NULL with @error set
 */
JsonNode *
hz_canonical_json_parse (const char *text,
                         gssize      length,
                         gsize       max_bytes,
                         gboolean    require_object,
                         GError    **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (text != NULL, NULL);

  if (length < 0)
    length = strlen (text);
  if ((gsize) length > max_bytes)
    {
      g_set_error (error, HZ_CANONICAL_JSON_ERROR, HZ_CANONICAL_JSON_ERROR_TOO_LARGE,
                   "JSON text of %" G_GSSIZE_FORMAT " bytes is over the limit of %" G_GSIZE_FORMAT,
                   length, max_bytes);
      return NULL;
    }
  if (!g_utf8_validate_len (text, length, NULL))
    {
      g_set_error_literal (error, HZ_CANONICAL_JSON_ERROR, HZ_CANONICAL_JSON_ERROR_INVALID,
                           "JSON text is not valid UTF-8");
      return NULL;
    }
  if (!hz_canonical_json_prescan (text, length, TRUE, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, length, &local_error))
    {
      g_set_error (error, HZ_CANONICAL_JSON_ERROR, HZ_CANONICAL_JSON_ERROR_SYNTAX,
                   "not valid JSON: %s", local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, HZ_CANONICAL_JSON_ERROR, HZ_CANONICAL_JSON_ERROR_SYNTAX,
                           "empty JSON text");
      return NULL;
    }
  if (require_object && !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, HZ_CANONICAL_JSON_ERROR, HZ_CANONICAL_JSON_ERROR_NOT_OBJECT,
                           "a JSON object is required");
      return NULL;
    }
  return json_node_ref (root);
}

/* The canonical form of outside text of up to @max_bytes. */
char *
hz_canonical_json_normalize (const char *text,
                             gssize      length,
                             gsize       max_bytes,
                             gboolean    require_object,
                             GError    **error)
{
  g_autoptr(JsonNode) root = hz_canonical_json_parse (text, length, max_bytes, require_object, error);

  if (root == NULL)
    return NULL;
  return hz_canonical_json_from_node (root, error);
}

char *
hz_canonical_json_from_string (const char *text,
                               gssize      length,
                               gboolean    require_object,
                               GError    **error)
{
  return hz_canonical_json_normalize (text, length, HZ_CANONICAL_JSON_MAX_BYTES, require_object, error);
}
