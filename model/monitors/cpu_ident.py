"""CPU-IDENT: the GIC tells every core apart the way seL4 addresses it.

Violation kind ``core-ident`` (static, step -1): two cores share an MPIDR
or (GICv2) a CPU-interface number; a GICv2 core has no CPU-interface
number in 0..7; or a GICv3 core's redistributor frame lies outside the
1 MiB window (GICR_WINDOW) seL4's gicr_init scans.

Details: ``cpus`` (the two cores of a shared identity, or the one core
concerned), ``field`` (``MPIDR``, ``CPU-interface number`` or
``redistributor frame``).
"""

from __future__ import annotations

from model.config import MachineConfig
from model.monitors._static import _v
from model.trace import Violation

AFFINITY_MASK = 0xFF_00FF_FFFF  # MPIDR_EL1 Aff3 [39:32], Aff2 [23:16], Aff1 [15:8], Aff0 [7:0]

__all__ = ["identity", "GICR_WINDOW"]

# seL4's gicr_init scans 1 MiB of redistributor space, 128 KiB apart.
GICR_WINDOW = 0x100000


def identity(config: MachineConfig) -> list[Violation]:
    found = []
    cs = config.cores
    # Every pair (i < j) sharing an MPIDR or (GICv2) a CPU-interface number, in
    # the order of the pairwise loop this replaces: by i, then j, MPIDR first.
    # Grouping by value finds them without comparing every pair.
    # MPIDRs compare by their affinity fields (Aff3.Aff2.Aff1.Aff0, bits [39:32] and [23:0]):
    # that is all a GICv3 (IROUTER, ICC_SGI1R_EL1, GICR_TYPER) or PSCI addresses a core by.
    pairs: dict[tuple[int, int], list[bool]] = {}
    for field, key in ((0, lambda c: c.mpidr & AFFINITY_MASK), (1, lambda c: c.gic_cpu)):
        if field == 1 and config.gic.version != 2:
            continue
        groups: dict = {}
        for index, core in enumerate(cs):
            groups.setdefault(key(core), []).append(index)
        for members in groups.values():
            for n, i in enumerate(members):
                for j in members[n + 1:]:
                    pairs.setdefault((i, j), [False, False])[field] = True
    for (i, j), (same_mpidr, same_cpu) in sorted(pairs.items()):
        a, b = cs[i], cs[j]
        if same_mpidr:
            found.append(_v("core-ident", f"{a.name} and {b.name} share MPIDR affinity {a.mpidr & AFFINITY_MASK:#x}", cpus=(a.name, b.name), field="MPIDR"))
        if same_cpu:
            found.append(_v("core-ident", f"{a.name} and {b.name} share CPU interface {a.gic_cpu}", cpus=(a.name, b.name), field="CPU-interface number"))
    for index, core in enumerate(cs):
        if config.gic.version == 2 and not (core.gic_cpu is not None and 0 <= core.gic_cpu < 8):
            found.append(_v("core-ident", f"{core.name} has CPU interface {core.gic_cpu}", cpus=(core.name,), field="CPU-interface number"))
        if config.gic.version == 3 and (index + 1) * config.gic.redist_stride > GICR_WINDOW:
            found.append(_v("core-ident", f"{core.name}'s redistributor is outside seL4's search window", cpus=(core.name,), field="redistributor frame"))
    return found
