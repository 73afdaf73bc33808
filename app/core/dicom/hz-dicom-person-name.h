/* hz-dicom-person-name.h: a DICOM person name (PN) and its component groups. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  HZ_DICOM_PN_ALPHABETIC,
  HZ_DICOM_PN_IDEOGRAPHIC,
  HZ_DICOM_PN_PHONETIC,
  HZ_DICOM_PN_N_GROUPS,
} HzDicomPnGroup;

typedef enum {
  HZ_DICOM_PN_FAMILY,
  HZ_DICOM_PN_GIVEN,
  HZ_DICOM_PN_MIDDLE,
  HZ_DICOM_PN_PREFIX,
  HZ_DICOM_PN_SUFFIX,
  HZ_DICOM_PN_N_COMPONENTS,
} HzDicomPnComponent;

typedef struct _HzDicomPersonName HzDicomPersonName;

/* value is the UTF-8 text of one PN value, e.g. "WANG^JIANGUO=王^建国". */
HzDicomPersonName *hz_dicom_person_name_new            (const char        *value);
void               hz_dicom_person_name_free           (HzDicomPersonName *self);
/* The raw group, e.g. "王^建国"; "" if absent. */
const char        *hz_dicom_person_name_get_group      (HzDicomPersonName *self,
                                                        HzDicomPnGroup     group);
const char        *hz_dicom_person_name_get_component  (HzDicomPersonName *self,
                                                        HzDicomPnGroup     group,
                                                        HzDicomPnComponent component);
/* One group for people: "王建国", "WANG JIANGUO". */
char              *hz_dicom_person_name_format_group   (HzDicomPersonName *self,
                                                        HzDicomPnGroup     group);
/* The name as a Chinese user expects it: "王建国 (WANG JIANGUO)". */
char              *hz_dicom_person_name_to_display     (HzDicomPersonName *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzDicomPersonName, hz_dicom_person_name_free)

G_END_DECLS
