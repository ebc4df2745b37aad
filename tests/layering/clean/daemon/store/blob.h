#pragma once  // fixture: stores may use core
#include "daemon/core/state.h"
