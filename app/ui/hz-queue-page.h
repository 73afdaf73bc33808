/* hz-queue-page.h: the home screen: the consults waiting on this user. */
#pragma once

#include <adwaita.h>

#include "hz-hub-client.h"
#include "hz-profile.h"

G_BEGIN_DECLS

#define HZ_TYPE_QUEUE_PAGE (hz_queue_page_get_type ())

G_DECLARE_FINAL_TYPE (HzQueuePage, hz_queue_page, HZ, QUEUE_PAGE, GtkWidget)

void     hz_queue_page_set_client   (HzQueuePage *self,
                                     HzHubClient *client,
                                     HzProfile   *profile,
                                     GSettings   *settings);
void     hz_queue_page_refresh      (HzQueuePage *self);
void     hz_queue_page_focus_search (HzQueuePage *self);
void     hz_queue_page_set_search   (HzQueuePage *self,
                                     const char  *text);
/* For tests: rows shown now, and whether a refresh is under way. */
guint    hz_queue_page_count_rows   (HzQueuePage *self);
GtkWidget *hz_queue_page_find_row   (HzQueuePage *self,
                                     const char  *consult_id);
gboolean hz_queue_page_is_loading   (HzQueuePage *self);
void     hz_queue_page_set_view     (HzQueuePage *self,
                                     guint        view);

G_END_DECLS
