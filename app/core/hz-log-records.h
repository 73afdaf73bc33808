/* hz-log-records.h: plain records read from the consultation log. */
#pragma once

#include <glib-object.h>

#include "hz-consult-state.h"

G_BEGIN_DECLS

/* One event of the hash chain, exactly as stored. payload is canonical
 * JSON text; prev_hash and hash are lowercase hex SHA-256. */
typedef struct {
  gint64  seq;
  gint64  time_us;      /* microseconds since 1970, UTC */
  char   *consult_id;   /* NULL for events outside any consult */
  char   *actor;
  char   *kind;
  char   *payload;
  char   *prev_hash;
  char   *hash;
} HzLogEvent;

/* What this side knows of a consult it took part in. */
typedef struct {
  char           *id;
  char           *patient_ref;
  char           *requester;
  char           *responder;   /* NULL until someone accepts */
  HzConsultState  state;
  gint64          created_us;
  gint64          updated_us;
} HzLogConsult;

/* A signed opinion or an addendum to one (parent_id set). Locked once
 * stored: corrections are new addenda. */
typedef struct {
  char   *id;
  char   *consult_id;
  char   *parent_id;
  char   *author;
  gint64  signed_us;
  char   *body;        /* canonical JSON */
  char   *body_hash;   /* hex SHA-256 of body */
  GBytes *signature;   /* NULL until signing lands */
  gint64  event_seq;
} HzLogOpinion;

/* An action waiting for the hub; idempotency_key makes a retry harmless. */
typedef struct {
  gint64  id;
  char   *idempotency_key;
  char   *consult_id;
  char   *action;
  char   *body;        /* canonical JSON */
  gint64  created_us;
  gint    attempts;
  char   *last_error;
} HzLogOutboxItem;

#define HZ_TYPE_LOG_EVENT (hz_log_event_get_type ())
#define HZ_TYPE_LOG_CONSULT (hz_log_consult_get_type ())
#define HZ_TYPE_LOG_OPINION (hz_log_opinion_get_type ())
#define HZ_TYPE_LOG_OUTBOX_ITEM (hz_log_outbox_item_get_type ())

GType            hz_log_event_get_type        (void) G_GNUC_CONST;
HzLogEvent      *hz_log_event_copy            (const HzLogEvent *event);
void             hz_log_event_clear           (HzLogEvent *event);
void             hz_log_event_free            (HzLogEvent *event);
char            *hz_log_event_to_json_line    (const HzLogEvent *event);

GType            hz_log_consult_get_type      (void) G_GNUC_CONST;
HzLogConsult    *hz_log_consult_copy          (const HzLogConsult *consult);
void             hz_log_consult_free          (HzLogConsult *consult);

GType            hz_log_opinion_get_type      (void) G_GNUC_CONST;
HzLogOpinion    *hz_log_opinion_copy          (const HzLogOpinion *opinion);
void             hz_log_opinion_free          (HzLogOpinion *opinion);

GType            hz_log_outbox_item_get_type  (void) G_GNUC_CONST;
HzLogOutboxItem *hz_log_outbox_item_copy      (const HzLogOutboxItem *item);
void             hz_log_outbox_item_free      (HzLogOutboxItem *item);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzLogEvent, hz_log_event_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzLogConsult, hz_log_consult_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzLogOpinion, hz_log_opinion_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HzLogOutboxItem, hz_log_outbox_item_free)

G_END_DECLS
