/* hz-fhir-media.c: diagnostic reports, documents and photos, and imaging
 * studies from their FHIR resources. */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "hz-fhir-readers-private.h"

void
hz_fhir_report_free (HzFhirReport *self)
{
  g_free (self->code_text);
  g_free (self->status);
  g_free (self->conclusion);
  g_clear_pointer (&self->result_ids, g_ptr_array_unref);
  g_free (self);
}

void
hz_fhir_document_free (HzFhirDocument *self)
{
  g_free (self->title);
  g_free (self->content_type);
  g_free (self->url);
  g_free (self->description);
  g_free (self);
}

static void
hz_fhir_series_free (HzFhirSeries *self)
{
  g_free (self->uid);
  g_free (self->modality);
  g_free (self);
}

void
hz_fhir_imaging_study_free (HzFhirImagingStudy *self)
{
  g_free (self->study_uid);
  g_free (self->description);
  g_free (self->modalities);
  g_clear_pointer (&self->series, g_ptr_array_unref);
  g_free (self);
}

/* The references in DiagnosticReport.result are resolved by the bundle
 * reader, which knows what else the bundle holds; here they only count. */
void
_hz_fhir_read_report (HzFhirReader  *reader,
                      JsonObject    *resource,
                      HzRecordEntry *entry)
{
  HzFhirReport *report = g_new0 (HzFhirReport, 1);
  HzFhirPrecision precision = HZ_FHIR_PRECISION_NONE;
  g_autoptr(GDateTime) date = NULL;

  _hz_record_entry_set_detail (entry, report, (GDestroyNotify) hz_fhir_report_free);
  report->code_text = hz_fhir_reader_concept_text (reader, hz_fhir_reader_get_object (reader, resource, "code"));
  report->status = g_strdup (hz_fhir_reader_get_string (reader, resource, "status"));
  report->conclusion = g_strdup (hz_fhir_reader_get_string (reader, resource, "conclusion"));
  report->result_ids = g_ptr_array_new_with_free_func (g_free);

  date = hz_fhir_reader_get_datetime (reader, resource, "effectiveDateTime", &precision);
  if (date == NULL)
    date = hz_fhir_reader_period_start (reader, resource, "effectivePeriod", &precision);
  if (date == NULL)
    date = hz_fhir_reader_get_datetime (reader, resource, "issued", &precision);

  _hz_record_entry_set_text (entry, report->code_text, report->conclusion);
  _hz_record_entry_set_date (entry, date, precision);
}

/* Size of inline base64 data without decoding it: a bundle may carry
 * large photos, and the list only needs to say how large. */
static gsize
base64_size (const char *data)
{
  gsize len = strlen (data), size;

  while (len > 0 && (data[len - 1] == '=' || g_ascii_isspace (data[len - 1])))
    len--;
  size = len / 4 * 3;
  if (len % 4 == 2)
    size += 1;
  else if (len % 4 == 3)
    size += 2;
  return size;
}

static void
read_attachment (HzFhirReader   *reader,
                 JsonObject     *attachment,
                 HzFhirDocument *doc)
{
  const char *data = hz_fhir_reader_get_string (reader, attachment, "data");

  doc->content_type = g_strdup (hz_fhir_reader_get_string (reader, attachment, "contentType"));
  doc->url = g_strdup (hz_fhir_reader_get_string (reader, attachment, "url"));
  if (doc->title == NULL)
    doc->title = g_strdup (hz_fhir_reader_get_string (reader, attachment, "title"));
  if (data != NULL)
    doc->data_size = base64_size (data);
  if (doc->url == NULL && data == NULL)
    hz_fhir_reader_warn (reader, _("the attachment has neither a URL nor data"));
}

static void
finish_document (HzRecordEntry  *entry,
                 HzFhirDocument *doc,
                 GDateTime      *date,
                 HzFhirPrecision precision)
{
  _hz_record_entry_set_text (entry, doc->title ? doc->title : doc->description, doc->content_type);
  _hz_record_entry_set_date (entry, date, precision);
}

void
_hz_fhir_read_document (HzFhirReader  *reader,
                        JsonObject    *resource,
                        HzRecordEntry *entry)
{
  HzFhirDocument *doc = g_new0 (HzFhirDocument, 1);
  JsonObject *content = hz_fhir_reader_first_object (reader, resource, "content");
  JsonObject *attachment = hz_fhir_reader_get_object (reader, content, "attachment");
  HzFhirPrecision precision = HZ_FHIR_PRECISION_NONE;
  g_autoptr(GDateTime) date = NULL;

  _hz_record_entry_set_detail (entry, doc, (GDestroyNotify) hz_fhir_document_free);
  doc->description = g_strdup (hz_fhir_reader_get_string (reader, resource, "description"));
  if (doc->description == NULL)
    doc->description = hz_fhir_reader_concept_text (reader, hz_fhir_reader_get_object (reader, resource, "type"));
  if (attachment)
    read_attachment (reader, attachment, doc);
  else
    hz_fhir_reader_warn (reader, _("the document has no content"));

  date = hz_fhir_reader_get_datetime (reader, resource, "date", &precision);
  if (date == NULL)
    date = hz_fhir_reader_get_datetime (reader, attachment, "creation", &precision);
  finish_document (entry, doc, date, precision);
}

/* R4 Media: a photo or a recording, with one attachment. */
void
_hz_fhir_read_media (HzFhirReader  *reader,
                     JsonObject    *resource,
                     HzRecordEntry *entry)
{
  HzFhirDocument *doc = g_new0 (HzFhirDocument, 1);
  JsonObject *attachment = hz_fhir_reader_get_object (reader, resource, "content");
  HzFhirPrecision precision = HZ_FHIR_PRECISION_NONE;
  g_autoptr(GDateTime) date = NULL;

  _hz_record_entry_set_detail (entry, doc, (GDestroyNotify) hz_fhir_document_free);
  doc->description = hz_fhir_reader_concept_text (reader, hz_fhir_reader_get_object (reader, resource, "modality"));
  if (attachment)
    read_attachment (reader, attachment, doc);
  else
    hz_fhir_reader_warn (reader, _("the document has no content"));

  date = hz_fhir_reader_get_datetime (reader, resource, "createdDateTime", &precision);
  if (date == NULL)
    date = hz_fhir_reader_get_datetime (reader, attachment, "creation", &precision);
  finish_document (entry, doc, date, precision);
}

static guint
clamp_count (HzFhirReader *reader,
             JsonObject   *object,
             const char   *member)
{
  gint64 value = 0;

  if (!hz_fhir_reader_get_int (reader, object, member, &value))
    return 0;
  if (value < 0 || value > G_MAXINT32)
    {
      /* TRANSLATORS: %s is a FHIR field name such as "numberOfInstances" */
      hz_fhir_reader_warn (reader, _("“%s” is out of range"), member);
      return 0;
    }
  return (guint) value;
}

static char *
strip_oid (const char *uid)
{
  if (uid && g_str_has_prefix (uid, "urn:oid:"))
    uid += strlen ("urn:oid:");
  return g_strdup (uid);
}

void
_hz_fhir_read_imaging_study (HzFhirReader  *reader,
                             JsonObject    *resource,
                             HzRecordEntry *entry)
{
  HzFhirImagingStudy *study = g_new0 (HzFhirImagingStudy, 1);
  JsonArray *identifiers = hz_fhir_reader_get_array (reader, resource, "identifier");
  JsonArray *series = hz_fhir_reader_get_array (reader, resource, "series");
  g_autoptr(GPtrArray) modalities = g_ptr_array_new ();
  HzFhirPrecision precision = HZ_FHIR_PRECISION_NONE;
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *summary = NULL;
  guint i, n;

  _hz_record_entry_set_detail (entry, study, (GDestroyNotify) hz_fhir_imaging_study_free);
  study->series = g_ptr_array_new_with_free_func ((GDestroyNotify) hz_fhir_series_free);

  /* The Study Instance UID is the identifier in urn:dicom:uid; an
   * urn:oid: value without that system is the next best thing. */
  n = identifiers ? json_array_get_length (identifiers) : 0;
  for (i = 0; i < n; i++)
    {
      JsonObject *id = hz_fhir_reader_array_object (reader, identifiers, i, "identifier");
      const char *system = hz_fhir_reader_get_string (reader, id, "system");
      const char *value = hz_fhir_reader_get_string (reader, id, "value");

      if (value == NULL)
        continue;
      if (g_strcmp0 (system, "urn:dicom:uid") == 0 || (study->study_uid == NULL && g_str_has_prefix (value, "urn:oid:")))
        {
          g_free (study->study_uid);
          study->study_uid = strip_oid (value);
        }
    }
  if (study->study_uid == NULL)
    hz_fhir_reader_warn (reader, _("the imaging study has no Study Instance UID"));

  study->description = g_strdup (hz_fhir_reader_get_string (reader, resource, "description"));
  study->n_series = clamp_count (reader, resource, "numberOfSeries");
  study->n_instances = clamp_count (reader, resource, "numberOfInstances");

  n = series ? json_array_get_length (series) : 0;
  for (i = 0; i < n; i++)
    {
      JsonObject *object = hz_fhir_reader_array_object (reader, series, i, "series");
      JsonObject *modality = hz_fhir_reader_get_object (reader, object, "modality");
      HzFhirSeries *s;

      if (object == NULL)
        continue;
      s = g_new0 (HzFhirSeries, 1);
      s->uid = strip_oid (hz_fhir_reader_get_string (reader, object, "uid"));
      s->modality = g_strdup (hz_fhir_reader_get_string (reader, modality, "code"));
      s->n_instances = clamp_count (reader, object, "numberOfInstances");
      if (s->uid == NULL)
        hz_fhir_reader_warn (reader, _("an imaging series has no UID"));
      if (s->modality && !g_ptr_array_find_with_equal_func (modalities, s->modality, g_str_equal, NULL))
        g_ptr_array_add (modalities, s->modality);
      g_ptr_array_add (study->series, s);
    }
  if (study->n_series == 0)
    study->n_series = study->series->len;
  if (modalities->len > 0)
    {
      g_ptr_array_add (modalities, NULL);
      study->modalities = g_strjoinv (", ", (char **) modalities->pdata);
    }

  date = hz_fhir_reader_get_datetime (reader, resource, "started", &precision);
  /* TRANSLATORS: an imaging study: modality (CT, CR...), series, images */
  summary = g_strdup_printf (_("%s, %u series, %u images"),
                             study->modalities ? study->modalities : "?",
                             study->n_series, study->n_instances);
  _hz_record_entry_set_text (entry, study->description, summary);
  _hz_record_entry_set_date (entry, date, precision);
}
