/* hz-hub-access.h: who stands how to a consult, and who may see it. */
#pragma once

#include "hz-hub-records.h"

G_BEGIN_DECLS

HzConsultParty hz_hub_access_parties  (const HzHubUser    *user,
                                       const HzHubConsult *consult);
gboolean       hz_hub_access_may_see  (const HzHubUser    *user,
                                       const HzHubConsult *consult);

G_END_DECLS
