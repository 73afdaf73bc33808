/* hz-window.h: the main window: sign-in, queue, details and new request. */
#pragma once

#include <adwaita.h>

#include "hz-application.h"
#include "hz-hub-client.h"
#include "hz-profile.h"

G_BEGIN_DECLS

#define HZ_TYPE_WINDOW (hz_window_get_type ())

G_DECLARE_FINAL_TYPE (HzWindow, hz_window, HZ, WINDOW, AdwApplicationWindow)

HzWindow    *hz_window_new            (HzApplication *app,
                                       HzProfile     *profile);
void         hz_window_start          (HzWindow      *self);
void         hz_window_demo_sign_in   (HzWindow      *self,
                                       const char    *url,
                                       const char    *user,
                                       const char    *password);
HzHubClient *hz_window_get_client     (HzWindow      *self);
const char  *hz_window_get_page_name  (HzWindow      *self);
GtkWidget   *hz_window_get_page       (HzWindow      *self,
                                       const char    *name);
void         hz_window_toast          (HzWindow      *self,
                                       const char    *text);
void         hz_window_open_consult   (HzWindow      *self,
                                       const char    *consult_id);
void         hz_window_show_queue     (HzWindow      *self);
GtkWindow   *hz_window_get_ringing_dialog (HzWindow  *self);

G_END_DECLS
