/-
unterminated