/* hz-hub-demo.h: the demo network: two institutions, their doctors, and
 * the three fixture cases waiting as requests. */
#pragma once

#include "hz-hub-store.h"

G_BEGIN_DECLS

#define HZ_HUB_DEMO_PASSWORD "huizhen-demo"

gboolean hz_hub_demo_seed (HzHubStore  *store,
                           const char  *demo_dir,
                           GError     **error);

gboolean hz_hub_demo_add_load_users (HzHubStore  *store,
                                     guint        n_pairs,
                                     GError     **error);

G_END_DECLS
