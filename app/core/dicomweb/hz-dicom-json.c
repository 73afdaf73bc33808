/* hz-dicom-json.c: reads QIDO-RS answers in the DICOM JSON model (PS3.18 F.2).
 *
 * Only the attributes a consult needs are kept. The server is outside our
 * control, so every member may be missing or of the wrong JSON type: such
 * values read as absent rather than failing the whole answer. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "hz-dicom-json.h"
#include "hz-dicomweb-error.h"

/* JSON answers from a PACS for one patient are small; refuse huge ones
 * before json-glib builds a tree of them. */
#define MAX_JSON_BYTES (64 * 1024 * 1024)

static void
person_name_clear (HzPersonName *name)
{
  g_clear_pointer (&name->alphabetic, g_free);
  g_clear_pointer (&name->ideographic, g_free);
  g_clear_pointer (&name->phonetic, g_free);
}

void
hz_dicomweb_study_free (HzDicomwebStudy *study)
{
  if (study == NULL)
    return;
  g_free (study->study_instance_uid);
  g_free (study->patient_id);
  person_name_clear (&study->patient_name);
  g_free (study->patient_birth_date);
  g_free (study->patient_sex);
  g_free (study->study_date);
  g_free (study->study_time);
  g_free (study->study_description);
  g_free (study->accession_number);
  g_strfreev (study->modalities);
  g_free (study);
}

void
hz_dicomweb_series_free (HzDicomwebSeries *series)
{
  if (series == NULL)
    return;
  g_free (series->study_instance_uid);
  g_free (series->series_instance_uid);
  g_free (series->modality);
  g_free (series->series_description);
  g_free (series);
}

void
hz_dicomweb_instance_free (HzDicomwebInstance *instance)
{
  if (instance == NULL)
    return;
  g_free (instance->study_instance_uid);
  g_free (instance->series_instance_uid);
  g_free (instance->sop_instance_uid);
  g_free (instance->sop_class_uid);
  g_free (instance);
}

/* UIDs go into URLs and file names: only digits and dots, PS3.5 9.1. */
gboolean
hz_dicom_uid_is_valid (const char *uid)
{
  gsize len;

  if (uid == NULL)
    return FALSE;
  len = strlen (uid);
  if (len == 0 || len > 64 || uid[0] == '.' || uid[len - 1] == '.')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (uid[i]) && !(uid[i] == '.' && uid[i + 1] != '.'))
      return FALSE;
  return TRUE;
}

static JsonArray *
values (JsonObject *dataset,
        const char *tag)
{
  JsonNode *node = json_object_get_member (dataset, tag);
  JsonObject *attr;
  JsonNode *value;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  attr = json_node_get_object (node);
  value = json_object_get_member (attr, "Value");
  if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value))
    return NULL;
  return json_node_get_array (value);
}

static char *
value_to_string (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_DOUBLE:
      {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];
        return g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
      }
    default:
      return NULL;
    }
}

static char *
get_string (JsonObject *dataset,
            const char *tag)
{
  JsonArray *array = values (dataset, tag);
  char *s;

  if (array == NULL || json_array_get_length (array) == 0)
    return NULL;
  s = value_to_string (json_array_get_element (array, 0));
  if (s != NULL && *s == '\0')
    g_clear_pointer (&s, g_free);
  return s;
}

static char **
get_strv (JsonObject *dataset,
          const char *tag)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array = values (dataset, tag);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autofree char *s = value_to_string (json_array_get_element (array, i));

      if (s != NULL && *s != '\0')
        g_strv_builder_add (builder, s);
    }
  return g_strv_builder_end (builder);
}

/* IS values arrive as JSON numbers from some servers and strings from others. */
static int
get_int (JsonObject *dataset,
         const char *tag)
{
  g_autofree char *s = get_string (dataset, tag);
  gint64 value;

  if (s == NULL || !g_ascii_string_to_signed (g_strstrip (s), 10, 0, G_MAXINT, &value, NULL))
    return -1;
  return (int) value;
}

/* A group of only carets and spaces (Orthanc writes "^" for an empty one)
 * carries no name. */
static char *
name_group (const char *text)
{
  if (text == NULL || text[strspn (text, "^ ")] == '\0')
    return NULL;
  return g_strdup (text);
}

static void
get_person_name (JsonObject   *dataset,
                 const char   *tag,
                 HzPersonName *name)
{
  JsonArray *array = values (dataset, tag);
  JsonNode *node;
  JsonObject *pn;

  if (array == NULL || json_array_get_length (array) == 0)
    return;
  node = json_array_get_element (array, 0);
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      /* Not the JSON model, but seen in the wild: the Part-10 form
       * "alphabetic=ideographic=phonetic" as one string. */
      g_auto(GStrv) groups = g_strsplit (json_node_get_string (node), "=", 3);
      for (guint i = 0; groups[i] != NULL; i++)
        {
          char **slot = i == 0 ? &name->alphabetic : i == 1 ? &name->ideographic : &name->phonetic;
          *slot = name_group (groups[i]);
        }
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return;
  pn = json_node_get_object (node);
  name->alphabetic = name_group (json_object_get_string_member_with_default (pn, "Alphabetic", NULL));
  name->ideographic = name_group (json_object_get_string_member_with_default (pn, "Ideographic", NULL));
  name->phonetic = name_group (json_object_get_string_member_with_default (pn, "Phonetic", NULL));
}

typedef gpointer (*RecordFunc) (JsonObject *dataset);

static gpointer
study_from_dataset (JsonObject *d)
{
  HzDicomwebStudy *study;
  g_autofree char *uid = get_string (d, "0020000D");

  if (!hz_dicom_uid_is_valid (uid))
    return NULL;
  study = g_new0 (HzDicomwebStudy, 1);
  study->study_instance_uid = g_steal_pointer (&uid);
  study->patient_id = get_string (d, "00100020");
  get_person_name (d, "00100010", &study->patient_name);
  study->patient_birth_date = get_string (d, "00100030");
  study->patient_sex = get_string (d, "00100040");
  study->study_date = get_string (d, "00080020");
  study->study_time = get_string (d, "00080030");
  study->study_description = get_string (d, "00081030");
  study->accession_number = get_string (d, "00080050");
  study->modalities = get_strv (d, "00080061");
  study->n_series = get_int (d, "00201206");
  study->n_instances = get_int (d, "00201208");
  return study;
}

static gpointer
series_from_dataset (JsonObject *d)
{
  HzDicomwebSeries *series;
  g_autofree char *uid = get_string (d, "0020000E");

  if (!hz_dicom_uid_is_valid (uid))
    return NULL;
  series = g_new0 (HzDicomwebSeries, 1);
  series->series_instance_uid = g_steal_pointer (&uid);
  series->study_instance_uid = get_string (d, "0020000D");
  series->modality = get_string (d, "00080060");
  series->series_description = get_string (d, "0008103E");
  series->series_number = get_int (d, "00200011");
  series->n_instances = get_int (d, "00201209");
  return series;
}

static gpointer
instance_from_dataset (JsonObject *d)
{
  HzDicomwebInstance *instance;
  g_autofree char *uid = get_string (d, "00080018");

  if (!hz_dicom_uid_is_valid (uid))
    return NULL;
  instance = g_new0 (HzDicomwebInstance, 1);
  instance->sop_instance_uid = g_steal_pointer (&uid);
  instance->study_instance_uid = get_string (d, "0020000D");
  instance->series_instance_uid = get_string (d, "0020000E");
  instance->sop_class_uid = get_string (d, "00080016");
  instance->instance_number = get_int (d, "00200013");
  instance->rows = get_int (d, "00280010");
  instance->columns = get_int (d, "00280011");
  instance->n_frames = get_int (d, "00280008");
  return instance;
}

static GPtrArray *
parse (const char      *data,
       gsize            len,
       RecordFunc       record_func,
       GDestroyNotify   free_func,
       GError         **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (free_func);
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonArray *array;

  /* An empty body (204 No Content) is an empty answer. */
  if (len == 0)
    return g_steal_pointer (&records);
  if (len > MAX_JSON_BYTES)
    {
      g_set_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_TOO_LARGE,
                   _("The image server’s search answer is too large"));
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, len, &local_error))
    {
      g_set_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_BAD_RESPONSE,
                   _("The image server’s search answer is not valid JSON: %s"),
                   local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error (error, HZ_DICOMWEB_ERROR, HZ_DICOMWEB_ERROR_BAD_RESPONSE,
                   _("The image server’s search answer is not a list of results"));
      return NULL;
    }
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      gpointer record;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      record = record_func (json_node_get_object (element));
      if (record != NULL)
        g_ptr_array_add (records, record);
    }
  return g_steal_pointer (&records);
}

GPtrArray *
hz_dicom_json_parse_studies (const char  *data,
                             gsize        len,
                             GError     **error)
{
  return parse (data, len, study_from_dataset, (GDestroyNotify) hz_dicomweb_study_free, error);
}

GPtrArray *
hz_dicom_json_parse_series (const char  *data,
                            gsize        len,
                            GError     **error)
{
  return parse (data, len, series_from_dataset, (GDestroyNotify) hz_dicomweb_series_free, error);
}

GPtrArray *
hz_dicom_json_parse_instances (const char  *data,
                               gsize        len,
                               GError     **error)
{
  return parse (data, len, instance_from_dataset, (GDestroyNotify) hz_dicomweb_instance_free, error);
}
