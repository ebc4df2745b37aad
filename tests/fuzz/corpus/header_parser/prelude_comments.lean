prelude
import Init.Prelude -- comment
/- nested /- comment -/ still -/ import A.B.C
