"""Time every hostile input of tests/test_hostile.py through the whole command line.

    python bench/hostile.py
"""

from __future__ import annotations

import io
import os
import pathlib
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from checker.cli import main  # noqa: E402
from tests.test_hostile import cases, write  # noqa: E402


def measure() -> list[tuple[str, float, int]]:
    out = []
    for name, files, root in cases(None):
        with tempfile.TemporaryDirectory() as tmp:
            write(pathlib.Path(tmp), files)
            start = time.perf_counter()
            status = main([str(pathlib.Path(tmp) / root)], io.StringIO(), io.StringIO())
            out.append((name, time.perf_counter() - start, status))
    return out


if __name__ == "__main__":
    for name, seconds, status in sorted(measure(), key=lambda row: -row[1]):
        print(f"hostile {name:28} {seconds * 1000:8.1f} ms  exit {status}")
