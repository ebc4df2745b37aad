// Test support: Lean Name/Level/Expr nodes with their cached hash/data words computed the way
// Lean computes them (Lean's Name.hash, Level.data, Expr.data), on top of OleanBuilder.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tests/unit/lgz/olean_builder.h"

namespace leancache::lgz::testing {

class LeanTerms {
 public:
  explicit LeanTerms(OleanBuilder* b) : b_(b) {}

  // When set, the next node created stores a wrong cached word (Exprish must fall back).
  void CorruptNext() { corrupt_next_ = true; }

  Ref Anonymous() const { return Scalar(0); }
  Ref NameStr(Ref prefix, const std::string& s);
  Ref NameStrShared(Ref prefix, Ref string_obj);
  Ref NameNum(Ref prefix, Ref num);  // num: scalar or MPZ
  Ref Name(const std::vector<std::string>& parts);

  Ref LevelZero() const { return Scalar(0); }
  Ref LevelSucc(Ref l);
  Ref LevelMax(Ref a, Ref b);
  Ref LevelIMax(Ref a, Ref b);
  Ref LevelParam(Ref name);
  Ref LevelMVar(Ref name);

  Ref List(const std::vector<Ref>& items);  // List.cons tag 1 / List.nil = box(0)

  Ref BVar(uint64_t idx);
  Ref FVar(Ref name);
  Ref MVar(Ref name);
  Ref Sort(Ref level);
  Ref Const(Ref name, Ref level_list);
  Ref App(Ref f, Ref a);
  Ref Lam(Ref name, Ref type, Ref body, uint8_t binder_info);
  Ref Forall(Ref name, Ref type, Ref body, uint8_t binder_info);
  Ref Let(Ref name, Ref type, Ref value, Ref body, bool non_dep);
  Ref NatLit(Ref nat);        // Literal.natVal (scalar or MPZ) wrapped in Expr.lit
  Ref StrLit(Ref string_obj); // Literal.strVal wrapped in Expr.lit
  Ref MData(Ref mdata, Ref e);
  Ref Proj(Ref struct_name, Ref idx, Ref e);

 private:
  uint64_t NameHash(Ref n) const;
  uint64_t LevelData(Ref l) const;
  uint64_t ExprData(Ref e) const { return b_->ScalarWord(e); }
  uint64_t NatHash(Ref n) const;
  Ref Node(uint8_t tag, std::vector<Ref> fields, uint64_t word, std::vector<uint64_t> extra = {});
  Ref Binder(uint8_t tag, Ref name, Ref type, Ref body, uint8_t bi);

  OleanBuilder* b_;
  bool corrupt_next_ = false;
};

}  // namespace leancache::lgz::testing
