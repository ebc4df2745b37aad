#include "common/lgz/lgz_writer.h"

#include <limits>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "common/lgz/exprish.h"
#include "common/lgz/lgz_format.h"
#include "common/lgz/object_model.h"
#include "common/lgz/olean_header.h"

namespace leancache::lgz {
namespace {

constexpr uint32_t kNoBackref = std::numeric_limits<uint32_t>::max();
constexpr uint8_t kStartMark = 0x80;  // marks_: object starts here
constexpr uint8_t kCountMask = 0x03;  // marks_: saturating reference count (only > 1 matters)

enum Space : uint8_t { kNormal = 0, kExprish = 1 };

// One pending step of the (explicit-stack) pre-order emission.
struct Task {
  enum Kind : uint8_t { kEmit, kRaw, kDone };
  uint64_t word;   // kEmit: value; kRaw: absolute address of bytes; kDone: object address
  uint32_t len;    // kRaw: byte count
  Kind kind;
  Space space;     // kEmit: the space the parent expects
};

// Exprish form chosen for a constructor: opcode and children (in stream order) with spaces.
struct Plan {
  uint8_t op = 0;
  uint8_t n = 0;
  uint64_t child[2 + op::kMaxAppArgs + 1];
  Space space[2 + op::kMaxAppArgs + 1];
  void Add(uint64_t w, Space s) {
    child[n] = w;
    space[n] = s;
    ++n;
  }
};

class Encoder {
 public:
  absl::StatusOr<std::string> Run(absl::Span<const std::string_view> files);

 private:
  absl::Status Layout(absl::Span<const std::string_view> files);
  absl::Status Walk(uint64_t begin, uint64_t end);
  absl::Status CountPointer(uint64_t word, uint64_t limit, uint64_t from);
  void EmitRoot(uint64_t root);
  void EmitOne(uint64_t word, Space space);
  bool PlanExprish(uint64_t addr, const HeapView::CtorShape& s, Plan* plan);
  bool AppMatches(uint64_t w);
  bool ConstMatches(uint64_t w);

  size_t Index(uint64_t addr) const { return (addr - data_start_) / 8; }
  bool Shared(uint64_t addr) const { return (marks_[Index(addr)] & kCountMask) > 1; }

  std::vector<OleanHeader> headers_;
  std::string span_buf_;  // module: all files at their relative addresses
  HeapView heap_{nullptr, 0, 0};
  uint64_t data_start_ = 0;
  bool gmp_ = true;
  std::vector<uint8_t> marks_;
  std::vector<uint32_t> backref_;
  uint32_t next_backref_ = 0;
  uint64_t hash_budget_ = std::numeric_limits<uint64_t>::max();
  std::vector<Task> stack_;
  std::string out_;
};

absl::Status Encoder::Layout(absl::Span<const std::string_view> files) {
  if (files.size() != 1 && files.size() != 3) {
    return absl::InvalidArgumentError(absl::StrFormat("LGZ encodes 1 or 3 oleans, got %d", files.size()));
  }
  static constexpr std::string_view kNames[] = {".olean", ".olean.server", ".olean.private"};
  for (size_t i = 0; i < files.size(); ++i) {
    absl::StatusOr<OleanHeader> h = ParseOleanHeader(files[i], kNames[i]);
    if (!h.ok()) return h.status();
    headers_.push_back(*h);
  }
  const OleanHeader& h0 = headers_[0];
  gmp_ = h0.gmp;
  data_start_ = h0.base + h0.size();
  if (files.size() == 1) {
    heap_ = HeapView(Bytes(files[0]), files[0].size(), h0.base);
    return absl::OkStatus();
  }
  if (h0.version != 2) return absl::InvalidArgumentError("module (3-file) LGZ needs olean v2 headers");
  uint64_t end = h0.base + files[0].size();
  for (size_t i = 1; i < files.size(); ++i) {
    const OleanHeader& h = headers_[i];
    if (h.version != 2 || h.gmp != h0.gmp || h.lean_version != h0.lean_version || h.githash != h0.githash) {
      return absl::InvalidArgumentError(absl::StrFormat("%s: header differs from the .olean's", kNames[i]));
    }
    uint64_t expect = (end + 65535) & ~uint64_t{65535};
    if (h.base != expect) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: base 0x%x is not the next 64 KiB boundary 0x%x", kNames[i], h.base, expect));
    }
    end = h.base + files[i].size();
  }
  if (end - h0.base > (uint64_t{1} << 40)) return absl::InvalidArgumentError("module too large");
  span_buf_.assign(end - h0.base, '\0');
  for (size_t i = 0; i < files.size(); ++i) {
    span_buf_.replace(headers_[i].base - h0.base, files[i].size(), files[i]);
  }
  heap_ = HeapView(Bytes(span_buf_), span_buf_.size(), h0.base);
  return absl::OkStatus();
}

// Validates a pointer word found at address `from` (it must be an earlier object start, below
// `limit`) and bumps its reference count.
absl::Status Encoder::CountPointer(uint64_t word, uint64_t limit, uint64_t from) {
  if (IsScalar(word)) return absl::OkStatus();
  if (word < data_start_ || word >= limit || (word - data_start_) % 8 != 0 ||
      (marks_[Index(word)] & kStartMark) == 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "olean pointer 0x%x at 0x%x does not point to an earlier object (unsupported layout)", word, from));
  }
  uint8_t& m = marks_[Index(word)];
  if ((m & kCountMask) != kCountMask) ++m;
  return absl::OkStatus();
}

absl::Status Encoder::Walk(uint64_t begin, uint64_t end) {
  uint64_t addr = begin;
  while (addr < end) {
    const uint8_t* p = heap_.At(addr, end - addr);
    absl::StatusOr<uint64_t> size = CheckedObjectSize(p, end - addr, addr, gmp_);
    if (!size.ok()) return size.status();
    PointerRange ptrs = PointerFields(p);
    for (uint64_t i = 0; i < ptrs.count; ++i) {
      uint64_t at = addr + ptrs.offset + 8 * i;
      absl::Status st = CountPointer(Load64(p + ptrs.offset + 8 * i), addr, at);
      if (!st.ok()) return st;
    }
    marks_[Index(addr)] |= kStartMark;
    addr += *size;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Encoder::Run(absl::Span<const std::string_view> files) {
  if (absl::Status st = Layout(files); !st.ok()) return st;
  const OleanHeader& h0 = headers_[0];
  uint64_t span_end = headers_.back().base + files.back().size();
  uint64_t words = (span_end - data_start_) / 8 + 1;
  marks_.assign(words, 0);
  for (size_t i = 0; i < files.size(); ++i) {
    uint64_t begin = headers_[i].base + headers_[i].size();
    uint64_t end = headers_[i].base + files[i].size();
    if (absl::Status st = Walk(begin, end); !st.ok()) return st;
    if (absl::Status st = CountPointer(headers_[i].root, end, headers_[i].base + headers_[i].root_offset());
        !st.ok()) {
      return st;
    }
  }
  backref_.assign(words, kNoBackref);
  out_.reserve(files[0].size() / 4 + 256);
  WriteLgzHeader(h0, h0.version == 2 ? span_end - h0.base : files[0].size(), out_);
  for (const OleanHeader& h : headers_) EmitRoot(h.root);
  return std::move(out_);
}

void Encoder::EmitRoot(uint64_t root) {
  stack_.push_back(Task{root, 0, Task::kEmit, kNormal});
  while (!stack_.empty()) {
    Task t = stack_.back();
    stack_.pop_back();
    switch (t.kind) {
      case Task::kEmit:
        EmitOne(t.word, t.space);
        break;
      case Task::kRaw:
        out_.append(reinterpret_cast<const char*>(heap_.At(t.word, t.len)), t.len);
        break;
      case Task::kDone:
        backref_[Index(t.word)] = next_backref_++;
        break;
    }
  }
}

void Encoder::EmitOne(uint64_t word, Space space) {
  if (IsScalar(word)) {
    op::WriteInt(out_, UnboxSigned(word));
    return;
  }
  size_t idx = Index(word);
  if (backref_[idx] != kNoBackref) {
    op::WriteBackref(out_, backref_[idx]);
    return;
  }
  if ((marks_[idx] & kCountMask) > 1) {
    out_.push_back(static_cast<char>(op::kSave));
    stack_.push_back(Task{word, 0, Task::kDone, kNormal});
  }
  const uint8_t* p = heap_.At(word, 8);
  ObjHeader h = ReadHeader(p);
  if (h.tag <= kMaxCtorTag) {
    HeapView::CtorShape s{h.tag, h.other, h.cs_sz / 8u - 1u - h.other};
    Plan plan;
    if (PlanExprish(word, s, &plan)) {
      if (space == kNormal) out_.push_back(static_cast<char>(op::kToExprish));
      out_.push_back(static_cast<char>(plan.op));
      for (int i = plan.n - 1; i >= 0; --i) stack_.push_back(Task{plan.child[i], 0, Task::kEmit, plan.space[i]});
      return;
    }
    if (space == kExprish) out_.push_back(static_cast<char>(op::kToNormal));
    if (s.tag <= 12 && s.num_ptrs <= 7 && s.num_scalars <= 1 && (s.num_ptrs | s.num_scalars) != 0) {
      out_.push_back(static_cast<char>((s.tag << 4) | (s.num_ptrs << 1) | s.num_scalars));
    } else {
      out_.push_back(static_cast<char>(op::kBigCtor));
      out_.push_back(static_cast<char>(s.tag));
      out_.push_back(static_cast<char>(s.num_ptrs));
      Append16(out_, static_cast<uint16_t>(s.num_scalars));
    }
    if (s.num_scalars > 0) {
      stack_.push_back(Task{word + 8 + 8 * uint64_t{s.num_ptrs}, 8 * s.num_scalars, Task::kRaw, kNormal});
    }
    for (int i = int(s.num_ptrs) - 1; i >= 0; --i) stack_.push_back(Task{Load64(p + 8 + 8 * i), 0, Task::kEmit, kNormal});
    return;
  }
  if (space == kExprish) out_.push_back(static_cast<char>(op::kToNormal));
  switch (h.tag) {
    case kTagArray: {
      uint64_t n = Load64(heap_.At(word, 24) + 8);
      const uint8_t* elems = heap_.At(word, 24 + 8 * n) + 24;
      out_.push_back(static_cast<char>(op::kArray));
      op::WriteInt(out_, static_cast<int64_t>(n));
      for (uint64_t i = n; i-- > 0;) stack_.push_back(Task{Load64(elems + 8 * i), 0, Task::kEmit, kNormal});
      break;
    }
    case kTagScalarArray: {
      uint64_t n = Load64(heap_.At(word, 24) + 8);
      out_.push_back(static_cast<char>(op::kScalarArray));
      op::WriteInt(out_, static_cast<int64_t>(n));
      out_.append(reinterpret_cast<const char*>(heap_.At(word, 24 + n) + 24), n);
      break;
    }
    case kTagString: {
      uint64_t n = Load64(heap_.At(word, 32) + 8);
      out_.push_back(static_cast<char>(op::kString));
      out_.append(reinterpret_cast<const char*>(heap_.At(word, 32 + n) + 32), n);
      break;
    }
    case kTagMpz: {
      // leantar writes the signed size as an unsigned 32-bit pattern, so negative numbers come
      // out as a huge capacity that no decoder accepts (caught by EncodeOleansVerified).
      const uint8_t* q = heap_.At(word, 32);
      uint64_t cap, data_off;
      int64_t signed_size;
      if (gmp_) {
        cap = Load32(q + 8);
        signed_size = static_cast<int64_t>(Load32(q + 12));
        data_off = 24;
      } else {
        uint64_t digits = Load64(q + 16);
        cap = (digits + 1) / 2;
        uint32_t sz = static_cast<uint32_t>(cap);
        if (Load64(q + 8) != 0) sz = 0u - sz;
        signed_size = static_cast<int64_t>(sz);
        data_off = 32;
      }
      out_.push_back(static_cast<char>(op::kMpz));
      op::WriteInt(out_, signed_size);
      out_.append(reinterpret_cast<const char*>(heap_.At(word, data_off + 8 * cap) + data_off), 8 * cap);
      break;
    }
    case kTagThunk:
    case kTagTask:
    case kTagRef:
    case kTagPromise: {
      uint8_t code = h.tag == kTagThunk ? op::kThunk : h.tag == kTagTask ? op::kTask
                     : h.tag == kTagRef ? op::kRef : op::kPromise;
      out_.push_back(static_cast<char>(code));
      stack_.push_back(Task{Load64(p + 8), 0, Task::kEmit, kNormal});
      break;
    }
    default:
      break;  // unreachable: CheckedObjectSize rejected every other kind
  }
}

bool Encoder::AppMatches(uint64_t w) {
  auto s = heap_.Ctor(w);
  if (!s || s->tag != shape::kExprApp.tag || s->num_ptrs != 2 || s->num_scalars != 1) return false;
  auto f = ExprDataOf(heap_, heap_.Word(w, 0));
  auto a = ExprDataOf(heap_, heap_.Word(w, 1));
  return f && a && ExprAppData(*f, *a) == heap_.Word(w, 2);
}

bool Encoder::ConstMatches(uint64_t w) {
  auto s = heap_.Ctor(w);
  if (!s || s->tag != shape::kExprConst.tag || s->num_ptrs != 2 || s->num_scalars != 1) return false;
  auto nh = NameHashOf(heap_, heap_.Word(w, 0));
  if (!nh) return false;
  auto levels = LevelListOf(heap_, heap_.Word(w, 1), &hash_budget_);
  return levels && ExprConstData(*nh, *levels) == heap_.Word(w, 2);
}

bool Encoder::PlanExprish(uint64_t addr, const HeapView::CtorShape& s, Plan* plan) {
  auto is = [&](const shape::Shape& sh) {
    return s.tag == sh.tag && s.num_ptrs == sh.ptrs && s.num_scalars == sh.scalars;
  };
  auto f = [&](uint32_t i) { return heap_.Word(addr, i); };
  if (s.num_scalars == 0) return false;
  const uint64_t stored = f(s.num_ptrs);
  auto matches = [&](std::optional<uint64_t> computed) { return computed && *computed == stored; };
  auto set = [&](uint8_t code, std::initializer_list<Space> spaces) {
    plan->op = code;
    uint32_t i = 0;
    for (Space sp : spaces) plan->Add(f(i++), sp);
    return true;
  };
  auto name = [&](uint32_t i) { return NameHashOf(heap_, f(i)); };
  auto level = [&](uint32_t i) { return LevelDataOf(heap_, f(i)); };
  auto expr = [&](uint32_t i) { return ExprDataOf(heap_, f(i)); };
  auto map1 = [](std::optional<uint64_t> v, uint64_t (*fn)(uint64_t)) {
    return v ? std::optional<uint64_t>(fn(*v)) : std::nullopt;
  };

  if (is(shape::kNameStr)) {
    auto nh = name(0);
    auto sh = nh ? StrHashOf(heap_, f(1), &hash_budget_) : std::nullopt;
    return nh && sh && NameStrHash(*nh, *sh) == stored && set(op::kNameStr, {kExprish, kNormal});
  }
  if (is(shape::kLevelSucc)) {  // == Expr.fvar's shape
    if (matches(map1(level(0), LevelSuccData))) return set(op::kLevelSucc, {kExprish});
    return matches(map1(name(0), ExprFVarData)) && set(op::kFVar, {kExprish});
  }
  if (is(shape::kLevelMax)) {  // == Name.num's shape
    auto l1 = level(0), l2 = level(1);
    if (l1 && l2 && LevelMaxData(*l1, *l2) == stored) return set(op::kLevelMax, {kExprish, kExprish});
    auto nh = name(0);
    return nh && NameNumHash(*nh, f(1)) == stored && set(op::kNameNum, {kExprish, kNormal});
  }
  if (is(shape::kLevelIMax)) {
    auto l1 = level(0), l2 = level(1);
    return l1 && l2 && LevelIMaxData(*l1, *l2) == stored && set(op::kLevelIMax, {kExprish, kExprish});
  }
  if (is(shape::kLevelParam)) return matches(map1(name(0), LevelParamData)) && set(op::kLevelParam, {kExprish});
  if (is(shape::kLevelMVar)) return matches(map1(name(0), LevelMVarData)) && set(op::kLevelMVar, {kExprish});
  if (is(shape::kExprBVar)) {
    return matches(map1(NumHashOf(heap_, f(0), gmp_), ExprBVarData)) && set(op::kBVar, {kNormal});
  }
  if (is(shape::kExprMVar)) return matches(map1(name(0), ExprMVarData)) && set(op::kMVar, {kExprish});
  if (is(shape::kExprSort)) return matches(map1(level(0), ExprSortData)) && set(op::kSort, {kExprish});
  if (is(shape::kExprLit)) {
    return matches(map1(LitHashOf(heap_, f(0), gmp_, &hash_budget_), ExprLitData)) && set(op::kLit, {kNormal});
  }
  if (is(shape::kExprMData)) return matches(map1(expr(1), ExprMDataData)) && set(op::kMData, {kNormal, kExprish});
  if (is(shape::kExprProj)) {
    auto nh = name(0);
    auto ih = NumHashOf(heap_, f(1), gmp_);
    auto d = expr(2);
    return nh && ih && d && ExprProjData(*nh, *ih, *d) == stored && set(op::kProj, {kExprish, kNormal, kExprish});
  }
  if (is(shape::kExprLam) || is(shape::kExprForall)) {
    auto t = expr(1), b = expr(2);
    uint64_t bi = f(4);
    if (!(t && b && ExprBinderData(*t, *b) == stored && bi <= 3)) return false;
    uint8_t base = s.tag == shape::kExprLam.tag ? op::kLam : op::kForall;
    return set(static_cast<uint8_t>(base | bi), {kExprish, kExprish, kExprish});
  }
  if (is(shape::kExprLet)) {
    auto t = expr(1), v = expr(2), b = expr(3);
    uint64_t non_dep = f(5);
    if (!(t && v && b && ExprLetData(*t, *v, *b) == stored && non_dep <= 1)) return false;
    return set(static_cast<uint8_t>(op::kLet | non_dep), {kExprish, kExprish, kExprish, kExprish});
  }
  if (is(shape::kExprConst)) return ConstMatches(addr) && set(op::kConstApp, {kExprish, kNormal});
  if (!is(shape::kExprApp)) return false;

  // n-ary application: walk the spine leftwards through unshared, matching app nodes.
  uint64_t args[op::kMaxAppArgs];
  unsigned n = 0;
  uint64_t cur = addr;
  bool descended = true;  // `cur` was reached by descending (is unshared, ours to inline)
  while (n < op::kMaxAppArgs && AppMatches(cur)) {
    args[n++] = heap_.Word(cur, 1);
    uint64_t fn = heap_.Word(cur, 0);
    cur = fn;
    if (IsScalar(fn) || Shared(fn)) {
      descended = false;
      break;
    }
  }
  if (n == 0) return false;
  if (descended && ConstMatches(cur)) {
    plan->op = static_cast<uint8_t>(op::kConstApp + n);
    plan->Add(heap_.Word(cur, 0), kExprish);
    plan->Add(heap_.Word(cur, 1), kNormal);
  } else {
    plan->op = static_cast<uint8_t>(op::kApp + n);
    plan->Add(cur, kExprish);
  }
  for (unsigned i = n; i-- > 0;) plan->Add(args[i], kExprish);
  return true;
}

}  // namespace

absl::StatusOr<std::string> WriteLgz(absl::Span<const std::string_view> files) {
  Encoder enc;
  return enc.Run(files);
}

}  // namespace leancache::lgz
