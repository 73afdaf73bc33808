/* hz-consult-workflow.h: which consult moves are legal, and for whom.
 * The hub enforces these rules; the client uses the same ones to offer
 * only the actions that will be accepted. */
#pragma once

#include <glib.h>

#include "hz-consult-state.h"

G_BEGIN_DECLS

#define HZ_CONSULT_WORKFLOW_ERROR (hz_consult_workflow_error_quark ())

typedef enum {
  HZ_CONSULT_WORKFLOW_ERROR_UNKNOWN_ACTION,
  HZ_CONSULT_WORKFLOW_ERROR_ILLEGAL,        /* not from this state */
  HZ_CONSULT_WORKFLOW_ERROR_NOT_ALLOWED,    /* not for this person */
} HzConsultWorkflowError;

/* An account's role on the hub. */
typedef enum {
  HZ_ROLE_REQUESTER,     /* township or village doctor */
  HZ_ROLE_SPECIALIST,
  HZ_ROLE_COORDINATOR,   /* hospital telemedicine office */
  HZ_ROLE_ADMIN,
  HZ_N_ROLES
} HzRole;

/* How the person acting stands to this consult; several can hold. */
typedef enum {
  HZ_PARTY_NONE        = 0,
  HZ_PARTY_REQUESTER   = 1 << 0,  /* the doctor who sent it */
  HZ_PARTY_RESPONDER   = 1 << 1,  /* the specialist who accepted it */
  HZ_PARTY_CANDIDATE   = 1 << 2,  /* a specialist it is addressed to, not yet accepted */
  HZ_PARTY_COORDINATOR = 1 << 3,  /* coordinator of either institution */
  HZ_PARTY_SYSTEM      = 1 << 4,  /* the hub itself (expiry) */
} HzConsultParty;

typedef enum {
  HZ_CONSULT_ACTION_ACCEPT,
  HZ_CONSULT_ACTION_DECLINE,
  HZ_CONSULT_ACTION_REQUEST_INFO,
  HZ_CONSULT_ACTION_PROVIDE_INFO,
  HZ_CONSULT_ACTION_ASSIGN,
  HZ_CONSULT_ACTION_CANCEL,
  HZ_CONSULT_ACTION_START_SESSION,
  HZ_CONSULT_ACTION_END_SESSION,
  HZ_CONSULT_ACTION_REPORT,
  HZ_CONSULT_ACTION_CLOSE,
  HZ_CONSULT_ACTION_EXPIRE,
  HZ_N_CONSULT_ACTIONS
} HzConsultAction;

typedef enum {
  HZ_URGENCY_ROUTINE,
  HZ_URGENCY_URGENT,
  HZ_URGENCY_EMERGENCY,
  HZ_N_URGENCIES
} HzUrgency;

GQuark      hz_consult_workflow_error_quark (void);

const char *hz_role_to_string            (HzRole           role);
gboolean    hz_role_from_string          (const char      *name,
                                          HzRole          *role);
const char *hz_consult_action_to_string  (HzConsultAction  action);
gboolean    hz_consult_action_from_string (const char     *name,
                                          HzConsultAction *action);
const char *hz_urgency_to_string         (HzUrgency        urgency);
gboolean    hz_urgency_from_string       (const char      *name,
                                          HzUrgency       *urgency);
gint64      hz_urgency_expiry_seconds    (HzUrgency        urgency);

gboolean    hz_consult_action_needs_reason (HzConsultAction action);

gboolean    hz_consult_workflow_apply    (HzConsultState   from,
                                          HzConsultAction  action,
                                          HzConsultParty   parties,
                                          HzConsultState  *to,
                                          GError         **error);
gboolean    hz_consult_workflow_allows   (HzConsultState   from,
                                          HzConsultAction  action,
                                          HzConsultParty   parties);

G_END_DECLS
