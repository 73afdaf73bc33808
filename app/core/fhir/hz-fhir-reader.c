/* hz-fhir-reader.c: careful access to FHIR JSON. Every accessor checks
 * the JSON type itself, because a bundle from outside may put anything
 * anywhere and json-glib's getters complain (fatally, in tests) when the
 * type is wrong. A wrong type becomes a warning and a gap, never a crash. */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "hz-fhir-reader.h"

void
hz_fhir_reader_warn (HzFhirReader *reader,
                     const char   *format,
                     ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (reader->warnings->len > HZ_FHIR_READER_MAX_WARNINGS)
    return;
  if (reader->warnings->len == HZ_FHIR_READER_MAX_WARNINGS)
    {
      g_ptr_array_add (reader->warnings,
                       hz_fhir_warning_new (NULL, NULL, _("Too many problems; the rest are not listed")));
      return;
    }
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (reader->warnings,
                   hz_fhir_warning_new (reader->resource_type, reader->resource_id, message));
}

static JsonNode *
member_node (JsonObject *object,
             const char *member)
{
  if (object == NULL)
    return NULL;
  return json_object_get_member (object, member);
}

static void
warn_type (HzFhirReader *reader,
           const char   *member,
           const char   *expected)
{
  /* TRANSLATORS: the first %s is a FHIR field name such as "birthDate",
   * the second a JSON type such as "a string" */
  hz_fhir_reader_warn (reader, _("“%s” should be %s"), member, expected);
}

/* For members read more than once (a resource's id): no warning. */
const char *
hz_fhir_string_member (JsonObject *object,
                       const char *member)
{
  JsonNode *node = member_node (object, member);

  if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

const char *
hz_fhir_reader_get_string (HzFhirReader *reader,
                           JsonObject   *object,
                           const char   *member)
{
  JsonNode *node = member_node (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      warn_type (reader, member, _("a string"));
      return NULL;
    }
  return json_node_get_string (node);
}

double
hz_fhir_reader_get_number (HzFhirReader *reader,
                           JsonObject   *object,
                           const char   *member)
{
  JsonNode *node = member_node (object, member);
  GType type;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NAN;
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type == G_TYPE_INT64)
    return (double) json_node_get_int (node);
  if (type == G_TYPE_DOUBLE)
    return json_node_get_double (node);
  warn_type (reader, member, _("a number"));
  return NAN;
}

gboolean
hz_fhir_reader_get_int (HzFhirReader *reader,
                        JsonObject   *object,
                        const char   *member,
                        gint64       *value)
{
  JsonNode *node = member_node (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      warn_type (reader, member, _("a whole number"));
      return FALSE;
    }
  *value = json_node_get_int (node);
  return TRUE;
}

JsonObject *
hz_fhir_reader_get_object (HzFhirReader *reader,
                           JsonObject   *object,
                           const char   *member)
{
  JsonNode *node = member_node (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      warn_type (reader, member, _("an object"));
      return NULL;
    }
  return json_node_get_object (node);
}

JsonArray *
hz_fhir_reader_get_array (HzFhirReader *reader,
                          JsonObject   *object,
                          const char   *member)
{
  JsonNode *node = member_node (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      warn_type (reader, member, _("a list"));
      return NULL;
    }
  return json_node_get_array (node);
}

/* Element index of a list that should hold objects; member names the
 * list in the warning. */
JsonObject *
hz_fhir_reader_array_object (HzFhirReader *reader,
                             JsonArray    *array,
                             guint         index,
                             const char   *member)
{
  JsonNode *node;

  if (array == NULL || index >= json_array_get_length (array))
    return NULL;
  node = json_array_get_element (array, index);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      /* TRANSLATORS: %s is a FHIR field name such as "entry" */
      hz_fhir_reader_warn (reader, _("an element of “%s” is not an object"), member);
      return NULL;
    }
  return json_node_get_object (node);
}

JsonObject *
hz_fhir_reader_first_object (HzFhirReader *reader,
                             JsonObject   *object,
                             const char   *member)
{
  return hz_fhir_reader_array_object (reader, hz_fhir_reader_get_array (reader, object, member),
                                      0, member);
}

/* The coding to show: the one in prefer_system if present, else the
 * first one with a code. */
gboolean
hz_fhir_reader_concept_coding (HzFhirReader *reader,
                               JsonObject   *concept,
                               const char   *prefer_system,
                               const char  **system,
                               const char  **code,
                               const char  **display)
{
  JsonArray *codings = hz_fhir_reader_get_array (reader, concept, "coding");
  JsonObject *chosen = NULL;
  guint i, n = codings ? json_array_get_length (codings) : 0;

  for (i = 0; i < n; i++)
    {
      JsonObject *coding = hz_fhir_reader_array_object (reader, codings, i, "coding");
      const char *sys = hz_fhir_reader_get_string (reader, coding, "system");

      if (coding == NULL || hz_fhir_reader_get_string (reader, coding, "code") == NULL)
        continue;
      if (chosen == NULL)
        chosen = coding;
      if (prefer_system != NULL && g_strcmp0 (sys, prefer_system) == 0)
        {
          chosen = coding;
          break;
        }
    }
  if (chosen == NULL)
    return FALSE;
  if (system)
    *system = hz_fhir_reader_get_string (reader, chosen, "system");
  if (code)
    *code = hz_fhir_reader_get_string (reader, chosen, "code");
  if (display)
    *display = hz_fhir_reader_get_string (reader, chosen, "display");
  return TRUE;
}

/* What a person should read for a CodeableConcept: its text, else the
 * display or code of its first coding. */
char *
hz_fhir_reader_concept_text (HzFhirReader *reader,
                             JsonObject   *concept)
{
  const char *text = hz_fhir_reader_get_string (reader, concept, "text");
  const char *code = NULL, *display = NULL;

  if (text != NULL && *text)
    return g_strdup (text);
  if (hz_fhir_reader_concept_coding (reader, concept, NULL, NULL, &code, &display))
    return g_strdup (display && *display ? display : code);
  return NULL;
}

const char *
hz_fhir_reader_reference (HzFhirReader *reader,
                          JsonObject   *object,
                          const char   *member,
                          const char  **display)
{
  JsonObject *ref = hz_fhir_reader_get_object (reader, object, member);

  if (display)
    *display = hz_fhir_reader_get_string (reader, ref, "display");
  return hz_fhir_reader_get_string (reader, ref, "reference");
}

static gboolean
parse_digits (const char *s,
              guint       n,
              int        *value)
{
  guint i;

  *value = 0;
  for (i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return FALSE;
      *value = *value * 10 + (s[i] - '0');
    }
  return TRUE;
}

/* FHIR date, dateTime or instant. Partial dates (YYYY, YYYY-MM,
 * YYYY-MM-DD) are taken as the start of that period in UTC, so that they
 * sort and never shift a day when shown; precision says how much of the
 * result means anything. A time without a zone is taken as UTC. */
GDateTime *
hz_fhir_parse_datetime (const char      *text,
                        HzFhirPrecision *precision)
{
  int year = 0, month = 1, day = 1;
  HzFhirPrecision prec = HZ_FHIR_PRECISION_YEAR;
  gsize len;
  GDateTime *result;

  if (precision)
    *precision = HZ_FHIR_PRECISION_NONE;
  if (text == NULL)
    return NULL;
  len = strlen (text);
  if (len > 10 && text[10] == 'T')
    {
      g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

      if (len > 40 || !g_ascii_isdigit (text[0]))
        return NULL;
      result = g_date_time_new_from_iso8601 (text, utc);
      if (result && precision)
        *precision = HZ_FHIR_PRECISION_TIME;
      return result;
    }
  if (len != 4 && len != 7 && len != 10)
    return NULL;
  if (!parse_digits (text, 4, &year))
    return NULL;
  if (len >= 7)
    {
      if (text[4] != '-' || !parse_digits (text + 5, 2, &month))
        return NULL;
      prec = HZ_FHIR_PRECISION_MONTH;
    }
  if (len == 10)
    {
      if (text[7] != '-' || !parse_digits (text + 8, 2, &day))
        return NULL;
      prec = HZ_FHIR_PRECISION_DAY;
    }
  /* g_date_time_new_utc() refuses impossible dates by returning NULL */
  result = g_date_time_new_utc (year, month, day, 0, 0, 0);
  if (result && precision)
    *precision = prec;
  return result;
}

GDateTime *
hz_fhir_reader_get_datetime (HzFhirReader    *reader,
                             JsonObject      *object,
                             const char      *member,
                             HzFhirPrecision *precision)
{
  const char *text = hz_fhir_reader_get_string (reader, object, member);
  GDateTime *result;

  if (precision)
    *precision = HZ_FHIR_PRECISION_NONE;
  if (text == NULL)
    return NULL;
  result = hz_fhir_parse_datetime (text, precision);
  if (result == NULL)
    /* TRANSLATORS: %s is a FHIR field name such as "effectiveDateTime" */
    hz_fhir_reader_warn (reader, _("“%s” is not a valid date"), member);
  return result;
}

GDateTime *
hz_fhir_reader_period_start (HzFhirReader    *reader,
                             JsonObject      *object,
                             const char      *member,
                             HzFhirPrecision *precision)
{
  JsonObject *period = hz_fhir_reader_get_object (reader, object, member);

  if (precision)
    *precision = HZ_FHIR_PRECISION_NONE;
  return period ? hz_fhir_reader_get_datetime (reader, period, "start", precision) : NULL;
}

/* value and unit of a Quantity; the human unit wins over the UCUM code. */
void
hz_fhir_reader_quantity (HzFhirReader *reader,
                         JsonObject   *quantity,
                         double       *value,
                         const char  **unit)
{
  *value = hz_fhir_reader_get_number (reader, quantity, "value");
  *unit = hz_fhir_reader_get_string (reader, quantity, "unit");
  if (*unit == NULL)
    *unit = hz_fhir_reader_get_string (reader, quantity, "code");
}

/* Enough digits for any lab value, none of the binary noise (8.9, not
 * 8.9000000000000004), and always a '.' whatever the locale. */
char *
hz_fhir_format_number (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    return g_strdup ("—");
  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.10g", value));
}
