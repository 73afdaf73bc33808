/* hz-consult-state.c: consult state names as they travel on the wire. */
#include "config.h"

#include "hz-consult-state.h"
#include "hz-enum-names.h"

static const char * const state_names[HZ_N_CONSULT_STATES] = {
  [HZ_CONSULT_STATE_REQUESTED] = "requested",
  [HZ_CONSULT_STATE_INFO_REQUESTED] = "info_requested",
  [HZ_CONSULT_STATE_ACCEPTED] = "accepted",
  [HZ_CONSULT_STATE_IN_SESSION] = "in_session",
  [HZ_CONSULT_STATE_REPORTED] = "reported",
  [HZ_CONSULT_STATE_CLOSED] = "closed",
  [HZ_CONSULT_STATE_DECLINED] = "declined",
  [HZ_CONSULT_STATE_CANCELLED] = "cancelled",
  [HZ_CONSULT_STATE_EXPIRED] = "expired",
};

const char *
hz_consult_state_to_string (HzConsultState state)
{
  g_return_val_if_fail (state < HZ_N_CONSULT_STATES, NULL);
  return state_names[state];
}

gboolean
hz_consult_state_from_string (const char     *name,
                              HzConsultState *state)
{
  return hz_enum_names_lookup (state_names, HZ_N_CONSULT_STATES, name, (guint *) state);
}

gboolean
hz_consult_state_is_final (HzConsultState state)
{
  return state == HZ_CONSULT_STATE_CLOSED ||
         state == HZ_CONSULT_STATE_DECLINED ||
         state == HZ_CONSULT_STATE_CANCELLED ||
         state == HZ_CONSULT_STATE_EXPIRED;
}
