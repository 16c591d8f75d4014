"""Smoke tests of the QEMU scenario runner (tests/qemu/harness.py, tests/qemu/runner/).

The expected values are what QEMU 7.2's virt machine answers, each one also
what the architecture (GIC v2/v3 specifications, ARMv8-A) says for that
configuration: virt without ``secure=on`` has a GIC without security
extensions, so GICv3 runs in a single security state (GICD_CTLR.DS = 1).
The tests skip when qemu-system-aarch64 or aarch64-linux-gnu-gcc is missing.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.qemu import harness
from tests.qemu.harness import (GICC_BASE, GICD_BASE, GICR_SGI_OFFSET, SCRATCH_BASE, Fault, Op, Program,
                                RunnerError, delay, encode, gicr_base, qemu_mpidr, read, run, run_all,
                                sysreg_read, sysreg_write, write)

# GIC register offsets used below.
GICD_CTLR, GICD_TYPER, GICD_IIDR, GICD_SGIR = 0x000, 0x004, 0x008, 0xF00
GICD_ICPIDR2_V2, GICD_PIDR2_V3 = 0xFE8, 0xFFE8
GICC_CTLR, GICC_PMR, GICC_IAR, GICC_EOIR = 0x00, 0x04, 0x0C, 0x10
GICR_WAKER = 0x14                         # RD_base frame
GICR_IGROUPR0, GICR_ISENABLER0 = 0x80, 0x100  # SGI_base frame

ARM_IIDR = 0x43B        # GICD_IIDR: implementer ARM (JEP106 0x43B), product 0, revision 0
ISR_I = 1 << 7          # ISR_EL1.I: an IRQ is pending at the PE
EC_UNKNOWN, EC_DABT_CUR = 0x00, 0x25
DFSC_SEA = 0x10         # synchronous external abort, not on a table walk
WNR = 1 << 6            # ESR_EL1.ISS.WnR for data aborts


@pytest.fixture(scope="module")
def elf() -> Path:
    why = harness.missing()
    if why is not None:
        pytest.skip(why)
    return harness.build()


# ---- pure Python: the blob and the op constructors --------------------------


def test_encode_layout() -> None:
    prog = Program(3, 18, (read(0, GICD_BASE, 4), sysreg_write(1, "ICC_PMR_EL1", 0xF0)), qemu_cpus=(0, 17))
    blob = encode(prog)
    assert blob[:8] == b"PCKSCN01"
    assert struct.unpack_from("<4Q", blob, 8) == (2, 2, 0x8000_0000, 0x8000_0101)
    assert struct.unpack_from("<8Q", blob, 40) == (0, 1, GICD_BASE, 4, 1, 7, 2, 0xF0)
    assert len(blob) == 40 + 2 * 32


def test_op_constructors_check_their_arguments() -> None:
    assert sysreg_read(0, "ICC_IAR1_EL1") == Op(0, harness.SYSREG_READ, 7)
    assert write(1, GICD_BASE, 1, 0xFF) == Op(1, harness.MMIO_WRITE8, GICD_BASE, 0xFF)
    with pytest.raises(ValueError, match="ICC_IAR_EL1"):
        sysreg_read(0, "ICC_IAR_EL1")
    with pytest.raises(ValueError, match="read-only"):
        sysreg_write(0, "ISR_EL1", 0)
    with pytest.raises(ValueError):
        read(0, GICD_BASE, 3)
    with pytest.raises(ValueError):
        write(0, GICD_BASE, 1, 0x100)
    with pytest.raises(ValueError, match="boot cpu"):
        Program(3, 4, (), qemu_cpus=(1, 0))
    with pytest.raises(ValueError, match="mapped"):
        Program(3, 4, (read(2, GICD_BASE),), qemu_cpus=(0, 1))
    with pytest.raises(ValueError):
        Program(2, 9, ())       # QEMU virt takes at most 8 cpus with a GICv2


def test_default_cpu_map_follows_the_ops() -> None:
    assert Program(3, 4, (read(0, GICD_BASE), read(2, GICD_BASE))).qemu_cpus == (0, 1, 2)
    assert Program(2, 1, ()).qemu_cpus == (0,)


def test_qemu_mpidr_layout() -> None:
    # Bit 31 is RES1; clusters of 8 (GICv2) or 16 (GICv3, the SGI target-list width).
    assert [qemu_mpidr(2, i) for i in (0, 1, 7)] == [0x8000_0000, 0x8000_0001, 0x8000_0007]
    assert [qemu_mpidr(3, i) for i in (0, 15, 16, 17)] == [0x8000_0000, 0x8000_000F, 0x8000_0100, 0x8000_0101]


# ---- on QEMU --------------------------------------------------------------------


def test_gic_identification_registers(elf: Path) -> None:
    v2, v3 = run_all([
        Program(2, 4, (read(0, GICD_BASE + GICD_TYPER), read(0, GICD_BASE + GICD_IIDR),
                       read(0, GICD_BASE + GICD_ICPIDR2_V2))),
        Program(3, 4, (read(0, GICD_BASE + GICD_TYPER), read(0, GICD_BASE + GICD_IIDR),
                       read(0, GICD_BASE + GICD_PIDR2_V3), read(0, GICD_BASE + GICD_CTLR))),
    ], elf)
    assert v2.fault is None and v3.fault is None
    # ArchRev, PIDR2[7:4], is the GIC architecture version.
    assert (v2.values[2] >> 4) & 0xF == 2
    assert (v3.values[2] >> 4) & 0xF == 3
    assert v2.values[1] == v3.values[1] == ARM_IIDR
    # GICv2 GICD_TYPER.CPUNumber = number of cpu interfaces - 1 (-smp 4).
    assert (v2.values[0] >> 5) & 0x7 == 3
    # GICv3 without security extensions: GICD_CTLR.DS (bit 6) and ARE (bit 4) read as one.
    assert v3.values[3] & 0x50 == 0x50


def test_mpidr_of_mapped_cpus(elf: Path) -> None:
    cpus = (0, 1, 16, 17)
    prog = Program(3, 18, tuple(sysreg_read(n, "MPIDR_EL1") for n in range(len(cpus))), qemu_cpus=cpus)
    v2 = Program(2, 8, (sysreg_read(0, "MPIDR_EL1"), sysreg_read(1, "MPIDR_EL1")), qemu_cpus=(0, 7))
    out3, out2 = run_all([prog, v2], elf)
    assert [out3.values[n] for n in range(len(cpus))] == [qemu_mpidr(3, q) for q in cpus]
    assert out3.values[2] == 0x8000_0100        # QEMU cpu 16 starts cluster Aff1 = 1
    assert [out2.values[0], out2.values[1]] == [qemu_mpidr(2, 0), qemu_mpidr(2, 7)]


def test_ops_run_in_program_order_across_cores(elf: Path) -> None:
    # Each core reads what the previous op's core wrote to plain RAM.
    ops: list[Op] = []
    for i in range(12):
        core = i % 3
        ops += [read(core, SCRATCH_BASE, 8), write(core, SCRATCH_BASE, 8, i + 1)]
    out = run(Program(3, 3, ops), elf)
    assert out.fault is None
    assert [out.values[2 * i] for i in range(12)] == list(range(12))


def test_gicv2_sgi_between_cores(elf: Path) -> None:
    ops = (
        write(0, GICD_BASE + GICD_CTLR, 4, 1),                  # 0  distributor on
        write(1, GICC_BASE + GICC_CTLR, 4, 1),                  # 1  core 1's (banked) cpu interface on
        write(1, GICC_BASE + GICC_PMR, 4, 0xF0),                # 2
        sysreg_read(1, "ISR_EL1"),                              # 3  nothing pending yet
        write(0, GICD_BASE + GICD_SGIR, 4, (1 << 17) | 5),      # 4  SGI 5, target list = cpu interface 1
        sysreg_read(1, "ISR_EL1"),                              # 5  IRQ signalled to core 1
        read(1, GICC_BASE + GICC_IAR, 4),                       # 6  SGI 5 from cpu 0
        sysreg_read(1, "ISR_EL1"),                              # 7  active now, nothing pending
        write(1, GICC_BASE + GICC_EOIR, 4, 5),                  # 8
        write(0, GICC_BASE + GICC_CTLR, 4, 1),                  # 9  and back: core 1 -> core 0
        write(0, GICC_BASE + GICC_PMR, 4, 0xF0),                # 10
        write(1, GICD_BASE + GICD_SGIR, 4, (1 << 16) | 3),      # 11
        read(0, GICC_BASE + GICC_IAR, 4),                       # 12 SGI 3, source cpu 1 in [12:10]
        read(0, GICC_BASE + GICC_IAR, 4),                       # 13 nothing left: spurious 1023
    )
    out = run(Program(2, 2, ops), elf)
    assert out.fault is None
    assert out.values[3] & ISR_I == 0
    assert out.values[5] & ISR_I
    assert out.values[6] == (0 << 10) | 5
    assert out.values[7] & ISR_I == 0
    assert out.values[12] == (1 << 10) | 3
    assert out.values[13] == 1023


@pytest.mark.parametrize("target", [1, 17])
def test_gicv3_sgi_between_cores(elf: Path, target: int) -> None:
    # Logical core 1 is QEMU cpu `target` (Aff1 = 1 for cpu 17 on an -smp 18 machine).
    sgi = 9
    rd = gicr_base(target)
    sgi_frame = rd + GICR_SGI_OFFSET
    aff1, aff0 = divmod(target, 16)
    ops = (
        read(1, rd + GICR_WAKER, 4),                            # 0  ProcessorSleep | ChildrenAsleep
        write(1, rd + GICR_WAKER, 4, 0),                        # 1  wake the redistributor
        read(1, rd + GICR_WAKER, 4),                            # 2
        write(1, sgi_frame + GICR_IGROUPR0, 4, 1 << sgi),       # 3  Group 1
        write(1, sgi_frame + GICR_ISENABLER0, 4, 1 << sgi),     # 4
        sysreg_write(1, "ICC_PMR_EL1", 0xF0),                   # 5
        sysreg_write(1, "ICC_IGRPEN1_EL1", 1),                  # 6
        write(0, GICD_BASE + GICD_CTLR, 4, 0x12),               # 7  ARE | EnableGrp1
        sysreg_read(1, "ISR_EL1"),                              # 8
        sysreg_write(0, "ICC_SGI1R_EL1", (sgi << 24) | (aff1 << 16) | (1 << aff0)),  # 9
        delay(0, 10),                                           # 10
        sysreg_read(1, "ISR_EL1"),                              # 11
        sysreg_read(1, "ICC_HPPIR1_EL1"),                       # 12
        sysreg_read(1, "ICC_IAR1_EL1"),                         # 13
        sysreg_read(1, "ICC_IAR1_EL1"),                         # 14 spurious 1023
        sysreg_write(1, "ICC_EOIR1_EL1", sgi),                  # 15
        sysreg_read(1, "ICC_RPR_EL1"),                          # 16 idle priority
    )
    out = run(Program(3, max(2, target + 1), ops, qemu_cpus=(0, target)), elf)
    assert out.fault is None
    assert out.values[0] == 0x6
    assert out.values[2] == 0x0
    assert out.values[8] & ISR_I == 0
    assert out.values[11] & ISR_I
    assert out.values[12] == sgi
    assert out.values[13] == sgi
    assert out.values[14] == 1023
    assert out.values[16] == 0xFF


def test_unmapped_read_is_a_fault(elf: Path) -> None:
    hole = 0x0B00_0000      # between the virtio-mmio transports and the platform bus
    ops = (read(0, GICD_BASE + GICD_IIDR), read(0, hole, 4), read(0, GICD_BASE))
    out = run(Program(3, 1, ops), elf)
    assert out.values == {0: ARM_IIDR}       # the op before the fault still reports
    assert out.fault is not None
    assert (out.fault.op, out.fault.ec, out.fault.far) == (1, EC_DABT_CUR, hole)
    assert out.fault.esr & 0x3F == DFSC_SEA and not out.fault.esr & WNR


def test_faults_on_writes_and_undefined_sysregs(elf: Path) -> None:
    outs = run_all([
        Program(3, 1, (write(0, 0x0B00_0000, 4, 1),)),
        Program(3, 1, (sysreg_read(0, "ICC_SGI1R_EL1"),)),   # write-only register
        Program(2, 1, (sysreg_read(0, "ICC_SRE_EL1"),)),     # GICv2: no system register interface
        Program(2, 1, (read(0, GICD_BASE + 0x1000, 4),)),    # v2 distributor model is 4 KiB of its 64 KiB
    ], elf)
    faults = [o.fault for o in outs]
    assert all(isinstance(f, Fault) for f in faults)
    w, sgi1r, sre, gicd = (f for f in faults if f is not None)
    assert w.ec == EC_DABT_CUR and w.esr & WNR
    assert sgi1r.ec == EC_UNKNOWN and sre.ec == EC_UNKNOWN
    assert gicd.ec == EC_DABT_CUR and gicd.far == GICD_BASE + 0x1000


def test_runner_errors(elf: Path) -> None:
    with pytest.raises(RunnerError, match="timed out") as stuck:
        run(Program(3, 1, (delay(0, 1 << 62),)), elf, timeout=1.0)
    assert "BOOT 1" in stuck.value.output
    blob = bytearray(encode(Program(3, 1, (read(0, GICD_BASE),))))
    blob[:8] = b"PCKSCN99"
    output, _ = harness.run_blob(3, 1, bytes(blob), elf)
    assert "BAD magic" in output
    with pytest.raises(RunnerError, match="BAD magic"):
        harness.parse(Program(3, 1, (read(0, GICD_BASE),)), output)


def test_run_all_keeps_order(elf: Path) -> None:
    progs = [Program(3, 4, (sysreg_read(0, "MPIDR_EL1"), sysreg_read(1, "MPIDR_EL1")), qemu_cpus=(0, q))
             for q in (3, 1, 2, 1, 3)]
    outs = run_all(progs, elf, jobs=2)
    assert [o.values[1] for o in outs] == [qemu_mpidr(3, q) for q in (3, 1, 2, 1, 3)]
    assert all(o.seconds > 0 for o in outs)
