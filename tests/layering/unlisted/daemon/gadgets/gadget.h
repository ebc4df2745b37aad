#pragma once  // fixture: a folder daemon/layers.txt does not list
