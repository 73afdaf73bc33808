/* hz-dicom-json.h: QIDO-RS answers (the DICOM JSON model) as small records. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A PN value's three component groups. Chinese names usually sit in
 * ideographic ("王^建国") beside a pinyin alphabetic ("WANG^JIANGUO");
 * a group is NULL when absent or empty. */
typedef struct {
  char *alphabetic;
  char *ideographic;
  char *phonetic;
} HzPersonName;

typedef struct {
  char         *study_instance_uid;
  char         *patient_id;
  HzPersonName  patient_name;
  char         *patient_birth_date;   /* DA, YYYYMMDD */
  char         *patient_sex;
  char         *study_date;
  char         *study_time;
  char         *study_description;
  char         *accession_number;
  char        **modalities;           /* ModalitiesInStudy, never NULL */
  int           n_series;             /* -1 when the server did not say */
  int           n_instances;
} HzDicomwebStudy;

typedef struct {
  char *study_instance_uid;
  char *series_instance_uid;
  char *modality;
  char *series_description;
  int   series_number;                /* -1 when absent */
  int   n_instances;
} HzDicomwebSeries;

typedef struct {
  char *study_instance_uid;
  char *series_instance_uid;
  char *sop_instance_uid;
  char *sop_class_uid;
  int   instance_number;              /* -1 when absent */
  int   rows;
  int   columns;
  int   n_frames;
} HzDicomwebInstance;

void       hz_dicomweb_study_free    (HzDicomwebStudy    *study);
void       hz_dicomweb_series_free   (HzDicomwebSeries   *series);
void       hz_dicomweb_instance_free (HzDicomwebInstance *instance);

/* Each returns a GPtrArray of records (owning them), possibly empty, or
 * NULL with HZ_DICOMWEB_ERROR_BAD_RESPONSE. Objects without their own
 * UID are skipped: a record we cannot address is of no use. */
GPtrArray *hz_dicom_json_parse_studies   (const char  *data,
                                          gsize        len,
                                          GError     **error);
GPtrArray *hz_dicom_json_parse_series    (const char  *data,
                                          gsize        len,
                                          GError     **error);
GPtrArray *hz_dicom_json_parse_instances (const char  *data,
                                          gsize        len,
                                          GError     **error);

gboolean   hz_dicom_uid_is_valid         (const char  *uid);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzDicomwebStudy, hz_dicomweb_study_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzDicomwebSeries, hz_dicomweb_series_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzDicomwebInstance, hz_dicomweb_instance_free)

G_END_DECLS
