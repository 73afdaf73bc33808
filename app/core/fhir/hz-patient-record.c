/* hz-patient-record.c: a patient's history as the record view draws it:
 * who the patient is, and lists of what happened to them. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "hz-patient-record-private.h"

G_DEFINE_FINAL_TYPE (HzPatientRecord, hz_patient_record, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATIENT_ID,
  PROP_OFFICIAL_NAME,
  PROP_LATIN_NAME,
  PROP_BIRTH_DATE,
  PROP_NATIONAL_ID,
  PROP_HEALTH_CARD,
  PROP_HAS_HIGH_RISK_ALLERGY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Identifier systems and types of Chinese health records. */
#define NATIONAL_ID_SYSTEM "urn:oid:2.16.156.10011.1.1"
#define HEALTH_CARD_SYSTEM "urn:huizhen:health-card"
#define NAME_REPRESENTATION "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation"

static void
hz_patient_record_finalize (GObject *object)
{
  HzPatientRecord *self = HZ_PATIENT_RECORD (object);

  g_clear_pointer (&self->root, json_node_unref);
  g_clear_pointer (&self->patient_raw, json_node_unref);
  g_free (self->bundle_type);
  g_free (self->patient_id);
  g_free (self->official_name);
  g_free (self->latin_name);
  g_free (self->birth_date);
  g_clear_pointer (&self->birth, g_date_time_unref);
  g_clear_pointer (&self->identifiers, g_ptr_array_unref);
  for (guint i = 0; i < HZ_RECORD_N_KINDS; i++)
    g_clear_object (&self->lists[i]);
  g_clear_pointer (&self->by_key, g_hash_table_unref);
  g_clear_object (&self->timeline);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);

  G_OBJECT_CLASS (hz_patient_record_parent_class)->finalize (object);
}

static void
hz_patient_record_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  HzPatientRecord *self = HZ_PATIENT_RECORD (object);

  switch (prop_id)
    {
    case PROP_PATIENT_ID:    g_value_set_string (value, self->patient_id); break;
    case PROP_OFFICIAL_NAME: g_value_set_string (value, self->official_name); break;
    case PROP_LATIN_NAME:    g_value_set_string (value, self->latin_name); break;
    case PROP_BIRTH_DATE:    g_value_set_string (value, self->birth_date); break;
    case PROP_NATIONAL_ID:   g_value_set_string (value, hz_patient_record_get_national_id (self)); break;
    case PROP_HEALTH_CARD:   g_value_set_string (value, hz_patient_record_get_health_card (self)); break;
    case PROP_HAS_HIGH_RISK_ALLERGY:
      g_value_set_boolean (value, hz_patient_record_has_high_risk_allergy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hz_patient_record_class_init (HzPatientRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hz_patient_record_finalize;
  object_class->get_property = hz_patient_record_get_property;

  properties[PROP_PATIENT_ID] = g_param_spec_string ("patient-id", NULL, NULL, NULL, flags);
  properties[PROP_OFFICIAL_NAME] = g_param_spec_string ("official-name", NULL, NULL, NULL, flags);
  properties[PROP_LATIN_NAME] = g_param_spec_string ("latin-name", NULL, NULL, NULL, flags);
  properties[PROP_BIRTH_DATE] = g_param_spec_string ("birth-date", NULL, NULL, NULL, flags);
  properties[PROP_NATIONAL_ID] = g_param_spec_string ("national-id", NULL, NULL, NULL, flags);
  properties[PROP_HEALTH_CARD] = g_param_spec_string ("health-card", NULL, NULL, NULL, flags);
  properties[PROP_HAS_HIGH_RISK_ALLERGY] =
    g_param_spec_boolean ("has-high-risk-allergy", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hz_patient_record_init (HzPatientRecord *self)
{
  self->identifiers = g_ptr_array_new_with_free_func ((GDestroyNotify) hz_fhir_identifier_free);
  self->warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) hz_fhir_warning_free);
  self->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < HZ_RECORD_N_KINDS; i++)
    self->lists[i] = g_list_store_new (HZ_TYPE_RECORD_ENTRY);
}

/**
 * hz_patient_record_new_from_bytes:
 * @json: a FHIR R4 Bundle (collection, document or searchset) as JSON
 *
 * Reads a case bundle. Only input that is not a Bundle at all fails;
 * whatever is wrong inside one is listed by
 * hz_patient_record_get_warnings() and leaves gaps.
 *
 * Returns: (transfer full): the record, or %NULL with @error set
 */
HzPatientRecord *
hz_patient_record_new_from_bytes (GBytes  *json,
                                  GError **error)
{
  g_autoptr(HzPatientRecord) self = NULL;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (HZ_TYPE_PATIENT_RECORD, NULL);
  if (!_hz_fhir_bundle_load (self, json, error))
    return NULL;
  return g_steal_pointer (&self);
}

static gboolean
has_cjk (const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_get_script (c) == G_UNICODE_SCRIPT_HAN)
        return TRUE;
    }
  return FALSE;
}

/* A HumanName as people write it: its text, else family and given
 * names, without a space between them in Chinese. */
static char *
name_text (HzFhirReader *reader,
           JsonObject   *name)
{
  const char *text = hz_fhir_reader_get_string (reader, name, "text");
  const char *family = hz_fhir_reader_get_string (reader, name, "family");
  JsonArray *given = hz_fhir_reader_get_array (reader, name, "given");
  g_autoptr(GString) out = g_string_new (NULL);
  guint n = given ? json_array_get_length (given) : 0;

  if (text && *text)
    return g_strdup (text);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (given, i);
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        {
          if (out->len > 0)
            g_string_append_c (out, ' ');
          g_string_append (out, json_node_get_string (node));
        }
    }
  if (family && *family)
    {
      if (has_cjk (family))
        g_string_prepend (out, family);
      else
        {
          if (out->len > 0)
            g_string_prepend_c (out, ' ');
          g_string_prepend (out, family);
        }
    }
  return out->len > 0 ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

/* The ISO 21090 representation extension says outright whether a name
 * is written in ideographs (IDE) or letters (ABC). */
static const char *
name_representation (HzFhirReader *reader,
                     JsonObject   *name)
{
  JsonArray *extensions = hz_fhir_reader_get_array (reader, name, "extension");
  guint n = extensions ? json_array_get_length (extensions) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonObject *ext = hz_fhir_reader_array_object (reader, extensions, i, "extension");
      if (g_strcmp0 (hz_fhir_reader_get_string (reader, ext, "url"), NAME_REPRESENTATION) == 0)
        return hz_fhir_reader_get_string (reader, ext, "valueCode");
    }
  return NULL;
}

/* The official name is the one in Chinese characters (use=official
 * preferred); the Latin name is one written in letters, which clinic
 * systems mark as "usual", or "official" when there is no Chinese one. */
static void
read_names (HzPatientRecord *self,
            HzFhirReader    *reader,
            JsonObject      *patient)
{
  JsonArray *names = hz_fhir_reader_get_array (reader, patient, "name");
  guint n = names ? json_array_get_length (names) : 0;
  gboolean official_is_official = FALSE;

  for (guint i = 0; i < n; i++)
    {
      JsonObject *name = hz_fhir_reader_array_object (reader, names, i, "name");
      const char *use = hz_fhir_reader_get_string (reader, name, "use");
      const char *repr = name ? name_representation (reader, name) : NULL;
      g_autofree char *text = name ? name_text (reader, name) : NULL;
      gboolean ideographic;

      if (text == NULL || g_strcmp0 (use, "old") == 0)
        continue;
      ideographic = repr ? g_strcmp0 (repr, "IDE") == 0 : has_cjk (text);
      if (ideographic)
        {
          if (self->official_name == NULL || (!official_is_official && g_strcmp0 (use, "official") == 0))
            {
              g_free (self->official_name);
              self->official_name = g_steal_pointer (&text);
              official_is_official = g_strcmp0 (use, "official") == 0;
            }
        }
      else if (self->latin_name == NULL)
        self->latin_name = g_steal_pointer (&text);
    }
  if (self->official_name == NULL && self->latin_name == NULL)
    hz_fhir_reader_warn (reader, _("the patient has no name"));
}

static void
read_identifiers (HzPatientRecord *self,
                  HzFhirReader    *reader,
                  JsonObject      *patient)
{
  JsonArray *ids = hz_fhir_reader_get_array (reader, patient, "identifier");
  guint n = ids ? json_array_get_length (ids) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonObject *id = hz_fhir_reader_array_object (reader, ids, i, "identifier");
      JsonObject *type = hz_fhir_reader_get_object (reader, id, "type");
      const char *value = hz_fhir_reader_get_string (reader, id, "value");
      const char *type_code = NULL;
      HzFhirIdentifier *ident;

      if (value == NULL)
        continue;
      ident = g_new0 (HzFhirIdentifier, 1);
      ident->system = g_strdup (hz_fhir_reader_get_string (reader, id, "system"));
      ident->value = g_strdup (value);
      if (hz_fhir_reader_concept_coding (reader, type, "http://terminology.hl7.org/CodeSystem/v2-0203",
                                         NULL, &type_code, NULL))
        ident->type_code = g_strdup (type_code);
      ident->type_text = hz_fhir_reader_concept_text (reader, type);
      g_ptr_array_add (self->identifiers, ident);
    }
}

void
_hz_fhir_read_patient (HzPatientRecord *self,
                       HzFhirReader    *reader,
                       JsonNode        *node)
{
  JsonObject *patient = json_node_get_object (node);
  const char *gender = hz_fhir_reader_get_string (reader, patient, "gender");

  self->patient_raw = json_node_ref (node);
  self->patient_id = g_strdup (hz_fhir_string_member (patient, "id"));
  read_names (self, reader, patient);
  read_identifiers (self, reader, patient);

  if (g_strcmp0 (gender, "male") == 0)
    self->sex = HZ_FHIR_SEX_MALE;
  else if (g_strcmp0 (gender, "female") == 0)
    self->sex = HZ_FHIR_SEX_FEMALE;
  else if (g_strcmp0 (gender, "other") == 0)
    self->sex = HZ_FHIR_SEX_OTHER;
  else
    self->sex = HZ_FHIR_SEX_UNKNOWN;

  self->birth = hz_fhir_reader_get_datetime (reader, patient, "birthDate", &self->birth_precision);
  if (self->birth)
    self->birth_date = g_strdup (hz_fhir_reader_get_string (reader, patient, "birthDate"));
}

const char *
hz_patient_record_get_bundle_type (HzPatientRecord *self)
{
  g_return_val_if_fail (HZ_IS_PATIENT_RECORD (self), NULL);
  return self->bundle_type;
}

const char *
hz_patient_record_get_patient_id (HzPatientRecord *self)
{
  g_return_val_if_fail (HZ_IS_PATIENT_RECORD (self), NULL);
  return self->patient_id;
}

/* In Chinese characters, e.g. 王建国; NULL when the bundle has none. */
const char *
hz_patient_record_get_official_name (HzPatientRecord *self)
{
  g_return_val_if_fail (HZ_IS_PATIENT_RECORD (self), NULL);
  return self->official_name;
}

/* In letters, e.g. WANG Jianguo; NULL when the bundle has none. */
const char *
hz_patient_record_get_latin_name (HzPatientRecord *self)
{
  g_return_val_if_fail (HZ_IS_PATIENT_RECORD (self), NULL);
  return self->latin_name;
}

HzFhirSex
hz_patient_record_get_sex (HzPatientRecord *self)
{
  g_return_val_if_fail (HZ_IS_PATIENT_RECORD (self), HZ_FHIR_SEX_UNKNOWN);
  return self->sex;
}

/* As written in the bundle (YYYY, YYYY-MM or YYYY-MM-DD), or NULL. */
const char *
hz_patient_record_get_birth_date (HzPatientRecord *self)
{
  g_return_val_if_fail (HZ_IS_PATIENT_RECORD (self), NULL);
  return self->birth_date;
}

/**
 * hz_patient_record_get_age_at:
 * @when: the day to count to, in the zone the user lives in
 *
 * Full years of age on @when's calendar day. A birth date given only to
 * the year or month is taken as its first day, which may make the age a
 * year too high: the UI should show such ages as approximate.
 *
 * Returns: the age, or -1 when the birth date is unknown or after @when
 */
int
hz_patient_record_get_age_at (HzPatientRecord *self,
                              GDateTime       *when)
{
  int by, bm, bd, y, m, d, age;

  g_return_val_if_fail (HZ_IS_PATIENT_RECORD (self), -1);
  g_return_val_if_fail (when != NULL, -1);

  if (self->birth == NULL)
    return -1;
  g_date_time_get_ymd (self->birth, &by, &bm, &bd);
  g_date_time_get_ymd (when, &y, &m, &d);
  age = y - by;
  if (m < bm || (m == bm && d < bd))
    age--;
  return age >= 0 ? age : -1;
}

/* Returns: (transfer none) (element-type HzFhirIdentifier) */
GPtrArray *
hz_patient_record_get_identifiers (HzPatientRecord *self)
{
  g_return_val_if_fail (HZ_IS_PATIENT_RECORD (self), NULL);
  return self->identifiers;
}

static const char *
find_identifier (HzPatientRecord *self,
                 const char      *system,
                 const char      *type_code)
{
  for (guint i = 0; i < self->identifiers->len; i++)
    {
      HzFhirIdentifier *ident = g_ptr_array_index (self->identifiers, i);
      if (g_strcmp0 (ident->system, system) == 0)
        return ident->value;
    }
  for (guint i = 0; i < self->identifiers->len; i++)
    {
      HzFhirIdentifier *ident = g_ptr_array_index (self->identifiers, i);
      if (g_strcmp0 (ident->type_code, type_code) == 0)
        return ident->value;
    }
  return NULL;
}

/* The 居民身份证 number: by its national OID, else by type NI. */
const char *
hz_patient_record_get_national_id (HzPatientRecord *self)
{
  g_return_val_if_fail (HZ_IS_PATIENT_RECORD (self), NULL);
  return find_identifier (self, NATIONAL_ID_SYSTEM, "NI");
}

/* The 电子健康卡 number: by the hub's system, else by type MC. */
const char *
hz_patient_record_get_health_card (HzPatientRecord *self)
{
  g_return_val_if_fail (HZ_IS_PATIENT_RECORD (self), NULL);
  return find_identifier (self, HEALTH_CARD_SYSTEM, "MC");
}

/* For a banner over the whole record: an allergy the UI must not let
 * anyone miss. */
gboolean
hz_patient_record_has_high_risk_allergy (HzPatientRecord *self)
{
  GListModel *allergies;
  guint n;

  g_return_val_if_fail (HZ_IS_PATIENT_RECORD (self), FALSE);
  allergies = G_LIST_MODEL (self->lists[HZ_RECORD_KIND_ALLERGY]);
  n = g_list_model_get_n_items (allergies);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HzRecordEntry) entry = g_list_model_get_item (allergies, i);
      if (hz_record_entry_get_is_high_risk (entry))
        return TRUE;
    }
  return FALSE;
}

/* The Patient resource as it came; NULL if the bundle had none. */
JsonNode *
hz_patient_record_get_patient_raw (HzPatientRecord *self)
{
  g_return_val_if_fail (HZ_IS_PATIENT_RECORD (self), NULL);
  return self->patient_raw;
}

/* Returns: (transfer none): a list of HzRecordEntry, in bundle order */
GListModel *
hz_patient_record_get_entries (HzPatientRecord *self,
                               HzRecordKind     kind)
{
  g_return_val_if_fail (HZ_IS_PATIENT_RECORD (self), NULL);
  g_return_val_if_fail (kind < HZ_RECORD_N_KINDS, NULL);
  return G_LIST_MODEL (self->lists[kind]);
}

/* Returns: (transfer none) (nullable) */
HzRecordEntry *
hz_patient_record_lookup (HzPatientRecord *self,
                          const char      *resource_type,
                          const char      *id)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (HZ_IS_PATIENT_RECORD (self), NULL);
  key = g_strdup_printf ("%s/%s", resource_type, id);
  return g_hash_table_lookup (self->by_key, key);
}

/* Returns: (transfer none) (element-type HzFhirWarning) */
GPtrArray *
hz_patient_record_get_warnings (HzPatientRecord *self)
{
  g_return_val_if_fail (HZ_IS_PATIENT_RECORD (self), NULL);
  return self->warnings;
}
