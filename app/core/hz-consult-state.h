/* hz-consult-state.h: the states a consult passes through. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* requested → accepted → in_session → reported → closed, with
 * info_requested as a loop back to requested, store-and-forward as
 * accepted → reported, and declined, cancelled, expired as side exits.
 * Who may make which move is decided by the consult workflow. */
typedef enum {
  HZ_CONSULT_STATE_REQUESTED,
  HZ_CONSULT_STATE_INFO_REQUESTED,
  HZ_CONSULT_STATE_ACCEPTED,
  HZ_CONSULT_STATE_IN_SESSION,
  HZ_CONSULT_STATE_REPORTED,
  HZ_CONSULT_STATE_CLOSED,
  HZ_CONSULT_STATE_DECLINED,
  HZ_CONSULT_STATE_CANCELLED,
  HZ_CONSULT_STATE_EXPIRED,
  HZ_N_CONSULT_STATES
} HzConsultState;

const char *hz_consult_state_to_string   (HzConsultState  state);
gboolean    hz_consult_state_from_string (const char     *name,
                                          HzConsultState *state);
gboolean    hz_consult_state_is_final    (HzConsultState  state);

G_END_DECLS
