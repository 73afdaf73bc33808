/* hz-hub-access.c: the one place that decides who is party to a consult.
 * Patient data goes only to those parties: the requester, the responder,
 * the specialists it is addressed to (so they can read before
 * accepting), and the coordinators of the two institutions. */
#include "config.h"

#include "hz-hub-access.h"

HzConsultParty
hz_hub_access_parties (const HzHubUser    *user,
                       const HzHubConsult *c)
{
  HzConsultParty parties = HZ_PARTY_NONE;

  if (g_strcmp0 (user->id, c->requester_id) == 0)
    parties |= HZ_PARTY_REQUESTER;
  if (c->responder_id && g_strcmp0 (user->id, c->responder_id) == 0)
    parties |= HZ_PARTY_RESPONDER;
  if (user->role == HZ_ROLE_SPECIALIST && c->responder_id == NULL &&
      (c->target_specialist ? g_strcmp0 (c->target_specialist, user->id) == 0
                            : (user->department_id && g_strcmp0 (user->department_id, c->target_department) == 0)))
    parties |= HZ_PARTY_CANDIDATE;
  if (user->role == HZ_ROLE_COORDINATOR &&
      (g_strcmp0 (user->institution_id, c->requester_institution) == 0 ||
       g_strcmp0 (user->institution_id, c->target_institution) == 0))
    parties |= HZ_PARTY_COORDINATOR;
  return parties;
}

gboolean
hz_hub_access_may_see (const HzHubUser    *user,
                       const HzHubConsult *consult)
{
  return hz_hub_access_parties (user, consult) != HZ_PARTY_NONE;
}
