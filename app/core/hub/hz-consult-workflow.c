/* hz-consult-workflow.c: the consult's legal moves, in one table.
 *
 *   requested ─accept→ accepted ─start_session→ in_session ─report→ reported ─close→ closed
 *       │  ↑                 │ ↖────end_session──────┘                ↑
 *       │  └provide_info─ info_requested              accepted ─report┘ (store-and-forward)
 *       └request_info──────↗
 *   side exits: decline (requested, info_requested), cancel (before a
 *   session), expire (nobody accepted in time).
 *   assign (coordinator) re-addresses a consult without moving it.
 */
#include "config.h"

#include "hz-consult-workflow.h"
#include "hz-enum-names.h"

G_DEFINE_QUARK (hz-consult-workflow-error-quark, hz_consult_workflow_error)

#define ANY_OPEN ((1u << HZ_CONSULT_STATE_REQUESTED) | (1u << HZ_CONSULT_STATE_INFO_REQUESTED))
#define BIT(s) (1u << (s))

typedef struct {
  guint          from_states;  /* bit set of HzConsultState */
  HzConsultState to;           /* HZ_N_CONSULT_STATES: stays where it is */
  guint          parties;      /* who may: any of these */
  gboolean       needs_reason;
} Move;

static const Move moves[HZ_N_CONSULT_ACTIONS] = {
  [HZ_CONSULT_ACTION_ACCEPT] = { BIT (HZ_CONSULT_STATE_REQUESTED), HZ_CONSULT_STATE_ACCEPTED,
                                 HZ_PARTY_CANDIDATE, FALSE },
  [HZ_CONSULT_ACTION_DECLINE] = { ANY_OPEN, HZ_CONSULT_STATE_DECLINED,
                                  HZ_PARTY_CANDIDATE | HZ_PARTY_COORDINATOR, TRUE },
  [HZ_CONSULT_ACTION_REQUEST_INFO] = { BIT (HZ_CONSULT_STATE_REQUESTED), HZ_CONSULT_STATE_INFO_REQUESTED,
                                       HZ_PARTY_CANDIDATE, TRUE },
  [HZ_CONSULT_ACTION_PROVIDE_INFO] = { BIT (HZ_CONSULT_STATE_INFO_REQUESTED), HZ_CONSULT_STATE_REQUESTED,
                                       HZ_PARTY_REQUESTER, FALSE },
  [HZ_CONSULT_ACTION_ASSIGN] = { ANY_OPEN | BIT (HZ_CONSULT_STATE_ACCEPTED), HZ_N_CONSULT_STATES,
                                 HZ_PARTY_COORDINATOR, FALSE },
  [HZ_CONSULT_ACTION_CANCEL] = { ANY_OPEN | BIT (HZ_CONSULT_STATE_ACCEPTED), HZ_CONSULT_STATE_CANCELLED,
                                 HZ_PARTY_REQUESTER | HZ_PARTY_COORDINATOR, TRUE },
  [HZ_CONSULT_ACTION_START_SESSION] = { BIT (HZ_CONSULT_STATE_ACCEPTED), HZ_CONSULT_STATE_IN_SESSION,
                                        HZ_PARTY_REQUESTER | HZ_PARTY_RESPONDER, FALSE },
  [HZ_CONSULT_ACTION_END_SESSION] = { BIT (HZ_CONSULT_STATE_IN_SESSION), HZ_CONSULT_STATE_ACCEPTED,
                                      HZ_PARTY_REQUESTER | HZ_PARTY_RESPONDER, FALSE },
  [HZ_CONSULT_ACTION_REPORT] = { BIT (HZ_CONSULT_STATE_ACCEPTED) | BIT (HZ_CONSULT_STATE_IN_SESSION),
                                 HZ_CONSULT_STATE_REPORTED, HZ_PARTY_RESPONDER, FALSE },
  [HZ_CONSULT_ACTION_CLOSE] = { BIT (HZ_CONSULT_STATE_REPORTED), HZ_CONSULT_STATE_CLOSED,
                                HZ_PARTY_REQUESTER | HZ_PARTY_COORDINATOR, FALSE },
  [HZ_CONSULT_ACTION_EXPIRE] = { ANY_OPEN, HZ_CONSULT_STATE_EXPIRED, HZ_PARTY_SYSTEM, FALSE },
};

static const char * const action_names[HZ_N_CONSULT_ACTIONS] = {
  [HZ_CONSULT_ACTION_ACCEPT] = "accept",
  [HZ_CONSULT_ACTION_DECLINE] = "decline",
  [HZ_CONSULT_ACTION_REQUEST_INFO] = "request_info",
  [HZ_CONSULT_ACTION_PROVIDE_INFO] = "provide_info",
  [HZ_CONSULT_ACTION_ASSIGN] = "assign",
  [HZ_CONSULT_ACTION_CANCEL] = "cancel",
  [HZ_CONSULT_ACTION_START_SESSION] = "start_session",
  [HZ_CONSULT_ACTION_END_SESSION] = "end_session",
  [HZ_CONSULT_ACTION_REPORT] = "report",
  [HZ_CONSULT_ACTION_CLOSE] = "close",
  [HZ_CONSULT_ACTION_EXPIRE] = "expire",
};

static const char * const role_names[HZ_N_ROLES] = {
  [HZ_ROLE_REQUESTER] = "requester",
  [HZ_ROLE_SPECIALIST] = "specialist",
  [HZ_ROLE_COORDINATOR] = "coordinator",
  [HZ_ROLE_ADMIN] = "admin",
};

static const char * const urgency_names[HZ_N_URGENCIES] = {
  [HZ_URGENCY_ROUTINE] = "routine",
  [HZ_URGENCY_URGENT] = "urgent",
  [HZ_URGENCY_EMERGENCY] = "emergency",
};

const char *
hz_role_to_string (HzRole role)
{
  g_return_val_if_fail (role < HZ_N_ROLES, NULL);
  return role_names[role];
}

gboolean
hz_role_from_string (const char *name,
                     HzRole     *role)
{
  return hz_enum_names_lookup (role_names, HZ_N_ROLES, name, (guint *) role);
}

const char *
hz_consult_action_to_string (HzConsultAction action)
{
  g_return_val_if_fail (action < HZ_N_CONSULT_ACTIONS, NULL);
  return action_names[action];
}

gboolean
hz_consult_action_from_string (const char      *name,
                               HzConsultAction *action)
{
  return hz_enum_names_lookup (action_names, HZ_N_CONSULT_ACTIONS, name, (guint *) action);
}

const char *
hz_urgency_to_string (HzUrgency urgency)
{
  g_return_val_if_fail (urgency < HZ_N_URGENCIES, NULL);
  return urgency_names[urgency];
}

gboolean
hz_urgency_from_string (const char *name,
                        HzUrgency  *urgency)
{
  return hz_enum_names_lookup (urgency_names, HZ_N_URGENCIES, name, (guint *) urgency);
}

/* How long a request may wait for someone to accept it. Emergencies that
 * nobody takes must come back to the requester fast, so they can phone. */
gint64
hz_urgency_expiry_seconds (HzUrgency urgency)
{
  switch (urgency)
    {
    case HZ_URGENCY_EMERGENCY: return 30 * 60;
    case HZ_URGENCY_URGENT: return 6 * 60 * 60;
    case HZ_URGENCY_ROUTINE:
    default: return 72 * 60 * 60;
    }
}

gboolean
hz_consult_action_needs_reason (HzConsultAction action)
{
  g_return_val_if_fail (action < HZ_N_CONSULT_ACTIONS, FALSE);
  return moves[action].needs_reason;
}

gboolean
hz_consult_workflow_allows (HzConsultState  from,
                            HzConsultAction action,
                            HzConsultParty  parties)
{
  return hz_consult_workflow_apply (from, action, parties, NULL, NULL);
}

/**
 * hz_consult_workflow_apply:
 * @to: (out) (optional): the state after the move
 *
 * Checks a move: illegal from @from, or not for someone standing to the
 * consult as @parties, fails with the matching error.
 */
gboolean
hz_consult_workflow_apply (HzConsultState   from,
                           HzConsultAction  action,
                           HzConsultParty   parties,
                           HzConsultState  *to,
                           GError         **error)
{
  const Move *move;

  if (action >= HZ_N_CONSULT_ACTIONS || from >= HZ_N_CONSULT_STATES)
    {
      g_set_error (error, HZ_CONSULT_WORKFLOW_ERROR, HZ_CONSULT_WORKFLOW_ERROR_UNKNOWN_ACTION,
                   "unknown action or state");
      return FALSE;
    }
  move = &moves[action];
  /* Who first: "you may never do this" says more than "not now". */
  if ((move->parties & parties) == 0)
    {
      g_set_error (error, HZ_CONSULT_WORKFLOW_ERROR, HZ_CONSULT_WORKFLOW_ERROR_NOT_ALLOWED,
                   "you may not %s this consult", action_names[action]);
      return FALSE;
    }
  if ((move->from_states & BIT (from)) == 0)
    {
      g_set_error (error, HZ_CONSULT_WORKFLOW_ERROR, HZ_CONSULT_WORKFLOW_ERROR_ILLEGAL,
                   "a consult that is %s cannot be moved by “%s”",
                   hz_consult_state_to_string (from), action_names[action]);
      return FALSE;
    }
  if (to)
    *to = move->to == HZ_N_CONSULT_STATES ? from : move->to;
  return TRUE;
}
