// ByteWriter / ByteReader: the primitives of the index's value encoding (see records.h).
// Integers are LEB128 varints (signed ones zigzag-encoded first) or fixed-width little-endian;
// strings are a varint length followed by the bytes. The reader never reads past its input and
// reports any malformation as DataLoss, so a damaged value can never be mistaken for a good one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace leancache::index {

// Appends encoded fields to a string.
class ByteWriter {
 public:
  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void Varint(uint64_t v);
  void SignedVarint(int64_t v);  // zigzag, then varint
  void Fixed32(uint32_t v);      // 4 bytes little-endian
  void Fixed64(uint64_t v);      // 8 bytes little-endian
  void Raw(std::string_view bytes) { out_.append(bytes.data(), bytes.size()); }
  void Bytes(std::string_view bytes);  // varint length + bytes

  const std::string& data() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

// Consumes fields from a byte string. Every getter fails with DataLoss naming `what` (e.g.
// "blob record") when the input is short or malformed.
class ByteReader {
 public:
  ByteReader(std::string_view in, std::string_view what) : in_(in), what_(what) {}

  absl::StatusOr<uint8_t> U8();
  absl::StatusOr<uint64_t> Varint();
  absl::StatusOr<int64_t> SignedVarint();
  absl::StatusOr<uint32_t> Fixed32();
  absl::StatusOr<uint64_t> Fixed64();
  absl::StatusOr<std::string_view> Raw(size_t n);
  // Length-prefixed bytes; the length may not exceed what is left.
  absl::StatusOr<std::string_view> Bytes();
  // OK if every byte was consumed, else DataLoss (trailing garbage).
  absl::Status ExpectEnd() const;

  size_t remaining() const { return in_.size(); }
  absl::Status Malformed(std::string_view detail) const;

 private:
  std::string_view in_;
  std::string_view what_;
};

}  // namespace leancache::index
