// Opcode bytes of the LGZ object stream (ltar.md §8.4) and the shared INT / back-reference
// encodings.
#pragma once

#include <cstdint>
#include <string>

namespace leancache::lgz::op {

// Shared by both spaces.
inline constexpr uint8_t kSmallIntFirst = 0xD0;  // D0..EF: 0..31
inline constexpr uint8_t kSmallIntLast = 0xEF;
inline constexpr uint8_t kBackrefFirst = 0xF0;  // F0..F7: back-reference 0..7
inline constexpr uint8_t kBackrefLast = 0xF7;
inline constexpr uint8_t kInt8 = 0xF8, kInt16 = 0xF9, kInt32 = 0xFA, kInt64 = 0xFB;
inline constexpr uint8_t kBackref8 = 0xFC, kBackref16 = 0xFD, kBackref32 = 0xFE;
inline constexpr uint8_t kSave = 0xFF;

// Normal space.
inline constexpr uint8_t kArray = 0x00;
inline constexpr uint8_t kBigCtor = 0x10;
inline constexpr uint8_t kScalarArray = 0x20;
inline constexpr uint8_t kString = 0x30;
inline constexpr uint8_t kMpz = 0x40;
inline constexpr uint8_t kThunk = 0x50;
inline constexpr uint8_t kTask = 0x60;
inline constexpr uint8_t kRef = 0x70;
inline constexpr uint8_t kToExprish = 0x80;
inline constexpr uint8_t kPromise = 0x90;

// Exprish space.
inline constexpr uint8_t kNameStr = 0x00, kNameNum = 0x01;
inline constexpr uint8_t kLevelSucc = 0x02, kLevelMax = 0x03, kLevelIMax = 0x04, kLevelParam = 0x05,
                         kLevelMVar = 0x06;
inline constexpr uint8_t kBVar = 0x07, kFVar = 0x08, kMVar = 0x09, kSort = 0x0A, kLit = 0x0B, kMData = 0x0C,
                         kProj = 0x0D;
inline constexpr uint8_t kLet = 0x0E;      // | nonDep
inline constexpr uint8_t kLam = 0x18;      // | binderInfo
inline constexpr uint8_t kForall = 0x1C;   // | binderInfo
inline constexpr uint8_t kToNormal = 0x20;
inline constexpr uint8_t kApp = 0x20;      // 0x21..0x3F: 1..31 applications
inline constexpr uint8_t kConstApp = 0x40; // 0x40..0x5F: const applied to 0..31 args
inline constexpr unsigned kMaxAppArgs = 31;

inline bool IsIntOp(uint8_t b) { return (b >= kSmallIntFirst && b <= kSmallIntLast) || (b >= kInt8 && b <= kInt64); }
inline bool IsBackrefOp(uint8_t b) { return (b >= kBackrefFirst && b <= kBackrefLast) || (b >= kBackref8 && b <= kBackref32); }

// Appends INT `v` in its shortest form.
inline void WriteInt(std::string& out, int64_t v) {
  if (v >= 0 && v <= 31) {
    out.push_back(static_cast<char>(kSmallIntFirst + v));
  } else if (v >= INT8_MIN && v <= INT8_MAX) {
    out.push_back(static_cast<char>(kInt8));
    out.push_back(static_cast<char>(static_cast<int8_t>(v)));
  } else if (v >= INT16_MIN && v <= INT16_MAX) {
    out.push_back(static_cast<char>(kInt16));
    int16_t x = static_cast<int16_t>(v);
    out.append(reinterpret_cast<const char*>(&x), 2);
  } else if (v >= INT32_MIN && v <= INT32_MAX) {
    out.push_back(static_cast<char>(kInt32));
    int32_t x = static_cast<int32_t>(v);
    out.append(reinterpret_cast<const char*>(&x), 4);
  } else {
    out.push_back(static_cast<char>(kInt64));
    out.append(reinterpret_cast<const char*>(&v), 8);
  }
}

// Appends back-reference `idx` in its shortest form.
inline void WriteBackref(std::string& out, uint32_t idx) {
  if (idx <= 7) {
    out.push_back(static_cast<char>(kBackrefFirst + idx));
  } else if (idx <= 0xFF) {
    out.push_back(static_cast<char>(kBackref8));
    out.push_back(static_cast<char>(idx));
  } else if (idx <= 0xFFFF) {
    out.push_back(static_cast<char>(kBackref16));
    uint16_t x = static_cast<uint16_t>(idx);
    out.append(reinterpret_cast<const char*>(&x), 2);
  } else {
    out.push_back(static_cast<char>(kBackref32));
    out.append(reinterpret_cast<const char*>(&idx), 4);
  }
}

}  // namespace leancache::lgz::op
