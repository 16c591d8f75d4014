"""Golden files: compare output with a file beside the tests; PCHECK_UPDATE_GOLDEN=1 rewrites them."""

from __future__ import annotations

import os
import re

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")


def normalise(text: str) -> str:
    """Drop what changes between runs: timings."""
    text = re.sub(r"in \d+\.\d+s", "in X.XXs", text)
    text = re.sub(r'"seconds": [0-9.e-]+', '"seconds": 0', text)
    text = re.sub(r'time="[0-9.]+"', 'time="0"', text)
    return text


def assert_golden(name: str, text: str) -> None:
    path = os.path.join(GOLDEN, name)
    text = normalise(text)
    if os.environ.get("PCHECK_UPDATE_GOLDEN"):
        os.makedirs(GOLDEN, exist_ok=True)
        with open(path, "w", encoding="utf-8") as out:
            out.write(text)
    with open(path, encoding="utf-8") as handle:
        expected = handle.read()
    assert text == expected, f"output differs from {path}; rerun with PCHECK_UPDATE_GOLDEN=1 if the change is intended"
