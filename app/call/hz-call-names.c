/* hz-call-names.c: names of HzCall's states, end reasons and quality
 * levels (for logs and the consultation log), and the hub's TURN reply as
 * webrtcbin ICE server URIs. */
#include "config.h"

#include <string.h>

#include "hz-call.h"

static const char * const state_names[] = {
  "idle", "ringing-out", "ringing-in", "connecting", "connected", "reconnecting", "ended",
};
static const char * const end_names[] = {
  "none", "hangup-local", "hangup-remote", "rejected", "busy", "cancelled",
  "no-answer", "peer-vanished", "bad-signal", "media-error",
};
static const char * const quality_names[] = {
  "good", "poor", "audio-only", "reconnecting",
};

const char *
hz_call_state_to_string (HzCallState state)
{
  g_return_val_if_fail (state < G_N_ELEMENTS (state_names), NULL);
  return state_names[state];
}

const char *
hz_call_end_reason_to_string (HzCallEndReason reason)
{
  g_return_val_if_fail (reason < G_N_ELEMENTS (end_names), NULL);
  return end_names[reason];
}

const char *
hz_call_quality_to_string (HzCallQuality quality)
{
  g_return_val_if_fail (quality < G_N_ELEMENTS (quality_names), NULL);
  return quality_names[quality];
}

/* The hub's `GET /api/v1/turn` reply ({"ice_servers": [{"urls": [...],
 * "username", "credential"}]}) as webrtcbin URIs: "turn://USER:PASS@HOST:PORT"
 * (user and password escaped: the REST-API user name has a colon), and
 * "stun://HOST:PORT". Unknown schemes are skipped. */
GStrv
hz_call_ice_servers_from_json (JsonObject *turn_reply)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  JsonNode *node;
  JsonArray *servers;

  g_return_val_if_fail (turn_reply != NULL, NULL);
  node = json_object_get_member (turn_reply, "ice_servers");
  servers = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  for (guint i = 0; servers && i < json_array_get_length (servers); i++)
    {
      JsonNode *sn = json_array_get_element (servers, i);
      JsonObject *s = JSON_NODE_HOLDS_OBJECT (sn) ? json_node_get_object (sn) : NULL;
      JsonNode *un = s ? json_object_get_member (s, "urls") : NULL;
      JsonArray *urls = un && JSON_NODE_HOLDS_ARRAY (un) ? json_node_get_array (un) : NULL;
      const char *user = s ? json_object_get_string_member_with_default (s, "username", "") : "";
      const char *pass = s ? json_object_get_string_member_with_default (s, "credential", "") : "";
      g_autofree char *user_e = g_uri_escape_string (user, NULL, FALSE);
      g_autofree char *pass_e = g_uri_escape_string (pass, NULL, FALSE);

      for (guint j = 0; urls && j < json_array_get_length (urls); j++)
        {
          JsonNode *u = json_array_get_element (urls, j);
          const char *url = JSON_NODE_HOLDS_VALUE (u) && json_node_get_value_type (u) == G_TYPE_STRING
                            ? json_node_get_string (u) : "";
          g_autofree char *hostport = NULL;
          g_autofree char *uri = NULL;
          char *q;

          if (g_str_has_prefix (url, "turn:") || g_str_has_prefix (url, "turns:"))
            {
              gboolean tls = url[4] == 's';

              hostport = g_strdup (url + (tls ? 6 : 5));
              if ((q = strchr (hostport, '?')))
                *q = '\0';
              uri = g_strdup_printf ("%s://%s:%s@%s", tls ? "turns" : "turn", user_e, pass_e, hostport);
            }
          else if (g_str_has_prefix (url, "stun:"))
            uri = g_strdup_printf ("stun://%s", url + 5);
          if (uri != NULL && (hostport == NULL || *hostport != '\0'))
            g_strv_builder_add (b, uri);
        }
    }
  return g_strv_builder_end (b);
}
