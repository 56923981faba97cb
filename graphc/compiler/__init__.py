"""The compiler pipeline: parse -> lower (evaluate, infer shapes) -> check losses."""
