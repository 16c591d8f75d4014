"""Time `pcheck import dts` on seL4's boards (../shared/data/dts), in process and as a command.

    python bench/dts.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from checker import dts  # noqa: E402
from tests.test_dts import SHARED, STACKS  # noqa: E402


def measure(runs: int = 3) -> list[tuple[str, int, float, float, int]]:
    """(board, files, best in-process seconds, best command seconds, devices) per board."""
    out = []
    for name, (files, _) in sorted(STACKS.items()):
        paths = [os.path.join(SHARED, f) for f in files]
        inner, whole = [], []
        for _ in range(runs):
            start = time.perf_counter()
            board = dts.read_dts(paths)
            inner.append(time.perf_counter() - start)
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "checker", "import", "dts", *paths, "--lines", "256", "--max-irq", "255"],
                           cwd=ROOT, capture_output=True, check=True)
            whole.append(time.perf_counter() - start)
        out.append((name, len(files), min(inner), min(whole), len(board.devices)))
    return out


if __name__ == "__main__":
    if not os.path.isdir(SHARED):
        sys.exit(f"{SHARED} is not here")
    print(f"{'board':12} files  read (s)  pcheck import (s)  devices")
    for name, files, inner, whole, devices in measure():
        print(f"{name:12} {files:5}  {inner:8.3f}  {whole:17.3f}  {devices:7}")
