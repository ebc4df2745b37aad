#include "import_graph.h"

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/workspace/read_file.h"

namespace leancache::fixturegen {

absl::StatusOr<std::vector<GraphModule>> ReadImportGraph(const std::filesystem::path& file) {
  auto text = workspace::ReadFileBytes(file);
  if (!text.ok()) return text.status();
  std::vector<GraphModule> out;
  size_t line_no = 0;
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> cols = absl::StrSplit(line, '\t');
    GraphModule m;
    if (cols.size() < 2 || cols[0].empty() || !absl::SimpleAtoi(cols[1], &m.bytes)) {
      return absl::InvalidArgumentError(
          absl::StrCat(file.string(), ":", line_no, ": expected 'module<TAB>bytes<TAB>imports'"));
    }
    m.name = std::string(cols[0]);
    if (cols.size() > 2) {
      for (absl::string_view imp : absl::StrSplit(cols[2], ' ', absl::SkipEmpty())) {
        m.imports.emplace_back(imp);
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace leancache::fixturegen
