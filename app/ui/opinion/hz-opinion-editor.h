/* hz-opinion-editor.h: the specialist's structured opinion form: findings,
 * ICD-10 diagnoses searched from the bundled list, advice, the referral
 * decision and free text; validated, then signed and locked. */
#pragma once

#include <adwaita.h>

#include "hz-icd10-catalogue.h"
#include "hz-signed-opinion.h"

G_BEGIN_DECLS

#define HZ_TYPE_OPINION_EDITOR (hz_opinion_editor_get_type ())
G_DECLARE_FINAL_TYPE (HzOpinionEditor, hz_opinion_editor, HZ, OPINION_EDITOR, AdwBin)

GtkWidget  *hz_opinion_editor_new             (void);
void        hz_opinion_editor_set_consult     (HzOpinionEditor  *self,
                                               const char       *consult_id,
                                               const char       *author);
void        hz_opinion_editor_set_signing_key (HzOpinionEditor  *self,
                                               HzSigningKey     *key);
void        hz_opinion_editor_set_catalogue   (HzOpinionEditor  *self,
                                               HzIcd10Catalogue *catalogue);
void        hz_opinion_editor_set_opinion     (HzOpinionEditor  *self,
                                               HzOpinion        *opinion);
HzOpinion  *hz_opinion_editor_dup_opinion     (HzOpinionEditor  *self);
gboolean    hz_opinion_editor_validate        (HzOpinionEditor  *self,
                                               GError          **error);
void        hz_opinion_editor_search          (HzOpinionEditor  *self,
                                               const char       *query);
gboolean    hz_opinion_editor_add_diagnosis   (HzOpinionEditor  *self,
                                               const char       *code);
/* An opinion signed earlier (reopened later): locked, with its addenda. */
void        hz_opinion_editor_set_signed      (HzOpinionEditor  *self,
                                               HzSignedOpinion  *opinion,
                                               GPtrArray        *addenda);
/* The signer's name for the locked status (the author id without). */
void        hz_opinion_editor_set_signer_name (HzOpinionEditor  *self,
                                               const char       *name);
gboolean    hz_opinion_editor_get_locked      (HzOpinionEditor  *self);
HzSignedOpinion *hz_opinion_editor_get_signed (HzOpinionEditor  *self);
/* Addenda to the signed opinion: "opinion.add-addendum" opens the form,
 * "opinion.sign-addendum" signs its text and emits ::addendum-signed. */
void        hz_opinion_editor_set_addendum_text (HzOpinionEditor *self,
                                               const char       *text);
guint       hz_opinion_editor_get_n_addenda   (HzOpinionEditor  *self);
HzSignedOpinion *hz_opinion_editor_get_addendum (HzOpinionEditor *self,
                                               guint             index);

G_END_DECLS
