/-
Copyright (c) 2026 leancache fixturegen. Synthetic file, not Mathlib.
-/
import Std
import Batteries
import Mathlib.Data.List.SplitOn
import Mathlib.Lean.Linter
import Mathlib.MeasureTheory.Measure.Typeclasses.NoAtoms
import Mathlib.Tactic.AdaptationNote
import Mathlib.Tactic.Linter.DeprecatedSyntaxLinter
import Mathlib.Tactic.Linter.DirectoryDependency
import Mathlib.Tactic.Linter.DocString
import Mathlib.Tactic.Linter.Header
import Mathlib.Tactic.Linter.Multigoal
import Mathlib.Tactic.Linter.Whitespace
import Mathlib.Tactic.TypeStar

/-!
# Mathlib

Synthetic body (seed 1).
-/

theorem norm_nonneg_0 : 915 + 430 = 430 + 915 := Nat.add_comm 915 430

theorem comp_apply_1 : 259 + 286 = 286 + 259 := Nat.add_comm 259 286

theorem norm_nonneg_2 : 67 + 215 = 215 + 67 := Nat.add_comm 67 215

theorem mul_assoc_3 : 309 + 672 = 672 + 309 := Nat.add_comm 309 672

theorem le_refl_4 : 271 + 460 = 460 + 271 := Nat.add_comm 271 460

theorem map_id_5 : 995 + 483 = 483 + 995 := Nat.add_comm 995 483

theorem card_pos_6 : 634 + 551 = 551 + 634 := Nat.add_comm 634 551

theorem smul_eq_7 : 552 + 440 = 440 + 552 := Nat.add_comm 552 440

theorem le_refl_8 : 875 + 46 = 46 + 875 := Nat.add_comm 875 46

theorem smul_eq_9 : 201 + 9 = 9 + 201 := Nat.add_comm 201 9

theorem card_pos_10 : 345 + 561 = 561 + 345 := Nat.add_comm 345 561

theorem comp_apply_11 : 563 + 520 = 520 + 563 := Nat.add_comm 563 520

theorem comp_apply_12 : 632 + 462 = 462 + 632 := Nat.add_comm 632 462

theorem ext_iff_13 : 194 + 16