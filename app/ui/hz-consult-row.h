/* hz-consult-row.h: one consult in the queue. */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define HZ_TYPE_CONSULT_ROW (hz_consult_row_get_type ())

G_DECLARE_FINAL_TYPE (HzConsultRow, hz_consult_row, HZ, CONSULT_ROW, GtkListBoxRow)

/* @directory: the hub's directory, for institution names (may be NULL). */
GtkWidget  *hz_consult_row_new             (JsonObject   *consult,
                                            JsonObject   *directory);
const char *hz_consult_row_get_consult_id  (HzConsultRow *self);
GtkWidget  *hz_consult_row_get_badge       (HzConsultRow *self);
const char *hz_consult_row_get_urgency     (HzConsultRow *self);
const char *hz_consult_row_get_state       (HzConsultRow *self);
gboolean    hz_consult_row_matches         (HzConsultRow *self,
                                            const char   *needle);

/* Words shared with the details page. */
const char *hz_state_label                 (const char   *state);
const char *hz_urgency_label               (const char   *urgency);
const char *hz_sex_label                   (const char   *sex);
char       *hz_waiting_text                (const char   *created_iso);
const char *hz_directory_name              (JsonObject   *directory,
                                            const char   *list,
                                            const char   *id);

G_END_DECLS
