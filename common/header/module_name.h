// Lean module names as strings (spec: mathlib-cache.md §2.1, §2.4, §9.1).
//
// A module name is a list of raw components. Its canonical string form is Lean's
// `Name.toString`: components joined with '.', each escaped as «…» unless it is a plain
// identifier. All maps and messages in leancache use the canonical form.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace leancache::header {

// Lean `Name.toString` of a single-component name: `part` unchanged when it is a plain
// identifier (isIdFirst then isIdRest*), or when it cannot be escaped (contains '»') or is
// exempt (inaccessible/hygienic/pseudo-syntax names); otherwise «part».
std::string EscapeNamePart(std::string_view part);

// Canonical dotted form of raw components (EscapeNamePart of each, joined with '.').
std::string JoinModuleName(const std::vector<std::string>& parts);

// Parses a dotted module name with optional «…» escapes into raw components (Lean
// `String.toName` accepting only well-formed names). Errors (InvalidArgument) on an empty
// name, an empty component, an unterminated escape, or a component that is not an identifier.
absl::StatusOr<std::vector<std::string>> SplitModuleName(std::string_view name);

// The root (first) raw component of a canonical module name; "" if it does not parse.
std::string ModuleRoot(std::string_view name);

}  // namespace leancache::header
