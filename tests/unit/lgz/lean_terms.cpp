#include "tests/unit/lgz/lean_terms.h"

#include <algorithm>

namespace leancache::lgz::testing {
namespace {

// Lean's Level.mkData / Expr.mkData, field by field.
uint64_t LevelMkData(uint64_t h, uint64_t depth, bool has_mvar, bool has_param) {
  return (h & 0xFFFFFFFF) + (uint64_t{has_mvar} << 32) + (uint64_t{has_param} << 33) + (depth << 40);
}
struct LvlFields {
  uint64_t hash, depth;
  bool mvar, param;
};
LvlFields Lvl(uint64_t d) { return {d & 0xFFFFFFFF, d >> 40, ((d >> 32) & 1) != 0, ((d >> 33) & 1) != 0}; }

struct ExprFields {
  uint64_t hash, depth, bvars;
  bool fvar, emvar, lmvar, lparam;
};
ExprFields Ex(uint64_t d) {
  return {d & 0xFFFFFFFF, (d >> 32) & 0xFF, d >> 44, ((d >> 40) & 1) != 0,
          ((d >> 41) & 1) != 0, ((d >> 42) & 1) != 0, ((d >> 43) & 1) != 0};
}
uint64_t ExprMkData(uint64_t h, uint64_t bvars, uint64_t depth, bool fvar, bool emvar, bool lmvar, bool lparam) {
  uint64_t d = depth > 255 ? 255 : depth;
  return (h & 0xFFFFFFFF) + (d << 32) + (uint64_t{fvar} << 40) + (uint64_t{emvar} << 41) + (uint64_t{lmvar} << 42) +
         (uint64_t{lparam} << 43) + (bvars << 44);
}
std::string Word(uint64_t w) {
  std::string s;
  for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>(w >> (8 * i)));
  return s;
}

}  // namespace

Ref LeanTerms::Node(uint8_t tag, std::vector<Ref> fields, uint64_t word, std::vector<uint64_t> extra) {
  if (corrupt_next_) {
    word ^= 0x10;
    corrupt_next_ = false;
  }
  std::string scalars = Word(word);
  for (uint64_t e : extra) scalars += Word(e);
  return b_->Ctor(tag, std::move(fields), std::move(scalars));
}

uint64_t LeanTerms::NameHash(Ref n) const { return IsScalarRef(n) ? 1723 : b_->ScalarWord(n); }
uint64_t LeanTerms::LevelData(Ref l) const { return IsScalarRef(l) ? LevelMkData(2221, 0, false, false) : b_->ScalarWord(l); }
uint64_t LeanTerms::NatHash(Ref n) const {
  if (IsScalarRef(n)) return n >> 1;
  return b_->ScalarWord(n, 0);  // unused for MPZ: see NatLit
}

Ref LeanTerms::NameStr(Ref prefix, const std::string& s) { return NameStrShared(prefix, b_->String(s)); }
Ref LeanTerms::NameStrShared(Ref prefix, Ref str) {
  return Node(1, {prefix, str}, GenMix(NameHash(prefix), GenStrHash(b_->Bytes(str))));
}
Ref LeanTerms::NameNum(Ref prefix, Ref num) {
  // Lean: mixHash p.hash (if v < 2^64 then v else 17); leantar uses 17 for every big number.
  return Node(2, {prefix, num}, GenMix(NameHash(prefix), IsScalarRef(num) ? num >> 1 : 17));
}
Ref LeanTerms::Name(const std::vector<std::string>& parts) {
  Ref n = Anonymous();
  for (const std::string& p : parts) n = NameStr(n, p);
  return n;
}

Ref LeanTerms::LevelSucc(Ref l) {
  LvlFields u = Lvl(LevelData(l));
  return Node(1, {l}, LevelMkData(GenMix(2243, u.hash), u.depth + 1, u.mvar, u.param));
}
Ref LeanTerms::LevelMax(Ref a, Ref b) {
  LvlFields u = Lvl(LevelData(a)), v = Lvl(LevelData(b));
  return Node(2, {a, b},
              LevelMkData(GenMix(2251, GenMix(u.hash, v.hash)), std::max(u.depth, v.depth) + 1, u.mvar || v.mvar,
                          u.param || v.param));
}
Ref LeanTerms::LevelIMax(Ref a, Ref b) {
  LvlFields u = Lvl(LevelData(a)), v = Lvl(LevelData(b));
  return Node(3, {a, b},
              LevelMkData(GenMix(2267, GenMix(u.hash, v.hash)), std::max(u.depth, v.depth) + 1, u.mvar || v.mvar,
                          u.param || v.param));
}
Ref LeanTerms::LevelParam(Ref name) { return Node(4, {name}, LevelMkData(GenMix(2239, NameHash(name)), 0, false, true)); }
Ref LeanTerms::LevelMVar(Ref name) { return Node(5, {name}, LevelMkData(GenMix(2237, NameHash(name)), 0, true, false)); }

Ref LeanTerms::List(const std::vector<Ref>& items) {
  Ref l = Scalar(0);
  for (size_t i = items.size(); i-- > 0;) l = b_->Ctor(1, {items[i], l});
  return l;
}

Ref LeanTerms::BVar(uint64_t idx) { return Node(0, {Scalar(int64_t(idx))}, ExprMkData(GenMix(7, idx), idx + 1, 0, 0, 0, 0, 0)); }
Ref LeanTerms::FVar(Ref name) {
  return Node(1, {name}, ExprMkData(GenMix(13, GenMix(0, NameHash(name))), 0, 0, true, false, false, false));
}
Ref LeanTerms::MVar(Ref name) {
  return Node(2, {name}, ExprMkData(GenMix(17, GenMix(0, NameHash(name))), 0, 0, false, true, false, false));
}
Ref LeanTerms::Sort(Ref level) {
  LvlFields u = Lvl(LevelData(level));
  return Node(3, {level}, ExprMkData(GenMix(11, u.hash), 0, 0, false, false, u.mvar, u.param));
}
Ref LeanTerms::Const(Ref name, Ref levels) {
  uint64_t h = 7;
  bool mvar = false, param = false;
  for (Ref l = levels; !IsScalarRef(l); l = b_->Fields(l)[1]) {
    LvlFields u = Lvl(LevelData(b_->Fields(l)[0]));
    h = GenMix(h, u.hash);
    mvar |= u.mvar;
    param |= u.param;
  }
  return Node(4, {name, levels}, ExprMkData(GenMix(5, GenMix(NameHash(name), h)), 0, 0, false, false, mvar, param));
}
Ref LeanTerms::App(Ref f, Ref a) {
  ExprFields x = Ex(ExprData(f)), y = Ex(ExprData(a));
  uint64_t h = GenMix(ExprData(f), ExprData(a));
  return Node(5, {f, a},
              ExprMkData(h, std::max(x.bvars, y.bvars), std::max(x.depth, y.depth) + 1, x.fvar || y.fvar,
                         x.emvar || y.emvar, x.lmvar || y.lmvar, x.lparam || y.lparam));
}
Ref LeanTerms::Binder(uint8_t tag, Ref name, Ref type, Ref body, uint8_t bi) {
  ExprFields t = Ex(ExprData(type)), b = Ex(ExprData(body));
  uint64_t d = std::max(t.depth, b.depth) + 1;
  uint64_t bv = std::max(t.bvars, b.bvars == 0 ? 0 : b.bvars - 1);
  return Node(tag, {name, type, body},
              ExprMkData(GenMix(d, GenMix(t.hash, b.hash)), bv, d, t.fvar || b.fvar, t.emvar || b.emvar,
                         t.lmvar || b.lmvar, t.lparam || b.lparam),
              {bi});
}
Ref LeanTerms::Lam(Ref name, Ref type, Ref body, uint8_t bi) { return Binder(6, name, type, body, bi); }
Ref LeanTerms::Forall(Ref name, Ref type, Ref body, uint8_t bi) { return Binder(7, name, type, body, bi); }
Ref LeanTerms::Let(Ref name, Ref type, Ref value, Ref body, bool non_dep) {
  ExprFields t = Ex(ExprData(type)), v = Ex(ExprData(value)), b = Ex(ExprData(body));
  uint64_t d = std::max({t.depth, v.depth, b.depth}) + 1;
  uint64_t bv = std::max({t.bvars, v.bvars, b.bvars == 0 ? 0 : b.bvars - 1});
  return Node(8, {name, type, value, body},
              ExprMkData(GenMix(d, GenMix(t.hash, GenMix(v.hash, b.hash))), bv, d, t.fvar || v.fvar || b.fvar,
                         t.emvar || v.emvar || b.emvar, t.lmvar || v.lmvar || b.lmvar, t.lparam || v.lparam || b.lparam),
              {non_dep ? 1u : 0u});
}
Ref LeanTerms::NatLit(Ref nat) {
  Ref lit = b_->Ctor(0, {nat});
  uint64_t h;
  if (IsScalarRef(nat)) {
    h = nat >> 1;
  } else {  // Nat hash = value mod 2^64 = the low limb
    const std::string& limbs = b_->Bytes(nat);
    h = 0;
    for (int i = 7; i >= 0; --i) h = (h << 8) | static_cast<uint8_t>(limbs[i]);
  }
  return Node(9, {lit}, ExprMkData(GenMix(3, h), 0, 0, 0, 0, 0, 0));
}
Ref LeanTerms::StrLit(Ref str) {
  Ref lit = b_->Ctor(1, {str});
  return Node(9, {lit}, ExprMkData(GenMix(3, GenStrHash(b_->Bytes(str))), 0, 0, 0, 0, 0, 0));
}
Ref LeanTerms::MData(Ref mdata, Ref e) {
  ExprFields x = Ex(ExprData(e));
  uint64_t d = x.depth + 1;
  return Node(10, {mdata, e}, ExprMkData(GenMix(d, x.hash), x.bvars, d, x.fvar, x.emvar, x.lmvar, x.lparam));
}
Ref LeanTerms::Proj(Ref sname, Ref idx, Ref e) {
  ExprFields x = Ex(ExprData(e));
  uint64_t d = x.depth + 1;
  return Node(11, {sname, idx, e},
              ExprMkData(GenMix(d, GenMix(NameHash(sname), GenMix(NatHash(idx), x.hash))), x.bvars, d, x.fvar,
                         x.emvar, x.lmvar, x.lparam));
}

}  // namespace leancache::lgz::testing
