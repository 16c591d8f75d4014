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

The multikernel fork (au-ts/seL4 c99714a6, `dist_init check`): dist_init only
checks GICD_CTLR (GICv2 bit 0; GICv3 ARE_NS and EnableGrp1NS) and halts when
the distributor is not enabled, after the core's local init. The loader's
`gic_init` enables it, and so does the reset of a kernel whose dist_init is
`always` or `first`. Such a kernel comes up only if one of these ran before
it: `dist_ready` says whether, and None when that depends on an unpinned boot
order (the resolver refuses such a spec: E313). Its boot node id (TPIDR_EL1)
is its boot core's position among the platform's cpus (au-ts/microkit loader:
logical cpu i is the i-th core it starts); node 0 is `primary` for
`boot_mask primary` and `irq_route primary`.
"""

from __future__ import annotations

from collections.abc import Iterable

from checker.memo import per_spec
from checker.spec import Cpu, Kernel, Region, Spec

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


def is_node0(spec: Spec, kernel: Kernel) -> bool:
    """The kernel boots on logical cpu 0, the platform's first cpu (the fork's boot_node_id 0)."""
    cpus = spec.platform.cpus
    return bool(kernel.cores) and bool(cpus) and kernel.cores[0].name == cpus[0].name


def logical_index(spec: Spec, cpu: Cpu) -> int:
    """The loader's logical number of a cpu: its position among the platform's cpus."""
    return next(n for n, c in enumerate(spec.platform.cpus) if c.name == cpu.name)


def masks_every_line(spec: Spec, kernel: Kernel) -> bool:
    """Its init_irqs masks every SPI up to maxIRQ: `boot_mask all`, or `primary` on node 0."""
    mask = kernel.profile.boot_mask
    return mask == "all" or (mask == "primary" and is_node0(spec, kernel))


def boot_masks(spec: Spec, kernel: Kernel, intid: int) -> bool:
    """Its init_irqs masks this SPI (whether or not it boots): every line, or, for `boot_mask
    primary`, INTID 32 on every kernel (the fork masks INTIDs 0..NUM_PPI inclusive)."""
    return masks_every_line(spec, kernel) or (kernel.profile.boot_mask == "primary" and intid == 32)


def masks_at_boot(spec: Spec, kernel: Kernel) -> bool:
    """The kernel reaches init_irqs and makes its boot-time masks: it boots and gets past dist_init
    (a `dist_init check` kernel that halts there masks nothing)."""
    return boots(spec, kernel) and dist_ready_static(spec, kernel)


def resets_distributor(spec: Spec, kernel: Kernel) -> bool:
    """Its boot can reset (and so enable) the distributor: dist_init always or first, and it boots."""
    return kernel.profile.dist_init in ("always", "first") and _booted(spec, kernel)


def _booted(spec: Spec, kernel: Kernel) -> bool:
    """`boots`, computed directly (`dist_ready` asks it while `_compute` runs)."""
    return bool(kernel.cores) and redistributor_found(spec, kernel.cores[0])


def dist_ready(spec: Spec, kernel: Kernel) -> bool | None:
    """For a `dist_init check` kernel: the distributor is enabled when it boots (the loader's
    gic_init, or the reset of a kernel booting before it); None: that depends on the boot order.
    True for every other kernel."""
    known = _dist_ready_table(spec).get(kernel.name)
    if known is not None and known[0] is kernel:
        return known[1]
    return _dist_ready(spec, kernel)


@per_spec
def _dist_ready_table(spec: Spec) -> dict[str, tuple[Kernel, bool | None]]:
    """name -> (kernel, `dist_ready`) for every kernel of the spec, computed once (IRQ-ROUTE asks per SPI)."""
    return {k.name: (k, _dist_ready(spec, k)) for k in spec.kernels}


def _dist_ready(spec: Spec, kernel: Kernel) -> bool | None:
    if kernel.profile.dist_init != "check" or spec.loader_gic_init:
        return True
    if spec.boot_order is not None:
        before = spec.boot_order[: next(n for n, k in enumerate(spec.boot_order) if k.name == kernel.name)]
        return any(resets_distributor(spec, k) for k in before)
    if not any(resets_distributor(spec, k) for k in spec.kernels if k.name != kernel.name):
        return False
    return None


def why_down(spec: Spec, kernel: Kernel) -> str:
    """Why a kernel never comes up, in the user's terms (for messages)."""
    if not kernel.cores:
        return "it has no core to boot on"
    if not redistributor_found(spec, kernel.cores[0]):
        return "it halts at boot, as seL4's gicr_init finds no redistributor for its core (see CPU-IDENT)"
    if dist_ready(spec, kernel) is False:
        return ("it halts at boot, as its `dist_init check` finds the distributor not enabled "
                "and nothing enables it first; see GIC-INIT")
    return "it halts at boot, as a core it brings up is not found (no redistributor, or listed twice)"


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
    booted = _booted(spec, kernel)
    started = brings_up(kernel)
    # An smp kernel that lists a core twice waits for a secondary that never starts (that core
    # is already running): release_secondary_cpus spins until every node is up (seL4 16.0.0,
    # src/arch/arm/kernel/boot.c). CPU-EXCL is where the list itself is judged.
    distinct = len({c.name for c in started}) == len(started)
    # The fork's dist_init check runs on the boot core after its local init (init_cpu, then
    # init_plat): the kernel has made its banked writes, then halts, before any secondary starts.
    ready = dist_ready_static(spec, kernel) if booted else False
    return booted, booted and ready and distinct and all(redistributor_found(spec, c) for c in started)


def dist_ready_static(spec: Spec, kernel: Kernel) -> bool:
    """`dist_ready`, the kernel taken to get past dist_init where the boot order decides (the
    resolver refuses such specs, E313: `order_dependent`)."""
    return dist_ready(spec, kernel) is not False


def order_dependent(spec: Spec) -> list[Kernel]:
    """The `dist_init check` kernels that boot and come up only in some boot orders."""
    return [k for k in spec.kernels if k.profile.dist_init == "check" and boots(spec, k) and dist_ready(spec, k) is None]


# ---------------------------------------------------------------- kernel frames
#
# seL4 maps part of each GIC region into its own window and keeps it out of
# every untyped (seL4 16.0.0 and the fork c99714a6 alike):
# tools/hardware.yml gives each GIC region a `kernel_size` (GICv2 distributor
# and CPU interface 0x1000; GICv3 distributor 0x10000, redistributors
# 0x100000, "assume 8 cores max"); tools/hardware/utils/rule.py
# (KernelRegionGroup) maps min(kernel_size, region size), widened to whole
# 4 KiB pages; src/arch/arm/machine/hardware.c `map_kernel_devices` reserves
# each of those pages (`reserve_region`, BIT(PAGE_BITS) each). Device
# untypeds are cut from what is left (src/kernel/boot.c
# `create_untypeds_for_region`, size-aligned chunks), so no untyped, and no
# frame object of any size, covers a kernel frame.

KERNEL_FRAME_PAGE = 0x1000  # PAGE_BITS = 12 on AArch64
GIC_KERNEL_SIZE = {
    (2, "gic.distributor"): 0x1000,
    (2, "gic.cpu_interface"): 0x1000,
    (3, "gic.distributor"): 0x10000,
    (3, "gic.redistributors"): 0x100000,
}


def kernel_frames(spec: Spec) -> tuple[Region, ...]:
    """The GIC pages seL4 maps for itself and hands to no untyped, one Region per GIC region."""
    gic = spec.platform.gic
    out = []
    for frame in gic.frames:
        size = min(GIC_KERNEL_SIZE.get((gic.version, frame.name), KERNEL_FRAME_PAGE), frame.size)
        base = frame.base - frame.base % KERNEL_FRAME_PAGE
        end = frame.base + size
        end += (-end) % KERNEL_FRAME_PAGE
        out.append(Region(frame.name, base, end - base, frame.span))
    return tuple(out)
