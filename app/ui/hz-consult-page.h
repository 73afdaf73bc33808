/* hz-consult-page.h: one consult: the case summary, attachments, its
 * history, and the moves this user may make now. */
#pragma once

#include <adwaita.h>

#include "hz-hub-client.h"
#include "hz-profile.h"

G_BEGIN_DECLS

#define HZ_TYPE_CONSULT_PAGE (hz_consult_page_get_type ())

G_DECLARE_FINAL_TYPE (HzConsultPage, hz_consult_page, HZ, CONSULT_PAGE, GtkWidget)

void        hz_consult_page_set_client (HzConsultPage *self,
                                        HzHubClient   *client,
                                        HzProfile     *profile);
void        hz_consult_page_show       (HzConsultPage *self,
                                        const char    *consult_id);
void        hz_consult_page_reload     (HzConsultPage *self);
/* The consult as the hub last gave it; NULL while loading. */
JsonObject *hz_consult_page_get_consult (HzConsultPage *self);
GtkWidget  *hz_consult_page_get_attachments (HzConsultPage *self);
/* For tests. */
const char *hz_consult_page_get_state  (HzConsultPage *self);
gboolean    hz_consult_page_is_loading (HzConsultPage *self);
void        hz_consult_page_act        (HzConsultPage *self,
                                        const char    *action,
                                        const char    *reason);
/* @key: "department:ID" or "specialist:ID" (coordinators). */
void        hz_consult_page_reassign   (HzConsultPage *self,
                                        const char    *key,
                                        const char    *reason);

G_END_DECLS
