/* hz-record-entry.c: one line of a patient's record, with what every
 * list row needs as properties and the details of its kind beside. */
#include "config.h"

#include "hz-record-entry-private.h"

struct _HzRecordEntry {
  GObject          parent_instance;
  HzRecordKind     kind;
  char            *resource_type;
  char            *id;
  char            *title;
  char            *summary;
  GDateTime       *date;
  HzFhirPrecision  date_precision;
  gboolean         is_high_risk;
  gboolean         is_abnormal;
  JsonNode        *raw;
  gpointer         detail;
  GDestroyNotify   detail_free;
};

G_DEFINE_FINAL_TYPE (HzRecordEntry, hz_record_entry, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KIND,
  PROP_RESOURCE_TYPE,
  PROP_ID,
  PROP_TITLE,
  PROP_SUMMARY,
  PROP_DATE,
  PROP_DATE_PRECISION,
  PROP_IS_HIGH_RISK,
  PROP_IS_ABNORMAL,
  PROP_RAW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hz_record_entry_finalize (GObject *object)
{
  HzRecordEntry *self = HZ_RECORD_ENTRY (object);

  g_free (self->resource_type);
  g_free (self->id);
  g_free (self->title);
  g_free (self->summary);
  g_clear_pointer (&self->date, g_date_time_unref);
  g_clear_pointer (&self->raw, json_node_unref);
  if (self->detail_free)
    g_clear_pointer (&self->detail, self->detail_free);

  G_OBJECT_CLASS (hz_record_entry_parent_class)->finalize (object);
}

static void
hz_record_entry_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HzRecordEntry *self = HZ_RECORD_ENTRY (object);

  switch (prop_id)
    {
    case PROP_KIND:           g_value_set_enum (value, self->kind); break;
    case PROP_RESOURCE_TYPE:  g_value_set_string (value, self->resource_type); break;
    case PROP_ID:             g_value_set_string (value, self->id); break;
    case PROP_TITLE:          g_value_set_string (value, self->title); break;
    case PROP_SUMMARY:        g_value_set_string (value, self->summary); break;
    case PROP_DATE:           g_value_set_boxed (value, self->date); break;
    case PROP_DATE_PRECISION: g_value_set_enum (value, self->date_precision); break;
    case PROP_IS_HIGH_RISK:   g_value_set_boolean (value, self->is_high_risk); break;
    case PROP_IS_ABNORMAL:    g_value_set_boolean (value, self->is_abnormal); break;
    case PROP_RAW:            g_value_set_boxed (value, self->raw); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hz_record_entry_class_init (HzRecordEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hz_record_entry_finalize;
  object_class->get_property = hz_record_entry_get_property;

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, HZ_TYPE_RECORD_KIND, HZ_RECORD_KIND_OTHER, flags);
  properties[PROP_RESOURCE_TYPE] = g_param_spec_string ("resource-type", NULL, NULL, NULL, flags);
  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_SUMMARY] = g_param_spec_string ("summary", NULL, NULL, NULL, flags);
  properties[PROP_DATE] = g_param_spec_boxed ("date", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_DATE_PRECISION] =
    g_param_spec_enum ("date-precision", NULL, NULL, HZ_TYPE_FHIR_PRECISION, HZ_FHIR_PRECISION_NONE, flags);
  properties[PROP_IS_HIGH_RISK] = g_param_spec_boolean ("is-high-risk", NULL, NULL, FALSE, flags);
  properties[PROP_IS_ABNORMAL] = g_param_spec_boolean ("is-abnormal", NULL, NULL, FALSE, flags);
  properties[PROP_RAW] = g_param_spec_boxed ("raw", NULL, NULL, JSON_TYPE_NODE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hz_record_entry_init (HzRecordEntry *self)
{
}

HzRecordEntry *
_hz_record_entry_new (HzRecordKind  kind,
                      const char   *resource_type,
                      const char   *id,
                      JsonNode     *raw)
{
  HzRecordEntry *self = g_object_new (HZ_TYPE_RECORD_ENTRY, NULL);

  self->kind = kind;
  self->resource_type = g_strdup (resource_type);
  self->id = g_strdup (id);
  self->raw = raw ? json_node_ref (raw) : NULL;
  return self;
}

/* Entries are filled in once, before anyone sees them: no notify. */
void
_hz_record_entry_set_text (HzRecordEntry *self,
                           const char    *title,
                           const char    *summary)
{
  g_free (self->title);
  self->title = g_strdup (title);
  g_free (self->summary);
  self->summary = g_strdup (summary);
}

void
_hz_record_entry_set_date (HzRecordEntry   *self,
                           GDateTime       *date,
                           HzFhirPrecision  precision)
{
  g_clear_pointer (&self->date, g_date_time_unref);
  self->date = date ? g_date_time_ref (date) : NULL;
  self->date_precision = date ? precision : HZ_FHIR_PRECISION_NONE;
}

void
_hz_record_entry_set_flags (HzRecordEntry *self,
                            gboolean       is_high_risk,
                            gboolean       is_abnormal)
{
  self->is_high_risk = is_high_risk;
  self->is_abnormal = is_abnormal;
}

void
_hz_record_entry_set_detail (HzRecordEntry  *self,
                             gpointer        detail,
                             GDestroyNotify  free_func)
{
  g_assert (self->detail == NULL);
  self->detail = detail;
  self->detail_free = free_func;
}

gpointer
_hz_record_entry_get_detail (HzRecordEntry *self)
{
  return self->detail;
}

HzRecordKind
hz_record_entry_get_kind (HzRecordEntry *self)
{
  g_return_val_if_fail (HZ_IS_RECORD_ENTRY (self), HZ_RECORD_KIND_OTHER);
  return self->kind;
}

const char *
hz_record_entry_get_resource_type (HzRecordEntry *self)
{
  g_return_val_if_fail (HZ_IS_RECORD_ENTRY (self), NULL);
  return self->resource_type;
}

const char *
hz_record_entry_get_id (HzRecordEntry *self)
{
  g_return_val_if_fail (HZ_IS_RECORD_ENTRY (self), NULL);
  return self->id;
}

const char *
hz_record_entry_get_title (HzRecordEntry *self)
{
  g_return_val_if_fail (HZ_IS_RECORD_ENTRY (self), NULL);
  return self->title;
}

const char *
hz_record_entry_get_summary (HzRecordEntry *self)
{
  g_return_val_if_fail (HZ_IS_RECORD_ENTRY (self), NULL);
  return self->summary;
}

GDateTime *
hz_record_entry_get_date (HzRecordEntry *self)
{
  g_return_val_if_fail (HZ_IS_RECORD_ENTRY (self), NULL);
  return self->date;
}

HzFhirPrecision
hz_record_entry_get_date_precision (HzRecordEntry *self)
{
  g_return_val_if_fail (HZ_IS_RECORD_ENTRY (self), HZ_FHIR_PRECISION_NONE);
  return self->date_precision;
}

gboolean
hz_record_entry_get_is_high_risk (HzRecordEntry *self)
{
  g_return_val_if_fail (HZ_IS_RECORD_ENTRY (self), FALSE);
  return self->is_high_risk;
}

gboolean
hz_record_entry_get_is_abnormal (HzRecordEntry *self)
{
  g_return_val_if_fail (HZ_IS_RECORD_ENTRY (self), FALSE);
  return self->is_abnormal;
}

/* The resource as it came, for whatever the model does not read. */
JsonNode *
hz_record_entry_get_raw (HzRecordEntry *self)
{
  g_return_val_if_fail (HZ_IS_RECORD_ENTRY (self), NULL);
  return self->raw;
}

#define DETAIL_GETTER(Type, name, KIND)                                  \
  const Type *                                                           \
  hz_record_entry_get_##name (HzRecordEntry *self)                       \
  {                                                                      \
    g_return_val_if_fail (HZ_IS_RECORD_ENTRY (self), NULL);              \
    return self->kind == HZ_RECORD_KIND_##KIND ? self->detail : NULL;    \
  }

DETAIL_GETTER (HzFhirEncounter, encounter, ENCOUNTER)
DETAIL_GETTER (HzFhirProblem, problem, PROBLEM)
DETAIL_GETTER (HzFhirMedication, medication, MEDICATION)
DETAIL_GETTER (HzFhirAllergy, allergy, ALLERGY)
DETAIL_GETTER (HzFhirObservation, observation, OBSERVATION)
DETAIL_GETTER (HzFhirReport, report, REPORT)
DETAIL_GETTER (HzFhirDocument, document, DOCUMENT)
DETAIL_GETTER (HzFhirImagingStudy, imaging_study, IMAGING)
