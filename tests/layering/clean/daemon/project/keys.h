#pragma once  // fixture: jobs may use stores and core
#include "daemon/store/blob.h"
