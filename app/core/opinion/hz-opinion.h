/* hz-opinion.h: a specialist's structured consult opinion and its JSON. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HZ_OPINION_ERROR (hz_opinion_error_quark ())

typedef enum {
  HZ_OPINION_ERROR_SYNTAX,     /* not a JSON object */
  HZ_OPINION_ERROR_INVALID,    /* wrong member, type or value */
  HZ_OPINION_ERROR_TOO_LARGE,  /* a text or list beyond its limit */
  HZ_OPINION_ERROR_INCOMPLETE, /* nothing a requester could act on */
} HzOpinionError;

/* Limits (characters for texts) on what an opinion may hold; the hub and
 * both clients apply the same ones. */
#define HZ_OPINION_MAX_BYTES       (256 * 1024)
#define HZ_OPINION_MAX_TEXT        20000
#define HZ_OPINION_MAX_SHORT       200
#define HZ_OPINION_MAX_DIAGNOSES   20

typedef enum {
  HZ_REFERRAL_NONE,           /* not decided yet: refused when signing */
  HZ_REFERRAL_TREAT_LOCALLY,  /* the requesting clinic keeps the patient */
  HZ_REFERRAL_REFER,          /* refer to the responder's hospital */
} HzReferralDecision;

typedef enum {
  HZ_REFERRAL_URGENCY_ROUTINE,
  HZ_REFERRAL_URGENCY_URGENT,
  HZ_REFERRAL_URGENCY_EMERGENCY,
} HzReferralUrgency;

/* One ICD-10 diagnosis as written in the opinion. */
typedef struct {
  char *code;    /* e.g. "I20.0" */
  char *label;   /* as the specialist chose it, usually Chinese */
} HzDiagnosis;

#define HZ_TYPE_OPINION (hz_opinion_get_type ())
G_DECLARE_FINAL_TYPE (HzOpinion, hz_opinion, HZ, OPINION, GObject)

GQuark              hz_opinion_error_quark          (void);

HzOpinion          *hz_opinion_new                  (void);
HzOpinion          *hz_opinion_new_from_json        (const char        *text,
                                                     gssize             length,
                                                     GError           **error);
HzOpinion          *hz_opinion_new_from_object      (JsonObject        *object,
                                                     gboolean           content_only,
                                                     GError           **error);
JsonNode           *hz_opinion_to_node              (HzOpinion         *self,
                                                     gboolean           content_only);
char               *hz_opinion_to_json              (HzOpinion         *self,
                                                     gboolean           content_only);
gboolean            hz_opinion_validate             (HzOpinion         *self,
                                                     GError           **error);
HzOpinion          *hz_opinion_copy                 (HzOpinion         *self);

const char         *hz_opinion_get_consult_id       (HzOpinion         *self);
void                hz_opinion_set_consult_id       (HzOpinion         *self,
                                                     const char        *consult_id);
const char         *hz_opinion_get_author           (HzOpinion         *self);
void                hz_opinion_set_author           (HzOpinion         *self,
                                                     const char        *author);
GDateTime          *hz_opinion_get_time             (HzOpinion         *self);
void                hz_opinion_set_time             (HzOpinion         *self,
                                                     GDateTime         *time);
const char         *hz_opinion_get_findings         (HzOpinion         *self);
void                hz_opinion_set_findings         (HzOpinion         *self,
                                                     const char        *findings);
guint               hz_opinion_get_n_diagnoses      (HzOpinion         *self);
const HzDiagnosis  *hz_opinion_get_diagnosis        (HzOpinion         *self,
                                                     guint              index);
void                hz_opinion_add_diagnosis        (HzOpinion         *self,
                                                     const char        *code,
                                                     const char        *label);
void                hz_opinion_clear_diagnoses      (HzOpinion         *self);
const char         *hz_opinion_get_treatment        (HzOpinion         *self);
void                hz_opinion_set_treatment        (HzOpinion         *self,
                                                     const char        *treatment);
const char         *hz_opinion_get_follow_up        (HzOpinion         *self);
void                hz_opinion_set_follow_up        (HzOpinion         *self,
                                                     const char        *follow_up);
HzReferralDecision  hz_opinion_get_referral         (HzOpinion         *self);
HzReferralUrgency   hz_opinion_get_referral_urgency (HzOpinion         *self);
const char         *hz_opinion_get_referral_to      (HzOpinion         *self);
void                hz_opinion_set_referral         (HzOpinion         *self,
                                                     HzReferralDecision decision,
                                                     HzReferralUrgency  urgency,
                                                     const char        *institution);
const char         *hz_opinion_get_text             (HzOpinion         *self);
void                hz_opinion_set_text             (HzOpinion         *self,
                                                     const char        *text);

const char         *hz_referral_decision_to_string  (HzReferralDecision decision);
const char         *hz_referral_urgency_to_string   (HzReferralUrgency  urgency);

gboolean            hz_icd10_code_is_valid          (const char        *code);

G_END_DECLS
