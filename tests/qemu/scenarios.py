"""The differential scenarios: GIC register programs run on QEMU and on the model.

Each family builds `Scenario`s from the harness's ops. Addresses are QEMU
virt's (tests/qemu/harness.py). GICv2 scenarios keep every interrupt in
Group 0 with Group 0 enabled, as seL4 does; GICv3 scenarios start from the
firmware-less reset (Group 0, redistributors asleep) and set what they need.
`compare_mask` says which bits of a read are compared (deviations.CHOICES).
"""

from __future__ import annotations

import random
from typing import Iterator

from attrs import frozen

from model import make_gic
from model.sel4_gic import Port, make_driver
from tests.qemu import harness as h
from tests.qemu import oracle
from tests.qemu.harness import Op, read, sysreg_read, sysreg_write, write

GICD = h.GICD_BASE
GICC = h.GICC_BASE
ALL = 0xFFFF_FFFF


@frozen
class Scenario:
    name: str
    family: str
    program: h.Program
    deviation: str | None = None  # a deviations.DEVIATIONS key: QEMU must differ here


def gicr(q: int, offset: int) -> int:
    """Address in QEMU cpu q's redistributor (SGI_base registers at offset + 0x10000)."""
    return h.gicr_base(q) + offset


def compare_mask(version: int, op: Op) -> int:
    """The bits of a read both QEMU and the model implement (see deviations.CHOICES)."""
    if op.opcode == h.SYSREG_READ:
        name = next(n for n, i in h.SYSREGS.items() if i == op.a)
        return {"ICC_CTLR_EL1": 0x2}.get(name, (1 << 64) - 1)
    if op.opcode != h.MMIO_READ:
        return 0
    addr = op.a
    if version == 2:
        offsets = {GICD + 0x004: 0xFF, GICD + 0x008: 0, GICC + 0xFC: 0, GICC + 0x00: 0x3}
        return offsets.get(addr, (1 << 64) - 1)
    if addr == GICD + 0x004:
        return 0x1F
    if addr in (GICD + 0x008,) or (addr >= h.GICR_BASE and (addr - h.GICR_BASE) % h.GICR_STRIDE == 0x4):
        return 0
    if addr >= h.GICR_BASE and (addr - h.GICR_BASE) % h.GICR_STRIDE == 0x0:
        return ~0x2 & ((1 << 64) - 1)  # GICR_CTLR.CES (LPI support), which the model does not have
    if addr >= h.GICR_BASE and (addr - h.GICR_BASE) % h.GICR_STRIDE == 0x8:
        return 0xFFFF_FFFF_00FF_FF10 if op.b == 8 else 0x00FF_FF10
    return (1 << 64) - 1


# ---------------------------------------------------------------- set-up sequences


def v2_cpu_on(core: int, pmr: int = 0xF0) -> list[Op]:
    return [write(core, GICC + 0x04, 4, pmr), write(core, GICC + 0x00, 4, 1)]


def v2_dist_on(core: int = 0) -> list[Op]:
    return [write(core, GICD + 0x000, 4, 1)]


def v3_cpu_on(core: int, q: int, sgis: int = 0xFFFF, group1: int = ALL, pmr: int = 0xF0) -> list[Op]:
    """Wake the core's redistributor, groups, enable SGIs, PMR, Group 1 (and 0) on at the interface."""
    return [
        write(core, gicr(q, 0x14), 4, 0),
        write(core, gicr(q, 0x10080), 4, group1),
        write(core, gicr(q, 0x10100), 4, sgis),
        sysreg_write(core, "ICC_PMR_EL1", pmr),
        sysreg_write(core, "ICC_IGRPEN1_EL1", 1),
        sysreg_write(core, "ICC_IGRPEN0_EL1", 1),
    ]


def v3_dist_on(core: int = 0, ctlr: int = 0x13) -> list[Op]:
    return [write(core, GICD + 0x000, 4, ctlr)]


def observe(version: int, cores: range | list[int], ack: bool = True) -> list[Op]:
    """Each core reads ISR_EL1, then (ack) acknowledges once and ends the interrupt it got."""
    ops: list[Op] = []
    for c in cores:
        ops.append(sysreg_read(c, "ISR_EL1"))
        if ack:
            ops += _ack(version, c)
    return ops


def _ack(version: int, c: int) -> list[Op]:
    if version == 2:
        return [read(c, GICC + 0x0C, 4)]
    return [sysreg_read(c, "ICC_IAR1_EL1"), sysreg_read(c, "ICC_RPR_EL1")]


# ---------------------------------------------------------------- families


def v2_sgis() -> Iterator[Scenario]:
    """GICD_SGIR: target lists, filters 0b01 (all but self) and 0b10 (self), from every sender."""
    n = 4
    for sender in range(n):
        for filt, lists in ((0, (0b0001, 0b0010, 0b0110, 0b1111, 0b1000, 0b10000)), (1, (0,)), (2, (0,)), (3, (0b0011,))):
            for targets in lists:
                sgi = (sender * 3 + targets) % 16
                value = filt << 24 | targets << 16 | sgi
                ops = v2_dist_on() + [op for c in range(n) for op in v2_cpu_on(c)]
                ops += [write(sender, GICD + 0xF00, 4, value)]
                ops += [read(c, GICD + 0xF10 + 4 * (sgi // 4), 4) for c in range(n)]  # CPENDSGIR: source bits
                ops += observe(2, range(n))
                ops += [write(c, GICC + 0x10, 4, sender << 10 | sgi) for c in range(n)]
                ops += observe(2, range(n), ack=False)
                yield Scenario(f"v2-sgir-from{sender}-f{filt}-t{targets:05b}", "v2 SGIs", h.Program(2, n, tuple(ops)),
                               deviation="v2-sgir-filter-3" if filt == 3 else None)


def v3_sgis() -> Iterator[Scenario]:
    """ICC_SGI1R_EL1 by affinity on an -smp 18 machine: logical cpus on QEMU cpus 0, 1, 16, 17 (Aff1 0 and 1)."""
    qcpus = (0, 1, 16, 17)
    cases = [
        ("aff1-0-list-1", 0, 0b10, 0, 0),
        ("aff1-0-list-3", 0, 0b11, 0, 0),
        ("aff1-1-list-1", 1, 0b01, 0, 0),
        ("aff1-1-list-3", 1, 0b11, 0, 0),
        ("aff1-1-list-2", 1, 0b10, 0, 0),
        ("aff1-2-nobody", 2, 0b01, 0, 0),
        ("list-empty", 0, 0, 0, 0),
        ("list-absent-aff0", 0, 1 << 5, 0, 0),
        ("irm-all-but-self", 0, 0, 1, 0),
    ]
    for sender in range(4):
        for label, aff1, targets, irm, rs in cases:
            sgi = (sender + len(label)) % 16
            value = sgi << 24 | aff1 << 16 | targets | irm << 40 | rs << 44
            ops = v3_dist_on() + [op for c in range(4) for op in v3_cpu_on(c, qcpus[c])]
            ops += [sysreg_write(sender, "ICC_SGI1R_EL1", value)]
            ops += [read(c, gicr(qcpus[c], 0x10200), 4) for c in range(4)]  # ISPENDR0
            ops += observe(3, range(4))
            ops += [sysreg_write(c, "ICC_EOIR1_EL1", sgi) for c in range(4)]
            ops += observe(3, range(4), ack=False)
            yield Scenario(f"v3-sgi1r-from{sender}-{label}", "v3 SGIs", h.Program(3, 18, tuple(ops), qemu_cpus=qcpus))
    # RS = 1 names Aff0 16..31, which no cpu of a 16-cpu cluster has.
    ops = v3_dist_on() + [op for c in range(4) for op in v3_cpu_on(c, qcpus[c])]
    ops += [sysreg_write(0, "ICC_SGI1R_EL1", 3 << 24 | 1 << 44 | 0b10)] + observe(3, range(4))
    yield Scenario("v3-sgi1r-rs1", "v3 SGIs", h.Program(3, 18, tuple(ops), qemu_cpus=qcpus), deviation="v3-rs-ignored")


def v3_groups() -> Iterator[Scenario]:
    """Group 0 / Group 1 SGIs and SPIs: SGI1R/SGI0R against the target's group, FIQ vs IRQ, IAR0 vs IAR1."""
    for group_bits, register in ((0, "ICC_SGI1R_EL1"), (ALL, "ICC_SGI1R_EL1"), (0, "ICC_SGI0R_EL1"), (ALL, "ICC_SGI0R_EL1")):
        for enables in ((1, 1), (1, 0), (0, 1)):
            ops = v3_dist_on(0, 0x10 | enables[0] | enables[1] << 1)
            ops += v3_cpu_on(0, 0) + v3_cpu_on(1, 1, group1=group_bits)
            ops += [sysreg_write(0, register, 5 << 24 | 0b10)]
            ops += [read(1, gicr(1, 0x10200), 4), sysreg_read(1, "ISR_EL1"),
                    sysreg_read(1, "ICC_HPPIR0_EL1"), sysreg_read(1, "ICC_HPPIR1_EL1")]
            ops += [sysreg_read(1, "ICC_IAR1_EL1"), sysreg_read(1, "ICC_IAR0_EL1"), sysreg_read(1, "ICC_RPR_EL1")]
            name = f"v3-{register[4:8].lower()}-target-g{1 if group_bits else 0}-en{enables[0]}{enables[1]}"
            yield Scenario(name, "v3 groups", h.Program(3, 2, tuple(ops)))
    for group in (0, 1):
        for pmr in (0xF0, 0x80):
            ops = v3_dist_on() + v3_cpu_on(0, 0, pmr=pmr)
            ops += [write(0, GICD + 0x084, 4, ALL if group else 0),               # SPIs 32..63 group
                    write(0, GICD + 0x400 + 40, 1, 0x80),
                    write(0, GICD + 0x6000 + 8 * 40, 8, 0),                        # IROUTER -> 0.0.0.0
                    write(0, GICD + 0x104, 4, 1 << 8), write(0, GICD + 0x204, 4, 1 << 8)]
            ops += [sysreg_read(0, "ISR_EL1"), sysreg_read(0, "ICC_IAR0_EL1"), sysreg_read(0, "ICC_IAR1_EL1"),
                    read(0, GICD + 0x304, 4)]
            yield Scenario(f"v3-spi-group{group}-pmr{pmr:02x}", "v3 groups", h.Program(3, 1, tuple(ops)))


def v2_spi_routing() -> Iterator[Scenario]:
    """GICD_ITARGETSR: one target byte per SPI, byte and word writes, pend by GICD_ISPENDR."""
    n = 4
    for intid in (32, 45, 63, 100, 287):
        for target in range(n):
            for width in (1, 4):
                ops = v2_dist_on() + [op for c in range(n) for op in v2_cpu_on(c)]
                byte = 1 << target
                if width == 1:
                    ops.append(write(0, GICD + 0x800 + intid, 1, byte))
                else:
                    lane = intid % 4
                    ops.append(write(0, GICD + 0x800 + intid - lane, 4, byte << (8 * lane)))
                ops += [write(1, GICD + 0x100 + 4 * (intid // 32), 4, 1 << (intid % 32)),
                        write(2 % n, GICD + 0x200 + 4 * (intid // 32), 4, 1 << (intid % 32)),
                        read(3, GICD + 0x800 + intid, 1), read(3, GICD + 0x800 + intid - intid % 4, 4)]
                ops += observe(2, range(n))
                ops += [read(0, GICD + 0x300 + 4 * (intid // 32), 4)]
                yield Scenario(f"v2-itargetsr-{intid}-to{target}-w{width}", "v2 SPI routing", h.Program(2, n, tuple(ops)))
    for byte in (0b0011, 0b1010):
        ops = v2_dist_on() + [op for c in range(n) for op in v2_cpu_on(c)]
        ops += [write(0, GICD + 0x800 + 40, 1, byte), write(0, GICD + 0x104, 4, 1 << 8), write(0, GICD + 0x204, 4, 1 << 8)]
        ops += observe(2, range(n))
        yield Scenario(f"v2-itargetsr-n-n-{byte:04b}", "v2 SPI routing", h.Program(2, n, tuple(ops)), deviation="v2-spi-n-n")
    ops = v2_dist_on() + [op for c in range(2) for op in v2_cpu_on(c)]
    ops += [write(0, GICD + 0x800 + 40, 1, 1), write(0, GICD + 0x204, 4, 1 << 8),   # pending, targeting cpu 0
            write(0, GICD + 0x800 + 40, 1, 2), write(0, GICD + 0x104, 4, 1 << 8)]   # retarget to cpu 1, enable
    ops += observe(2, range(2))
    yield Scenario("v2-retarget-pending", "v2 SPI routing", h.Program(2, 2, tuple(ops)), deviation="v2-pending-per-target")


def v3_spi_routing() -> Iterator[Scenario]:
    """GICD_IROUTER by affinity (QEMU cpus 0, 1, 16, 17 of -smp 18), 64- and 32-bit writes, IRM."""
    qcpus = (0, 1, 16, 17)
    for intid in (32, 50, 255):
        for target in range(4):
            for width in (8, 4):
                q = qcpus[target]
                affinity = h.qemu_mpidr(3, q) & 0xFF_FFFF
                ops = v3_dist_on() + [op for c in range(4) for op in v3_cpu_on(c, qcpus[c])]
                ops.append(write(0, GICD + 0x088 + 4 * ((intid - 64) // 32), 4, ALL) if intid >= 64 else
                           write(0, GICD + 0x084, 4, ALL))
                if width == 8:
                    ops.append(write(1, GICD + 0x6000 + 8 * intid, 8, affinity))
                else:
                    ops += [write(1, GICD + 0x6000 + 8 * intid, 4, affinity), write(1, GICD + 0x6004 + 8 * intid, 4, 0)]
                ops += [write(2, GICD + 0x100 + 4 * (intid // 32), 4, 1 << (intid % 32)),
                        write(3, GICD + 0x200 + 4 * (intid // 32), 4, 1 << (intid % 32)),
                        read(0, GICD + 0x6000 + 8 * intid, 8)]
                ops += observe(3, range(4))
                name = f"v3-irouter-{intid}-to-q{q}-w{width}"
                yield Scenario(name, "v3 SPI routing", h.Program(3, 18, tuple(ops), qemu_cpus=qcpus))
    for participating in (0, 1):
        ops = v3_dist_on() + [op for c in range(2) for op in v3_cpu_on(c, c)]
        ops += [sysreg_write(0, "ICC_IGRPEN1_EL1", participating)]
        ops += [write(0, GICD + 0x084, 4, ALL), write(0, GICD + 0x6000 + 8 * 40, 8, 1 << 31),
                write(0, GICD + 0x104, 4, 1 << 8), write(0, GICD + 0x204, 4, 1 << 8)]
        ops += observe(3, [1, 0])  # core 1 asks first: 1-of-N gives it the SPI
        yield Scenario(f"v3-irouter-1-of-n-cpu0-{'in' if participating else 'out'}", "v3 SPI routing",
                       h.Program(3, 2, tuple(ops)), deviation="v3-irm-ignored")


def ctlr_gating() -> Iterator[Scenario]:
    """The distributor and cpu-interface enables gate delivery, not pending state."""
    for dist in (0, 1):
        for cpu in (0, 1):
            ops = [write(0, GICD, 4, dist), write(0, GICC + 0x04, 4, 0xF0), write(0, GICC, 4, cpu),
                   write(0, GICD + 0x800 + 40, 1, 1), write(0, GICD + 0x104, 4, 1 << 8), write(0, GICD + 0x204, 4, 1 << 8),
                   write(0, GICD + 0xF00, 4, 2 << 24 | 3),
                   read(0, GICD + 0x204, 4), read(0, GICD + 0xF10, 4), read(0, GICD, 4), read(0, GICC, 4)]
            ops += observe(2, [0]) + observe(2, [0])
            yield Scenario(f"v2-ctlr-d{dist}-c{cpu}", "CTLR gating", h.Program(2, 1, tuple(ops)))
    for dist in (0x10, 0x12, 0x13):
        for igrpen in (0, 1):
            for wake in (0, 1):
                ops = [write(0, GICD, 4, dist)]
                if wake:
                    ops.append(write(0, gicr(0, 0x14), 4, 0))
                ops += [write(0, gicr(0, 0x10080), 4, ALL), write(0, gicr(0, 0x10100), 4, 1 << 3),
                        sysreg_write(0, "ICC_PMR_EL1", 0xF0), sysreg_write(0, "ICC_IGRPEN1_EL1", igrpen),
                        sysreg_write(0, "ICC_SGI1R_EL1", 3 << 24 | 1),
                        read(0, GICD, 4), read(0, gicr(0, 0x14), 4), read(0, gicr(0, 0x10200), 4),
                        sysreg_read(0, "ICC_IGRPEN1_EL1")]
                ops += observe(3, [0])
                deviation = "v3-waker-no-hold" if not wake and dist & 2 and igrpen else None
                yield Scenario(f"v3-ctlr-{dist:02x}-igrpen{igrpen}-wake{wake}", "CTLR gating", h.Program(3, 1, tuple(ops)), deviation)


def icfgr() -> Iterator[Scenario]:
    """GICD_ICFGR read-modify-write as seL4's setIRQTrigger does it, two cores on one word; GICR_ICFGR0/1."""
    for version in (2, 3):
        for word in (2, 3, 15):
            for a, b in ((0, 1), (1, 0)):
                base = GICD + 0xC00 + 4 * word
                ops = [read(a, base, 4), read(b, base, 4),
                       write(a, base, 4, 0x0000_0002), write(b, base, 4, 0x2000_0000),  # stale: overwrites a's field
                       read(0, base, 4), write(a, base, 4, 0xFFFF_FFFF), read(b, base, 4),
                       write(b, base, 4, 0x5555_5555), read(a, base, 4)]
                yield Scenario(f"v{version}-icfgr-w{word}-{a}{b}", "ICFGR", h.Program(version, 2, tuple(ops)))
    for version in (2, 3):
        if version == 2:
            regs = [GICD + 0xC00, GICD + 0xC04]
        else:
            regs = [gicr(0, 0x10C00), gicr(0, 0x10C04)]
        for value in (0, ALL, 0xAAAA_AAAA):
            ops = [read(0, r, 4) for r in regs] + [write(0, r, 4, value) for r in regs] + [read(0, r, 4) for r in regs]
            yield Scenario(f"v{version}-icfgr-private-{value:08x}", "ICFGR", h.Program(version, 1, tuple(ops)))


def enables() -> Iterator[Scenario]:
    """Write-1-to-set / write-1-to-clear enables, pending and active, SPIs and banked SGI/PPI words."""
    patterns = (0x0000_0001, 0x8000_0000, 0x00FF_FF00, 0xFFFF_FFFF, 0x1234_5678)
    for version in (2, 3):
        for n, pattern in enumerate(patterns):
            for kind, (s, c) in (("enable", (0x100, 0x180)), ("pending", (0x200, 0x280)), ("active", (0x300, 0x380))):
                word = 1 + n % 3
                ops = []
                if version == 2:
                    # Every SPI targets cpu 0 and the PPIs are edge-triggered: QEMU keeps a GICv2 SPI's
                    # pending state per target and ignores ISPENDR for level PPIs (deviations.py).
                    ops += [write(0, GICD + 0x800 + 4 * i, 4, 0x0101_0101) for i in range(8, 32)]
                    ops.append(write(0, GICD + 0xC04, 4, 0xAAAA_AAAA))
                ops += [write(0, GICD + s + 4 * word, 4, pattern), read(0, GICD + s + 4 * word, 4),
                       read(0, GICD + c + 4 * word, 4), write(0, GICD + c + 4 * word, 4, pattern & 0x0F0F_0F0F),
                       read(0, GICD + s + 4 * word, 4)]
                if version == 2:
                    # One cpu for the banked pending word: QEMU pends no PPI through it with more (deviations.py).
                    other = 0 if kind == "pending" else 1
                    ops += [write(0, GICD + s, 4, pattern), read(0, GICD + s, 4), read(other, GICD + s, 4)]
                else:
                    ops += [write(0, gicr(0, 0x10000 + s), 4, pattern), read(0, gicr(0, 0x10000 + s), 4),
                            read(1, gicr(1, 0x10000 + s), 4), read(1, gicr(0, 0x10000 + c), 4)]
                cpus = 1 if version == 2 and kind == "pending" else 2
                yield Scenario(f"v{version}-{kind}-{pattern:08x}", "W1S/W1C", h.Program(version, cpus, tuple(ops)))


def pending_quirks() -> Iterator[Scenario]:
    """GICv2 pending state the architecture keeps and QEMU loses: an SPI pended with no target, a level PPI."""
    for intid in (40, 100):
        ops = [write(0, GICD + 0x200 + 4 * (intid // 32), 4, 1 << (intid % 32)), read(0, GICD + 0x200 + 4 * (intid // 32), 4),
               write(0, GICD + 0x800 + intid, 1, 1), read(1, GICD + 0x200 + 4 * (intid // 32), 4)]
        yield Scenario(f"v2-pend-untargeted-{intid}", "W1S/W1C", h.Program(2, 2, tuple(ops)), deviation="v2-pending-per-target")
    for ppi in (27, 31):
        for cpus in (1, 2):
            ops = [write(0, GICD + 0x200, 4, 1 << ppi), read(0, GICD + 0x200, 4), read(cpus - 1, GICD + 0x280, 4)]
            yield Scenario(f"v2-pend-ppi-{ppi}-{cpus}cpus", "W1S/W1C", h.Program(2, cpus, tuple(ops)),
                           deviation="v2-ppi-pend-multicpu" if cpus > 1 else None)


def sgi_pending_registers() -> Iterator[Scenario]:
    """GICv2 GICD_SPENDSGIR / GICD_CPENDSGIR (per source cpu, banked) and GICC_HPPIR for a pending SGI."""
    # A store of zero alone is left out: QEMU aborts on the next acknowledge (deviations.ABORTS).
    for value in (0x01, 0x0102_0408, 0xFFFF_FFFF, 0x8000_0080):
        for width in (4, 1):
            v = value & ((1 << (8 * width)) - 1)
            ops = v2_dist_on() + v2_cpu_on(0) + v2_cpu_on(1)
            ops += [write(0, GICD + 0xF20, width, v), read(0, GICD + 0xF20, 4), read(1, GICD + 0xF20, 4),
                    read(0, GICD + 0x200, 4), sysreg_read(0, "ISR_EL1"), read(0, GICC + 0x0C, 4),
                    write(0, GICD + 0xF10, 4, ALL), read(0, GICD + 0xF20, 4)]
            zero_lane = width == 4 and any(not v >> (8 * lane) & 0xFF for lane in range(4))
            yield Scenario(f"v2-spendsgir-{v:08x}-w{width}", "SGI pending", h.Program(2, 2, tuple(ops)),
                           deviation="v2-spendsgir-zero" if zero_lane else None)
    ops = v2_dist_on() + v2_cpu_on(0) + v2_cpu_on(1)
    ops += [write(1, GICD + 0xF00, 4, 1 << 16 | 5), read(0, GICC + 0x18, 4), read(0, GICC + 0x0C, 4)]
    yield Scenario("v2-hppir-sgi-source", "SGI pending", h.Program(2, 2, tuple(ops)), deviation="v2-hppir-no-source")


def spendsgir_zero_then_ack() -> h.Program:
    """The program of deviations.ABORTS: a zero store to GICD_SPENDSGIR0, then an acknowledge."""
    return h.Program(2, 2, tuple(v2_dist_on() + v2_cpu_on(0) + [write(0, GICD + 0xF20, 4, 0), read(0, GICC + 0x0C, 4)]))


def priorities() -> Iterator[Scenario]:
    """Priority arbitration, the priority mask and the running priority, preemption by a higher priority."""
    for version in (2, 3):
        for p40, p41, pmr in ((0x80, 0x40, 0xF0), (0x40, 0x80, 0xF0), (0x80, 0x80, 0xF0), (0x80, 0x40, 0x60),
                              (0x80, 0x40, 0x40), (0xF0, 0x00, 0xF8), (0x10, 0x18, 0x18), (0xA0, 0x98, 0xA0)):
            ops = []
            if version == 2:
                ops += v2_dist_on() + v2_cpu_on(0, pmr)
                ops += [write(0, GICD + 0x800 + 40, 1, 1), write(0, GICD + 0x800 + 41, 1, 1)]
            else:
                ops += v3_dist_on() + v3_cpu_on(0, 0, pmr=pmr)
                ops += [write(0, GICD + 0x084, 4, ALL), write(0, GICD + 0x6000 + 8 * 40, 8, 0),
                        write(0, GICD + 0x6000 + 8 * 41, 8, 0)]
            ops += [write(0, GICD + 0x400 + 40, 1, p40), write(0, GICD + 0x400 + 41, 1, p41),
                    read(0, GICD + 0x428, 4), write(0, GICD + 0x104, 4, 3 << 8), write(0, GICD + 0x204, 4, 3 << 8)]
            ops += observe(version, [0]) + observe(version, [0])  # two acks: the second waits for preemption
            eoi = (lambda i: write(0, GICC + 0x10, 4, i)) if version == 2 else (lambda i: sysreg_write(0, "ICC_EOIR1_EL1", i))
            ops += [eoi(41), eoi(40)] + observe(version, [0])
            yield Scenario(f"v{version}-prio-{p40:02x}-{p41:02x}-pmr{pmr:02x}", "priorities", h.Program(version, 1, tuple(ops)))


def banked() -> Iterator[Scenario]:
    """GICv2 banked distributor words (enables, priorities, targets of INTIDs 0..31) and GICv3 per-core frames."""
    for n in (2, 4):
        for reg, value in ((0x100, 0x00FF_0000), (0x400, 0x8040_2010), (0x41C, 0xF0E0_D0C0), (0x800, 0xFFFF_FFFF),
                           (0x81C, 0x0101_0101), (0x080, 0)):
            ops = [write(c, GICD + reg, 4, value ^ (c * 0x1010_1010 if reg >= 0x400 and reg < 0x800 else 0)) for c in range(n)]
            ops += [read(c, GICD + reg, 4) for c in range(n)]
            yield Scenario(f"v2-banked-{reg:03x}-{n}cpus", "banked", h.Program(2, n, tuple(ops)))
    for reg, value in ((0x10100, 0x00FF_00FF), (0x10400, 0x8040_2010), (0x1041C, 0xF0E0_D0C0), (0x10080, 0xFFFF_0000),
                       (0x10C04, 0xAAAA_AAAA)):
        ops = [write(c, gicr(c, reg), 4, value ^ (c << 4)) for c in range(3)]
        ops += [read(c, gicr(c, reg), 4) for c in range(3)] + [read(0, gicr(2, reg), 4), read(0, gicr(0, 0x8), 8),
                                                                read(1, gicr(1, 0x8), 8), read(2, gicr(2, 0x8), 8)]
        yield Scenario(f"v3-frames-{reg:05x}", "banked", h.Program(3, 3, tuple(ops)))


def steal() -> Iterator[Scenario]:
    """The dist_init-after-boot steal: cpu 1 takes an SPI, then cpu 0 runs seL4's dist_init writes."""
    for version in (2, 3):
        for intid in (40, 70):
            ops: list[Op] = []
            if version == 2:
                ops += v2_dist_on() + v2_cpu_on(0) + v2_cpu_on(1)
                ops += [write(1, GICD + 0x800 + intid, 1, 2)]
            else:
                ops += v3_dist_on() + v3_cpu_on(0, 0) + v3_cpu_on(1, 1)
                ops += [write(1, GICD + 0x084 + 4 * (intid // 32 - 1), 4, ALL), write(1, GICD + 0x6000 + 8 * intid, 8, 1)]
            ops += [write(1, GICD + 0x100 + 4 * (intid // 32), 4, 1 << (intid % 32)),
                    write(1, GICD + 0x200 + 4 * (intid // 32), 4, 1 << (intid % 32))] + observe(version, [1])
            end = write(1, GICC + 0x10, 4, intid) if version == 2 else sysreg_write(1, "ICC_EOIR1_EL1", intid)
            ops.append(end)
            # seL4's dist_init on cpu 0 (gic_v2.c / gic_v3.c, 16.0.0), for the SPIs of words 1..2.
            ops.append(write(0, GICD, 4, 0))
            for word in (1, 2):
                ops += [write(0, GICD + 0x180 + 4 * word, 4, ALL), write(0, GICD + 0x280 + 4 * word, 4, ALL)]
            if version == 2:
                ops += [write(0, GICD + 0x800 + i, 4, 0x0101_0101) for i in range(32, 96, 4)]
                ops += [write(0, GICD + 0x080 + 4 * w, 4, 0) for w in (1, 2)]
                ops.append(write(0, GICD, 4, 1))
            else:
                ops.append(write(0, GICD, 4, 0x13))
                ops += [write(0, GICD + 0x6000 + 8 * i, 8, 0) for i in range(32, 96)]
            # cpu 1's driver re-enables and the device fires again: it goes to cpu 0.
            ops += [write(1, GICD + 0x100 + 4 * (intid // 32), 4, 1 << (intid % 32)),
                    write(1, GICD + 0x200 + 4 * (intid // 32), 4, 1 << (intid % 32))]
            ops += [read(1, GICD + 0x800 + intid, 1) if version == 2 else read(1, GICD + 0x6000 + 8 * intid, 8)]
            ops += observe(version, [1, 0])
            yield Scenario(f"v{version}-steal-{intid}", "dist_init steal", h.Program(version, 2, tuple(ops)))


class _Recorder(Port):
    """A Port that also writes down each access seL4's driver makes, as runner ops."""

    def __init__(self, gic, logical: dict[str, int]) -> None:
        super().__init__(gic, "sel4", [])
        self.logical = logical
        self.ops: list[Op] = []

    def read(self, core: str, address: int, width: int = 4) -> int:
        self.ops.append(read(self.logical[core], address, width))
        return super().read(core, address, width)

    def write(self, core: str, address: int, value: int, width: int = 4) -> None:
        self.ops.append(write(self.logical[core], address, width, value & ((1 << (8 * width)) - 1)))
        super().write(core, address, value, width)

    def mrs(self, core: str, name: str) -> int:
        self.ops.append(sysreg_read(self.logical[core], name))
        return super().mrs(core, name)

    def msr(self, core: str, name: str, value: int) -> None:
        self.ops.append(sysreg_write(self.logical[core], name, value))
        super().msr(core, name, value)


def sel4_boots() -> Iterator[Scenario]:
    """seL4 16.0.0's own GIC code (the model's model/sel4_gic.py drivers, built for qemu-arm-virt) on QEMU:
    a kernel boots on cpu 0, takes an SPI; a second kernel boots on cpu 1 and runs dist_init again (the
    steal); then where the SPI goes. Every register read seL4's code makes is compared."""
    for version in (2, 3):
        for intid in (33, 48, 80):
            for second_dist_init in (True, False):
                config = oracle.machine(version, 2)
                gic = make_gic(config)
                port = _Recorder(gic, {"q0": 0, "q1": 1})
                driver = make_driver(port, gic, config.cores)
                driver.group1 = True  # CONFIG_PLAT_QEMU_ARM_VIRT
                driver.cpu_local_init("q0")
                driver.dist_init("q0")
                for i in range(0, 160):  # init_irqs: maskInterrupt for every IRQ up to maxIRQ (159 on qemu-arm-virt)
                    driver.set_enabled("q0", i, False)
                driver.set_enabled("q0", 27, True)  # the kernel timer
                driver.route("q0", intid, "q0", 0, False)
                driver.set_enabled("q0", intid, True)
                word = driver.trigger_read("q0", intid)
                driver.trigger_write("q0", intid, word or 0, True)
                port.write("q0", GICD + 0x200 + 4 * (intid // 32), 1 << (intid % 32))  # the device fires
                raw, got = driver.ack("q0")
                driver.end("q0", raw, got, to_user=False)
                driver.cpu_local_init("q1")
                if second_dist_init:
                    driver.dist_init("q1")
                port.write("q1", GICD + 0x200 + 4 * (intid // 32), 1 << (intid % 32))
                ops = port.ops + [read(0, GICD + 0x100 + 4 * (intid // 32), 4), read(0, GICD + 0xC00 + 4 * (intid // 16), 4)]
                ops += observe(version, [0, 1])
                name = f"v{version}-sel4-boot-spi{intid - 32}-{'steal' if second_dist_init else 'kept'}"
                yield Scenario(name, "seL4 boot", h.Program(version, 2, tuple(ops)))


def random_programs(count: int = 80, seed: int = 13) -> Iterator[Scenario]:
    """Random register traffic (fixed seed): enables, pending, priorities, routing, SGIs, acks and EOIs on
    2 or 3 cpus, avoiding the documented deviations (single-target routing, no RS, no retarget of a pending SPI)."""
    rng = random.Random(seed)
    for n in range(count):
        version = 2 if n % 2 else 3
        cpus = rng.choice((2, 3))
        ops: list[Op] = []
        if version == 2:
            ops += v2_dist_on() + [op for c in range(cpus) for op in v2_cpu_on(c, rng.choice((0xF0, 0xA0)))]
        else:
            ops += v3_dist_on() + [op for c in range(cpus) for op in v3_cpu_on(c, c, pmr=rng.choice((0xF0, 0xA0)))]
            ops.append(write(0, GICD + 0x084, 4, ALL))
        routed: set[int] = set()
        for _ in range(rng.randint(8, 24)):
            c = rng.randrange(cpus)
            intid = rng.choice((33, 34, 40, 41))
            kind = rng.choice(("route", "enable", "disable", "pend", "unpend", "prio", "sgi", "ack", "read"))
            bit = 1 << (intid % 32)
            if kind == "route" and intid not in routed:  # routed once: no retargeting of a pending SPI
                routed.add(intid)
                target = rng.randrange(cpus)
                ops.append(write(c, GICD + 0x800 + intid, 1, 1 << target) if version == 2 else
                           write(c, GICD + 0x6000 + 8 * intid, 8, target))
            elif kind == "enable":
                ops.append(write(c, GICD + 0x104, 4, bit))
            elif kind == "disable":
                ops.append(write(c, GICD + 0x184, 4, bit))
            elif kind == "pend" and intid in routed:
                ops.append(write(c, GICD + 0x204, 4, bit))
            elif kind == "unpend":
                ops.append(write(c, GICD + 0x284, 4, bit))
            elif kind == "prio":
                ops.append(write(c, GICD + 0x400 + intid, 1, rng.choice((0x00, 0x40, 0x80, 0xC0))))
            elif kind == "sgi":
                sgi, target = rng.randrange(16), rng.randrange(cpus)
                ops.append(write(c, GICD + 0xF00, 4, (1 << target) << 16 | sgi) if version == 2 else
                           sysreg_write(c, "ICC_SGI1R_EL1", sgi << 24 | 1 << target))
            elif kind == "ack":
                if version == 2:
                    ops.append(read(c, GICC + 0x0C, 4))
                else:
                    ops += [sysreg_read(c, "ICC_IAR1_EL1"), sysreg_read(c, "ICC_RPR_EL1")]
            elif kind == "read":
                ops += [read(c, GICD + 0x104, 4), read(c, GICD + 0x204, 4), read(c, GICD + 0x304, 4),
                        sysreg_read(c, "ISR_EL1")]
        ops += [read(0, GICD + 0x104, 4), read(0, GICD + 0x204, 4), read(0, GICD + 0x304, 4)]
        ops += observe(version, range(cpus), ack=False)
        yield Scenario(f"random-{n:03d}-v{version}", "random", h.Program(version, cpus, tuple(ops)))


FAMILIES = (v2_sgis, v3_sgis, v3_groups, v2_spi_routing, v3_spi_routing, ctlr_gating, icfgr, enables, pending_quirks,
            sgi_pending_registers, priorities,
            banked, steal, sel4_boots, random_programs)


def all_scenarios() -> list[Scenario]:
    return [s for family in FAMILIES for s in family()]
