#pragma once  // fixture: get -> project is a declared sideways edge
#include "daemon/core/state.h"
#include "daemon/get/job.h"
#include "daemon/project/keys.h"
