/* hz-sign-in-page.h: signing in to a hub. */
#pragma once

#include <adwaita.h>

#include "hz-hub-client.h"
#include "hz-profile.h"

G_BEGIN_DECLS

#define HZ_TYPE_SIGN_IN_PAGE (hz_sign_in_page_get_type ())

G_DECLARE_FINAL_TYPE (HzSignInPage, hz_sign_in_page, HZ, SIGN_IN_PAGE, GtkWidget)

void hz_sign_in_page_setup   (HzSignInPage *self,
                              GSettings    *settings,
                              HzProfile    *profile);
void hz_sign_in_page_fill    (HzSignInPage *self,
                              const char   *url,
                              const char   *user,
                              const char   *password);
void hz_sign_in_page_sign_in (HzSignInPage *self);
const char *hz_sign_in_page_get_error (HzSignInPage *self);

G_END_DECLS
