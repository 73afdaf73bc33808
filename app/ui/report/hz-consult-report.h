/* hz-consult-report.h: the printable consult report (A4, cairo + pango):
 * both institutions and doctors, the patient, the question, the signed
 * opinion with its addenda, and the signing key's fingerprint. */
#pragma once

#include <cairo.h>
#include <glib-object.h>

#include "hz-signed-opinion.h"

G_BEGIN_DECLS

#define HZ_CONSULT_REPORT_ERROR (hz_consult_report_error_quark ())

typedef enum {
  HZ_CONSULT_REPORT_ERROR_WRITE,  /* the PDF could not be written */
} HzConsultReportError;

/* A doctor and where they work, as the report names them. */
typedef struct {
  const char *name;          /* "陈立 Chen Li" */
  const char *title;         /* "主任医师", may be NULL */
  const char *department;    /* may be NULL */
  const char *institution;   /* "县人民医院" */
} HzReportParty;

/* A4 in PostScript points. */
#define HZ_CONSULT_REPORT_PAGE_WIDTH  595.276
#define HZ_CONSULT_REPORT_PAGE_HEIGHT 841.890

#define HZ_TYPE_CONSULT_REPORT (hz_consult_report_get_type ())
G_DECLARE_FINAL_TYPE (HzConsultReport, hz_consult_report, HZ, CONSULT_REPORT, GObject)

GQuark           hz_consult_report_error_quark  (void);

HzConsultReport *hz_consult_report_new          (HzSignedOpinion     *opinion);
HzConsultReport *hz_consult_report_new_from_hub (JsonObject          *consult,
                                                 JsonObject          *directory,
                                                 GError             **error);
void             hz_consult_report_set_requester (HzConsultReport    *self,
                                                  const HzReportParty *party);
void             hz_consult_report_set_responder (HzConsultReport    *self,
                                                  const HzReportParty *party);
void             hz_consult_report_set_patient  (HzConsultReport     *self,
                                                 const char          *name,
                                                 const char          *name_latin,
                                                 const char          *sex,
                                                 int                  age,
                                                 const char          *patient_id);
void             hz_consult_report_set_request  (HzConsultReport     *self,
                                                 const char          *urgency,
                                                 const char          *reason,
                                                 const char          *question);
void             hz_consult_report_add_addendum (HzConsultReport     *self,
                                                 HzSignedOpinion     *addendum);

guint            hz_consult_report_get_n_pages  (HzConsultReport     *self);
void             hz_consult_report_draw_page    (HzConsultReport     *self,
                                                 cairo_t             *cr,
                                                 guint                page);
gboolean         hz_consult_report_write_pdf    (HzConsultReport     *self,
                                                 const char          *path,
                                                 GError             **error);

G_END_DECLS
