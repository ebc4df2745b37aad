#include "daemon/editor/prefetch_order.h"

#include <algorithm>
#include <set>
#include <unordered_map>

namespace leancache::editor {

std::vector<std::string> PrefetchOrder(const std::map<std::string, keys::ModuleEntry>& closure,
                                       const std::vector<std::string>& roots) {
  // Heights by memoised DFS over the (acyclic: ComputeKeys rejects loops) import graph.
  std::unordered_map<std::string, int> height;
  std::vector<std::pair<const std::string*, size_t>> stack;  // module, next import index
  for (const auto& [name, entry] : closure) {
    if (height.count(name)) continue;
    stack.push_back({&name, 0});
    while (!stack.empty()) {
      auto& [mod, next] = stack.back();
      const auto& imports = closure.at(*mod).imports;
      bool descended = false;
      while (next < imports.size()) {
        const std::string& imp = imports[next++];
        auto it = closure.find(imp);
        if (it == closure.end() || height.count(imp)) continue;
        stack.push_back({&it->first, 0});
        descended = true;
        break;
      }
      if (descended) continue;
      int h = 0;
      for (const auto& imp : imports) {
        if (auto it = height.find(imp); it != height.end()) h = std::max(h, it->second + 1);
      }
      height[*mod] = h;
      stack.pop_back();
    }
  }
  std::set<std::string> imported;
  for (const auto& [name, entry] : closure) imported.insert(entry.imports.begin(), entry.imports.end());
  std::vector<std::string> order;
  for (const auto& [name, entry] : closure) {
    bool is_root = std::find(roots.begin(), roots.end(), name) != roots.end();
    if (is_root && !imported.count(name)) continue;
    order.push_back(name);
  }
  std::stable_sort(order.begin(), order.end(), [&height](const std::string& a, const std::string& b) {
    int ha = height.at(a), hb = height.at(b);
    return ha != hb ? ha < hb : a < b;
  });
  return order;
}

}  // namespace leancache::editor
