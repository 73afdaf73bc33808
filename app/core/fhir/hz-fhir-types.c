/* hz-fhir-types.c: enums, the error domain and warnings of the FHIR reader. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hz-fhir-types.h"

G_DEFINE_QUARK (hz-fhir-error-quark, hz_fhir_error)

G_DEFINE_BOXED_TYPE (HzFhirWarning, hz_fhir_warning, hz_fhir_warning_copy, hz_fhir_warning_free)

G_DEFINE_ENUM_TYPE (HzRecordKind, hz_record_kind,
  G_DEFINE_ENUM_VALUE (HZ_RECORD_KIND_ENCOUNTER, "encounter"),
  G_DEFINE_ENUM_VALUE (HZ_RECORD_KIND_PROBLEM, "problem"),
  G_DEFINE_ENUM_VALUE (HZ_RECORD_KIND_MEDICATION, "medication"),
  G_DEFINE_ENUM_VALUE (HZ_RECORD_KIND_ALLERGY, "allergy"),
  G_DEFINE_ENUM_VALUE (HZ_RECORD_KIND_OBSERVATION, "observation"),
  G_DEFINE_ENUM_VALUE (HZ_RECORD_KIND_REPORT, "report"),
  G_DEFINE_ENUM_VALUE (HZ_RECORD_KIND_DOCUMENT, "document"),
  G_DEFINE_ENUM_VALUE (HZ_RECORD_KIND_IMAGING, "imaging"),
  G_DEFINE_ENUM_VALUE (HZ_RECORD_KIND_OTHER, "other"))

G_DEFINE_ENUM_TYPE (HzFhirPrecision, hz_fhir_precision,
  G_DEFINE_ENUM_VALUE (HZ_FHIR_PRECISION_NONE, "none"),
  G_DEFINE_ENUM_VALUE (HZ_FHIR_PRECISION_YEAR, "year"),
  G_DEFINE_ENUM_VALUE (HZ_FHIR_PRECISION_MONTH, "month"),
  G_DEFINE_ENUM_VALUE (HZ_FHIR_PRECISION_DAY, "day"),
  G_DEFINE_ENUM_VALUE (HZ_FHIR_PRECISION_TIME, "time"))

HzFhirWarning *
hz_fhir_warning_new (const char *resource_type,
                     const char *resource_id,
                     const char *message)
{
  HzFhirWarning *warning = g_new0 (HzFhirWarning, 1);

  warning->resource_type = g_strdup (resource_type);
  warning->resource_id = g_strdup (resource_id);
  warning->message = g_strdup (message);
  return warning;
}

HzFhirWarning *
hz_fhir_warning_copy (const HzFhirWarning *warning)
{
  return hz_fhir_warning_new (warning->resource_type, warning->resource_id, warning->message);
}

void
hz_fhir_warning_free (HzFhirWarning *warning)
{
  if (warning == NULL)
    return;
  g_free (warning->resource_type);
  g_free (warning->resource_id);
  g_free (warning->message);
  g_free (warning);
}

/* Section headings of the record view. */
const char *
hz_record_kind_to_label (HzRecordKind kind)
{
  switch (kind)
    {
    case HZ_RECORD_KIND_ENCOUNTER:   return _("Encounters");
    case HZ_RECORD_KIND_PROBLEM:     return _("Problems");
    case HZ_RECORD_KIND_MEDICATION:  return _("Medications");
    case HZ_RECORD_KIND_ALLERGY:     return _("Allergies");
    case HZ_RECORD_KIND_OBSERVATION: return _("Vital signs and labs");
    case HZ_RECORD_KIND_REPORT:      return _("Reports");
    case HZ_RECORD_KIND_DOCUMENT:    return _("Documents and photos");
    case HZ_RECORD_KIND_IMAGING:     return _("Imaging");
    case HZ_RECORD_KIND_OTHER:       return _("Other");
    default:                         return _("Other");
    }
}
