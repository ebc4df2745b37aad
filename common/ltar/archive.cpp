#include "common/ltar/archive.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/fs/fd.h"

namespace leancache::ltar {
namespace {

// Sequential reader over the archive bytes; every read past the end is a DataLoss error.
class Cursor {
 public:
  Cursor(std::string_view data, const std::string& name) : data_(data), name_(name) {}

  bool AtEnd() const { return pos_ == data_.size(); }
  uint64_t pos() const { return pos_; }

  absl::Status Truncated(std::string_view what) const {
    return absl::DataLossError(absl::StrCat(name_, ": corrupted archive: truncated ",
                                            std::string(what), " at offset ", pos_));
  }

  absl::StatusOr<uint8_t> U8(std::string_view what) {
    if (pos_ >= data_.size()) return Truncated(what);
    return static_cast<uint8_t>(data_[pos_++]);
  }

  absl::StatusOr<uint64_t> U64(std::string_view what) {
    if (data_.size() - pos_ < 8) return Truncated(what);
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(data_[pos_ + i]);
    pos_ += 8;
    return v;
  }

  absl::StatusOr<std::string> CStr(std::string_view what) {
    size_t nul = data_.find('\0', pos_);
    if (nul == std::string_view::npos) return Truncated(what);
    std::string s(data_.substr(pos_, nul - pos_));
    pos_ = nul + 1;
    return s;
  }

  absl::StatusOr<uint64_t> Skip(uint64_t n, std::string_view what) {
    if (data_.size() - pos_ < n) return Truncated(what);
    uint64_t start = pos_;
    pos_ += n;
    return start;
  }

 private:
  std::string_view data_;
  const std::string& name_;
  uint64_t pos_ = 0;
};

#define LTAR_ASSIGN(lhs, expr)         \
  do {                                 \
    auto _r = (expr);                  \
    if (!_r.ok()) return _r.status();  \
    lhs = *std::move(_r);              \
  } while (0)

// Reads mode byte + payload of a file entry whose path has already been read.
absl::Status ReadBody(Cursor& c, ContainerVersion version, const std::string& name, bool is_trace,
                      Entry& e) {
  uint8_t mode;
  LTAR_ASSIGN(mode, c.U8("mode byte"));
  if (mode > 5) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": unsupported compression ", mode));
  }
  e.mode = static_cast<Mode>(mode);
  switch (e.mode) {
    case Mode::kLgzModule: {
      if (is_trace) {
        return absl::InvalidArgumentError(
            absl::StrCat(name, ": the trace entry cannot use compression 5"));
      }
      for (int i = 0; i < 2; ++i) {
        EntryPath p;
        if (version == ContainerVersion::kV3) LTAR_ASSIGN(p.base, c.U8("base index"));
        LTAR_ASSIGN(p.name, c.CStr("module path"));
        e.extra_paths.push_back(std::move(p));
      }
      [[fallthrough]];
    }
    case Mode::kZstd:
    case Mode::kLgz: {
      LTAR_ASSIGN(e.payload_size, c.U64("payload length"));
      LTAR_ASSIGN(e.payload_offset, c.Skip(e.payload_size, "payload"));
      return absl::OkStatus();
    }
    case Mode::kHashPlain:
    case Mode::kHashJson:
      LTAR_ASSIGN(e.value, c.U64("hash value"));
      return absl::OkStatus();
    case Mode::kHashOutput: {
      HashOutput& h = e.hash_output;
      LTAR_ASSIGN(h.dep_hash, c.U64("hash"));
      LTAR_ASSIGN(h.olean, c.U64("hash"));
      LTAR_ASSIGN(h.ilean, c.U64("hash"));
      LTAR_ASSIGN(h.c, c.U64("hash"));
      for (;;) {
        uint8_t tag;
        LTAR_ASSIGN(tag, c.U8("output tag"));
        if (tag == 0) break;
        uint64_t v;
        LTAR_ASSIGN(v, c.U64("hash"));
        if (tag == 1) {
          if (h.extra_oleans.size() >= 2) {
            return absl::InvalidArgumentError(absl::StrCat(name, ": too many olean outputs"));
          }
          h.extra_oleans.push_back(v);
        } else if (tag == 2) {
          if (h.bc) return absl::InvalidArgumentError(absl::StrCat(name, ": duplicate .bc output"));
          h.bc = v;
        } else {
          return absl::InvalidArgumentError(absl::StrCat(name, ": bad output tag ", tag));
        }
      }
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<std::string> Archive::comments() const {
  std::vector<std::string> out;
  for (const Entry& e : entries_) {
    if (e.kind == Entry::Kind::kComment) out.push_back(e.comment);
  }
  return out;
}

absl::StatusOr<Archive> Archive::ReadFile(const std::string& path) {
  absl::StatusOr<std::string> bytes = fs::ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  return Parse(*std::move(bytes), path);
}

absl::StatusOr<Archive> Archive::Parse(std::string bytes, std::string name) {
  Archive a;
  a.bytes_ = std::move(bytes);
  a.name_ = std::move(name);
  std::string_view data(a.bytes_);
  if (data.size() < 4) {
    return absl::DataLossError(absl::StrCat(a.name_, ": corrupted archive: truncated magic"));
  }
  std::string_view magic = data.substr(0, 4);
  if (auto version = VersionForMagic(magic)) {
    a.version_ = *version;
  } else if (magic == kMagicV4) {
    return absl::UnimplementedError(
        absl::StrCat(a.name_, ": LTR4 (leantar 0.1.20 -s) archives are not supported yet"));
  } else {
    return absl::InvalidArgumentError(absl::StrCat(a.name_, ": bad .ltar file"));
  }
  Cursor c(data, a.name_);
  (void)c.Skip(4, "magic");
  LTAR_ASSIGN(a.dep_hash_, c.U64("header hash"));
  LTAR_ASSIGN(a.trace_path_, c.CStr("trace path"));
  if (a.version_ != ContainerVersion::kV1) {
    Entry t;
    t.offset = c.pos();
    t.path = EntryPath{0, a.trace_path_};
    absl::Status st = ReadBody(c, a.version_, a.name_, /*is_trace=*/true, t);
    if (!st.ok()) return st;
    a.trace_entry_ = std::move(t);
  }
  while (!c.AtEnd()) {
    Entry e;
    e.offset = c.pos();
    if (a.version_ == ContainerVersion::kV3) {
      LTAR_ASSIGN(e.path.base, c.U8("base index"));
      if (c.AtEnd()) break;  // EOF right after an index byte is a clean end (spec §3.2)
    }
    LTAR_ASSIGN(e.path.name, c.CStr("entry name"));
    if (e.path.name.empty()) {
      e.kind = Entry::Kind::kComment;
      e.path.base = 0;
      LTAR_ASSIGN(e.comment, c.CStr("comment"));
    } else {
      absl::Status st = ReadBody(c, a.version_, a.name_, /*is_trace=*/false, e);
      if (!st.ok()) return st;
    }
    a.entries_.push_back(std::move(e));
  }
  return a;
}

}  // namespace leancache::ltar
