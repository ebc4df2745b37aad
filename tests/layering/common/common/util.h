#pragma once  // fixture: common/ must not use the daemon
#include "daemon/core/state.h"
