/-
Copyright (c) 2026 leancache fixturegen. Synthetic file, not Mathlib.
-/

/-!
# Archive.Examples.IfNormalization.Statement

Synthetic body (seed 1).
-/

theorem comp_apply_0 : 782 + 284 = 284 + 782 := Nat.add_comm 782 284

theorem zero_add_1 : 753 + 271 = 271 + 753 := Nat.add_comm 753 271

theorem comp_apply_2 : 558 + 119 = 119 + 558 := Nat.add_comm 558 119

theorem mul_assoc_3 : 651 + 834 = 834 + 651 := Nat.add_comm 651 834

theorem smul_eq_4 : 941 + 11 = 11 + 941 := Nat.add_comm 941 11

theorem card_pos_5 : 828 + 827 = 827 + 828 := Nat.add_comm 828 827

theorem smul_eq_6 : 355 + 644 = 644 + 355 := Nat.add_comm 355 644

theorem norm_nonneg_7 : 957 + 415 = 415 + 957 := Nat.add_comm 957 415

theorem card_pos_8 : 987 + 225 = 225 + 987 := Nat.add_comm 987 225

theorem map_id_9 : 871 + 51 = 51 + 871 := Nat.add_comm 871 51

theorem zero_add_10 : 328 + 523 = 523 + 328 := Nat.add_comm 328 523

theorem map_id_11 : 19 + 399 = 399 + 19 := Nat.add_comm 19 399

theorem comp_apply_12 : 950 + 351 = 351 + 950 := Nat.add_comm 950 351

theorem norm_nonneg_13 : 437 + 238 = 238 + 437 := Nat.add_comm 437 238

theorem le_refl_14 : 576 + 967 = 967 + 576 := Nat.add_comm 576 967

theorem mul_assoc_15 : 511 + 449 = 449 + 511 := Nat.add_comm 511 449

theorem mul_assoc_16 : 206 + 999 = 999 + 206 := Nat.add_comm 206 999

theorem zero_add_17 : 525 + 373 = 373 + 525 := Nat.add_comm 525 373

theorem norm_nonneg_18 : 562 + 463 = 463 + 562 := Nat.add_comm 562 463

theorem add_comm_19 : 782 + 555 = 555 + 7