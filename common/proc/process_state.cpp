#include "common/proc/process_state.h"

#include <errno.h>
#include <signal.h>

#include <fstream>
#include <sstream>
#include <string>

namespace leancache::proc {

bool ProcessEnded(pid_t pid) {
  if (::kill(pid, 0) != 0) return errno == ESRCH;
  // /proc/<pid>/stat is "pid (comm) state ...", and comm may contain ") ".
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::stringstream text;
  text << in.rdbuf();
  const std::string stat = text.str();
  const size_t close = stat.rfind(')');
  if (close == std::string::npos || close + 2 >= stat.size()) return false;
  const char state = stat[close + 2];
  return state == 'Z' || state == 'X';
}

}  // namespace leancache::proc
