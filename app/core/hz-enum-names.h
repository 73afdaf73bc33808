/* hz-enum-names.h: wire names of the small enums in core. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean hz_enum_names_lookup (const char * const *names,
                               guint               n_names,
                               const char         *name,
                               guint              *value);

G_END_DECLS
