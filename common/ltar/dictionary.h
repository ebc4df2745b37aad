// The zstd dictionary used by LGZ payloads (modes 1 and 5): leangz's dict/v1.dict
// (Apache-2.0, see common/ltar/data/NOTICE), embedded in the binary.
#pragma once

#include <string_view>

namespace leancache::ltar {

// The 486 250 dictionary bytes (dictionary ID 0x5F4737D2).
std::string_view LeangzDictionary();

}  // namespace leancache::ltar
