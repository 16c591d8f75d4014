"""What seL4 16.0.0 does with a spec's cores, as plain facts: which kernels boot and which come up.

Sources (seL4 16.0.0, src/arch/arm/machine/gic_v3.c and gic_v2.c):

* GICv3 `gicr_init` finds the core's redistributor by reading GICR_TYPER at
  offsets 0, 0x20000, ... below 0x100000 of the redistributor region ("assume
  8 cores") and comparing its affinity with the core's MPIDR; it halts the
  kernel when none matches, before `dist_init`. pcheck lays the frames out one
  per cpu, `stride` apart, in declaration order; the VLPI frames of a 256 KiB
  stride read GICR_TYPER as zero.
* GICv2 has at most 8 CPU interfaces; a cpu whose `gic_cpu` is not 0..7 is not
  connected to the GIC (CPU-IDENT fails it). seL4 does not notice: such a
  kernel boots, but nothing reaches its core through the GIC, its SGI writes
  reach nothing, and its distributor reset targets CPU interface 0 (the model
  reads every target register as zero for it: `model/gicv2.py`).

A kernel *boots* when its boot core's redistributor is found: it makes its
boot-time distributor writes. It *comes up* when every core it brings up is
found as well: only then does it take interrupts, acquire SPIs, configure
triggers and send or receive SGIs. An smp kernel whose secondary core halts
has made its boot core's writes but never comes up.
"""

from __future__ import annotations

from checker.memo import per_spec
from checker.spec import Cpu, Kernel, Spec

GICR_SCAN_STEP = 0x20000  # GICR_PER_CORE_SIZE
GICR_WINDOW = 0x100000  # GICR_SIZE
GICR_FRAME = 0x20000  # RD_base + SGI_base


def has_cpu_interface(spec: Spec, cpu: Cpu) -> bool:
    """GICv2: the cpu has a CPU-interface number the GIC has (0..7). GICv3 cores always do."""
    return spec.platform.gic.version != 2 or (cpu.gic_cpu is not None and 0 <= cpu.gic_cpu < 8)


def _typer_affinity(spec: Spec, offset: int) -> int | None:
    """GICR_TYPER[63:32] read at `offset` into the redistributor region; None: nothing is mapped there."""
    gic = spec.platform.gic
    stride, cpus = gic.redistributor_stride, spec.platform.cpus
    index, rest = divmod(offset, stride)
    if index >= len(cpus):
        return None
    if rest == 0:
        return cpus[index].affinity
    if rest == GICR_FRAME and stride > GICR_FRAME:
        return 0  # a GICv4 VLPI frame: reserved, reads as zero
    return None


def redistributor_found(spec: Spec, cpu: Cpu) -> bool:
    """seL4's gicr_init finds a redistributor whose affinity is the cpu's (always true on GICv2)."""
    return spec.platform.gic.version != 3 or cpu.affinity in _findable(spec)


@per_spec
def _findable(spec: Spec) -> frozenset[int]:
    """The affinities gicr_init's scan finds, in the order it reads the frames, until it runs past them."""
    found: set[int] = set()
    if spec.platform.gic.redistributors is None:
        return frozenset()
    for offset in range(0, GICR_WINDOW, GICR_SCAN_STEP):
        affinity = _typer_affinity(spec, offset)
        if affinity is None:
            break  # the scan reads past the frames: nothing further is found (the model stops there too)
        found.add(affinity)
    return frozenset(found)


def boots(spec: Spec, kernel: Kernel) -> bool:
    """The kernel runs its boot code: it has a core and its boot core's redistributor is found."""
    return _facts(spec, kernel)[0]


def brings_up(kernel: Kernel) -> tuple[Cpu, ...]:
    """The cores the kernel starts: all of an smp kernel's, only the first of any other."""
    return kernel.cores if kernel.profile.smp else kernel.cores[:1]


def comes_up(spec: Spec, kernel: Kernel) -> bool:
    """The kernel boots and every core it starts finds its redistributor: it takes interrupts."""
    return _facts(spec, kernel)[1]


def _facts(spec: Spec, kernel: Kernel) -> tuple[bool, bool]:
    known = _kernel_facts(spec).get(kernel.name)
    if known is not None and known[0] is kernel:
        return known[1], known[2]
    return _compute(spec, kernel)


@per_spec
def _kernel_facts(spec: Spec) -> dict[str, tuple[Kernel, bool, bool]]:
    """name -> (kernel, boots, comes up) for every kernel of the spec, computed once."""
    return {k.name: (k, *_compute(spec, k)) for k in spec.kernels}


def _compute(spec: Spec, kernel: Kernel) -> tuple[bool, bool]:
    booted = bool(kernel.cores) and redistributor_found(spec, kernel.cores[0])
    started = brings_up(kernel)
    # An smp kernel that lists a core twice waits for a secondary that never starts (that core
    # is already running): release_secondary_cpus spins until every node is up (seL4 16.0.0,
    # src/arch/arm/kernel/boot.c). CPU-EXCL is where the list itself is judged.
    distinct = len({c.name for c in started}) == len(started)
    return booted, booted and distinct and all(redistributor_found(spec, c) for c in started)
