#include "tests/unit/lgz/olean_builder.h"

#include <cstring>
#include <stdexcept>
#include <utility>

namespace leancache::lgz::testing {
namespace {

void Put64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
void Put32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
void Pad8(std::string& out) {
  while (out.size() % 8 != 0) out.push_back('\0');
}
void PutHeader(std::string& out, uint16_t cs_sz, uint8_t other, uint8_t tag) {
  Put32(out, 0);
  out.push_back(static_cast<char>(cs_sz & 0xFF));
  out.push_back(static_cast<char>(cs_sz >> 8));
  out.push_back(static_cast<char>(other));
  out.push_back(static_cast<char>(tag));
}
uint64_t Get64(const std::string& s, size_t at) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(s[at + i]);
  return v;
}

}  // namespace

uint64_t GenMix(uint64_t h, uint64_t k) {
  const uint64_t m = 0xc6a4a7935bd1e995ULL;
  k *= m;
  k ^= k >> 47;
  k ^= m;  // Lean's quirk: XOR, not multiply
  h ^= k;
  return h * m;
}

uint64_t GenStrHash(const std::string& s) {
  const uint64_t m = 0xc6a4a7935bd1e995ULL;
  const size_t len = s.size();
  uint64_t h = 11 ^ (len * m);
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t k = Get64(s, i);
    k *= m;
    k ^= k >> 47;
    k *= m;
    h ^= k;
    h *= m;
  }
  if (len % 8 != 0) {
    for (size_t j = 0; i + j < len; ++j) h ^= uint64_t{static_cast<uint8_t>(s[i + j])} << (8 * j);
    h *= m;
  }
  h ^= h >> 47;
  h *= m;
  h ^= h >> 47;
  return h;
}

Ref OleanBuilder::Add(Obj o) {
  objs_.push_back(std::move(o));
  return 2 * (objs_.size() - 1);
}

Ref OleanBuilder::Ctor(uint8_t tag, std::vector<Ref> fields, std::string scalars) {
  Pad8(scalars);
  Obj o{tag, static_cast<uint8_t>(fields.size()), false, std::move(fields), std::move(scalars)};
  return Add(std::move(o));
}
Ref OleanBuilder::Array(std::vector<Ref> elems) { return Add(Obj{246, 0, false, std::move(elems), {}}); }
Ref OleanBuilder::ScalarArray(std::string bytes, uint8_t elem_size) {
  return Add(Obj{248, elem_size, false, {}, std::move(bytes)});
}
Ref OleanBuilder::String(std::string utf8) { return Add(Obj{249, 0, false, {}, std::move(utf8)}); }
Ref OleanBuilder::Mpz(std::vector<uint64_t> limbs, bool negative) {
  std::string bytes;
  for (uint64_t l : limbs) Put64(bytes, l);
  return Add(Obj{250, 0, negative, {}, std::move(bytes)});
}
Ref OleanBuilder::Box(uint8_t tag, Ref v) { return Add(Obj{tag, 0, false, {v}, {}}); }

uint64_t OleanBuilder::ScalarWord(Ref r, size_t i) const { return Get64(objs_[r / 2].bytes, 8 * i); }

std::vector<std::string> OleanBuilder::Serialize(const std::vector<Ref>& roots, const HeaderOptions& opt) const {
  std::vector<uint64_t> addr(objs_.size(), 0);
  std::vector<char> placed(objs_.size(), 0);
  std::vector<std::string> files;
  uint64_t base = opt.base;
  for (Ref root : roots) {
    std::string out;
    if (opt.version == 0) {
      out = "oleanfile!!!!!!!";
    } else {
      out = "olean";
      out.push_back(static_cast<char>(opt.version));
      if (opt.version == 1) {
        out += opt.githash.substr(0, 40);
        out.append(2, '\0');
      } else {
        out.push_back(opt.gmp ? 1 : 0);
        std::string v = opt.lean_version;
        v.resize(33, '\0');
        out += v;
        out += opt.githash.substr(0, 40);
      }
    }
    const size_t base_at = out.size();
    Put64(out, base);
    Put64(out, 0);  // root, patched below
    auto value = [&](Ref r) { return IsScalarRef(r) ? r : addr[r / 2]; };
    // Iterative post-order DFS: (object, next field).
    std::vector<std::pair<size_t, size_t>> stack;
    auto visit = [&](Ref r) {
      if (!IsScalarRef(r) && !placed[r / 2]) {
        placed[r / 2] = 2;  // on stack
        stack.emplace_back(r / 2, 0);
      }
    };
    visit(root);
    while (!stack.empty()) {
      auto& [i, next] = stack.back();
      const Obj& o = objs_[i];
      if (next < o.ptrs.size()) {
        Ref child = o.ptrs[next++];
        if (!IsScalarRef(child) && placed[child / 2] == 2) throw std::logic_error("cycle in generated graph");
        visit(child);
        continue;
      }
      uint64_t a = base + out.size();
      addr[i] = a;
      placed[i] = 1;
      const size_t n = o.ptrs.size();
      switch (o.tag) {
        case 246:
          PutHeader(out, 1, 0, 246);
          Put64(out, n);
          Put64(out, n);
          for (Ref r : o.ptrs) Put64(out, value(r));
          break;
        case 248:
          PutHeader(out, 1, o.other, 248);
          Put64(out, o.bytes.size());
          Put64(out, o.bytes.size());
          out += o.bytes;
          break;
        case 249: {
          uint64_t chars = 0;
          for (char c : o.bytes) chars += (static_cast<uint8_t>(c) & 0xC0) != 0x80;
          PutHeader(out, 1, 0, 249);
          Put64(out, o.bytes.size() + 1);
          Put64(out, o.bytes.size() + 1);
          Put64(out, chars);
          out += o.bytes;
          out.push_back('\0');
          break;
        }
        case 250: {
          uint64_t cap = o.bytes.size() / 8;
          if (opt.gmp) {
            PutHeader(out, static_cast<uint16_t>((cap + 3) * 8), 0, 250);
            Put32(out, static_cast<uint32_t>(cap));
            Put32(out, static_cast<uint32_t>(o.negative ? -int64_t(cap) : int64_t(cap)));
            Put64(out, a + 24);
            out += o.bytes;
          } else {
            uint64_t top = Get64(o.bytes, 8 * (cap - 1));
            uint64_t digits = 2 * cap - ((top >> 32) == 0 ? 1 : 0);
            PutHeader(out, static_cast<uint16_t>((digits + 8) * 4), 0, 250);
            Put64(out, o.negative ? 1 : 0);
            Put64(out, digits);
            Put64(out, a + 32);
            out += o.bytes.substr(0, 4 * digits);
          }
          break;
        }
        case 251:
        case 252:
          PutHeader(out, 24, 0, o.tag);
          Put64(out, value(o.ptrs[0]));
          Put64(out, 0);
          break;
        case 253:
        case 244:
          PutHeader(out, 16, 0, o.tag);
          Put64(out, value(o.ptrs[0]));
          break;
        default:
          PutHeader(out, static_cast<uint16_t>(8 + 8 * n + o.bytes.size()), static_cast<uint8_t>(n), o.tag);
          for (Ref r : o.ptrs) Put64(out, value(r));
          out += o.bytes;
          break;
      }
      Pad8(out);
      stack.pop_back();
    }
    uint64_t root_word = value(root);
    for (int b = 0; b < 8; ++b) out[base_at + 8 + b] = static_cast<char>(root_word >> (8 * b));
    base = (base + out.size() + 65535) & ~uint64_t{65535};
    files.push_back(std::move(out));
  }
  return files;
}

}  // namespace leancache::lgz::testing
