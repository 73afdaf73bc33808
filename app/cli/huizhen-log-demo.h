/* huizhen-log-demo.h: sample consults for trying huizhen-log. */
#pragma once

#include "hz-consult-log.h"

int huizhen_log_demo_fill (HzConsultLog *log);
