/* hz-application.h: the huizhen application. */
#pragma once

#include <adwaita.h>

#include "hz-ringer.h"

G_BEGIN_DECLS

#define HZ_TYPE_APPLICATION (hz_application_get_type ())

G_DECLARE_FINAL_TYPE (HzApplication, hz_application, HZ, APPLICATION, AdwApplication)

HzApplication *hz_application_new        (const char    *profile);
/* The one chime of this instance: windows share it, so two calls never
 * ring over each other. */
HzRinger      *hz_application_get_ringer (HzApplication *self);

G_END_DECLS
