#include "client/cli/exit_now.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace leancache::cli {

void ExitNow(int code) {
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  ::_exit(code);
}

}  // namespace leancache::cli
