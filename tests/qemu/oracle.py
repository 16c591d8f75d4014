"""Run a harness Program on pcheck's GIC model (the reference the QEMU runs are compared with).

The model machine is QEMU's virt board as the runner boots it: every QEMU cpu
(`-smp`) a core with QEMU's MPIDR, the GIC frames at QEMU's addresses, and no
firmware (`Gic.group1 = "none"`: every interrupt in Group 0, every GICv3
redistributor asleep). Each op goes to the model's register interface:
MMIO to `GicBase.read/write`, ICC_* to `sysreg_read/write`, ISR_EL1 to the
lines the GIC asserts (`signals`), MPIDR_EL1 to the core's MPIDR. An access
the model refuses (`MmioError`, `SysregError`) stops the program there, as
a fault stops the runner.
"""

from __future__ import annotations

from attrs import frozen

from model import Core, Gic, GicV2, GicV3, MachineConfig, Region, make_gic
from model.errors import MmioError, SysregError
from tests.qemu import harness as h

ISR_IRQ = 1 << 7
ISR_FIQ = 1 << 6
V2_LINES = 288  # QEMU virt: 256 SPIs (GICD_TYPER.ITLinesNumber 8)
V3_LINES = 256  # QEMU virt GICv3: ITLinesNumber 7
SYSREG_NAMES = {number: name for name, number in h.SYSREGS.items()}


@frozen
class ModelOutcome:
    values: dict[int, int]
    fault: int | None  # the op the model refused, if any
    reason: str = ""


def machine(version: int, cpus: int) -> MachineConfig:
    """The model configuration of `qemu-system-aarch64 -M virt,gic-version=<version> -smp <cpus>`."""
    cores = tuple(Core(f"q{i}", h.qemu_mpidr(version, i) & h.AFFINITY_MASK, i if version == 2 else None)
                  for i in range(cpus))
    if version == 2:
        gic = Gic(2, Region("gicd", h.GICD_BASE, 0x1000), Region("gicc", h.GICC_BASE, 0x2000), None, lines=V2_LINES)
    else:
        gic = Gic(3, Region("gicd", h.GICD_BASE, 0x10000), None, Region("gicr", h.GICR_BASE, cpus * h.GICR_STRIDE),
                  h.GICR_STRIDE, lines=V3_LINES, group1="none")
    return MachineConfig(cores=cores, gic=gic)


def signals(gic, core: str) -> int:
    """ISR_EL1 as the model's GIC drives it: I when an IRQ is signalled, F for an FIQ."""
    if isinstance(gic, GicV3):
        irq, fiq = gic.signals(core)
    else:
        assert isinstance(gic, GicV2)
        irq, fiq = gic.deliverable(core) is not None, False  # the model's GICv2 signals IRQ only (FIQEn unmodelled)
    return (ISR_IRQ if irq else 0) | (ISR_FIQ if fiq else 0)


def run(program: h.Program) -> ModelOutcome:
    """The program's read values on the model, op index -> value."""
    config = machine(program.version, program.cpus)
    gic = make_gic(config)
    names = [f"q{cpu}" for cpu in program.qemu_cpus]
    values: dict[int, int] = {}
    for index, op in enumerate(program.ops):
        core = names[op.core]
        try:
            if op.opcode == h.MMIO_READ:
                values[index] = gic.read(core, op.a, op.b)
            elif op.opcode in h.WRITE_OPCODE.values():
                width = next(w for w, code in h.WRITE_OPCODE.items() if code == op.opcode)
                gic.write(core, op.a, width, op.b)
            elif op.opcode == h.SYSREG_READ:
                name = SYSREG_NAMES[op.a]
                if name == "ISR_EL1":
                    values[index] = signals(gic, core)
                elif name == "MPIDR_EL1":
                    values[index] = h.qemu_mpidr(program.version, program.qemu_cpus[op.core])
                else:
                    values[index] = gic.sysreg_read(core, name)
            elif op.opcode == h.SYSREG_WRITE:
                gic.sysreg_write(core, SYSREG_NAMES[op.a], op.b)
        except (MmioError, SysregError) as error:
            return ModelOutcome(values, index, str(error))
        gic.drain()
    return ModelOutcome(values, None)
