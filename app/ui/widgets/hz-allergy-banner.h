/* hz-allergy-banner.h: the patient's allergies across the top of the
 * record, in the error colour when one is high-risk. */
#pragma once

#include <gtk/gtk.h>

#include "hz-patient-record.h"

G_BEGIN_DECLS

#define HZ_TYPE_ALLERGY_BANNER (hz_allergy_banner_get_type ())

G_DECLARE_FINAL_TYPE (HzAllergyBanner, hz_allergy_banner, HZ, ALLERGY_BANNER, GtkBox)

GtkWidget *hz_allergy_banner_new          (void);
/* Shows every allergy of @record; hidden when it has none. */
void       hz_allergy_banner_set_record   (HzAllergyBanner *self,
                                           HzPatientRecord *record);
gboolean   hz_allergy_banner_get_high_risk (HzAllergyBanner *self);
guint      hz_allergy_banner_get_n_allergies (HzAllergyBanner *self);

G_END_DECLS
