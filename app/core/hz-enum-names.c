/* hz-enum-names.c: one lookup for every enum that travels as a string. */
#include "config.h"

#include <string.h>

#include "hz-enum-names.h"

/* Finds @name in @names; its index is the enum value. */
gboolean
hz_enum_names_lookup (const char * const *names,
                      guint               n_names,
                      const char         *name,
                      guint              *value)
{
  guint i;

  if (name == NULL)
    return FALSE;
  for (i = 0; i < n_names; i++)
    if (names[i] && strcmp (names[i], name) == 0)
      {
        if (value)
          *value = i;
        return TRUE;
      }
  return FALSE;
}
