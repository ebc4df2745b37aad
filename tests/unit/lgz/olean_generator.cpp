#include "tests/unit/lgz/olean_generator.h"

#include <random>

#include "tests/unit/lgz/lean_terms.h"

namespace leancache::lgz::testing {

const std::vector<int64_t>& BoundaryScalars() {
  static const std::vector<int64_t> v = {
      0, 1, 31, 32, -1, -2, 127, 128, -128, -129, 255, 256, 32767, 32768, -32768, -32769,
      2147483647LL, 2147483648LL, -2147483648LL, -2147483649LL, 4294967295LL, 4294967296LL,
      (int64_t{1} << 62) - 1, -(int64_t{1} << 62), (int64_t{1} << 61), -(int64_t{1} << 61) - 1};
  return v;
}

namespace {

class RandomOlean {
 public:
  RandomOlean(uint64_t seed, const GenOptions& opt) : rng_(seed), opt_(opt), t_(&b_) {}

  std::vector<std::string> Run() {
    std::vector<Ref> roots;
    int files = opt_.module ? 3 : 1;
    for (int f = 0; f < files; ++f) {
      std::vector<Ref> items;
      for (int i = 0; i < opt_.items; ++i) items.push_back(Item(3));
      if (f > 0) {  // .server/.private point back into earlier files
        for (int i = 0; i < 5 && !pool_.empty(); ++i) items.push_back(Pick(pool_));
      }
      std::string tail;
      for (int i = 0; i < Int(0, 2); ++i) tail += Word(rng_());
      roots.push_back(b_.Ctor(0, {b_.Array(items), Item(2), Scalar(f)}, tail));
    }
    return b_.Serialize(roots, opt_.header);
  }

 private:
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(int percent) { return Int(0, 99) < percent; }
  Ref Pick(const std::vector<Ref>& v) { return v[size_t(Int(0, int(v.size()) - 1))]; }
  static std::string Word(uint64_t w) {
    std::string s;
    for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>(w >> (8 * i)));
    return s;
  }
  // Remember `r` for later reuse (which makes it shared).
  Ref Keep(Ref r) {
    if (!IsScalarRef(r) && Chance(30)) pool_.push_back(r);
    return r;
  }

  std::string Utf8() {
    static const char* pieces[] = {"a", "Nat", "_uniq", "x", "é", "ö", "λ", "→", "∀", "😀", "中", " ", "ℝ", "succ"};
    std::string s;
    for (int i = Int(0, 6); i > 0; --i) s += pieces[Int(0, 13)];
    return s;
  }
  Ref BoundaryScalar() {
    const auto& v = BoundaryScalars();
    return Scalar(v[size_t(Int(0, int(v.size()) - 1))]);
  }
  Ref Mpz() {
    std::vector<uint64_t> limbs(size_t(Int(1, 4)));
    for (auto& l : limbs) l = rng_();
    if (limbs.back() == 0) limbs.back() = 1;
    if (Chance(30)) limbs.back() &= 0xFFFFFFFF;  // odd 32-bit digit count (non-GMP)
    if (limbs.back() == 0) limbs.back() = 7;
    return b_.Mpz(limbs);
  }
  void MaybeCorrupt() {
    if (Chance(6)) t_.CorruptNext();
  }

  Ref NameR(int depth) {
    if (!names_.empty() && Chance(40)) return Pick(names_);
    Ref prefix = depth > 0 && Chance(60) ? NameR(depth - 1) : t_.Anonymous();
    MaybeCorrupt();
    Ref n;
    if (Chance(75)) {
      n = Chance(20) && !strings_.empty() ? t_.NameStrShared(prefix, Pick(strings_)) : t_.NameStr(prefix, Utf8());
    } else {
      n = t_.NameNum(prefix, Chance(85) ? Scalar(Int(0, 100000)) : Mpz());
    }
    names_.push_back(n);
    return Keep(n);
  }
  Ref LevelR(int depth) {
    if (depth <= 0 || Chance(25)) return t_.LevelZero();
    MaybeCorrupt();
    switch (Int(0, 4)) {
      case 0: return Keep(t_.LevelSucc(LevelR(depth - 1)));
      case 1: return Keep(t_.LevelMax(LevelR(depth - 1), LevelR(depth - 1)));
      case 2: return Keep(t_.LevelIMax(LevelR(depth - 1), LevelR(depth - 1)));
      case 3: return Keep(t_.LevelParam(NameR(1)));
      default: return Keep(t_.LevelMVar(NameR(1)));
    }
  }
  Ref ConstR() {
    std::vector<Ref> levels;
    for (int i = Int(0, 3); i > 0; --i) levels.push_back(LevelR(2));
    MaybeCorrupt();
    return t_.Const(NameR(2), t_.List(levels));
  }
  Ref ExprR(int depth) {
    if (!exprs_.empty() && Chance(25)) return Pick(exprs_);
    Ref e;
    if (depth <= 0) {
      switch (Int(0, 3)) {
        case 0: e = t_.BVar(uint64_t(Int(0, 40))); break;
        case 1: e = ConstR(); break;
        case 2: e = t_.Sort(LevelR(2)); break;
        default: e = Chance(50) ? t_.FVar(NameR(1)) : t_.MVar(NameR(1)); break;
      }
    } else {
      MaybeCorrupt();
      switch (Int(0, 7)) {
        case 0: case 1: {  // application spine, sometimes longer than 31 arguments
          Ref f = Chance(60) ? ConstR() : ExprR(depth - 1);
          int n = Chance(20) ? Int(25, 90) : Int(1, 6);
          for (int i = 0; i < n; ++i) {
            f = t_.App(f, ExprR(depth - 1 - Int(0, 1)));
            if (Chance(5)) exprs_.push_back(f);  // shared inner spine node
          }
          e = f;
          break;
        }
        case 2: e = t_.Lam(NameR(1), ExprR(depth - 1), ExprR(depth - 1), uint8_t(Int(0, 3))); break;
        case 3: e = t_.Forall(NameR(1), ExprR(depth - 1), ExprR(depth - 1), uint8_t(Int(0, 3))); break;
        case 4: e = t_.Let(NameR(1), ExprR(depth - 1), ExprR(depth - 1), ExprR(depth - 1), Chance(50)); break;
        case 5: e = Chance(50) ? t_.NatLit(Chance(70) ? Scalar(Int(0, 1 << 30)) : Mpz()) : t_.StrLit(b_.String(Utf8())); break;
        case 6: e = t_.MData(Misc(1), ExprR(depth - 1)); break;
        default: e = t_.Proj(NameR(2), Scalar(Int(0, 9)), ExprR(depth - 1)); break;
      }
    }
    if (Chance(30)) exprs_.push_back(e);
    return Keep(e);
  }
  Ref Misc(int depth) {
    if (!pool_.empty() && Chance(20)) return Pick(pool_);
    switch (Int(0, 11)) {
      case 0: return BoundaryScalar();
      case 1: {
        Ref s = b_.String(Utf8());
        strings_.push_back(s);
        return Keep(s);
      }
      case 2: {
        std::string bytes;
        for (int i = Int(0, 40); i > 0; --i) bytes.push_back(static_cast<char>(rng_()));
        return Keep(b_.ScalarArray(bytes));
      }
      case 3: return Keep(Mpz());
      case 4: {
        std::vector<Ref> elems;
        for (int i = Int(0, 12); i > 0; --i) elems.push_back(depth > 0 ? Misc(depth - 1) : BoundaryScalar());
        return Keep(b_.Array(elems));
      }
      case 5: {
        Ref v = depth > 0 ? Misc(depth - 1) : BoundaryScalar();
        switch (Int(0, 3)) {
          case 0: return Keep(b_.Thunk(v));
          case 1: return Keep(b_.Task(v));
          case 2: return Keep(b_.RefObj(v));
          default: return Keep(b_.Promise(v));
        }
      }
      case 6: case 7: {  // generic constructors, small (packed opcode) and big (tag > 12, > 7 fields, > 1 word)
        bool big = Chance(40);
        uint8_t tag = uint8_t(big ? Int(0, 243) : Int(0, 12));
        std::vector<Ref> fields;
        for (int i = big ? Int(0, 12) : Int(0, 3); i > 0; --i) {
          fields.push_back(depth > 0 ? Misc(depth - 1) : BoundaryScalar());
        }
        std::string scalars;
        for (int i = big ? Int(0, 3) : Int(0, 1); i > 0; --i) scalars += Word(rng_());
        if (fields.empty() && scalars.empty()) scalars = Word(rng_());  // Lean boxes field-less ctors
        return Keep(b_.Ctor(tag, fields, scalars));
      }
      case 8: return NameR(3);
      case 9: return LevelR(3);
      default: return ExprR(depth + 1);
    }
  }
  Ref Item(int depth) { return Chance(50) ? ExprR(depth) : Misc(depth); }

  std::mt19937_64 rng_;
  GenOptions opt_;
  OleanBuilder b_;
  LeanTerms t_;
  std::vector<Ref> pool_, names_, exprs_, strings_;
};

}  // namespace

std::vector<std::string> GenerateOlean(uint64_t seed, const GenOptions& opt) { return RandomOlean(seed, opt).Run(); }

}  // namespace leancache::lgz::testing
