/* hz-event-kind.h: the closed list of things the consultation log records. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Adding a kind is a protocol change: add it at the end, never reuse or
 * rename one, and document it in docs/consult-log.md. */
typedef enum {
  HZ_EVENT_KIND_CONSULT_CREATED,
  HZ_EVENT_KIND_CONSULT_STATE_CHANGED,
  HZ_EVENT_KIND_CONSENT_RECORDED,
  HZ_EVENT_KIND_ATTACHMENT_ADDED,
  HZ_EVENT_KIND_INFO_REQUESTED,
  HZ_EVENT_KIND_INFO_ADDED,
  HZ_EVENT_KIND_CALL_STARTED,
  HZ_EVENT_KIND_CALL_ENDED,
  HZ_EVENT_KIND_RECORD_OPENED,
  HZ_EVENT_KIND_IMAGE_OPENED,
  HZ_EVENT_KIND_ANNOTATION_ADDED,
  HZ_EVENT_KIND_CHAT_MESSAGE,
  HZ_EVENT_KIND_OPINION_SIGNED,
  HZ_EVENT_KIND_OPINION_ADDENDUM,
  HZ_EVENT_KIND_REPORT_EXPORTED,
  HZ_EVENT_KIND_OUTBOX_QUEUED,
  HZ_EVENT_KIND_OUTBOX_DELIVERED,
  HZ_EVENT_KIND_SESSION_SIGNED_IN,
  HZ_EVENT_KIND_SESSION_SIGNED_OUT,
  HZ_N_EVENT_KINDS
} HzEventKind;

const char *hz_event_kind_to_string   (HzEventKind  kind);
gboolean    hz_event_kind_from_string (const char  *name,
                                       HzEventKind *kind);

G_END_DECLS
