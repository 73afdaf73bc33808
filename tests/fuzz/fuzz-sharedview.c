/* fuzz-sharedview.c: any bytes from the peer give a clear error or a
 * message that writes out and reads back the same. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hz-shared-message.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HzSharedMessage) message = NULL;
  g_autoptr(HzSharedMessage) again = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text2 = NULL;

  message = hz_shared_message_parse ((const char *) data, (gssize) size, &error);
  if (message == NULL)
    {
      if (error == NULL)
        abort ();  /* a refusal must say why */
      return 0;
    }
  text = hz_shared_message_serialize (message, &error);
  if (text == NULL)
    abort ();  /* whatever we accept we can send on */
  again = hz_shared_message_parse (text, -1, &error);
  if (again == NULL)
    abort ();
  text2 = hz_shared_message_serialize (again, &error);
  if (text2 == NULL || strcmp (text, text2) != 0)
    abort ();  /* writing is a fixed point */
  return 0;
}
