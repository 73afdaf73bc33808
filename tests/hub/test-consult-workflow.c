/* test-consult-workflow.c: every state × action × party, against the
 * journeys in DESIGN.md. */
#include "config.h"

#include "hz-consult-workflow.h"

#define S(x) HZ_CONSULT_STATE_##x
#define A(x) HZ_CONSULT_ACTION_##x
#define P(x) HZ_PARTY_##x

typedef struct {
  HzConsultAction action;
  HzConsultState  from;
  HzConsultParty  party;
  HzConsultState  to;
} Legal;

/* Written from the design, not from the table in the code. */
static const Legal legal[] = {
  { A (ACCEPT), S (REQUESTED), P (CANDIDATE), S (ACCEPTED) },
  { A (DECLINE), S (REQUESTED), P (CANDIDATE), S (DECLINED) },
  { A (DECLINE), S (REQUESTED), P (COORDINATOR), S (DECLINED) },
  { A (DECLINE), S (INFO_REQUESTED), P (CANDIDATE), S (DECLINED) },
  { A (DECLINE), S (INFO_REQUESTED), P (COORDINATOR), S (DECLINED) },
  { A (REQUEST_INFO), S (REQUESTED), P (CANDIDATE), S (INFO_REQUESTED) },
  { A (PROVIDE_INFO), S (INFO_REQUESTED), P (REQUESTER), S (REQUESTED) },
  { A (ASSIGN), S (REQUESTED), P (COORDINATOR), S (REQUESTED) },
  { A (ASSIGN), S (INFO_REQUESTED), P (COORDINATOR), S (INFO_REQUESTED) },
  { A (ASSIGN), S (ACCEPTED), P (COORDINATOR), S (ACCEPTED) },
  { A (CANCEL), S (REQUESTED), P (REQUESTER), S (CANCELLED) },
  { A (CANCEL), S (INFO_REQUESTED), P (REQUESTER), S (CANCELLED) },
  { A (CANCEL), S (ACCEPTED), P (REQUESTER), S (CANCELLED) },
  { A (CANCEL), S (REQUESTED), P (COORDINATOR), S (CANCELLED) },
  { A (CANCEL), S (INFO_REQUESTED), P (COORDINATOR), S (CANCELLED) },
  { A (CANCEL), S (ACCEPTED), P (COORDINATOR), S (CANCELLED) },
  { A (START_SESSION), S (ACCEPTED), P (REQUESTER), S (IN_SESSION) },
  { A (START_SESSION), S (ACCEPTED), P (RESPONDER), S (IN_SESSION) },
  { A (END_SESSION), S (IN_SESSION), P (REQUESTER), S (ACCEPTED) },
  { A (END_SESSION), S (IN_SESSION), P (RESPONDER), S (ACCEPTED) },
  { A (REPORT), S (ACCEPTED), P (RESPONDER), S (REPORTED) },    /* store-and-forward */
  { A (REPORT), S (IN_SESSION), P (RESPONDER), S (REPORTED) },
  { A (CLOSE), S (REPORTED), P (REQUESTER), S (CLOSED) },
  { A (CLOSE), S (REPORTED), P (COORDINATOR), S (CLOSED) },
  { A (EXPIRE), S (REQUESTED), P (SYSTEM), S (EXPIRED) },
  { A (EXPIRE), S (INFO_REQUESTED), P (SYSTEM), S (EXPIRED) },
};

static const Legal *
find_legal (HzConsultAction action,
            HzConsultState  from,
            HzConsultParty  party)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (legal); i++)
    if (legal[i].action == action && legal[i].from == from && legal[i].party == party)
      return &legal[i];
  return NULL;
}

static void
test_every_cell (void)
{
  static const HzConsultParty parties[] = {
    P (REQUESTER), P (RESPONDER), P (CANDIDATE), P (COORDINATOR), P (SYSTEM), P (NONE),
  };
  guint s, a, p, n_legal = 0;

  for (s = 0; s < HZ_N_CONSULT_STATES; s++)
    for (a = 0; a < HZ_N_CONSULT_ACTIONS; a++)
      for (p = 0; p < G_N_ELEMENTS (parties); p++)
        {
          g_autoptr(GError) error = NULL;
          const Legal *expected = find_legal (a, s, parties[p]);
          HzConsultState to = HZ_N_CONSULT_STATES;
          gboolean ok = hz_consult_workflow_apply (s, a, parties[p], &to, &error);

          if (expected)
            {
              g_assert_no_error (error);
              g_assert_true (ok);
              g_assert_cmpint (to, ==, expected->to);
              n_legal++;
            }
          else
            {
              g_assert_false (ok);
              g_assert_nonnull (error);
              g_assert_true (error->code == HZ_CONSULT_WORKFLOW_ERROR_ILLEGAL ||
                             error->code == HZ_CONSULT_WORKFLOW_ERROR_NOT_ALLOWED);
            }
        }
  g_assert_cmpuint (n_legal, ==, G_N_ELEMENTS (legal));
}

static void
test_final_states_are_final (void)
{
  guint s, a;

  for (s = 0; s < HZ_N_CONSULT_STATES; s++)
    {
      if (!hz_consult_state_is_final (s))
        continue;
      for (a = 0; a < HZ_N_CONSULT_ACTIONS; a++)
        g_assert_false (hz_consult_workflow_allows (s, a, P (REQUESTER) | P (RESPONDER) | P (CANDIDATE) |
                                                          P (COORDINATOR) | P (SYSTEM)));
    }
}

static void
test_error_kinds (void)
{
  g_autoptr(GError) error = NULL;

  /* the right person at the wrong moment, and the reverse */
  g_assert_false (hz_consult_workflow_apply (S (CLOSED), A (ACCEPT), P (CANDIDATE), NULL, &error));
  g_assert_error (error, HZ_CONSULT_WORKFLOW_ERROR, HZ_CONSULT_WORKFLOW_ERROR_ILLEGAL);
  g_clear_error (&error);
  g_assert_false (hz_consult_workflow_apply (S (REQUESTED), A (ACCEPT), P (REQUESTER), NULL, &error));
  g_assert_error (error, HZ_CONSULT_WORKFLOW_ERROR, HZ_CONSULT_WORKFLOW_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  g_assert_false (hz_consult_workflow_apply (S (REQUESTED), HZ_N_CONSULT_ACTIONS, P (SYSTEM), NULL, &error));
  g_assert_error (error, HZ_CONSULT_WORKFLOW_ERROR, HZ_CONSULT_WORKFLOW_ERROR_UNKNOWN_ACTION);
}

static void
test_names (void)
{
  guint i;

  for (i = 0; i < HZ_N_CONSULT_ACTIONS; i++)
    {
      HzConsultAction back;
      g_assert_true (hz_consult_action_from_string (hz_consult_action_to_string (i), &back));
      g_assert_cmpint (back, ==, i);
    }
  for (i = 0; i < HZ_N_ROLES; i++)
    {
      HzRole back;
      g_assert_true (hz_role_from_string (hz_role_to_string (i), &back));
      g_assert_cmpint (back, ==, i);
    }
  g_assert_false (hz_consult_action_from_string ("explode", NULL));
  g_assert_false (hz_urgency_from_string ("whenever", NULL));
  g_assert_true (hz_consult_action_needs_reason (A (DECLINE)));
  g_assert_false (hz_consult_action_needs_reason (A (ACCEPT)));
  g_assert_cmpint (hz_urgency_expiry_seconds (HZ_URGENCY_EMERGENCY), <, hz_urgency_expiry_seconds (HZ_URGENCY_URGENT));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/consult-workflow/every-cell", test_every_cell);
  g_test_add_func ("/core/consult-workflow/final-states", test_final_states_are_final);
  g_test_add_func ("/core/consult-workflow/errors", test_error_kinds);
  g_test_add_func ("/core/consult-workflow/names", test_names);
  return g_test_run ();
}
