/-
Copyright (c) 2026 leancache fixturegen. Synthetic file, not Mathlib.
-/
import Lean.Elab.Command
import Lean.Elab.ParseImportsFast
import Std.Sync.Mutex
import Lean.Parser.Module
import Mathlib.Tactic.Linter.DirectoryDependency

/-!
# Mathlib.Tactic.Linter.Header

Synthetic body (seed 1).
-/

theorem ext_iff_0 : 818 + 602 = 602 + 818 := Nat.add_comm 818 602

theorem norm_nonneg_1 : 453 + 94 = 94 + 453 := Nat.add_comm 453 94

theorem map_id_2 : 50 + 477 = 477 + 50 := Nat.add_comm 50 477

theorem card_pos_3 : 274 + 470 = 470 + 274 := Nat.add_comm 274 470

theorem map_id_4 : 743 + 707 = 707 + 743 := Nat.add_comm 743 707

theorem norm_nonneg_5 : 473 + 838 = 838 + 473 := Nat.add_comm 473 838

theorem le_refl_6 : 151 + 701 = 701 + 151 := Nat.add_comm 151 701

theorem card_pos_7 : 589 + 327 = 327 + 589 := Nat.add_comm 589 327

theorem norm_nonneg_8 : 270 + 981 = 981 + 270 := Nat.add_comm 270 981

theorem map_id_9 : 73 + 88 = 88 + 73 := Nat.add_comm 73 88

theorem smul_eq_10 : 818 + 632 = 632 + 818 := Nat.add_comm 818 632

theorem mul_assoc_11 : 716 + 526 = 526 + 716 := Nat.add_comm 716 526

theorem mul_assoc_12 : 885 + 365 = 365 + 885 := Nat.add_comm 885 365

theorem comp_apply_13 : 810 + 744 = 744 + 810 := Nat.add_comm 810 744

theorem mul_assoc_14 : 864 + 149 = 149 + 864 := Nat.add_comm 864 149

theorem ext_iff_15 : 803 + 432 = 432 + 803 := Nat.add_comm 803 432

theorem map_id_16 : 189 + 777 = 777 + 189 := Nat.add_comm 189 777

theorem zero_add_17 : 533 + 457 = 457 + 533 := Na