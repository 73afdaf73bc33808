/* hz-hub-restart.h: bring a killed test hub back on the same port. */
#pragma once

#include "hz-hub-harness.h"

G_BEGIN_DECLS

void hz_hub_restart (HzHub *hub);

G_END_DECLS
