#pragma once
// The order in which Prefetch fetches an import closure: leaves first.
//
// Each module of the closure gets its height — 0 for a module none of whose imports are in the
// closure, else 1 + the largest height of its imports — and the closure is sorted by (height,
// module name). Why leaves first: every prefix of this order is closed under imports, so
// whatever has arrived when a prefetch is cancelled or still running is a consistent set of
// build outputs that Lean/Lake can load, and the first arrivals are what everything else is
// built on (lake can already start building above them). The file itself is last in line: the
// editor elaborates it from source, so its own archive is not fetched (see PrefetchClosure).

#include <map>
#include <string>
#include <vector>

#include "common/keys/key_graph.h"

namespace leancache::editor {

// The modules of `closure` (as returned by keys::ClosureOf) in leaves-first order, without the
// `roots` themselves unless another member of the closure imports them.
std::vector<std::string> PrefetchOrder(const std::map<std::string, keys::ModuleEntry>& closure,
                                       const std::vector<std::string>& roots);

}  // namespace leancache::editor
