/* fuzz-replay.c: runs a fuzz target over every file of its corpus, so the
 * ordinary (gcc) test suite keeps all found inputs as regression tests. */
#include "config.h"

#include <glib.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
main (int   argc,
      char *argv[])
{
  guint count = 0;
  int i;

  for (i = 1; i < argc; i++)
    {
      g_autoptr(GDir) dir = g_dir_open (argv[i], 0, NULL);
      const char *name;

      if (dir == NULL)
        g_error ("cannot open corpus %s", argv[i]);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (argv[i], name, NULL);
          g_autofree char *data = NULL;
          gsize len = 0;

          if (!g_file_get_contents (path, &data, &len, NULL))
            g_error ("cannot read %s", path);
          LLVMFuzzerTestOneInput ((const uint8_t *) data, len);
          count++;
        }
    }
  g_print ("replayed %u inputs\n", count);
  return count > 0 ? 0 : 1;
}
