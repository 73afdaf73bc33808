/* hz-icd10-catalogue.h: the bundled ICD-10 list (code, Chinese and
 * English names) and searching it by code or name. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HZ_ICD10_CATALOGUE_ERROR (hz_icd10_catalogue_error_quark ())

typedef enum {
  HZ_ICD10_CATALOGUE_ERROR_IO,
  HZ_ICD10_CATALOGUE_ERROR_FORMAT,  /* a line that is not code<TAB>中文<TAB>English */
} HzIcd10CatalogueError;

typedef struct {
  const char *code;      /* "I20.0" */
  const char *name_zh;   /* "不稳定型心绞痛" */
  const char *name_en;   /* "Unstable angina" */
} HzIcd10Entry;

#define HZ_TYPE_ICD10_CATALOGUE (hz_icd10_catalogue_get_type ())
G_DECLARE_FINAL_TYPE (HzIcd10Catalogue, hz_icd10_catalogue, HZ, ICD10_CATALOGUE, GObject)

GQuark              hz_icd10_catalogue_error_quark   (void);

HzIcd10Catalogue   *hz_icd10_catalogue_get_default   (void);
HzIcd10Catalogue   *hz_icd10_catalogue_new_from_data (const char       *tsv,
                                                      gsize             length,
                                                      GError          **error);
HzIcd10Catalogue   *hz_icd10_catalogue_new_from_file (const char       *path,
                                                      GError          **error);
guint               hz_icd10_catalogue_get_n_entries (HzIcd10Catalogue *self);
const HzIcd10Entry *hz_icd10_catalogue_lookup        (HzIcd10Catalogue *self,
                                                      const char       *code);
GPtrArray          *hz_icd10_catalogue_search        (HzIcd10Catalogue *self,
                                                      const char       *query,
                                                      guint             max_results);

G_END_DECLS
