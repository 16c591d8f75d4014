"""Replay counterexamples on the reference model (wired in with the model)."""

from __future__ import annotations

from checker.result import Result
from checker.spec import Spec


def confirm_all(spec: Spec, results: list[Result]) -> list[Result]:
    return results
