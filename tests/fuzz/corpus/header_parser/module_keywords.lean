module

public import Mathlib.A
meta import all Foo.«bar baz»
import Init.Data
/-! doc -/
import Not.This
