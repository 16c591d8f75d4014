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

GICv3 interrupt groups (seL4 16.0.0 gic_v3.c; ARM IHI 0069): seL4 takes only
Group 1 interrupts (ICC_IAR1_EL1, ICC_IGRPEN1_EL1) and sends SGIs with
ICC_SGI1R_EL1, which the GIC does not forward to a core where that SGI is in
Group 0. It relies on someone having put interrupts into Group 1 (and woken the
redistributors): boot firmware (`group1 firmware`, TF-A), the loader (`loader
{ group1 }`), or seL4 itself where its platform port does (`group1 sel4`:
qemu-arm-virt since seL4 15.0, whose dist_init writes GICD_IGROUPR for every
SPI and whose gicr_init writes its own core's GICR_IGROUPR0), in kernels whose
profile says `group1 port`. Nobody ever moves an interrupt back to Group 0.

A kernel *boots* when its boot core's redistributor is found: it makes its
boot-time distributor writes. It *comes up* when every core it brings up is
found as well: only then does it take interrupts, acquire SPIs, configure
triggers and send or receive SGIs. An smp kernel whose secondary core halts
has made its boot core's writes but never comes up.
"""

from __future__ import annotations

from collections.abc import Iterable

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


def located_frame(spec: Spec, cpu: Cpu) -> int | None:
    """GICv3: the number of the cpu's redistributor frame gicr_init settles on (the first whose
    GICR_TYPER matches its affinity; frame n belongs to the n-th declared cpu), or None when it finds
    none or settles on a GICv4 VLPI frame, whose registers are reserved."""
    return _findable(spec).get(cpu.affinity)


@per_spec
def _findable(spec: Spec) -> dict[int, int | None]:
    """Affinity -> the frame gicr_init's scan settles on for it (see `located_frame`), for every
    affinity the scan finds, in the order it reads the frames, until it runs past them."""
    found: dict[int, int | None] = {}
    if spec.platform.gic.redistributors is None:
        return found
    stride = spec.platform.gic.redistributor_stride
    for offset in range(0, GICR_WINDOW, GICR_SCAN_STEP):
        affinity = _typer_affinity(spec, offset)
        if affinity is None:
            break  # the scan reads past the frames: nothing further is found (the model stops there too)
        index, rest = divmod(offset, stride)
        found.setdefault(affinity, index if rest == 0 else None)
    return found


def group1_before_boot(spec: Spec) -> bool:
    """Every interrupt is in Group 1 before any kernel runs: always on GICv2 (one group as seL4 uses
    it), on GICv3 when firmware or the loader puts them there."""
    gic = spec.platform.gic
    return gic.version != 3 or gic.group1 == "firmware" or spec.loader_group1


def sets_group1(spec: Spec, kernel: Kernel) -> bool:
    """The kernel's own boot code puts interrupts into Group 1: its dist_init every SPI, its
    gicr_init the SGIs and PPIs of each core it brings up (platform `group1 sel4`, profile `group1 port`)."""
    gic = spec.platform.gic
    return gic.version == 3 and gic.group1 == "sel4" and kernel.profile.group1 == "port"


def takes_group1_sgis(spec: Spec, cpu: Cpu, kernels: Iterable[Kernel] | None = None) -> bool:
    """The cpu's SGIs are in Group 1 once `kernels` (default: all) have booted: before any boot, or
    because a kernel among them that sets Group 1 brought up a core whose gicr_init settled on the
    cpu's own redistributor frame (two cpus with one affinity both settle on the first one)."""
    if group1_before_boot(spec):
        return True
    cpu_index, frames = _group1_tables(spec)
    frame = cpu_index[id(cpu)] if id(cpu) in cpu_index else spec.platform.cpus.index(cpu)
    for k in spec.kernels if kernels is None else kernels:
        if sets_group1(spec, k):
            done = frames[id(k)] if id(k) in frames else frozenset(_initialised_frames(spec, k))
            if frame in done:
                return True
    return False


@per_spec
def _group1_tables(spec: Spec) -> tuple[dict[int, int], dict[int, frozenset[int]]]:
    """Per spec, by object identity: each cpu's index, and the frames each kernel that sets Group 1 initialises."""
    cpu_index = {id(c): n for n, c in enumerate(spec.platform.cpus)}
    frames = {id(k): frozenset(_initialised_frames(spec, k)) for k in spec.kernels if sets_group1(spec, k)}
    return cpu_index, frames


def _initialised_frames(spec: Spec, kernel: Kernel) -> list[int]:
    """The redistributor frames the kernel's gicr_init runs on, core by core as it brings them up,
    until a core halts: its redistributor is not found, or it is listed twice (see `_compute`)."""
    if not boots(spec, kernel):
        return []
    frames: list[int] = []
    seen: set[str] = set()
    for c in brings_up(kernel):
        if c.name in seen or not redistributor_found(spec, c):
            break
        seen.add(c.name)
        frame = located_frame(spec, c)
        if frame is not None:
            frames.append(frame)
    return frames


def group1_owner(spec: Spec, sgi: bool = False) -> str:
    """Why nobody put the interrupt into Group 1 here, in the user's terms (for messages)."""
    gic = spec.platform.gic
    if gic.group1 == "none":
        return "nobody puts it there (the platform says `group1 none` and the loader has no `group1` step)"
    where = "on the cores it brings up" if sgi else "in its distributor reset"
    return ("nobody puts it there: the platform has no firmware that does (`group1 sel4`), the loader has no "
            f"`group1` step, and only a kernel whose profile says `group1 port` does it itself, {where}")


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
