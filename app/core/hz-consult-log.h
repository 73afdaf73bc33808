/* hz-consult-log.h: the local, hash-chained consultation log. */
#pragma once

#include <glib-object.h>

#include "hz-consult-state.h"
#include "hz-log-records.h"

G_BEGIN_DECLS

#define HZ_CONSULT_LOG_ERROR (hz_consult_log_error_quark ())

typedef enum {
  HZ_CONSULT_LOG_ERROR_FAILED,
  HZ_CONSULT_LOG_ERROR_INVALID_ARGUMENT,
  HZ_CONSULT_LOG_ERROR_INVALID_PAYLOAD,
  HZ_CONSULT_LOG_ERROR_UNKNOWN_KIND,
  HZ_CONSULT_LOG_ERROR_NOT_A_LOG,
  HZ_CONSULT_LOG_ERROR_TOO_NEW,
  HZ_CONSULT_LOG_ERROR_CANT_OPEN,
  HZ_CONSULT_LOG_ERROR_READ_ONLY,
  HZ_CONSULT_LOG_ERROR_DISK_FULL,
  HZ_CONSULT_LOG_ERROR_BUSY,
  HZ_CONSULT_LOG_ERROR_IO,
  HZ_CONSULT_LOG_ERROR_CORRUPT,
  HZ_CONSULT_LOG_ERROR_NOT_FOUND,
  HZ_CONSULT_LOG_ERROR_EXISTS,
} HzConsultLogError;

/* An event to append; payload is JSON text of an object (NULL for {}). */
typedef struct {
  const char *consult_id;
  const char *actor;
  const char *kind;
  const char *payload;
} HzLogDraft;

typedef enum {
  HZ_LOG_CHAIN_INTACT,
  HZ_LOG_CHAIN_CONTENT_ALTERED,  /* an event no longer matches its hash */
  HZ_LOG_CHAIN_EVENT_MISSING,    /* a gap in the sequence: deleted */
  HZ_LOG_CHAIN_LINK_BROKEN,      /* prev does not match: reordered or inserted */
  HZ_LOG_CHAIN_TRUNCATED,        /* events missing at the end */
  HZ_LOG_CHAIN_OPINION_ALTERED,  /* an opinion no longer matches its event */
} HzLogChainProblem;

typedef struct {
  HzLogChainProblem problem;
  gint64            n_events;   /* events read */
  gint64            position;   /* 1-based row where the chain broke */
  gint64            seq;        /* seq stored in that row */
  char             *detail;     /* translated, for people */
} HzLogVerifyReport;

typedef gboolean (*HzLogEventFunc) (const HzLogEvent *event,
                                    gpointer          user_data);

#define HZ_TYPE_CONSULT_LOG (hz_consult_log_get_type ())

G_DECLARE_FINAL_TYPE (HzConsultLog, hz_consult_log, HZ, CONSULT_LOG, GObject)

GQuark        hz_consult_log_error_quark      (void);

HzConsultLog *hz_consult_log_open             (const char         *path,
                                               GError            **error);
const char   *hz_consult_log_get_path         (HzConsultLog       *self);
void          hz_consult_log_set_busy_timeout (HzConsultLog       *self,
                                               guint               msec);

gint64        hz_consult_log_append           (HzConsultLog       *self,
                                               const char         *consult_id,
                                               const char         *actor,
                                               const char         *kind,
                                               const char         *payload,
                                               GError            **error);
gboolean      hz_consult_log_append_batch     (HzConsultLog       *self,
                                               const HzLogDraft   *drafts,
                                               guint               n_drafts,
                                               gint64             *first_seq,
                                               GError            **error);

gint64        hz_consult_log_count_events     (HzConsultLog       *self,
                                               GError            **error);
HzLogEvent   *hz_consult_log_get_event        (HzConsultLog       *self,
                                               gint64              seq,
                                               GError            **error);
gboolean      hz_consult_log_foreach_event    (HzConsultLog       *self,
                                               const char         *consult_id,
                                               HzLogEventFunc      func,
                                               gpointer            user_data,
                                               GError            **error);

gboolean      hz_consult_log_add_consult      (HzConsultLog       *self,
                                               const HzLogConsult *consult,
                                               const char         *actor,
                                               GError            **error);
gboolean      hz_consult_log_set_consult_state (HzConsultLog      *self,
                                               const char         *consult_id,
                                               HzConsultState      state,
                                               const char         *responder,
                                               const char         *actor,
                                               const char         *reason,
                                               GError            **error);
HzLogConsult *hz_consult_log_get_consult      (HzConsultLog       *self,
                                               const char         *consult_id,
                                               GError            **error);
GPtrArray    *hz_consult_log_list_consults    (HzConsultLog       *self,
                                               GError            **error);

gint64        hz_consult_log_add_opinion      (HzConsultLog       *self,
                                               const char         *consult_id,
                                               const char         *opinion_id,
                                               const char         *parent_id,
                                               const char         *author,
                                               const char         *body,
                                               GBytes             *signature,
                                               GError            **error);
GPtrArray    *hz_consult_log_list_opinions    (HzConsultLog       *self,
                                               const char         *consult_id,
                                               GError            **error);

char         *hz_consult_log_outbox_enqueue   (HzConsultLog       *self,
                                               const char         *consult_id,
                                               const char         *action,
                                               const char         *body,
                                               const char         *actor,
                                               GError            **error);
GPtrArray    *hz_consult_log_outbox_pending   (HzConsultLog       *self,
                                               guint               max_items,
                                               GError            **error);
gboolean      hz_consult_log_outbox_mark_delivered (HzConsultLog  *self,
                                               const char         *idempotency_key,
                                               const char         *actor,
                                               GError            **error);
gboolean      hz_consult_log_outbox_mark_failed (HzConsultLog     *self,
                                               const char         *idempotency_key,
                                               const char         *message,
                                               GError            **error);

gboolean      hz_consult_log_verify           (HzConsultLog       *self,
                                               HzLogVerifyReport  *report,
                                               GError            **error);
void          hz_log_verify_report_clear      (HzLogVerifyReport  *report);

G_END_DECLS
