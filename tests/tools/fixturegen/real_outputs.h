// Realistic Lake build outputs for one module (fixturegen --real-oleans): real-format .olean /
// .olean.server / .olean.private images (a Lean 4 module-system triplet, LGZ mode 5 when packed)
// drawn from the object model the codec's property tests use (tests/unit/lgz/olean_generator),
// plus an .ilean (JSON) and a .c file (C text), at Mathlib's sizes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace leancache::fixturegen {

struct RealOutputs {
  std::vector<std::string> oleans;  // .olean, .olean.server, .olean.private
  std::string ilean;
  std::string c;
};

// Target bytes of a module's three oleans for a source of `source_bytes`: Mathlib's oleans are
// ~34x their source (mean ~0.4 MB over Mathlib, a tail to ~10 MB), times `scale`, at least 2 KiB.
uint64_t OleanTargetBytes(uint64_t source_bytes, double scale);

// The outputs of `module` (deterministic in module and seed). The oleans total roughly
// `olean_bytes`; the .ilean is ~12 % and the .c ~25 % of that.
RealOutputs MakeRealOutputs(const std::string& module, uint64_t olean_bytes, uint64_t seed);

}  // namespace leancache::fixturegen
