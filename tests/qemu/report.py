"""Per-family agreement of the QEMU differential suite, as a table: `python -m tests.qemu.report`.

For each family: scenarios run, how many agree exactly, how many differ only as their documented
deviation says (tests/qemu/deviations.py), the values and deliveries compared, and the wall time of
the whole run.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict

from tests.qemu import harness, oracle
from tests.qemu.compare import compare
from tests.qemu.scenarios import all_scenarios


def main() -> int:
    reason = harness.missing()
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2
    scenarios = all_scenarios()
    elf = harness.build()
    start = time.monotonic()
    outcomes = harness.run_all([s.program for s in scenarios], elf, jobs=2)
    seconds = time.monotonic() - start
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    for s, q in zip(scenarios, outcomes):
        c = compare(s, q, oracle.run(s.program))
        row = rows[s.family]
        row[0] += 1
        row[1] += s.deviation is None and c.agrees
        row[2] += s.deviation is not None and not c.agrees
        row[3] += c.reads
        row[4] += c.deliveries
        row[5] += not c.agrees if s.deviation is None else c.agrees  # unexpected
    print(f"| family | scenarios | exact | documented deviation | values compared | deliveries | unexpected |")
    print("|---|---|---|---|---|---|---|")
    total = [0] * 6
    for family, row in rows.items():
        print(f"| {family} | " + " | ".join(str(v) for v in row) + " |")
        total = [a + b for a, b in zip(total, row)]
    print("| all | " + " | ".join(str(v) for v in total) + " |")
    print(f"\n{len(scenarios)} QEMU runs in {seconds:.1f} s ({1000 * seconds / len(scenarios):.0f} ms each, 2 at a time)")
    return 1 if total[5] else 0


if __name__ == "__main__":
    sys.exit(main())
