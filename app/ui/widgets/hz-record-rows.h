/* hz-record-rows.h: one list row per record entry, as the record view's
 * sections show them (abnormal values flagged in colour, icon and word). */
#pragma once

#include <gtk/gtk.h>

#include "hz-record-entry.h"

G_BEGIN_DECLS

/* The worst flag of an observation and its components. */
HzFhirFlag   hz_record_rows_worst_flag   (const HzFhirObservation *observation);
/* "↑ High", "Critically low"...; NULL for normal or no flag. */
const char  *hz_record_rows_flag_text    (HzFhirFlag               flag);
char        *hz_record_rows_format_date  (HzRecordEntry           *entry);
GtkWidget   *hz_record_rows_entry        (HzRecordEntry           *entry);
GtkWidget   *hz_record_rows_observation  (HzRecordEntry           *entry);
GtkWidget   *hz_record_rows_allergy      (HzRecordEntry           *entry);
/* A document; an inline photo gets a thumbnail, decoded off the main
 * thread. */
GtkWidget   *hz_record_rows_document     (HzRecordEntry           *entry);
GtkWidget   *hz_record_rows_empty        (const char              *text);

G_END_DECLS
