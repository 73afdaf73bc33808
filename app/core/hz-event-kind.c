/* hz-event-kind.c: names of event kinds as they appear in the log. */
#include "config.h"

#include "hz-enum-names.h"
#include "hz-event-kind.h"

static const char * const kind_names[HZ_N_EVENT_KINDS] = {
  [HZ_EVENT_KIND_CONSULT_CREATED] = "consult.created",
  [HZ_EVENT_KIND_CONSULT_STATE_CHANGED] = "consult.state_changed",
  [HZ_EVENT_KIND_CONSENT_RECORDED] = "consent.recorded",
  [HZ_EVENT_KIND_ATTACHMENT_ADDED] = "attachment.added",
  [HZ_EVENT_KIND_INFO_REQUESTED] = "info.requested",
  [HZ_EVENT_KIND_INFO_ADDED] = "info.added",
  [HZ_EVENT_KIND_CALL_STARTED] = "call.started",
  [HZ_EVENT_KIND_CALL_ENDED] = "call.ended",
  [HZ_EVENT_KIND_RECORD_OPENED] = "record.opened",
  [HZ_EVENT_KIND_IMAGE_OPENED] = "image.opened",
  [HZ_EVENT_KIND_ANNOTATION_ADDED] = "annotation.added",
  [HZ_EVENT_KIND_CHAT_MESSAGE] = "chat.message",
  [HZ_EVENT_KIND_OPINION_SIGNED] = "opinion.signed",
  [HZ_EVENT_KIND_OPINION_ADDENDUM] = "opinion.addendum",
  [HZ_EVENT_KIND_REPORT_EXPORTED] = "report.exported",
  [HZ_EVENT_KIND_OUTBOX_QUEUED] = "outbox.queued",
  [HZ_EVENT_KIND_OUTBOX_DELIVERED] = "outbox.delivered",
  [HZ_EVENT_KIND_SESSION_SIGNED_IN] = "session.signed_in",
  [HZ_EVENT_KIND_SESSION_SIGNED_OUT] = "session.signed_out",
};

const char *
hz_event_kind_to_string (HzEventKind kind)
{
  g_return_val_if_fail (kind < HZ_N_EVENT_KINDS, NULL);
  return kind_names[kind];
}

gboolean
hz_event_kind_from_string (const char  *name,
                           HzEventKind *kind)
{
  return hz_enum_names_lookup (kind_names, HZ_N_EVENT_KINDS, name, (guint *) kind);
}
