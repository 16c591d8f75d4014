"""Differential tests: the solver's verdict on every obligation against the
reference model's, computed by brute force on random small specs.

strategies.py      hypothesis strategies building `checker.spec.Spec` objects directly
model_verdicts.py  each obligation's verdict from the model alone (no solver)
test_differential.py  the comparisons; a disagreement prints the shrunk spec

`PCHECK_SLOW=1` (or `pytest --slow`) runs many more examples.
"""
