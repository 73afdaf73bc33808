/* hz-record-entry-private.h: how the bundle reader fills in an entry. */
#pragma once

#include "hz-record-entry.h"

G_BEGIN_DECLS

HzRecordEntry *_hz_record_entry_new          (HzRecordKind    kind,
                                              const char     *resource_type,
                                              const char     *id,
                                              JsonNode       *raw);
void           _hz_record_entry_set_text     (HzRecordEntry  *self,
                                              const char     *title,
                                              const char     *summary);
void           _hz_record_entry_set_date     (HzRecordEntry  *self,
                                              GDateTime      *date,
                                              HzFhirPrecision precision);
void           _hz_record_entry_set_flags    (HzRecordEntry  *self,
                                              gboolean        is_high_risk,
                                              gboolean        is_abnormal);
void           _hz_record_entry_set_detail   (HzRecordEntry  *self,
                                              gpointer        detail,
                                              GDestroyNotify  free_func);
gpointer       _hz_record_entry_get_detail   (HzRecordEntry  *self);

G_END_DECLS
