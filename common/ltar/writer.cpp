#include "common/ltar/writer.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/fs/atomic_file.h"
#include "common/fs/fd.h"
#include "common/ltar/lgz_bridge.h"
#include "common/ltar/trace.h"
#include "common/ltar/zstd_codec.h"

namespace leancache::ltar {
namespace {

void PutU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

absl::Status PutCStr(std::string& out, std::string_view s, std::string_view what) {
  if (s.find('\0') != std::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(what), " contains a NUL byte"));
  }
  out.append(s);
  out.push_back('\0');
  return absl::OkStatus();
}

// Rust Path::extension(): text after the last '.' of the last component, unless that '.' is
// the component's first character.
std::string_view Extension(std::string_view name) {
  while (!name.empty() && name.back() == '/') name.remove_suffix(1);
  size_t slash = name.rfind('/');
  std::string_view file = slash == std::string_view::npos ? name : name.substr(slash + 1);
  if (file == "..") return {};
  size_t dot = file.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  return file.substr(dot + 1);
}

bool IsRealOlean(const PackSource& s) {
  return Extension(s.name) == "olean" && absl::StartsWith(s.content, "olean");
}

class Builder {
 public:
  explicit Builder(BuiltArchive& out) : out_(out) {}

  absl::Status PutPath(uint8_t base, std::string_view name) {
    if (out_.version == ContainerVersion::kV3) {
      out_.bytes.push_back(static_cast<char>(base));
    } else if (base != 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "'", std::string(name), "': a base index other than 0 (-i) needs an LTR3 archive "
          "(a trace with schemaVersion)"));
    }
    if (name.empty()) return absl::InvalidArgumentError("empty file name");
    return PutCStr(out_.bytes, name, absl::StrCat("file name '", std::string(name), "'"));
  }

  absl::Status Comment(const PackSource& s) {
    if (out_.version == ContainerVersion::kV3) out_.bytes.push_back('\0');
    out_.bytes.push_back('\0');
    if (absl::Status st = PutCStr(out_.bytes, s.name, "comment"); !st.ok()) return st;
    out_.entries.push_back(PackedEntry{true, s.name, Mode::kZstd, {}});
    return absl::OkStatus();
  }

  absl::Status ZstdPayload(std::string_view data, bool dict) {
    absl::StatusOr<std::string> z = dict ? ZstdCompressWithDictionary(data) : ZstdCompress(data);
    if (!z.ok()) return z.status();
    PutU64(out_.bytes, z->size());
    out_.bytes.append(*z);
    return absl::OkStatus();
  }

  // Mode 1 / 2 / 0 for one file (§4.2, without the lossy mode-2 cases).
  absl::Status Single(const PackSource& s) {
    if (absl::Status st = PutPath(s.base, s.name); !st.ok()) return st;
    PackedEntry info{false, s.name, Mode::kZstd, {}};
    uint64_t value;
    if (IsRealOlean(s)) {
      std::string_view files[] = {s.content};
      absl::StatusOr<std::string> lgz = LgzEncodeVerified(files);
      if (lgz.ok()) {
        info.mode = Mode::kLgz;
        out_.bytes.push_back(static_cast<char>(Mode::kLgz));
        if (absl::Status st = ZstdPayload(*lgz, true); !st.ok()) return st;
        out_.entries.push_back(std::move(info));
        return absl::OkStatus();
      }
    } else if (IsCanonicalDecimalU64(s.content, &value)) {
      info.mode = Mode::kHashPlain;
      out_.bytes.push_back(static_cast<char>(Mode::kHashPlain));
      PutU64(out_.bytes, value);
      out_.entries.push_back(std::move(info));
      return absl::OkStatus();
    }
    out_.bytes.push_back(static_cast<char>(Mode::kZstd));
    if (absl::Status st = ZstdPayload(s.content, false); !st.ok()) return st;
    out_.entries.push_back(std::move(info));
    return absl::OkStatus();
  }

  // .olean + .olean.server + .olean.private: mode 5 if the LGZ codec round-trips them, else
  // three separate entries (never dropping any file).
  absl::Status Module(const PackSource& o, const PackSource& s, const PackSource& p) {
    if (IsRealOlean(o)) {
      std::string_view files[] = {o.content, s.content, p.content};
      absl::StatusOr<std::string> lgz = LgzEncodeVerified(files);
      if (lgz.ok()) {
        size_t mark = out_.bytes.size();
        absl::Status st = PutPath(o.base, o.name);
        if (st.ok()) {
          out_.bytes.push_back(static_cast<char>(Mode::kLgzModule));
          st = PutPath(s.base, s.name);
        }
        if (st.ok()) st = PutPath(p.base, p.name);
        if (st.ok()) st = ZstdPayload(*lgz, true);
        if (!st.ok()) {
          out_.bytes.resize(mark);
          return st;
        }
        out_.entries.push_back(PackedEntry{false, o.name, Mode::kLgzModule, {s.name, p.name}});
        return absl::OkStatus();
      }
    }
    for (const PackSource* f : {&o, &s, &p}) {
      if (absl::Status st = Single(*f); !st.ok()) return st;
    }
    return absl::OkStatus();
  }

 private:
  BuiltArchive& out_;
};

}  // namespace

absl::StatusOr<BuiltArchive> BuildArchive(std::string_view trace_name, std::string_view trace_text,
                                          const std::vector<PackSource>& items) {
  absl::StatusOr<TracePlan> plan = PlanTrace(trace_text, trace_name);
  if (!plan.ok()) return plan.status();
  BuiltArchive out;
  out.version = plan->version;
  out.dep_hash = plan->dep_hash;
  out.bytes.append(MagicFor(plan->version));
  PutU64(out.bytes, plan->dep_hash);
  if (trace_name.empty()) return absl::InvalidArgumentError("empty trace file name");
  if (absl::Status st = PutCStr(out.bytes, trace_name, "trace file name"); !st.ok()) return st;
  if (plan->version != ContainerVersion::kV1) {
    out.trace_mode = plan->entry_mode;
    out.bytes.push_back(static_cast<char>(plan->entry_mode));
    if (plan->entry_mode == Mode::kHashJson) {
      PutU64(out.bytes, plan->dep_hash);
    } else {
      absl::StatusOr<std::string> z = ZstdCompress(plan->entry_text);
      if (!z.ok()) return z.status();
      PutU64(out.bytes, z->size());
      out.bytes.append(*z);
    }
  }

  // Module grouping (§4.3): ".olean.private" right after ungrouped ".olean", ".olean.server".
  struct Unit {
    bool comment;
    std::vector<size_t> files;
  };
  std::vector<Unit> units;
  for (size_t i = 0; i < items.size(); ++i) {
    const PackSource& it = items[i];
    if (it.kind == PackSource::Kind::kComment) {
      units.push_back(Unit{true, {i}});
      continue;
    }
    size_t n = units.size();
    if (absl::EndsWith(it.name, ".olean.private") && n >= 2 && !units[n - 1].comment &&
        units[n - 1].files.size() == 1 && !units[n - 2].comment &&
        units[n - 2].files.size() == 1 &&
        absl::EndsWith(items[units[n - 2].files[0]].name, ".olean") &&
        absl::EndsWith(items[units[n - 1].files[0]].name, ".olean.server")) {
      size_t o = units[n - 2].files[0];
      size_t s = units[n - 1].files[0];
      units.resize(n - 2);
      units.push_back(Unit{false, {o, s, i}});
      continue;
    }
    units.push_back(Unit{false, {i}});
  }

  Builder b(out);
  for (const Unit& u : units) {
    absl::Status st;
    if (u.comment) {
      st = b.Comment(items[u.files[0]]);
    } else if (u.files.size() == 3) {
      st = b.Module(items[u.files[0]], items[u.files[1]], items[u.files[2]]);
    } else {
      st = b.Single(items[u.files[0]]);
    }
    if (!st.ok()) return st;
  }
  return out;
}

absl::StatusOr<BuiltArchive> PackArchive(const std::string& out_path,
                                         const std::vector<std::string>& bases,
                                         std::string_view trace_name,
                                         const std::vector<PackItem>& items) {
  auto input_path = [&](uint8_t base, const std::string& name) -> absl::StatusOr<std::string> {
    if (base >= bases.size()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "not enough base paths (expected > ", static_cast<int>(base), ")"));
    }
    if (!name.empty() && name.front() == '/') return name;  // Path::join: absolute replaces base
    const std::string& b = bases[base];
    if (b.empty()) return name;
    return b.back() == '/' ? b + name : absl::StrCat(b, "/", name);
  };
  if (bases.empty()) return absl::FailedPreconditionError("not enough base paths (expected > 0)");
  absl::StatusOr<std::string> tpath = input_path(0, std::string(trace_name));
  if (!tpath.ok()) return tpath.status();
  absl::StatusOr<std::string> trace_text = fs::ReadFile(*tpath);
  if (!trace_text.ok()) return trace_text.status();

  std::vector<PackSource> sources;
  sources.reserve(items.size());
  for (const PackItem& it : items) {
    PackSource s;
    s.kind = it.kind;
    s.base = it.base;
    s.name = it.text;
    if (it.kind == PackSource::Kind::kFile) {
      absl::StatusOr<std::string> p = input_path(it.base, it.text);
      if (!p.ok()) return p.status();
      absl::StatusOr<std::string> content = fs::ReadFile(*p);
      if (!content.ok()) return content.status();
      s.content = *std::move(content);
    }
    sources.push_back(std::move(s));
  }
  absl::StatusOr<BuiltArchive> built = BuildArchive(trace_name, *trace_text, sources);
  if (!built.ok()) return built.status();

  absl::StatusOr<fs::AtomicFile> f = fs::AtomicFile::Create(out_path);
  if (!f.ok()) return f.status();
  if (absl::Status st = f->Write(built->bytes); !st.ok()) return st;
  if (absl::Status st = f->Commit(); !st.ok()) return st;
  return built;
}

}  // namespace leancache::ltar
