/* test-hub-turn.c: the TURN credentials huizhen-hub hands out, checked
 * against a real coturn started by the test: they allocate a relay;
 * forged, tampered and expired ones do not. */
#include "config.h"

#include <string.h>

#include "hz-coturn.h"
#include "hz-hub-harness.h"

#define SECRET "hz-turn-test-secret"

static void
test_turn_allocation (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzCoturn) coturn = hz_coturn_start (SECRET, &error);
  g_autoptr(HzHub) hub = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *config = NULL;
  g_autofree char *zhou = NULL;
  g_autofree char *output = NULL;
  g_autofree char *forged_user = NULL;
  g_autofree char *forged_pass = NULL;
  g_autofree char *old_user = NULL;
  g_autofree char *old_pass = NULL;
  g_autofree char *tampered = NULL;
  JsonObject *server;
  const char *username, *credential;
  guint status = 0;

  if (coturn == NULL)
    {
      g_autofree char *why = g_strdup_printf ("coturn cannot start here: %s", error->message);
      g_test_skip (why);
      return;
    }
  config = g_strdup_printf ("[turn]\nsecret=%s\nurls=%s\nttl=600\n", SECRET, hz_coturn_get_url (coturn));
  hub = hz_hub_start (config, NULL);
  zhou = hz_hub_login (hub, "dr.zhou");
  reply = hz_hub_call (hub, zhou, "GET", "turn", NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  server = json_array_get_object_element (json_object_get_array_member (json_node_get_object (reply), "ice_servers"), 0);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (server, "urls"), 0), ==,
                   hz_coturn_get_url (coturn));
  username = json_object_get_string_member (server, "username");
  credential = json_object_get_string_member (server, "credential");

  /* the hub's credentials: coturn allocates a relay */
  if (!hz_coturn_try_allocation (coturn, username, credential, &output))
    {
      g_autofree char *log = hz_coturn_get_log (coturn);
      g_error ("allocation with the hub's credentials failed:\n%s\n--- turnserver:\n%s", output, log);
    }
  g_clear_pointer (&output, g_free);

  /* signed with another secret */
  hz_coturn_credentials ("not-the-secret", g_get_real_time () / G_USEC_PER_SEC + 600, "dr.zhou",
                         &forged_user, &forged_pass);
  g_assert_false (hz_coturn_try_allocation (coturn, forged_user, forged_pass, &output));
  g_assert_nonnull (strstr (output, "Cannot complete Allocation"));
  g_clear_pointer (&output, g_free);

  /* the hub's password with a username stretched to a later expiry */
  tampered = g_strdup_printf ("%" G_GINT64_FORMAT "%s", g_ascii_strtoll (username, NULL, 10) + 86400,
                              strchr (username, ':'));
  g_assert_false (hz_coturn_try_allocation (coturn, tampered, credential, NULL));

  /* the right secret, but expired a minute ago */
  hz_coturn_credentials (SECRET, g_get_real_time () / G_USEC_PER_SEC - 60, "dr.zhou", &old_user, &old_pass);
  g_assert_false (hz_coturn_try_allocation (coturn, old_user, old_pass, &output));
  g_assert_nonnull (strstr (output, "Cannot complete Allocation"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub-turn/coturn-allocation", test_turn_allocation);
  return g_test_run ();
}
