/* fuzz-multipart.c: any bytes, cut into chunks of any sizes, give parts
 * within the bound or a clear error; chunking never changes the result. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hz-multipart-reader.h"
#include "hz-part10-meta.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define BOUNDARY "hz-boundary"
#define MAX_PART 4096

static void
part_cb (const char *content_type,
         GBytes     *body,
         gpointer    user_data)
{
  GChecksum *sum = user_data;
  g_autofree char *uid = hz_part10_sop_instance_uid (body);

  if (g_bytes_get_size (body) > MAX_PART)
    abort ();  /* the bound must hold */
  g_checksum_update (sum, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_checksum_update (sum, (const guchar *) "|", 1);
  if (uid != NULL)
    g_checksum_update (sum, (const guchar *) uid, -1);
}

/* Returns the digest of all parts, or NULL on error. */
static char *
run (const uint8_t *data,
     size_t         size,
     const uint8_t *sizes,
     size_t         n_sizes)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(HzMultipartReader) reader = hz_multipart_reader_new (BOUNDARY, MAX_PART, part_cb, sum);
  g_autoptr(GError) error = NULL;
  size_t pos = 0;
  size_t i = 0;

  while (pos < size)
    {
      size_t chunk = n_sizes ? (size_t) sizes[i++ % n_sizes] + 1 : size;

      chunk = MIN (chunk, size - pos);
      if (!hz_multipart_reader_feed (reader, data + pos, chunk, &error))
        {
          if (error == NULL)
            abort ();
          return NULL;
        }
      pos += chunk;
    }
  if (!hz_multipart_reader_finish (reader, &error))
    {
      if (error == NULL)
        abort ();
      return NULL;
    }
  return g_strdup_printf ("%u:%s", hz_multipart_reader_get_n_parts (reader), g_checksum_get_string (sum));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *whole = NULL;
  g_autofree char *chunked = NULL;
  size_t n_sizes;

  /* The first byte says how many of the following bytes are chunk sizes. */
  if (size < 1)
    return 0;
  n_sizes = MIN ((size_t) data[0] % 16, size - 1);
  whole = run (data + 1 + n_sizes, size - 1 - n_sizes, NULL, 0);
  chunked = run (data + 1 + n_sizes, size - 1 - n_sizes, data + 1, n_sizes);
  if (g_strcmp0 (whole, chunked) != 0)
    abort ();
  return 0;
}
