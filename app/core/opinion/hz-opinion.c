/* hz-opinion.c: a specialist's structured consult opinion and its JSON.
 *
 * The JSON is read strictly (unknown members, wrong types and oversized
 * texts are refused) because the same bytes are signed, sent through the
 * hub and shown to the requester: anything we silently dropped or fixed
 * would make the signed text differ from the one on screen. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hz-canonical-json.h"
#include "hz-opinion.h"

struct _HzOpinion {
  GObject             parent_instance;

  char               *consult_id;
  char               *author;
  GDateTime          *time;
  char               *findings;
  GArray             *diagnoses;   /* HzDiagnosis */
  char               *treatment;
  char               *follow_up;
  HzReferralDecision  referral;
  HzReferralUrgency   urgency;
  char               *referral_to;
  char               *text;
};

G_DEFINE_QUARK (hz-opinion-error-quark, hz_opinion_error)
G_DEFINE_FINAL_TYPE (HzOpinion, hz_opinion, G_TYPE_OBJECT)

static const char * const decision_names[] = { "none", "treat_locally", "refer" };
static const char * const urgency_names[] = { "routine", "urgent", "emergency" };

static void
diagnosis_clear (gpointer data)
{
  HzDiagnosis *d = data;
  g_clear_pointer (&d->code, g_free);
  g_clear_pointer (&d->label, g_free);
}

static void
hz_opinion_finalize (GObject *object)
{
  HzOpinion *self = HZ_OPINION (object);

  g_free (self->consult_id);
  g_free (self->author);
  g_clear_pointer (&self->time, g_date_time_unref);
  g_free (self->findings);
  g_array_unref (self->diagnoses);
  g_free (self->treatment);
  g_free (self->follow_up);
  g_free (self->referral_to);
  g_free (self->text);
  G_OBJECT_CLASS (hz_opinion_parent_class)->finalize (object);
}

static void
hz_opinion_class_init (HzOpinionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hz_opinion_finalize;
}

static void
hz_opinion_init (HzOpinion *self)
{
  self->diagnoses = g_array_new (FALSE, TRUE, sizeof (HzDiagnosis));
  g_array_set_clear_func (self->diagnoses, diagnosis_clear);
  self->findings = g_strdup ("");
  self->treatment = g_strdup ("");
  self->follow_up = g_strdup ("");
  self->text = g_strdup ("");
}

HzOpinion *
hz_opinion_new (void)
{
  return g_object_new (HZ_TYPE_OPINION, NULL);
}

const char *
hz_referral_decision_to_string (HzReferralDecision decision)
{
  g_return_val_if_fail (decision <= HZ_REFERRAL_REFER, NULL);
  return decision_names[decision];
}

const char *
hz_referral_urgency_to_string (HzReferralUrgency urgency)
{
  g_return_val_if_fail (urgency <= HZ_REFERRAL_URGENCY_EMERGENCY, NULL);
  return urgency_names[urgency];
}

/* Letter, two more characters, then an optional dot and up to four
 * characters: covers WHO ICD-10 ("I20.0") and the Chinese clinical
 * edition's extensions ("I10.x00", "J18.900"). */
gboolean
hz_icd10_code_is_valid (const char *code)
{
  gsize i, len;

  if (code == NULL)
    return FALSE;
  len = strlen (code);
  if (len < 3 || len > 8)
    return FALSE;
  if (!g_ascii_isupper (code[0]) || !g_ascii_isdigit (code[1]) || !g_ascii_isalnum (code[2]))
    return FALSE;
  if (len == 3)
    return TRUE;
  if (code[3] != '.' || len == 4)
    return FALSE;
  for (i = 4; i < len; i++)
    if (!g_ascii_isalnum (code[i]))
      return FALSE;
  return TRUE;
}

/* Reading ---------------------------------------------------------------- */

static gboolean
check_members (JsonObject         *object,
               const char         *where,
               const char * const *allowed,
               GError            **error)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &value))
    if (!g_strv_contains (allowed, name))
      {
        g_set_error (error, HZ_OPINION_ERROR, HZ_OPINION_ERROR_INVALID,
                     "unknown member “%s” in %s", name, where);
        return FALSE;
      }
  return TRUE;
}

/* A string member: absent is "", anything but a string is refused. */
static gboolean
get_text (JsonObject  *object,
          const char  *name,
          glong        max_chars,
          char       **out,
          GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  const char *value;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      g_free (*out);
      *out = g_strdup ("");
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, HZ_OPINION_ERROR, HZ_OPINION_ERROR_INVALID, "“%s” must be a string", name);
      return FALSE;
    }
  value = json_node_get_string (node);
  if (!g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, HZ_OPINION_ERROR, HZ_OPINION_ERROR_INVALID, "“%s” is not UTF-8", name);
      return FALSE;
    }
  if (g_utf8_strlen (value, -1) > max_chars)
    {
      g_set_error (error, HZ_OPINION_ERROR, HZ_OPINION_ERROR_TOO_LARGE,
                   "“%s” is longer than %ld characters", name, max_chars);
      return FALSE;
    }
  g_free (*out);
  *out = g_strdup (value);
  return TRUE;
}

/* An object member: absent gives TRUE and NULL. */
static gboolean
get_object (JsonObject  *object,
            const char  *name,
            JsonObject **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, HZ_OPINION_ERROR, HZ_OPINION_ERROR_INVALID, "“%s” must be an object", name);
      return FALSE;
    }
  *out = json_node_get_object (node);
  return TRUE;
}

static gboolean
read_diagnoses (HzOpinion   *self,
                JsonObject  *object,
                GError     **error)
{
  static const char * const allowed[] = { "code", "label", NULL };
  JsonNode *node = json_object_get_member (object, "diagnosis");
  JsonArray *array;
  guint i, n;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, HZ_OPINION_ERROR, HZ_OPINION_ERROR_INVALID, "“diagnosis” must be a list");
      return FALSE;
    }
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n > HZ_OPINION_MAX_DIAGNOSES)
    {
      g_set_error (error, HZ_OPINION_ERROR, HZ_OPINION_ERROR_TOO_LARGE,
                   "more than %d diagnoses", HZ_OPINION_MAX_DIAGNOSES);
      return FALSE;
    }
  for (i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *entry;
      g_autofree char *code = NULL;
      g_autofree char *label = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, HZ_OPINION_ERROR, HZ_OPINION_ERROR_INVALID, "a diagnosis must be an object");
          return FALSE;
        }
      entry = json_node_get_object (element);
      if (!check_members (entry, "a diagnosis", allowed, error) ||
          !get_text (entry, "code", 16, &code, error) ||
          !get_text (entry, "label", HZ_OPINION_MAX_SHORT, &label, error))
        return FALSE;
      if (!hz_icd10_code_is_valid (code))
        {
          g_set_error (error, HZ_OPINION_ERROR, HZ_OPINION_ERROR_INVALID,
                       "“%s” is not an ICD-10 code", code);
          return FALSE;
        }
      hz_opinion_add_diagnosis (self, code, label);
    }
  return TRUE;
}

static gboolean
read_referral (HzOpinion   *self,
               JsonObject  *object,
               GError     **error)
{
  static const char * const allowed[] = { "decision", "urgency", "institution", NULL };
  g_autofree char *decision = NULL;
  g_autofree char *urgency = NULL;
  g_autofree char *institution = NULL;
  JsonObject *referral;
  guint i;

  if (!get_object (object, "referral", &referral, error))
    return FALSE;
  if (referral == NULL)
    return TRUE;
  if (!check_members (referral, "“referral”", allowed, error) ||
      !get_text (referral, "decision", 32, &decision, error) ||
      !get_text (referral, "urgency", 32, &urgency, error) ||
      !get_text (referral, "institution", HZ_OPINION_MAX_SHORT, &institution, error))
    return FALSE;

  self->referral = HZ_REFERRAL_NONE;
  for (i = 0; i < G_N_ELEMENTS (decision_names); i++)
    if (strcmp (decision, decision_names[i]) == 0)
      self->referral = i;
  if (self->referral == HZ_REFERRAL_NONE && *decision != '\0' && strcmp (decision, "none") != 0)
    {
      g_set_error (error, HZ_OPINION_ERROR, HZ_OPINION_ERROR_INVALID, "unknown referral decision “%s”", decision);
      return FALSE;
    }
  self->urgency = HZ_REFERRAL_URGENCY_ROUTINE;
  if (*urgency != '\0')
    {
      gboolean found = FALSE;
      for (i = 0; i < G_N_ELEMENTS (urgency_names); i++)
        if (strcmp (urgency, urgency_names[i]) == 0)
          {
            self->urgency = i;
            found = TRUE;
          }
      if (!found)
        {
          g_set_error (error, HZ_OPINION_ERROR, HZ_OPINION_ERROR_INVALID, "unknown referral urgency “%s”", urgency);
          return FALSE;
        }
    }
  g_free (self->referral_to);
  self->referral_to = *institution ? g_steal_pointer (&institution) : NULL;
  return TRUE;
}

static gboolean
read_meta (HzOpinion   *self,
           JsonObject  *object,
           GError     **error)
{
  g_autofree char *time = NULL;

  if (!get_text (object, "consult", HZ_OPINION_MAX_SHORT, &self->consult_id, error) ||
      !get_text (object, "author", HZ_OPINION_MAX_SHORT, &self->author, error) ||
      !get_text (object, "time", 64, &time, error))
    return FALSE;
  if (*self->consult_id == '\0')
    g_clear_pointer (&self->consult_id, g_free);
  if (*self->author == '\0')
    g_clear_pointer (&self->author, g_free);
  if (*time != '\0')
    {
      g_autoptr(GDateTime) parsed = g_date_time_new_from_iso8601 (time, NULL);

      if (parsed == NULL)
        {
          g_set_error (error, HZ_OPINION_ERROR, HZ_OPINION_ERROR_INVALID, "“time” is not an ISO 8601 time");
          return FALSE;
        }
      /* Kept in UTC, as it is written back ("…Z"); and in four-digit
       * years, which is what the writer's %Y gives back unchanged (the
       * fuzzer found year 411 reading back differently). */
      self->time = g_date_time_to_utc (parsed);
      if (g_date_time_get_year (self->time) < 1900 || g_date_time_get_year (self->time) > 9999)
        {
          g_set_error (error, HZ_OPINION_ERROR, HZ_OPINION_ERROR_INVALID, "“time” is not a plausible date");
          return FALSE;
        }
    }
  return TRUE;
}

/* content_only: the opinion as sent in a report action (no consult,
 * author or time: the hub knows those). */
HzOpinion *
hz_opinion_new_from_object (JsonObject  *object,
                            gboolean     content_only,
                            GError     **error)
{
  static const char * const content[] = { "findings", "diagnosis", "advice", "referral", "text", NULL };
  static const char * const full[] = { "findings", "diagnosis", "advice", "referral", "text",
                                       "consult", "author", "time", NULL };
  static const char * const advice_allowed[] = { "treatment", "follow_up", NULL };
  g_autoptr(HzOpinion) self = hz_opinion_new ();
  JsonObject *advice;

  g_return_val_if_fail (object != NULL, NULL);

  if (!check_members (object, "the opinion", content_only ? content : full, error) ||
      !get_text (object, "findings", HZ_OPINION_MAX_TEXT, &self->findings, error) ||
      !get_text (object, "text", HZ_OPINION_MAX_TEXT, &self->text, error) ||
      !read_diagnoses (self, object, error) ||
      !read_referral (self, object, error))
    return NULL;
  if (!content_only && !read_meta (self, object, error))
    return NULL;
  if (!get_object (object, "advice", &advice, error))
    return NULL;
  if (advice != NULL &&
      (!check_members (advice, "“advice”", advice_allowed, error) ||
       !get_text (advice, "treatment", HZ_OPINION_MAX_TEXT, &self->treatment, error) ||
       !get_text (advice, "follow_up", HZ_OPINION_MAX_TEXT, &self->follow_up, error)))
    return NULL;
  return g_steal_pointer (&self);
}

HzOpinion *
hz_opinion_new_from_json (const char  *text,
                          gssize       length,
                          GError     **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = hz_canonical_json_parse (text, length, HZ_OPINION_MAX_BYTES, TRUE, &local);
  if (node == NULL)
    {
      g_set_error (error, HZ_OPINION_ERROR,
                   g_error_matches (local, HZ_CANONICAL_JSON_ERROR, HZ_CANONICAL_JSON_ERROR_TOO_LARGE)
                     ? HZ_OPINION_ERROR_TOO_LARGE : HZ_OPINION_ERROR_SYNTAX,
                   "%s", local->message);
      return NULL;
    }
  return hz_opinion_new_from_object (json_node_get_object (node), FALSE, error);
}

/* Writing ---------------------------------------------------------------- */

JsonNode *
hz_opinion_to_node (HzOpinion *self,
                    gboolean   content_only)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  guint i;

  g_return_val_if_fail (HZ_IS_OPINION (self), NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "findings");
  json_builder_add_string_value (b, self->findings);
  json_builder_set_member_name (b, "diagnosis");
  json_builder_begin_array (b);
  for (i = 0; i < self->diagnoses->len; i++)
    {
      const HzDiagnosis *d = &g_array_index (self->diagnoses, HzDiagnosis, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, d->code);
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, d->label);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "advice");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "treatment");
  json_builder_add_string_value (b, self->treatment);
  json_builder_set_member_name (b, "follow_up");
  json_builder_add_string_value (b, self->follow_up);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "referral");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "decision");
  json_builder_add_string_value (b, decision_names[self->referral]);
  json_builder_set_member_name (b, "urgency");
  json_builder_add_string_value (b, urgency_names[self->urgency]);
  if (self->referral_to)
    {
      json_builder_set_member_name (b, "institution");
      json_builder_add_string_value (b, self->referral_to);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "text");
  json_builder_add_string_value (b, self->text);
  if (!content_only)
    {
      if (self->consult_id)
        {
          json_builder_set_member_name (b, "consult");
          json_builder_add_string_value (b, self->consult_id);
        }
      if (self->author)
        {
          json_builder_set_member_name (b, "author");
          json_builder_add_string_value (b, self->author);
        }
      if (self->time)
        {
          g_autofree char *iso = g_date_time_format (self->time, "%Y-%m-%dT%H:%M:%SZ");
          json_builder_set_member_name (b, "time");
          json_builder_add_string_value (b, iso);
        }
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Canonical JSON, so that two equal opinions give equal bytes. */
char *
hz_opinion_to_json (HzOpinion *self,
                    gboolean   content_only)
{
  g_autoptr(JsonNode) node = hz_opinion_to_node (self, content_only);
  return hz_canonical_json_from_node (node, NULL);
}

/* What must hold before an opinion may be signed and sent. */
gboolean
hz_opinion_validate (HzOpinion  *self,
                     GError    **error)
{
  g_return_val_if_fail (HZ_IS_OPINION (self), FALSE);

  if (*self->findings == '\0' && self->diagnoses->len == 0)
    {
      g_set_error_literal (error, HZ_OPINION_ERROR, HZ_OPINION_ERROR_INCOMPLETE,
                           _("The opinion needs findings or at least one diagnosis."));
      return FALSE;
    }
  if (self->referral == HZ_REFERRAL_NONE)
    {
      g_set_error_literal (error, HZ_OPINION_ERROR, HZ_OPINION_ERROR_INCOMPLETE,
                           _("Choose whether the patient is treated locally or referred."));
      return FALSE;
    }
  return TRUE;
}

HzOpinion *
hz_opinion_copy (HzOpinion *self)
{
  g_autoptr(JsonNode) node = hz_opinion_to_node (self, FALSE);
  HzOpinion *copy = hz_opinion_new_from_object (json_node_get_object (node), FALSE, NULL);

  /* Fractions of a second are not in the JSON: keep the exact time. */
  if (copy && self->time)
    hz_opinion_set_time (copy, self->time);
  return copy;
}

/* Accessors -------------------------------------------------------------- */

#define STRING_ACCESSORS(field, nullable)                                  \
  const char *                                                             \
  hz_opinion_get_##field (HzOpinion *self)                                 \
  {                                                                        \
    g_return_val_if_fail (HZ_IS_OPINION (self), NULL);                     \
    return self->field;                                                    \
  }                                                                        \
  void                                                                     \
  hz_opinion_set_##field (HzOpinion  *self,                                \
                          const char *value)                               \
  {                                                                        \
    g_return_if_fail (HZ_IS_OPINION (self));                               \
    g_free (self->field);                                                  \
    self->field = (nullable) ? g_strdup (value) : g_strdup (value ? value : ""); \
  }

STRING_ACCESSORS (consult_id, TRUE)
STRING_ACCESSORS (author, TRUE)
STRING_ACCESSORS (findings, FALSE)
STRING_ACCESSORS (treatment, FALSE)
STRING_ACCESSORS (follow_up, FALSE)
STRING_ACCESSORS (text, FALSE)

GDateTime *
hz_opinion_get_time (HzOpinion *self)
{
  g_return_val_if_fail (HZ_IS_OPINION (self), NULL);
  return self->time;
}

void
hz_opinion_set_time (HzOpinion *self,
                     GDateTime *time)
{
  g_return_if_fail (HZ_IS_OPINION (self));
  g_clear_pointer (&self->time, g_date_time_unref);
  if (time)
    self->time = g_date_time_to_utc (time);
}

guint
hz_opinion_get_n_diagnoses (HzOpinion *self)
{
  g_return_val_if_fail (HZ_IS_OPINION (self), 0);
  return self->diagnoses->len;
}

const HzDiagnosis *
hz_opinion_get_diagnosis (HzOpinion *self,
                          guint      index)
{
  g_return_val_if_fail (HZ_IS_OPINION (self), NULL);
  g_return_val_if_fail (index < self->diagnoses->len, NULL);
  return &g_array_index (self->diagnoses, HzDiagnosis, index);
}

void
hz_opinion_add_diagnosis (HzOpinion  *self,
                          const char *code,
                          const char *label)
{
  HzDiagnosis d;

  g_return_if_fail (HZ_IS_OPINION (self));
  g_return_if_fail (code != NULL);
  d.code = g_strdup (code);
  d.label = g_strdup (label ? label : "");
  g_array_append_val (self->diagnoses, d);
}

void
hz_opinion_clear_diagnoses (HzOpinion *self)
{
  g_return_if_fail (HZ_IS_OPINION (self));
  g_array_set_size (self->diagnoses, 0);
}

HzReferralDecision
hz_opinion_get_referral (HzOpinion *self)
{
  g_return_val_if_fail (HZ_IS_OPINION (self), HZ_REFERRAL_NONE);
  return self->referral;
}

HzReferralUrgency
hz_opinion_get_referral_urgency (HzOpinion *self)
{
  g_return_val_if_fail (HZ_IS_OPINION (self), HZ_REFERRAL_URGENCY_ROUTINE);
  return self->urgency;
}

const char *
hz_opinion_get_referral_to (HzOpinion *self)
{
  g_return_val_if_fail (HZ_IS_OPINION (self), NULL);
  return self->referral_to;
}

void
hz_opinion_set_referral (HzOpinion          *self,
                         HzReferralDecision  decision,
                         HzReferralUrgency   urgency,
                         const char         *institution)
{
  g_return_if_fail (HZ_IS_OPINION (self));
  g_return_if_fail (decision <= HZ_REFERRAL_REFER);
  g_return_if_fail (urgency <= HZ_REFERRAL_URGENCY_EMERGENCY);
  self->referral = decision;
  self->urgency = urgency;
  g_free (self->referral_to);
  self->referral_to = (institution && *institution) ? g_strdup (institution) : NULL;
}
