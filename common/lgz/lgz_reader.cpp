#include "common/lgz/lgz_reader.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "common/lgz/exprish.h"
#include "common/lgz/lgz_format.h"
#include "common/lgz/object_model.h"
#include "common/lgz/olean_header.h"

namespace leancache::lgz {
namespace {

enum Space : uint8_t { kNormal = 0, kExprish = 1 };

// An object whose children are still being read (16 bytes; see CheckPending).
struct Frame {
  enum Kind : uint8_t { kCtor, kArray, kBoxLike, kExprish, kApp, kConstApp };
  uint32_t total;     // children expected
  uint32_t done;      // children delivered
  uint16_t nscalar;   // kCtor: scalar words (raw bytes after the fields)
  Kind kind;
  uint8_t code;       // kCtor: tag; kBoxLike: object tag; kExprish: opcode
  bool save;
};
static_assert(sizeof(Frame) == 16);

// Exprish opcodes 0x00..0x1F: number of children and which of them are in Normal space.
struct ExprishOp {
  uint8_t children;  // 0 = invalid opcode
  uint8_t normal_mask;
};
constexpr ExprishOp kExprishOps[32] = {
    {2, 0b10}, {2, 0b10}, {1, 0}, {2, 0}, {2, 0}, {1, 0}, {1, 0}, {1, 0b1},     // 00-07
    {1, 0},    {1, 0},    {1, 0}, {1, 0b1}, {2, 0b01}, {3, 0b010}, {4, 0}, {4, 0},  // 08-0F
    {0, 0},    {0, 0},    {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0},       // 10-17 unused
    {3, 0},    {3, 0},    {3, 0}, {3, 0}, {3, 0}, {3, 0}, {3, 0}, {3, 0},       // 18-1F binders
};

absl::Status Corrupt(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrFormat("corrupt LGZ stream: %s", what));
}

class Decoder {
 public:
  Decoder(std::string_view in, uint64_t max_out)
      : in_(in), max_out_(max_out), budget_(256 * uint64_t{in.size()} + (uint64_t{1} << 26)) {}

  absl::StatusOr<std::vector<std::string>> Run(size_t expected_files);

 private:
  absl::StatusOr<uint64_t> ReadTree();
  // Reads prefixes and one opcode in `space`; returns the finished value, or nullopt when a
  // frame was pushed.
  absl::StatusOr<std::optional<uint64_t>> ReadItem(Space space);
  absl::StatusOr<std::optional<uint64_t>> StartNormal(uint8_t b, bool save);
  absl::StatusOr<std::optional<uint64_t>> StartExprish(uint8_t b, bool save);
  absl::StatusOr<std::optional<uint64_t>> Push(Frame f);
  absl::StatusOr<uint64_t> Finish(const Frame& f);
  absl::StatusOr<uint64_t> FinishExprish(uint8_t code);
  absl::Status Deliver(Frame& f, uint64_t value);
  Space ChildSpace(const Frame& f) const;

  absl::StatusOr<uint8_t> Byte();
  absl::StatusOr<const uint8_t*> Take(uint64_t n);
  absl::StatusOr<int64_t> IntBody(uint8_t b);
  absl::StatusOr<int64_t> IntField();
  // `consumed`: values on values_ that the new object takes over (not counted twice).
  absl::Status CheckPending(uint64_t extra, uint64_t consumed = 0) const;
  absl::StatusOr<uint64_t> Alloc(uint64_t bytes, uint8_t** p, uint64_t consumed = 0);
  absl::StatusOr<uint64_t> PutCtor(uint8_t tag, const uint64_t* ptrs, uint32_t nptr, const uint8_t* scalars,
                                   uint32_t nscalar_words, uint64_t consumed = 0);
  absl::StatusOr<uint64_t> PutApp(uint64_t fn, uint64_t arg);
  uint64_t Saved(uint64_t addr, bool save) {
    if (save) backrefs_.push_back(addr);
    return addr;
  }
  HeapView Heap() const { return HeapView(Bytes(out_), size_, base_); }

  std::string_view in_;
  size_t pos_ = 0;
  uint64_t max_out_;
  uint64_t budget_;  // hashing / level-list work, against quadratic blow-up on hostile input
  // The decoded heap is out_[0, size_). out_ is zero-filled ahead of size_ in large steps, so
  // objects are appended without a resize (and its memset) per object; padding stays 0.
  std::string out_;
  size_t size_ = 0;
  uint64_t base_ = 0;
  bool gmp_ = true;
  std::vector<uint64_t> backrefs_;
  std::vector<Frame> frames_;
  std::vector<uint64_t> values_;
};

absl::StatusOr<uint8_t> Decoder::Byte() {
  if (pos_ >= in_.size()) return Corrupt("truncated");
  return static_cast<uint8_t>(in_[pos_++]);
}

absl::StatusOr<const uint8_t*> Decoder::Take(uint64_t n) {
  if (n > in_.size() - pos_) return Corrupt("truncated");
  const uint8_t* p = Bytes(in_) + pos_;
  pos_ += n;
  return p;
}

absl::StatusOr<int64_t> Decoder::IntBody(uint8_t b) {
  if (b >= op::kSmallIntFirst && b <= op::kSmallIntLast) return int64_t{b} - op::kSmallIntFirst;
  uint64_t width = b == op::kInt8 ? 1 : b == op::kInt16 ? 2 : b == op::kInt32 ? 4 : 8;
  absl::StatusOr<const uint8_t*> p = Take(width);
  if (!p.ok()) return p.status();
  switch (width) {
    case 1: return int64_t{static_cast<int8_t>(**p)};
    case 2: return int64_t{static_cast<int16_t>(Load16(*p))};
    case 4: return int64_t{static_cast<int32_t>(Load32(*p))};
    default: return static_cast<int64_t>(Load64(*p));
  }
}

absl::StatusOr<int64_t> Decoder::IntField() {
  absl::StatusOr<uint8_t> b = Byte();
  if (!b.ok()) return b.status();
  if (!op::IsIntOp(*b)) return Corrupt("expected an integer");
  return IntBody(*b);
}

// Lower bound of the final output: what is written, plus 8 bytes per pending child value (a
// pointer field to be) and 16 per open frame (its header plus the pointer to its unfinished
// child). Failing as soon as this exceeds the limit bounds the stacks by the limit too.
absl::Status Decoder::CheckPending(uint64_t extra, uint64_t consumed) const {
  uint64_t pending = size_ + 8 * (uint64_t{values_.size()} - consumed) + 16 * uint64_t{frames_.size()} + extra;
  if (pending > max_out_) {
    return absl::ResourceExhaustedError(
        absl::StrFormat("LGZ stream decodes to more than the %d-byte limit", max_out_));
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> Decoder::Alloc(uint64_t bytes, uint8_t** p, uint64_t consumed) {
  if (absl::Status st = CheckPending(bytes, consumed); !st.ok()) return st;
  size_t old = size_;
  if (old + bytes > out_.size()) {
    // CheckPending bounds old + bytes by max_out_.
    uint64_t want = std::max<uint64_t>({old + bytes, 2 * uint64_t{out_.size()}, 4096});
    out_.resize(std::min<uint64_t>(want, max_out_));  // zero-filled: padding bytes are 0
  }
  size_ = old + bytes;
  *p = reinterpret_cast<uint8_t*>(out_.data()) + old;
  return base_ + old;
}

absl::StatusOr<uint64_t> Decoder::PutCtor(uint8_t tag, const uint64_t* ptrs, uint32_t nptr,
                                          const uint8_t* scalars, uint32_t nscalar_words, uint64_t consumed) {
  uint64_t size = 8 * (1 + uint64_t{nptr} + nscalar_words);
  if (size > 0xFFFF) return Corrupt("constructor too large");
  uint8_t* p;
  absl::StatusOr<uint64_t> addr = Alloc(size, &p, consumed);
  if (!addr.ok()) return addr.status();
  Store64(p, MakeHeaderWord(static_cast<uint16_t>(size), static_cast<uint8_t>(nptr), tag));
  if (nptr > 0) std::memcpy(p + 8, ptrs, 8 * size_t{nptr});
  if (nscalar_words > 0) std::memcpy(p + 8 + 8 * size_t{nptr}, scalars, 8 * size_t{nscalar_words});
  return addr;
}

absl::StatusOr<uint64_t> Decoder::PutApp(uint64_t fn, uint64_t arg) {
  HeapView heap = Heap();
  auto f = ExprDataOf(heap, fn), a = ExprDataOf(heap, arg);
  if (!f || !a) return Corrupt("application of a non-expression");
  uint64_t fields[2] = {fn, arg};
  uint64_t data = ExprAppData(*f, *a);
  return PutCtor(shape::kExprApp.tag, fields, 2, reinterpret_cast<const uint8_t*>(&data), 1);
}

Space Decoder::ChildSpace(const Frame& f) const {
  switch (f.kind) {
    case Frame::kExprish:
      return (kExprishOps[f.code].normal_mask >> f.done) & 1 ? kNormal : kExprish;
    case Frame::kApp:
      return kExprish;
    case Frame::kConstApp:
      return f.done == 1 ? kNormal : kExprish;
    default:
      return kNormal;
  }
}

absl::StatusOr<std::optional<uint64_t>> Decoder::Push(Frame f) {
  if (f.total == 0) {
    absl::StatusOr<uint64_t> v = Finish(f);
    if (!v.ok()) return v.status();
    return std::optional<uint64_t>(*v);
  }
  if (absl::Status st = CheckPending(16); !st.ok()) return st;
  frames_.push_back(f);
  return std::optional<uint64_t>();
}

absl::StatusOr<std::optional<uint64_t>> Decoder::ReadItem(Space space) {
  bool save = false, escaped = false;
  for (;;) {
    absl::StatusOr<uint8_t> b = Byte();
    if (!b.ok()) return b.status();
    if (*b == op::kSave) {
      if (save) return Corrupt("repeated SAVE");
      save = true;
    } else if (op::IsIntOp(*b) || op::IsBackrefOp(*b)) {
      if (save) return Corrupt("SAVE before a scalar or back-reference");
      if (op::IsIntOp(*b)) {
        absl::StatusOr<int64_t> v = IntBody(*b);
        if (!v.ok()) return v.status();
        return std::optional<uint64_t>(Box(*v));
      }
      uint64_t idx;
      if (*b <= op::kBackrefLast) {
        idx = *b - op::kBackrefFirst;
      } else {
        uint64_t width = *b == op::kBackref8 ? 1 : *b == op::kBackref16 ? 2 : 4;
        absl::StatusOr<const uint8_t*> p = Take(width);
        if (!p.ok()) return p.status();
        idx = width == 1 ? **p : width == 2 ? Load16(*p) : Load32(*p);
      }
      if (idx >= backrefs_.size()) return Corrupt("back-reference out of range");
      return std::optional<uint64_t>(backrefs_[idx]);
    } else if (!escaped && space == kNormal && *b == op::kToExprish) {
      escaped = true;
      space = kExprish;
    } else if (!escaped && space == kExprish && *b == op::kToNormal) {
      escaped = true;
      space = kNormal;
    } else {
      return space == kNormal ? StartNormal(*b, save) : StartExprish(*b, save);
    }
  }
}

absl::StatusOr<std::optional<uint64_t>> Decoder::StartNormal(uint8_t b, bool save) {
  auto leaf = [&](absl::StatusOr<uint64_t> addr) -> absl::StatusOr<std::optional<uint64_t>> {
    if (!addr.ok()) return addr.status();
    return std::optional<uint64_t>(Saved(*addr, save));
  };
  switch (b) {
    case op::kArray: {
      absl::StatusOr<int64_t> n = IntField();
      if (!n.ok()) return n.status();
      if (*n < 0 || *n > int64_t{UINT32_MAX}) return Corrupt("bad array size");
      if (absl::Status st = CheckPending(24 + 8 * uint64_t(*n)); !st.ok()) return st;
      return Push(Frame{uint32_t(*n), 0, 0, Frame::kArray, 0, save});
    }
    case op::kBigCtor: {
      absl::StatusOr<const uint8_t*> p = Take(4);
      if (!p.ok()) return p.status();
      if ((*p)[0] > kMaxCtorTag) return Corrupt("constructor tag out of range");
      return Push(Frame{(*p)[1], 0, Load16(*p + 2), Frame::kCtor, (*p)[0], save});
    }
    case op::kScalarArray: {
      absl::StatusOr<int64_t> n = IntField();
      if (!n.ok()) return n.status();
      if (*n < 0 || uint64_t(*n) > in_.size() - pos_) return Corrupt("bad scalar array size");
      uint64_t len = uint64_t(*n);
      uint8_t* p;
      absl::StatusOr<uint64_t> addr = Alloc(24 + RoundUp8(len), &p);
      if (!addr.ok()) return addr.status();
      Store64(p, MakeHeaderWord(1, 0, kTagScalarArray));  // element size is not recorded: 0
      Store64(p + 8, len);
      Store64(p + 16, len);
      std::memcpy(p + 24, *Take(len), len);
      return leaf(addr);
    }
    case op::kString: {
      const void* nul = std::memchr(in_.data() + pos_, 0, in_.size() - pos_);
      if (nul == nullptr) return Corrupt("unterminated string");
      uint64_t len = static_cast<const char*>(nul) - (in_.data() + pos_) + 1;
      const uint8_t* bytes = *Take(len);
      uint64_t chars = 0;
      for (uint64_t i = 0; i + 1 < len; ++i) chars += (bytes[i] & 0xC0) != 0x80;
      uint8_t* p;
      absl::StatusOr<uint64_t> addr = Alloc(32 + RoundUp8(len), &p);
      if (!addr.ok()) return addr.status();
      Store64(p, MakeHeaderWord(1, 0, kTagString));
      Store64(p + 8, len);
      Store64(p + 16, len);
      Store64(p + 24, chars);
      std::memcpy(p + 32, bytes, len);
      return leaf(addr);
    }
    case op::kMpz: {
      // Only the positive sizes leantar can decode are accepted (negative numbers are written
      // by leantar as a 32-bit pattern its own decoder rejects).
      absl::StatusOr<int64_t> cap = IntField();
      if (!cap.ok()) return cap.status();
      if (*cap < 1 || *cap > 0x7FFFFFFF || uint64_t(*cap) > (in_.size() - pos_) / 8) return Corrupt("bad mpz size");
      uint64_t n = uint64_t(*cap);
      const uint8_t* limbs = *Take(8 * n);
      uint8_t* p;
      if (gmp_) {
        if ((n + 3) * 8 > 0xFFFF) return Corrupt("mpz too large");
        absl::StatusOr<uint64_t> addr = Alloc(24 + 8 * n, &p);
        if (!addr.ok()) return addr.status();
        Store64(p, MakeHeaderWord(static_cast<uint16_t>((n + 3) * 8), 0, kTagMpz));
        Store64(p + 8, n | (n << 32));  // capacity u32, size i32
        Store64(p + 16, *addr + 24);
        std::memcpy(p + 24, limbs, 8 * n);
        return leaf(addr);
      }
      uint64_t digits = 2 * n - (Load32(limbs + 8 * n - 4) == 0 ? 1 : 0);
      if ((digits + 8) * 4 > 0xFFFF) return Corrupt("mpz too large");
      absl::StatusOr<uint64_t> addr = Alloc(32 + 8 * n, &p);
      if (!addr.ok()) return addr.status();
      Store64(p, MakeHeaderWord(static_cast<uint16_t>((digits + 8) * 4), 0, kTagMpz));
      Store64(p + 8, 0);
      Store64(p + 16, digits);
      Store64(p + 24, *addr + 32);
      std::memcpy(p + 32, limbs, 8 * n);
      return leaf(addr);
    }
    case op::kThunk:
      return Push(Frame{1, 0, 0, Frame::kBoxLike, kTagThunk, save});
    case op::kTask:
      return Push(Frame{1, 0, 0, Frame::kBoxLike, kTagTask, save});
    case op::kRef:
      return Push(Frame{1, 0, 0, Frame::kBoxLike, kTagRef, save});
    case op::kPromise:
      return Push(Frame{1, 0, 0, Frame::kBoxLike, kTagPromise, save});
    default:
      break;
  }
  if (b >= op::kSmallIntFirst) return Corrupt("unexpected opcode");
  // Packed constructor (c << 4 | n << 1 | s); A0/B0/C0 are field-less constructors.
  return Push(Frame{uint32_t((b >> 1) & 7), 0, uint16_t(b & 1), Frame::kCtor, uint8_t(b >> 4), save});
}

absl::StatusOr<std::optional<uint64_t>> Decoder::StartExprish(uint8_t b, bool save) {
  if (b < 0x20) {
    if (kExprishOps[b].children == 0) return Corrupt("unknown Exprish opcode");
    return Push(Frame{kExprishOps[b].children, 0, 0, Frame::kExprish, b, save});
  }
  if (b > op::kApp && b <= op::kApp + op::kMaxAppArgs) {
    return Push(Frame{uint32_t(b - op::kApp) + 1, 0, 0, Frame::kApp, 0, save});
  }
  if (b >= op::kConstApp && b <= op::kConstApp + op::kMaxAppArgs) {
    return Push(Frame{uint32_t(b - op::kConstApp) + 2, 0, 0, Frame::kConstApp, 0, save});
  }
  return Corrupt("unknown Exprish opcode");
}

// Hands a finished child to frame `f`; application chains build their nodes as they go.
absl::Status Decoder::Deliver(Frame& f, uint64_t value) {
  values_.push_back(value);
  ++f.done;
  bool app_step = (f.kind == Frame::kApp && f.done >= 2) || (f.kind == Frame::kConstApp && f.done >= 3);
  if (f.kind == Frame::kConstApp && f.done == 2) {
    uint64_t levels = values_.back(), name = values_[values_.size() - 2];
    values_.resize(values_.size() - 2);
    HeapView heap = Heap();
    auto nh = NameHashOf(heap, name);
    auto ll = nh ? LevelListOf(heap, levels, &budget_) : std::nullopt;
    if (!ll) return Corrupt("invalid Expr.const");
    uint64_t fields[2] = {name, levels};
    uint64_t data = ExprConstData(*nh, *ll);
    absl::StatusOr<uint64_t> c = PutCtor(shape::kExprConst.tag, fields, 2, reinterpret_cast<const uint8_t*>(&data), 1);
    if (!c.ok()) return c.status();
    values_.push_back(*c);
  } else if (app_step) {
    uint64_t arg = values_.back(), fn = values_[values_.size() - 2];
    values_.resize(values_.size() - 2);
    absl::StatusOr<uint64_t> app = PutApp(fn, arg);
    if (!app.ok()) return app.status();
    values_.push_back(*app);
  }
  return CheckPending(0);
}

absl::StatusOr<uint64_t> Decoder::Finish(const Frame& f) {
  absl::StatusOr<uint64_t> addr;
  switch (f.kind) {
    case Frame::kCtor: {
      absl::StatusOr<const uint8_t*> raw = Take(8 * uint64_t{f.nscalar});
      if (!raw.ok()) return raw.status();
      addr = PutCtor(f.code, values_.data() + values_.size() - f.total, static_cast<uint32_t>(f.total), *raw, f.nscalar, f.total);
      break;
    }
    case Frame::kArray: {
      uint8_t* p;
      addr = Alloc(24 + 8 * f.total, &p, f.total);
      if (!addr.ok()) return addr.status();
      Store64(p, MakeHeaderWord(1, 0, kTagArray));
      Store64(p + 8, f.total);
      Store64(p + 16, f.total);
      if (f.total > 0) std::memcpy(p + 24, values_.data() + values_.size() - f.total, 8 * f.total);
      break;
    }
    case Frame::kBoxLike: {
      bool three = f.code == kTagThunk || f.code == kTagTask;
      uint8_t* p;
      addr = Alloc(three ? 24 : 16, &p, 1);
      if (!addr.ok()) return addr.status();
      Store64(p, MakeHeaderWord(three ? 24 : 16, 0, f.code));
      Store64(p + 8, values_.back());
      break;
    }
    case Frame::kExprish:
      addr = FinishExprish(f.code);
      break;
    case Frame::kApp:
    case Frame::kConstApp:
      addr = values_.back();
      values_.pop_back();
      return Saved(*addr, f.save);
  }
  if (!addr.ok()) return addr.status();
  values_.resize(values_.size() - f.total);
  return Saved(*addr, f.save);
}

absl::StatusOr<uint64_t> Decoder::FinishExprish(uint8_t code) {
  const uint64_t n = kExprishOps[code].children;
  const uint64_t* c = values_.data() + values_.size() - n;
  HeapView heap = Heap();
  auto name = [&](int i) { return NameHashOf(heap, c[i]); };
  auto level = [&](int i) { return LevelDataOf(heap, c[i]); };
  auto expr = [&](int i) { return ExprDataOf(heap, c[i]); };
  std::optional<uint64_t> data;
  uint64_t extra = 0;
  uint8_t tag = 0;
  switch (code) {
    case op::kNameStr: {
      auto nh = name(0);
      auto sh = nh ? StrHashOf(heap, c[1], &budget_) : std::nullopt;
      if (sh) data = NameStrHash(*nh, *sh);
      tag = shape::kNameStr.tag;
      break;
    }
    case op::kNameNum:
      if (auto nh = name(0)) data = NameNumHash(*nh, c[1]);
      tag = shape::kNameNum.tag;
      break;
    case op::kLevelSucc:
      if (auto l = level(0)) data = LevelSuccData(*l);
      tag = shape::kLevelSucc.tag;
      break;
    case op::kLevelMax:
    case op::kLevelIMax: {
      auto l1 = level(0), l2 = level(1);
      if (l1 && l2) data = code == op::kLevelMax ? LevelMaxData(*l1, *l2) : LevelIMaxData(*l1, *l2);
      tag = code == op::kLevelMax ? shape::kLevelMax.tag : shape::kLevelIMax.tag;
      break;
    }
    case op::kLevelParam:
    case op::kLevelMVar:
      if (auto nh = name(0)) data = code == op::kLevelParam ? LevelParamData(*nh) : LevelMVarData(*nh);
      tag = code == op::kLevelParam ? shape::kLevelParam.tag : shape::kLevelMVar.tag;
      break;
    case op::kBVar:
      if (auto idx = NumHashOf(heap, c[0], gmp_)) data = ExprBVarData(*idx);
      tag = shape::kExprBVar.tag;
      break;
    case op::kFVar:
    case op::kMVar:
      if (auto nh = name(0)) data = code == op::kFVar ? ExprFVarData(*nh) : ExprMVarData(*nh);
      tag = code == op::kFVar ? shape::kExprFVar.tag : shape::kExprMVar.tag;
      break;
    case op::kSort:
      if (auto l = level(0)) data = ExprSortData(*l);
      tag = shape::kExprSort.tag;
      break;
    case op::kLit:
      if (auto h = LitHashOf(heap, c[0], gmp_, &budget_)) data = ExprLitData(*h);
      tag = shape::kExprLit.tag;
      break;
    case op::kMData:
      if (auto d = expr(1)) data = ExprMDataData(*d);
      tag = shape::kExprMData.tag;
      break;
    case op::kProj: {
      auto nh = name(0);
      auto ih = NumHashOf(heap, c[1], gmp_);
      auto d = expr(2);
      if (nh && ih && d) data = ExprProjData(*nh, *ih, *d);
      tag = shape::kExprProj.tag;
      break;
    }
    case op::kLet:
    case op::kLet | 1: {
      auto t = expr(1), v = expr(2), b = expr(3);
      if (t && v && b) data = ExprLetData(*t, *v, *b);
      extra = code & 1;
      tag = shape::kExprLet.tag;
      break;
    }
    default: {  // binders 0x18..0x1F
      auto t = expr(1), b = expr(2);
      if (t && b) data = ExprBinderData(*t, *b);
      extra = code & 3;
      tag = code < op::kForall ? shape::kExprLam.tag : shape::kExprForall.tag;
      break;
    }
  }
  if (!data) return Corrupt("Exprish node with children of the wrong kind");
  uint64_t scalars[2] = {*data, extra};
  uint32_t nscalar = (code == op::kLet || code == (op::kLet | 1) || code >= op::kLam) ? 2 : 1;
  return PutCtor(tag, c, static_cast<uint32_t>(n), reinterpret_cast<const uint8_t*>(scalars), nscalar, n);
}

absl::StatusOr<uint64_t> Decoder::ReadTree() {
  for (;;) {
    absl::StatusOr<std::optional<uint64_t>> item = ReadItem(frames_.empty() ? kNormal : ChildSpace(frames_.back()));
    if (!item.ok()) return item.status();
    if (!item->has_value()) continue;
    uint64_t value = **item;
    for (;;) {
      if (frames_.empty()) return value;
      Frame& f = frames_.back();
      if (absl::Status st = Deliver(f, value); !st.ok()) return st;
      if (f.done < f.total) break;
      Frame done = f;
      frames_.pop_back();
      absl::StatusOr<uint64_t> v = Finish(done);
      if (!v.ok()) return v.status();
      value = *v;
    }
  }
}

absl::StatusOr<std::vector<std::string>> Decoder::Run(size_t expected_files) {
  if (expected_files < 1 || expected_files > 3) {
    return absl::InvalidArgumentError(absl::StrFormat("LGZ decodes 1 to 3 files, asked for %d", expected_files));
  }
  size_t consumed = 0;
  uint64_t span = 0;
  absl::StatusOr<OleanHeader> header = ReadLgzHeader(in_, &consumed, &span);
  if (!header.ok()) return header.status();
  if (expected_files > 1 && header->version != 2) {
    return Corrupt("module streams need an LGZ2 header");  // leantar only chains v2 oleans
  }
  pos_ = consumed;
  base_ = header->base;
  gmp_ = header->gmp;
  const std::string header_bytes = RenderOleanHeader(*header);
  // The span hint sizes the heap; it is zero-filled now, so a hostile hint is capped harder
  // than the budget (growth handles a real stream that decodes to more).
  out_.resize(std::min<uint64_t>({span, max_out_, 64 * uint64_t{in_.size()} + 65536}));
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (size_t k = 0; k < expected_files; ++k) {
    uint64_t start = k == 0 ? 0 : (size_ + 65535) & ~uint64_t{65535};
    uint8_t* p;
    if (absl::Status st = Alloc(start - size_, &p).status(); !st.ok()) return st;
    absl::StatusOr<uint64_t> hdr_addr = Alloc(header_bytes.size(), &p);
    if (!hdr_addr.ok()) return hdr_addr.status();
    if (*hdr_addr >= (uint64_t{1} << 48)) return Corrupt("module file base beyond 2^48");
    std::memcpy(p, header_bytes.data(), header_bytes.size());
    Store64(p + header->base_offset(), *hdr_addr);
    absl::StatusOr<uint64_t> root = ReadTree();
    if (!root.ok()) return root.status();
    Store64(reinterpret_cast<uint8_t*>(out_.data()) + start + header->root_offset(), *root);
    ranges.emplace_back(start, size_);
  }
  std::vector<std::string> files(expected_files);
  for (size_t k = expected_files; k-- > 1;) {
    files[k] = out_.substr(ranges[k].first, ranges[k].second - ranges[k].first);
  }
  out_.resize(ranges[0].second);
  files[0] = std::move(out_);
  return files;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ReadLgz(std::string_view lgz, size_t expected_files,
                                                 uint64_t max_output_bytes) {
  Decoder dec(lgz, max_output_bytes);
  return dec.Run(expected_files);
}

}  // namespace leancache::lgz
