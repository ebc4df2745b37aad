#pragma once  // fixture
