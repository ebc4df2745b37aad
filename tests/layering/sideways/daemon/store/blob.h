#pragma once  // fixture: store -> transfer is not a declared edge
#include "daemon/transfer/transport.h"
