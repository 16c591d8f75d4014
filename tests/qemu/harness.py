"""Run programs of GIC register operations on QEMU's virt machine.

The runner (tests/qemu/runner/) is a small bare-metal AArch64 program. QEMU
loads it with ``-kernel`` and, with no firmware, starts it on CPU 0 at EL1
with the MMU off; the other cpus stay powered off until the runner starts
them with PSCI CPU_ON, which QEMU emulates itself (conduit HVC, as the
``psci`` node of the generated device tree says). The *program* - a list of
register operations - is a separate blob that ``-device loader`` puts at
``PROG_ADDR``, so one runner ELF serves every scenario.

Program blob (all fields little-endian u64)::

    magic "PCKSCN01" | nops | ncpus | mpidr[ncpus] | nops x (core, opcode, a, b)

``mpidr[n]`` is the MPIDR of *logical runner cpu* n; ``core`` in an op is a
logical cpu number. Logical cpu 0 is always the boot cpu (QEMU cpu 0). A
``Program`` maps logical cpus to QEMU cpu indices (``qemu_cpus``), so a
scenario can run on QEMU cpus 0 and 17 of an ``-smp 18`` machine while the
runner starts only those two.

Interleaving is deterministic: op i is executed by its core when a shared
step counter equals i, and that core then sets the counter to i + 1. The
waiting cores spin on YIELD, on which single-threaded TCG switches vCPU.
IRQ and FIQ stay masked in PSTATE the whole run; a scenario observes
interrupts through ISR_EL1 and the acknowledge registers (GICC_IAR,
ICC_IAR*_EL1), never by taking one.

Boot: cpu 0 checks the blob, then starts logical cpus 1, 2, ... one at a
time with CPU_ON (target = ``mpidr[n] & AFFINITY_MASK``, context id = n,
each on its own stack) and waits until each has checked in and confirmed
that its MPIDR_EL1 matches ``mpidr[n]``. A secondary cpu powers itself off
(PSCI CPU_OFF) after its last op; after the last op cpu 0 prints the
results and calls PSCI SYSTEM_OFF, which ends QEMU with status 0.

The runner first prints ``BOOT <EL> <MPIDR_EL1>``, then one
``R <index> <hex>`` line per op with a result, then ``DONE``. A synchronous exception or SError during an op prints the results
of the ops before it and ``FAULT <index> <ESR> <FAR> <ELR>``; that is a
behaviour (``Outcome.fault``), not an error. A malformed program, a failed
boot step, a missing ``DONE``, a non-zero exit or a timeout raise
``RunnerError`` with QEMU's output.

QEMU 7.2 facts the runner relies on or exposes (checked by test_runner.py
or by hand while writing it):

* PSCI is QEMU's own, conduit HVC; SMC at EL1 is UNDEFINED (ESR EC 0).
  CPU_ON wants the bare affinity value: MPIDR with bit 31 set is
  INVALID_PARAMETERS (-2); starting a running cpu gives ALREADY_ON (-4).
* MPIDR_EL1 reads ``qemu_mpidr``: bit 31 set, clusters of 8 (v2) / 16 (v3).
* Under ``thread=single`` a vCPU keeps the host thread until it executes
  YIELD/WFE or its ~100 ms slice ends: 20 alternating ops take 2 s with a
  plain busy wait, 40 ms with YIELD.
* Unmapped physical addresses (e.g. 0x0B00_0000, or RAM beyond -m) and the
  unused part of a device window (GICv2 GICD beyond 4 KiB, GICC at
  0x0801_0000 on a GICv3 machine) give a synchronous external abort (EC
  0x25, DFSC 0x10). Reserved offsets inside a GIC model are RAZ/WI.
* With the MMU off data accesses are Device-nGnRnE, yet QEMU 7.2 does not
  alignment-fault them: an unaligned 4-byte read at GICD+2 returns bytes 2..5.
* The GICv3 model does not gate SGI delivery on GICR_WAKER.ProcessorSleep.

Typical use::

    elf = build()
    prog = Program(version=3, cpus=2, ops=(read(0, GICD_BASE + 0x4, 4),))
    outcome = run(prog, elf)
    outcome.values[0]          # GICD_TYPER as cpu 0 read it
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Iterable, Sequence

import attrs

QEMU = "qemu-system-aarch64"
CC = "aarch64-linux-gnu-gcc"

RUNNER_DIR = Path(__file__).resolve().parent / "runner"
SOURCES = ("start.S", "runner.c", "link.ld")
CFLAGS = (
    "-ffreestanding", "-nostdlib", "-nostartfiles", "-mgeneral-regs-only",
    "-mstrict-align",            # MMU off: all data accesses are Device memory
    "-fno-pie", "-no-pie", "-O2", "-static", "-Wall", "-Wextra",
    "-Wl,--build-id=none", "-Wl,--no-warn-rwx-segments",
)

PROG_ADDR = 0x4800_0000
MAGIC = b"PCKSCN01"
MAX_CPUS = 64                    # runner.c: MAX_CPUS (stacks)
MAX_OPS = 65536                  # runner.c: MAX_OPS (result slots)
DEFAULT_TIMEOUT = 20.0           # seconds before QEMU is killed

# QEMU virt memory map, as the device tree QEMU generates (-M virt,dumpdtb=) reports it.
GICD_BASE = 0x0800_0000          # distributor (v2 and v3)
GICC_BASE = 0x0801_0000          # GICv2 cpu interface (banked per cpu)
GICR_BASE = 0x080A_0000          # GICv3 redistributors, one per QEMU cpu index
GICR_STRIDE = 0x2_0000           # RD_base frame, then SGI_base frame
GICR_SGI_OFFSET = 0x1_0000
UART_BASE = 0x0900_0000
SCRATCH_BASE = 0x5000_0000       # RAM neither the runner nor the blob uses (to 0x7fff_ffff)

# MPIDR_EL1 bits: affinity fields (what PSCI CPU_ON takes) and bit 31 (RES1).
AFFINITY_MASK = 0xFF_00FF_FFFF
MPIDR_RES1 = 1 << 31

# Opcodes (runner.c keeps the same numbers).
MMIO_READ = 1
MMIO_WRITE32 = 2
MMIO_WRITE8 = 3
MMIO_WRITE64 = 4
MMIO_WRITE16 = 5
SYSREG_READ = 6
SYSREG_WRITE = 7
DELAY = 8
OPCODES = frozenset(range(1, 9))
WRITE_OPCODE = {1: MMIO_WRITE8, 2: MMIO_WRITE16, 4: MMIO_WRITE32, 8: MMIO_WRITE64}
WIDTHS = frozenset(WRITE_OPCODE)

# System register name -> runner register id.
SYSREGS: dict[str, int] = {
    "ICC_SRE_EL1": 0,
    "ICC_CTLR_EL1": 1,
    "ICC_PMR_EL1": 2,
    "ICC_BPR1_EL1": 3,
    "ICC_IGRPEN0_EL1": 4,
    "ICC_IGRPEN1_EL1": 5,
    "ICC_IAR0_EL1": 6,
    "ICC_IAR1_EL1": 7,
    "ICC_EOIR0_EL1": 8,
    "ICC_EOIR1_EL1": 9,
    "ICC_DIR_EL1": 10,
    "ICC_HPPIR0_EL1": 11,
    "ICC_HPPIR1_EL1": 12,
    "ICC_RPR_EL1": 13,
    "ICC_SGI1R_EL1": 14,
    "ICC_SGI0R_EL1": 15,
    "ICC_ASGI1R_EL1": 16,
    "ISR_EL1": 17,               # bit 7 = IRQ signalled to the core, bit 6 = FIQ
    "MPIDR_EL1": 18,
    "ICC_BPR0_EL1": 19,
}
READ_ONLY_SYSREGS = frozenset({SYSREGS["ISR_EL1"], SYSREGS["MPIDR_EL1"]})

U64 = 1 << 64


class RunnerError(Exception):
    """The runner did not produce a usable answer; ``output`` is what QEMU printed."""

    def __init__(self, message: str, output: str = "") -> None:
        super().__init__(f"{message}\n--- QEMU output ---\n{output}" if output else message)
        self.output = output


class BuildError(Exception):
    """The cross compiler rejected the runner sources."""


# ---- machine facts ---------------------------------------------------------


def qemu_mpidr(version: int, index: int) -> int:
    """MPIDR_EL1 as QEMU virt cpu ``index`` reads it (QEMU 7.2, cortex-a53).

    QEMU groups cpus into clusters of 8 (``gic-version=2``) or 16
    (``gic-version=3``, the GICv3 SGI target-list width): Aff0 = index %
    cluster, Aff1 = index // cluster. Bit 31 is RES1 on ARMv8 and reads as
    one; PSCI CPU_ON wants the affinity fields only (``& AFFINITY_MASK``).
    GICv2 machines have at most 8 cpus.
    """
    _check_version(version)
    if index < 0 or (version == 2 and index >= 8):
        raise ValueError(f"QEMU virt with GICv{version} has no cpu {index}")
    cluster = 8 if version == 2 else 16
    return MPIDR_RES1 | ((index // cluster) << 8) | (index % cluster)


def gicr_base(qemu_cpu: int) -> int:
    """RD_base of QEMU cpu ``qemu_cpu``'s redistributor (GICv3); SGI_base is + GICR_SGI_OFFSET."""
    return GICR_BASE + qemu_cpu * GICR_STRIDE


def _check_version(version: int) -> None:
    if version not in (2, 3):
        raise ValueError(f"GIC version must be 2 or 3, not {version}")


# ---- operations -------------------------------------------------------------


def _u64(name: str) -> Callable[[object, object, int], None]:
    """An attrs validator: the field must be an unsigned 64-bit value."""

    def check(_inst: object, _attr: object, value: int) -> None:
        if not 0 <= value < U64:
            raise ValueError(f"{name} {value:#x} does not fit in 64 bits")
    return check


@attrs.frozen
class Op:
    """One operation of a program: ``core`` (logical runner cpu) executes ``opcode``.

    Use the constructors ``read``, ``write``, ``sysreg_read``,
    ``sysreg_write`` and ``delay`` rather than raw opcodes.
    """

    core: int
    opcode: int
    a: int = attrs.field(default=0, validator=_u64("operand a"))
    b: int = attrs.field(default=0, validator=_u64("operand b"))

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.core < MAX_CPUS:
            raise ValueError(f"core {self.core} out of range 0..{MAX_CPUS - 1}")
        if self.opcode not in OPCODES:
            raise ValueError(f"unknown opcode {self.opcode}")
        if self.opcode == MMIO_READ and self.b not in WIDTHS:
            raise ValueError(f"MMIO width must be 1, 2, 4 or 8 bytes, not {self.b}")
        if self.opcode in (SYSREG_READ, SYSREG_WRITE) and self.a not in SYSREGS.values():
            raise ValueError(f"unknown system register id {self.a}")
        if self.opcode == SYSREG_WRITE and self.a in READ_ONLY_SYSREGS:
            raise ValueError(f"system register id {self.a} is read-only")

    @property
    def has_result(self) -> bool:
        """Whether the runner reports a value for this op."""
        return self.opcode in (MMIO_READ, SYSREG_READ)


def read(core: int, addr: int, width: int = 4) -> Op:
    """``core`` reads ``width`` bytes at ``addr`` (one exact-width load); result zero-extended."""
    return Op(core, MMIO_READ, addr, width)


def write(core: int, addr: int, width: int, value: int) -> Op:
    """``core`` stores ``value`` (``width`` bytes) at ``addr`` with one exact-width store."""
    if width not in WIDTHS:
        raise ValueError(f"MMIO width must be 1, 2, 4 or 8 bytes, not {width}")
    if not 0 <= value < 1 << (8 * width):
        raise ValueError(f"value {value:#x} does not fit in {width} bytes")
    return Op(core, WRITE_OPCODE[width], addr, value)


def _sysreg_id(name: str) -> int:
    try:
        return SYSREGS[name]
    except KeyError:
        raise ValueError(f"unknown system register {name!r} (known: {', '.join(SYSREGS)})") from None


def sysreg_read(core: int, name: str) -> Op:
    """``core`` reads system register ``name`` (an ICC_* name, ISR_EL1 or MPIDR_EL1)."""
    return Op(core, SYSREG_READ, _sysreg_id(name))


def sysreg_write(core: int, name: str, value: int) -> Op:
    """``core`` writes ``value`` to system register ``name``, then ISB."""
    reg = _sysreg_id(name)
    if reg in READ_ONLY_SYSREGS:
        raise ValueError(f"{name} is read-only")
    return Op(core, SYSREG_WRITE, reg, value)


def delay(core: int, n: int) -> Op:
    """``core`` executes ``n`` YIELDs, letting other vCPUs (and the GIC) run."""
    return Op(core, DELAY, n)


# ---- programs ---------------------------------------------------------------


def _op_tuple(ops: Iterable[Op]) -> tuple[Op, ...]:
    return tuple(ops)


def _int_tuple(values: Iterable[int]) -> tuple[int, ...]:
    return tuple(values)


def _default_qemu_cpus(program: Program) -> tuple[int, ...]:
    used = max((op.core for op in program.ops), default=0) + 1
    return tuple(range(used))


@attrs.frozen
class Program:
    """A scenario: which machine to boot and the ops to run on it.

    ``version``: GIC version (``-M virt,gic-version=``); ``cpus``: ``-smp``.
    ``qemu_cpus[n]`` is the QEMU cpu index that logical runner cpu n runs on;
    ``qemu_cpus[0]`` must be 0 (the boot cpu). By default logical cpu n is
    QEMU cpu n for every n up to the highest ``core`` in ``ops``. QEMU cpus
    not listed stay powered off.
    """

    version: int
    cpus: int
    ops: tuple[Op, ...] = attrs.field(converter=_op_tuple)
    qemu_cpus: tuple[int, ...] = attrs.field(
        converter=_int_tuple, default=attrs.Factory(_default_qemu_cpus, takes_self=True))

    def __attrs_post_init__(self) -> None:
        _check_version(self.version)
        if self.cpus < 1 or (self.version == 2 and self.cpus > 8):
            raise ValueError(f"QEMU virt with GICv{self.version} cannot have {self.cpus} cpus")
        if not self.qemu_cpus or self.qemu_cpus[0] != 0:
            raise ValueError("logical cpu 0 must be QEMU cpu 0 (the boot cpu)")
        if len(set(self.qemu_cpus)) != len(self.qemu_cpus):
            raise ValueError(f"qemu_cpus lists a cpu twice: {self.qemu_cpus}")
        if len(self.qemu_cpus) > MAX_CPUS or any(not 0 <= q < self.cpus for q in self.qemu_cpus):
            raise ValueError(f"qemu_cpus {self.qemu_cpus} do not fit -smp {self.cpus}")
        if len(self.ops) > MAX_OPS:
            raise ValueError(f"{len(self.ops)} ops; the runner takes at most {MAX_OPS}")
        for i, op in enumerate(self.ops):
            if op.core >= len(self.qemu_cpus):
                raise ValueError(f"op {i} runs on logical cpu {op.core}, "
                                 f"but only {len(self.qemu_cpus)} are mapped")

    @property
    def mpidrs(self) -> tuple[int, ...]:
        """MPIDR_EL1 of each logical runner cpu."""
        return tuple(qemu_mpidr(self.version, q) for q in self.qemu_cpus)


def encode(program: Program) -> bytes:
    """The program blob the runner reads at ``PROG_ADDR``."""
    parts = [MAGIC, struct.pack("<QQ", len(program.ops), len(program.qemu_cpus))]
    parts.extend(struct.pack("<Q", m) for m in program.mpidrs)
    parts.extend(struct.pack("<4Q", op.core, op.opcode, op.a, op.b) for op in program.ops)
    return b"".join(parts)


# ---- results ----------------------------------------------------------------


@attrs.frozen
class Fault:
    """Op ``op`` took a synchronous exception or SError; the syndrome registers."""

    op: int
    esr: int
    far: int
    elr: int

    @property
    def ec(self) -> int:
        """ESR_EL1.EC: 0x25 data abort, 0x00 unknown (UNDEFINED), 0x18 trapped sysreg, 0x2f SError."""
        return self.esr >> 26


@attrs.frozen
class Outcome:
    """What a run read back.

    ``values``: op index -> value, for every op with a result that ran (with
    a fault, the ones before it). ``fault``: the fault that ended the run, if
    any. ``seconds``: wall time of the QEMU process. ``output``: the UART text.
    """

    values: dict[int, int]
    fault: Fault | None
    seconds: float
    output: str = attrs.field(default="", repr=False)


def parse(program: Program, output: str, seconds: float = 0.0) -> Outcome:
    """Turn the runner's UART output into an ``Outcome`` (``RunnerError`` if it is not one)."""
    values: dict[int, int] = {}
    fault: Fault | None = None
    done = False
    lines = output.splitlines()
    boot = lines[0].split() if lines else []
    if len(boot) != 3 or boot[0] != "BOOT":
        raise RunnerError("the runner did not boot", output)
    if boot[1] != "1":
        raise RunnerError(f"the runner started at EL{boot[1]}, not EL1", output)
    for line in lines[1:]:
        word = line.split()
        if not word:
            continue
        try:
            if word[0] == "R" and len(word) == 3 and not done and fault is None:
                index, value = int(word[1]), int(word[2], 16)
                if not (0 <= index < len(program.ops) and program.ops[index].has_result) or index in values:
                    raise RunnerError(f"unexpected result line {line!r}", output)
                values[index] = value
            elif word[0] == "DONE" and len(word) == 1 and not done and fault is None:
                done = True
            elif word[0] == "FAULT" and len(word) == 5 and not done and fault is None:
                fault = Fault(int(word[1]), int(word[2], 16), int(word[3], 16), int(word[4], 16))
            elif word[0] in ("BAD", "CRASH"):
                raise RunnerError(f"runner reported {line!r}", output)
            else:
                raise RunnerError(f"unexpected line {line!r}", output)
        except ValueError:
            raise RunnerError(f"malformed line {line!r}", output) from None
    if fault is None and not done:
        raise RunnerError("the runner stopped without DONE", output)
    expected = {i for i, op in enumerate(program.ops)
                if op.has_result and (fault is None or i < fault.op)}
    if set(values) != expected:
        raise RunnerError(f"results missing for ops {sorted(expected - set(values))}", output)
    return Outcome(values, fault, seconds, output)


# ---- building and running --------------------------------------------------


def missing() -> str | None:
    """Why the runner cannot be used here (a tool is not installed), else None."""
    for tool in (QEMU, CC):
        if shutil.which(tool) is None:
            return f"{tool} not found on PATH"
    return None


def default_build_dir() -> Path:
    """Where ``build`` caches runner ELFs: a per-user directory under the system temp dir."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(tempfile.gettempdir()) / f"pcheck-qemu-runner-{uid}"


def build(directory: Path | None = None) -> Path:
    """Compile the runner (if not cached) and return the ELF's path.

    The ELF lives in ``directory`` (default ``default_build_dir()``) under a
    hash of the sources and flags, so edits rebuild and concurrent callers
    share one file (each compiles to a temporary name and renames).
    """
    digest = hashlib.sha256()
    digest.update(" ".join((CC, *CFLAGS)).encode())
    for name in SOURCES:
        digest.update(name.encode() + b"\0" + (RUNNER_DIR / name).read_bytes() + b"\0")
    out = (directory or default_build_dir()) / digest.hexdigest()[:16] / "runner.elf"
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="runner.", suffix=".elf.tmp", dir=out.parent)
    os.close(fd)
    try:
        cmd = [CC, *CFLAGS, "-T", str(RUNNER_DIR / "link.ld"),
               str(RUNNER_DIR / "start.S"), str(RUNNER_DIR / "runner.c"), "-o", tmp]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise BuildError(f"{' '.join(cmd)}\n{proc.stdout}{proc.stderr}")
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out


def qemu_command(version: int, cpus: int, elf: Path, blob: Path) -> list[str]:
    """The QEMU command line: ``-M virt,gic-version=version -smp cpus``, runner ``elf``, program file ``blob``."""
    return [
        QEMU,
        "-M", f"virt,gic-version={version}",
        "-cpu", "cortex-a53",
        "-smp", str(cpus),
        "-m", "1G",
        "-accel", "tcg,thread=single",
        "-nodefaults", "-display", "none", "-monitor", "none",
        "-serial", "stdio",      # the PL011 goes to QEMU's stdout
        "-kernel", str(elf),
        # QEMU option syntax: a comma inside a value is written twice.
        "-device", f"loader,file={str(blob).replace(',', ',,')},addr={PROG_ADDR:#x},force-raw=on",
    ]


def run_blob(version: int, cpus: int, blob: bytes, elf: Path,
             timeout: float = DEFAULT_TIMEOUT) -> tuple[str, float]:
    """Boot QEMU on a raw program blob; return the UART output and the wall time.

    ``RunnerError`` if QEMU does not exit by itself within ``timeout``
    seconds (it is killed) or exits with a non-zero status. Most callers want
    ``run``, which also encodes the program and parses the output.
    """
    with tempfile.TemporaryDirectory(prefix="pcheck-qemu-") as tmp:
        path = Path(tmp) / "prog.bin"
        path.write_bytes(blob)
        start = time.monotonic()
        proc = subprocess.Popen(qemu_command(version, cpus, elf, path), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            raise RunnerError(f"QEMU timed out after {timeout:g} s", _text(out, err)) from None
        seconds = time.monotonic() - start
    if proc.returncode != 0:
        raise RunnerError(f"QEMU exited with status {proc.returncode}", _text(out, err))
    return out.decode(errors="replace"), seconds


def run(program: Program, elf: Path, timeout: float = DEFAULT_TIMEOUT) -> Outcome:
    """Run ``program`` on QEMU and return what the runner read back.

    QEMU is killed after ``timeout`` seconds (``RunnerError``).
    """
    output, seconds = run_blob(program.version, program.cpus, encode(program), elf, timeout)
    return parse(program, output, seconds)


def _text(out: bytes, err: bytes) -> str:
    text = out.decode(errors="replace")
    if err:
        text += "\n--- stderr ---\n" + err.decode(errors="replace")
    return text


def run_all(programs: Iterable[Program], elf: Path, jobs: int = 2,
            timeout: float = DEFAULT_TIMEOUT) -> list[Outcome]:
    """``run`` every program, ``jobs`` QEMU processes at a time; results in input order."""
    todo: Sequence[Program] = list(programs)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(lambda p: run(p, elf, timeout), todo))
