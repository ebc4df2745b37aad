#include "daemon/index/byte_codec.h"

#include "absl/strings/str_cat.h"

namespace leancache::index {

void ByteWriter::Varint(uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void ByteWriter::SignedVarint(int64_t v) {
  uint64_t u = static_cast<uint64_t>(v);
  Varint((u << 1) ^ (v < 0 ? ~uint64_t{0} : 0));
}

void ByteWriter::Fixed32(uint32_t v) {
  for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void ByteWriter::Fixed64(uint64_t v) {
  for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void ByteWriter::Bytes(std::string_view bytes) {
  Varint(bytes.size());
  Raw(bytes);
}

absl::Status ByteReader::Malformed(std::string_view detail) const {
  return absl::DataLossError(absl::StrCat("malformed ", std::string(what_), ": ", std::string(detail)));
}

absl::StatusOr<uint8_t> ByteReader::U8() {
  if (in_.empty()) return Malformed("unexpected end");
  uint8_t v = static_cast<uint8_t>(in_[0]);
  in_.remove_prefix(1);
  return v;
}

absl::StatusOr<uint64_t> ByteReader::Varint() {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in_.empty()) return Malformed("unexpected end in varint");
    uint8_t b = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    if (shift == 63 && b > 1) return Malformed("varint overflows 64 bits");
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
  return Malformed("varint longer than 10 bytes");
}

absl::StatusOr<int64_t> ByteReader::SignedVarint() {
  absl::StatusOr<uint64_t> u = Varint();
  if (!u.ok()) return u.status();
  return static_cast<int64_t>((*u >> 1) ^ (~(*u & 1) + 1));
}

absl::StatusOr<uint32_t> ByteReader::Fixed32() {
  absl::StatusOr<std::string_view> raw = Raw(4);
  if (!raw.ok()) return raw.status();
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>((*raw)[i])) << (8 * i);
  return v;
}

absl::StatusOr<uint64_t> ByteReader::Fixed64() {
  absl::StatusOr<std::string_view> raw = Raw(8);
  if (!raw.ok()) return raw.status();
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>((*raw)[i])) << (8 * i);
  return v;
}

absl::StatusOr<std::string_view> ByteReader::Raw(size_t n) {
  if (in_.size() < n) return Malformed(absl::StrCat("need ", n, " bytes, have ", in_.size()));
  std::string_view out = in_.substr(0, n);
  in_.remove_prefix(n);
  return out;
}

absl::StatusOr<std::string_view> ByteReader::Bytes() {
  absl::StatusOr<uint64_t> n = Varint();
  if (!n.ok()) return n.status();
  if (*n > in_.size()) return Malformed(absl::StrCat("length ", *n, " exceeds the ", in_.size(), " bytes left"));
  return Raw(static_cast<size_t>(*n));
}

absl::Status ByteReader::ExpectEnd() const {
  if (!in_.empty()) return Malformed(absl::StrCat(in_.size(), " trailing bytes"));
  return absl::OkStatus();
}

}  // namespace leancache::index
