/* hz-fhir-bundle.c: reading a FHIR R4 Bundle (collection, document or
 * Patient/$everything searchset) into an HzPatientRecord: limits first,
 * then every entry by its type, then the references between them. */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "hz-canonical-json.h"
#include "hz-fhir-readers-private.h"
#include "hz-patient-record-private.h"

typedef struct {
  const char     *resource_type;
  HzRecordKind    kind;
  HzFhirReadFunc  read;
  const char     *patient_member;   /* the reference to the patient */
} ResourceKind;

static const ResourceKind resource_kinds[] = {
  { "Encounter",           HZ_RECORD_KIND_ENCOUNTER,   _hz_fhir_read_encounter,     "subject" },
  { "Condition",           HZ_RECORD_KIND_PROBLEM,     _hz_fhir_read_condition,     "subject" },
  { "MedicationStatement", HZ_RECORD_KIND_MEDICATION,  _hz_fhir_read_medication,    "subject" },
  { "MedicationRequest",   HZ_RECORD_KIND_MEDICATION,  _hz_fhir_read_medication,    "subject" },
  { "AllergyIntolerance",  HZ_RECORD_KIND_ALLERGY,     _hz_fhir_read_allergy,       "patient" },
  { "Observation",         HZ_RECORD_KIND_OBSERVATION, _hz_fhir_read_observation,   "subject" },
  { "DiagnosticReport",    HZ_RECORD_KIND_REPORT,      _hz_fhir_read_report,        "subject" },
  { "DocumentReference",   HZ_RECORD_KIND_DOCUMENT,    _hz_fhir_read_document,      "subject" },
  { "Media",               HZ_RECORD_KIND_DOCUMENT,    _hz_fhir_read_media,         "subject" },
  { "ImagingStudy",        HZ_RECORD_KIND_IMAGING,     _hz_fhir_read_imaging_study, "subject" },
};

typedef struct {
  HzPatientRecord *record;
  HzFhirReader     reader;
  GHashTable      *resources;   /* "Type/id" and fullUrl -> JsonObject */
  JsonObject      *patient;
} Load;

/* json-glib recurses without a limit; the shared pre-scan refuses absurd
 * nesting before it parses. Integers beyond 64 bits are not refused here:
 * a bundle with one odd number still loads, the rest intact. */
static gboolean
check_depth (const char *text,
             gsize       length,
             GError    **error)
{
  g_autoptr(GError) local_error = NULL;

  if (hz_canonical_json_prescan (text, length, FALSE, &local_error))
    return TRUE;
  g_set_error (error, HZ_FHIR_ERROR, HZ_FHIR_ERROR_TOO_DEEP,
               _("The case record is nested deeper than %d levels"),
               HZ_CANONICAL_JSON_MAX_DEPTH);
  return FALSE;
}

static JsonNode *
parse_bundle (GBytes  *json,
              GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;
  const char *text = g_bytes_get_data (json, &length);
  JsonNode *root;
  JsonObject *object;
  JsonNode *type;

  if (length > HZ_FHIR_MAX_BYTES)
    {
      g_set_error (error, HZ_FHIR_ERROR, HZ_FHIR_ERROR_TOO_LARGE,
                   _("The case record is larger than %d MB"), HZ_FHIR_MAX_BYTES / (1024 * 1024));
      return NULL;
    }
  if (text == NULL || length == 0 || !g_utf8_validate_len (text, length, NULL))
    {
      g_set_error_literal (error, HZ_FHIR_ERROR, HZ_FHIR_ERROR_NOT_JSON,
                           _("The case record is not JSON text"));
      return NULL;
    }
  if (!check_depth (text, length, error))
    return NULL;
  if (!json_parser_load_from_data (parser, text, length, &local_error)
      || json_parser_get_root (parser) == NULL)
    {
      /* json-glib's message says where, which helps whoever exported it */
      g_set_error (error, HZ_FHIR_ERROR, HZ_FHIR_ERROR_NOT_JSON,
                   _("The case record is not valid JSON: %s"),
                   local_error ? local_error->message : _("it is empty"));
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, HZ_FHIR_ERROR, HZ_FHIR_ERROR_NOT_OBJECT,
                           _("The case record is not a FHIR resource (a JSON object)"));
      return NULL;
    }
  object = json_node_get_object (root);
  type = json_object_get_member (object, "resourceType");
  if (type == NULL || !JSON_NODE_HOLDS_VALUE (type) || json_node_get_value_type (type) != G_TYPE_STRING
      || strcmp (json_node_get_string (type), "Bundle") != 0)
    {
      g_set_error_literal (error, HZ_FHIR_ERROR, HZ_FHIR_ERROR_NOT_BUNDLE,
                           _("The case record is not a FHIR Bundle"));
      return NULL;
    }
  return json_node_ref (root);
}

static const char *
resource_type_of (JsonObject *resource)
{
  return hz_fhir_string_member (resource, "resourceType");
}

/* The resource of an entry, or NULL with a warning. */
static JsonNode *
entry_resource (Load       *load,
                JsonObject *entry)
{
  JsonNode *node = entry ? json_object_get_member (entry, "resource") : NULL;

  if (entry == NULL)
    return NULL;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      hz_fhir_reader_warn (&load->reader, _("a bundle entry holds no resource"));
      return NULL;
    }
  if (resource_type_of (json_node_get_object (node)) == NULL)
    {
      hz_fhir_reader_warn (&load->reader, _("a bundle entry’s resource has no resourceType"));
      return NULL;
    }
  return node;
}

static void
index_resource (Load       *load,
                JsonObject *entry,
                JsonObject *resource)
{
  const char *type = resource_type_of (resource);
  const char *id = hz_fhir_string_member (resource, "id");
  const char *full_url;

  load->reader.resource_type = type;
  load->reader.resource_id = id;
  if (id == NULL && json_object_has_member (resource, "id"))
    hz_fhir_reader_get_string (&load->reader, resource, "id");  /* says what is wrong */
  full_url = hz_fhir_reader_get_string (&load->reader, entry, "fullUrl");

  if (id != NULL)
    {
      char *key = g_strdup_printf ("%s/%s", type, id);
      if (g_hash_table_contains (load->resources, key))
        hz_fhir_reader_warn (&load->reader, _("the bundle holds this resource more than once; the first is used"));
      else
        g_hash_table_insert (load->resources, g_steal_pointer (&key), resource);
      g_free (key);
    }
  if (full_url != NULL && !g_hash_table_contains (load->resources, full_url))
    g_hash_table_insert (load->resources, g_strdup (full_url), resource);

  if (strcmp (type, "Patient") == 0)
    {
      if (load->patient == NULL)
        load->patient = resource;
      else if (load->patient != resource)
        hz_fhir_reader_warn (&load->reader, _("the bundle holds more than one patient; only the first is shown"));
    }
}

/* A reference as FHIR allows it: a fullUrl in the bundle, Type/id, or
 * an absolute URL ending in Type/id (optionally with a _history part).
 * Sets *contained for "#id", which points inside its own resource. */
static JsonObject *
resolve (Load       *load,
         const char *reference,
         gboolean   *contained)
{
  JsonObject *found;
  g_auto(GStrv) parts = NULL;
  guint n;

  *contained = reference[0] == '#';
  if (*contained)
    return NULL;
  found = g_hash_table_lookup (load->resources, reference);
  if (found)
    return found;
  parts = g_strsplit (reference, "/", -1);
  n = g_strv_length (parts);
  if (n >= 4 && strcmp (parts[n - 2], "_history") == 0)
    n -= 2;
  if (n >= 2)
    {
      g_autofree char *key = g_strdup_printf ("%s/%s", parts[n - 2], parts[n - 1]);
      return g_hash_table_lookup (load->resources, key);
    }
  return NULL;
}

static void
check_patient_reference (Load       *load,
                         JsonObject *resource,
                         const char *member)
{
  const char *reference = hz_fhir_reader_reference (&load->reader, resource, member, NULL);
  gboolean contained;
  JsonObject *target;

  if (reference == NULL)
    return;
  target = resolve (load, reference, &contained);
  if (contained)
    return;
  if (target == NULL)
    /* TRANSLATORS: first %s a FHIR field ("subject"), second a reference
     * such as "Patient/QS-000731" */
    hz_fhir_reader_warn (&load->reader, _("“%s” refers to %s, which is not in the bundle"), member, reference);
  else if (g_strcmp0 (resource_type_of (target), "Patient") != 0)
    hz_fhir_reader_warn (&load->reader, _("“%s” refers to %s, which is not a patient"), member, reference);
  else if (target != load->patient)
    hz_fhir_reader_warn (&load->reader, _("“%s” refers to %s, another patient than this record’s"),
                         member, reference);
}

/* DiagnosticReport.result: which Observations the report rests on. */
static void
resolve_results (Load          *load,
                 JsonObject    *resource,
                 HzRecordEntry *entry)
{
  HzFhirReport *report = _hz_record_entry_get_detail (entry);
  JsonArray *results = hz_fhir_reader_get_array (&load->reader, resource, "result");
  guint n = results ? json_array_get_length (results) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonObject *ref = hz_fhir_reader_array_object (&load->reader, results, i, "result");
      const char *reference = hz_fhir_reader_get_string (&load->reader, ref, "reference");
      JsonObject *target;
      gboolean contained;

      if (reference == NULL)
        continue;
      target = resolve (load, reference, &contained);
      if (target && g_strcmp0 (resource_type_of (target), "Observation") == 0)
        g_ptr_array_add (report->result_ids, g_strdup (hz_fhir_string_member (target, "id")));
      else if (!contained)
        hz_fhir_reader_warn (&load->reader, _("the result %s is not an observation in the bundle"), reference);
    }
}

static void
read_resource (Load     *load,
               JsonNode *node)
{
  JsonObject *resource = json_node_get_object (node);
  const char *type = resource_type_of (resource);
  const char *id = hz_fhir_string_member (resource, "id");
  const ResourceKind *rk = NULL;
  g_autoptr(HzRecordEntry) entry = NULL;

  if (resource == load->patient)
    {
      _hz_fhir_read_patient (load->record, &load->reader, node);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (resource_kinds); i++)
    if (strcmp (type, resource_kinds[i].resource_type) == 0)
      rk = &resource_kinds[i];

  if (rk == NULL)
    {
      /* Kept for whoever wants it (a Composition's sections, say), but
       * not understood: no warning, a bundle may hold anything. */
      entry = _hz_record_entry_new (HZ_RECORD_KIND_OTHER, type, id, node);
      _hz_record_entry_set_text (entry, type, NULL);
    }
  else
    {
      entry = _hz_record_entry_new (rk->kind, type, id, node);
      rk->read (&load->reader, resource, entry);
      check_patient_reference (load, resource, rk->patient_member);
      if (rk->kind == HZ_RECORD_KIND_REPORT)
        resolve_results (load, resource, entry);
    }

  g_list_store_append (load->record->lists[hz_record_entry_get_kind (entry)], entry);
  if (id != NULL)
    {
      char *key = g_strdup_printf ("%s/%s", type, id);
      if (!g_hash_table_contains (load->record->by_key, key))
        g_hash_table_insert (load->record->by_key, key, entry);
      else
        g_free (key);
    }
}

static void
check_bundle_type (Load       *load,
                   JsonObject *bundle)
{
  const char *type = hz_fhir_reader_get_string (&load->reader, bundle, "type");

  load->record->bundle_type = g_strdup (type);
  if (type == NULL)
    hz_fhir_reader_warn (&load->reader, _("the bundle does not say what type it is"));
  else if (strcmp (type, "collection") != 0 && strcmp (type, "document") != 0
           && strcmp (type, "searchset") != 0)
    /* TRANSLATORS: %s is a FHIR Bundle.type such as "transaction" */
    hz_fhir_reader_warn (&load->reader, _("a bundle of type “%s” is read as a collection"), type);
}

gboolean
_hz_fhir_bundle_load (HzPatientRecord *self,
                      GBytes          *json,
                      GError         **error)
{
  g_autoptr(GHashTable) resources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Load load = { self, { self->warnings, NULL, NULL }, resources, NULL };
  JsonObject *bundle;
  JsonArray *entries;
  guint n;

  self->root = parse_bundle (json, error);
  if (self->root == NULL)
    return FALSE;
  bundle = json_node_get_object (self->root);
  load.reader.resource_type = "Bundle";
  load.reader.resource_id = hz_fhir_string_member (bundle, "id");

  check_bundle_type (&load, bundle);
  entries = hz_fhir_reader_get_array (&load.reader, bundle, "entry");
  n = entries ? json_array_get_length (entries) : 0;

  /* First every resource by name, so references can point forwards. */
  for (guint i = 0; i < n; i++)
    {
      JsonObject *entry;
      JsonNode *node;

      load.reader.resource_type = "Bundle";
      load.reader.resource_id = hz_fhir_string_member (bundle, "id");
      entry = hz_fhir_reader_array_object (&load.reader, entries, i, "entry");
      node = entry_resource (&load, entry);
      if (node)
        index_resource (&load, entry, json_node_get_object (node));
    }
  load.reader.resource_type = "Bundle";
  load.reader.resource_id = hz_fhir_string_member (bundle, "id");
  if (load.patient == NULL)
    hz_fhir_reader_warn (&load.reader, _("the bundle holds no patient"));

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (entries, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      JsonNode *node = entry ? json_object_get_member (entry, "resource") : NULL;
      JsonObject *resource;

      /* the first pass has warned about these already */
      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        continue;
      resource = json_node_get_object (node);
      if (resource_type_of (resource) == NULL)
        continue;
      load.reader.resource_type = resource_type_of (resource);
      load.reader.resource_id = hz_fhir_string_member (resource, "id");
      read_resource (&load, node);
    }
  return TRUE;
}
