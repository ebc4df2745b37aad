#include "common/lgz/object_model.h"

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace leancache::lgz {
namespace {

absl::Status Bad(uint64_t addr, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrFormat("olean object at 0x%x: %s", addr, what));
}

}  // namespace

absl::StatusOr<uint64_t> CheckedObjectSize(const uint8_t* p, uint64_t avail, uint64_t addr, bool gmp) {
  if (avail < 8) return Bad(addr, "truncated object header");
  ObjHeader h = ReadHeader(p);
  if (h.rc != 0) return Bad(addr, "non-zero reference count");
  uint64_t size = 0;
  auto need = [&](uint64_t n) { return n <= avail; };
  if (h.tag <= kMaxCtorTag) {
    if (h.cs_sz % 8 != 0 || h.cs_sz < 8u * (1u + h.other)) return Bad(addr, "constructor size inconsistent");
    size = h.cs_sz;
  } else {
    switch (h.tag) {
      case kTagPromise:
      case kTagRef:
        if (h.cs_sz != 16) return Bad(addr, "ref/promise size is not 16");
        size = 16;
        break;
      case kTagThunk:
      case kTagTask:
        if (h.cs_sz != 24) return Bad(addr, "thunk/task size is not 24");
        if (!need(24)) return Bad(addr, "truncated thunk/task");
        if (Load64(p + 16) != 0) return Bad(addr, "thunk/task with a closure/implementation word");
        size = 24;
        break;
      case kTagArray: {
        if (!need(24)) return Bad(addr, "truncated array");
        uint64_t n = Load64(p + 8);
        if (Load64(p + 16) != n) return Bad(addr, "array capacity differs from size");
        if (n > (avail - 24) / 8) return Bad(addr, "array extends past the end of the file");
        size = 24 + 8 * n;
        break;
      }
      case kTagScalarArray: {
        // LGZ does not record the element size (`other`): leantar writes 0 on decode. Element
        // size 1 (ByteArray) is encoded like leantar does and then fails the round-trip check;
        // larger element sizes (FloatArray, ...) break leantar's size computation: rejected.
        if (h.other > 1) return Bad(addr, "scalar array with element size > 1 is not supported by LGZ");
        if (!need(24)) return Bad(addr, "truncated scalar array");
        uint64_t n = Load64(p + 8);
        if (Load64(p + 16) != n) return Bad(addr, "scalar array capacity differs from size");
        if (n > avail - 24) return Bad(addr, "scalar array extends past the end of the file");
        size = 24 + RoundUp8(n);
        break;
      }
      case kTagString: {
        if (!need(32)) return Bad(addr, "truncated string");
        uint64_t n = Load64(p + 8);
        if (Load64(p + 16) != n) return Bad(addr, "string capacity differs from size");
        if (n == 0 || n > avail - 32) return Bad(addr, "string size out of range");
        const uint8_t* bytes = p + 32;
        if (bytes[n - 1] != 0) return Bad(addr, "string is not NUL-terminated");
        if (std::memchr(bytes, 0, n - 1) != nullptr) return Bad(addr, "string with an interior NUL (leantar panics)");
        size = 32 + RoundUp8(n);
        break;
      }
      case kTagMpz:
        if (gmp) {
          if (!need(24)) return Bad(addr, "truncated mpz");
          uint32_t cap = Load32(p + 8);
          int32_t sz = static_cast<int32_t>(Load32(p + 12));
          uint64_t mag = sz < 0 ? uint64_t{0} - static_cast<uint64_t>(static_cast<int64_t>(sz)) : uint64_t(sz);
          if (cap == 0 || mag != cap) return Bad(addr, "mpz capacity differs from |size|");
          if (h.cs_sz != (uint64_t{cap} + 3) * 8) return Bad(addr, "mpz object size inconsistent");
          if (Load64(p + 16) != addr + 24) return Bad(addr, "mpz limb pointer is not inline");
          size = 24 + 8 * uint64_t{cap};
        } else {
          if (!need(32)) return Bad(addr, "truncated mpz");
          uint64_t sign = Load64(p + 8), n = Load64(p + 16);
          if (sign > 1) return Bad(addr, "mpz sign is not 0/1");
          if (n == 0 || n > 0x3FFF) return Bad(addr, "mpz digit count out of range");
          if (h.cs_sz != (n + 8) * 4) return Bad(addr, "mpz object size inconsistent");
          if (Load64(p + 24) != addr + 32) return Bad(addr, "mpz digit pointer is not inline");
          size = RoundUp8(32 + 4 * n);
          // LGZ carries whole 64-bit limbs; an odd digit count needs zero padding (leantar asserts).
          if (n % 2 == 1 && need(size) && Load32(p + 32 + 4 * n) != 0) return Bad(addr, "mpz padding is not zero");
        }
        break;
      case kTagClosure:
        return Bad(addr, "closure objects are not supported by LGZ");
      case kTagStructArray:
        return Bad(addr, "struct arrays are not supported by LGZ");
      default:
        return Bad(addr, "external/reserved object kinds are not supported by LGZ");
    }
  }
  if (!need(size)) return Bad(addr, "object extends past the end of the file");
  return size;
}

PointerRange PointerFields(const uint8_t* p) {
  ObjHeader h = ReadHeader(p);
  if (h.tag <= kMaxCtorTag) return {8, h.other};
  switch (h.tag) {
    case kTagArray:
      return {24, Load64(p + 8)};
    case kTagPromise:
    case kTagRef:
    case kTagThunk:
    case kTagTask:
      return {8, 1};
    default:
      return {0, 0};
  }
}

}  // namespace leancache::lgz
