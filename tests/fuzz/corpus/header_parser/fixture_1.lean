/-
Copyright (c) 2026 leancache fixturegen. Synthetic file, not Mathlib.
-/

/-!
# Mathlib.Data.List.SplitOn

Synthetic body (seed 1).
-/

theorem ext_iff_0 : 470 + 645 = 645 + 470 := Nat.add_comm 470 645

theorem comp_apply_1 : 536 + 281 = 281 + 536 := Nat.add_comm 536 281

theorem smul_eq_2 : 297 + 609 = 609 + 2
