import Mathlib.Data.List.SplitOn
import Mathlib.Tactic.Linter.Header
import Mathlib.Tactic.TypeStar

namespace X
