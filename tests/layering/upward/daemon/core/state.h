#pragma once  // fixture: core must not use the jobs layer
#include "daemon/get/job.h"
