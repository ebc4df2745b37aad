#include "common/ltar/format.h"

#include "absl/strings/str_format.h"

namespace leancache::ltar {

std::string_view MagicFor(ContainerVersion v) {
  switch (v) {
    case ContainerVersion::kV1:
      return kMagicV1;
    case ContainerVersion::kV2:
      return kMagicV2;
    case ContainerVersion::kV3:
      break;
  }
  return kMagicV3;
}

std::optional<ContainerVersion> VersionForMagic(std::string_view magic) {
  if (magic == kMagicV1) return ContainerVersion::kV1;
  if (magic == kMagicV2) return ContainerVersion::kV2;
  if (magic == kMagicV3) return ContainerVersion::kV3;
  return std::nullopt;
}

std::string_view ModeName(Mode m) {
  switch (m) {
    case Mode::kZstd:
      return "zstd";
    case Mode::kLgz:
      return "lgz";
    case Mode::kHashPlain:
      return "hash";
    case Mode::kHashJson:
      return "hash-json";
    case Mode::kHashOutput:
      return "hash-output";
    case Mode::kLgzModule:
      return "lgz-module";
  }
  return "?";
}


}  // namespace leancache::ltar
