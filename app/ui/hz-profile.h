/* hz-profile.h: one user profile's private folder: the stored session,
 * the new-request draft, the consult log and the bundle cache. */
#pragma once

#include <json-glib/json-glib.h>

#include "hz-consult-log.h"

G_BEGIN_DECLS

#define HZ_TYPE_PROFILE (hz_profile_get_type ())

G_DECLARE_FINAL_TYPE (HzProfile, hz_profile, HZ, PROFILE, GObject)

HzProfile    *hz_profile_new             (const char  *name,
                                          GError     **error);
const char   *hz_profile_get_name        (HzProfile   *self);
const char   *hz_profile_get_data_dir    (HzProfile   *self);
HzConsultLog *hz_profile_get_log         (HzProfile   *self,
                                          GError     **error);

gboolean      hz_profile_save_session    (HzProfile   *self,
                                          const char  *url,
                                          const char  *token,
                                          const char  *expires,
                                          JsonObject  *user,
                                          GError     **error);
gboolean      hz_profile_load_session    (HzProfile   *self,
                                          char       **url,
                                          char       **token,
                                          JsonObject **user);
void          hz_profile_clear_session   (HzProfile   *self);

JsonObject   *hz_profile_load_json       (HzProfile   *self,
                                          const char  *name);
gboolean      hz_profile_save_json       (HzProfile   *self,
                                          const char  *name,
                                          JsonObject  *object);
void          hz_profile_remove_file     (HzProfile   *self,
                                          const char  *name);

G_END_DECLS
