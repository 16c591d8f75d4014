"""Golden files: output compared with a file under tests/golden/.

A golden file changes only when pytest runs with `--update-goldens`
(tests/conftest.py); a difference otherwise fails with a diff.
"""

from __future__ import annotations

import difflib
import os
import re

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")
UPDATE = False  # set by tests/conftest.py from --update-goldens


def normalise(text: str) -> str:
    """Drop what changes between runs: timings."""
    text = re.sub(r"in \d+\.\d+s", "in X.XXs", text)
    text = re.sub(r'"seconds": [0-9.e-]+', '"seconds": 0', text)
    text = re.sub(r'time="[0-9.]+"', 'time="0"', text)
    return text


def assert_golden(name: str, text: str, directory: str = GOLDEN) -> None:
    path = os.path.join(directory, name)
    text = normalise(text)
    if UPDATE:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as out:
            out.write(text)
    if not os.path.exists(path):
        raise AssertionError(f"no golden file {path}")
    with open(path, encoding="utf-8") as handle:
        expected = handle.read()
    if text != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True), path, "output", n=2))
        raise AssertionError(f"output differs from {path}:\n{diff[:6000]}")
