/* fuzz-canonical-json.c: any bytes in, a clear error or a canonical form
 * that reads back as itself; never a crash, never unbounded recursion. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hz-canonical-json.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *once = NULL;
  g_autofree char *twice = NULL;

  once = hz_canonical_json_from_string ((const char *) data, (gssize) size, FALSE, &error);
  if (once == NULL)
    {
      if (error == NULL)
        abort ();  /* a refusal must say why */
      return 0;
    }
  twice = hz_canonical_json_from_string (once, -1, FALSE, &error);
  if (twice == NULL || strcmp (once, twice) != 0)
    abort ();  /* canonical form must be a fixed point */
  return 0;
}
