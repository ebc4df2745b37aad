#pragma once  // fixture: the bottom layer
