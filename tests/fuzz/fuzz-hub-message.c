/* fuzz-hub-message.c: what the hub client reads from the network: any
 * bytes as a WebSocket message (dispatched to its signals) and as a REST
 * reply body, for a success and for a refusal. Never a crash; a refusal
 * always says why. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "hz-hub-client-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static HzHubClient *client;
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  static const guint statuses[] = { 200, 201, 401, 409, 422, 500 };

  if (client == NULL)
    client = hz_hub_client_new ("http://127.0.0.1:9/", NULL, NULL);
  _hz_hub_client_handle_message (client, bytes);

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      HzHubReply reply = { statuses[i], bytes, NULL, FALSE };
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) object = _hz_hub_reply_to_object (&reply, &error);

      if (object == NULL && error == NULL)
        abort ();
      if (object != NULL && statuses[i] >= 300)
        abort ();
    }
  return 0;
}
