"""Hypothesis strategies for small, random, resolvable specs, built directly as
`checker.spec` objects (no parser), plus `render` to print one as `.mk` text.

"Resolvable" means what `resolve` would accept: names are consistent and
unique, every kernel has a core, a channel connects two different kernels,
`on` names a core of the receiver, an smp route names one of the kernel's
cores. Everything the obligations judge is left free to be wrong: regions
overlap, are misaligned, lie outside banks, in reserved holes, past
2^paddr_bits or past 2^64; devices share pages; cores, devices and SPIs have
two owners; SPIs are out of range or share an ICFGR word across kernels;
channel targets are wrong; mailboxes have wrong modes and outsiders.

Every draw is biased towards the well-formed case so that proved verdicts
are compared as often as failed ones.
"""

from __future__ import annotations

from attrs import evolve
from hypothesis import strategies as st

from checker.sel4 import order_dependent
from checker.spec import (
    SEL4,
    Call,
    Notification,
    Pd,
    PdMap,
    Queue,
    SEL4_MK,
    SEL4_SMP,
    Access,
    Channel,
    Cpu,
    Device,
    Gic,
    Irq,
    Kernel,
    Platform,
    Profile,
    Region,
    Route,
    Shared,
    Spec,
    default_target,
)

U64 = 1 << 64
BANK0 = Region("dram", 0x4000_0000, 0x4000_0000)  # [1 GiB, 2 GiB)
BANK1 = Region("dram_hi", 0x1_0000_0000, 0x1000_0000)
HOLE = Region("hole", 0x7F00_0000, 0x40_0000)  # a firmware hole at the top of BANK0
SLOT = 0x0800_0000  # kernel i's RAM lives in [BANK0.base + i*SLOT, +SLOT)
SHARED_BASE = 0x7000_0000
DEV_BASE = 0x0900_0000
GICD = 0x0800_0000


def rare(draw, one_in: int) -> bool:
    """True about once in `one_in` draws (shrinks to False)."""
    return draw(st.integers(0, one_in - 1)) == one_in - 1


# ---------------------------------------------------------------- platform


@st.composite
def platforms(draw, min_cpus: int = 1) -> Platform:
    version = draw(st.sampled_from([2, 3]))
    style = draw(st.sampled_from(["a53", "a55"]))  # Aff0 = core, or Aff1 = core (MPIDR n << 8)
    ncpus = draw(st.integers(min_cpus, 5))
    if version == 3 and rare(draw, 12):
        ncpus = 9  # the ninth redistributor frame lies past seL4's 1 MiB search window
    if style == "a53":
        mpidrs = [(i // 4) << 8 | i % 4 for i in range(ncpus)]
    else:
        mpidrs = [i << 8 for i in range(ncpus)]
    gic_cpus = list(range(ncpus))
    quirk = draw(st.sampled_from(["none"] * 8 + ["dup-mpidr", "aff3", "dup-gic", "gic8", "rev-gic"]))
    if quirk == "dup-mpidr" and ncpus > 1:
        mpidrs[-1] = mpidrs[0]
    elif quirk == "aff3":
        mpidrs[-1] |= 1 << 32
    elif quirk == "dup-gic" and ncpus > 1:
        gic_cpus[-1] = gic_cpus[0]
    elif quirk == "gic8":
        gic_cpus[-1] = 8
    elif quirk == "rev-gic":
        gic_cpus.reverse()
    cpus = tuple(Cpu(f"c{i}", mpidrs[i], gic_cpus[i] if version == 2 else None) for i in range(ncpus))
    # Small GICs keep the model's boots cheap (seL4 masks every line one write at a time).
    lines = draw(st.sampled_from([64, 64, 96, 128])) if not rare(draw, 10) else draw(st.sampled_from([160, 1020]))
    if version == 2:
        gic = Gic(2, Region("gic.distributor", GICD, 0x1000), lines=lines,
                  cpu_interface=Region("gic.cpu_interface", GICD + 0x1_0000, 0x2000))
    else:
        stride = 0x40000 if rare(draw, 8) else 0x20000
        gic = Gic(3, Region("gic.distributor", GICD, 0x10000), lines=lines,
                  redistributors=Region("gic.redistributors", GICD + 0x10_0000, stride * ncpus),
                  redistributor_stride=stride,
                  # Who puts interrupts into Group 1: mostly firmware, as on every board with TF-A.
                  group1=draw(st.sampled_from(["firmware"] * 3 + ["sel4", "none"])))
    memory = (BANK0, BANK1) if draw(st.booleans()) else (BANK0,)
    reserved = (HOLE,) if draw(st.booleans()) else ()
    if rare(draw, 8):
        reserved += (Region("hole_lo", 0x0A00_0000, 0x1000),)  # a hole outside RAM: harmless
    paddr_bits = draw(st.sampled_from([40, 40, 40, 32, 36, 44, 48]))
    page = draw(st.sampled_from([0x1000] * 6 + [0x4000, 0x10000]))
    ndev = draw(st.integers(0, 4))
    devices = tuple(draw(devices_(i, lines)) for i in range(ndev))
    # seL4's maxIRQ: mostly unknown or above the lines, sometimes below some SPIs.
    max_irq = draw(st.sampled_from([None, None, lines - 1, lines + 32] + ([40, 63, 70] if lines > 70 else [40])))
    return Platform("p", cpus, memory, gic, reserved, devices, paddr_bits, page, max_irq=max_irq)


@st.composite
def irqs(draw, lines: int) -> Irq:
    if rare(draw, 8):
        intid = draw(st.sampled_from([lines - 1, lines, lines + 17, 1019, 1020, 1023]))
    else:
        # ICFGR words 2 and 3 (and 4): two kernels' SPIs often share a word.
        intid = draw(st.integers(32, 63)) if draw(st.integers(0, 3)) else draw(st.integers(64, 79))
    return Irq(intid, draw(st.sampled_from([None, "level", "edge"])))


@st.composite
def devices_(draw, i: int, lines: int) -> Device:
    kind = draw(st.sampled_from(["page"] * 4 + ["sub"] * 3 + ["big", "in-ram", "on-gic", "by-gic"]))
    index = i if draw(st.integers(0, 3)) else draw(st.integers(0, 3))
    if kind == "page":
        base, size = DEV_BASE + index * 0x1000, 0x1000
    elif kind == "sub":  # 0x200-byte devices, several in the page at DEV_BASE + 0x4000
        base, size = DEV_BASE + 0x4000 + index * 0x200, 0x200
    elif kind == "big":
        base, size = DEV_BASE + 0x1_0000, 0x1_0000
    elif kind == "in-ram":
        base, size = BANK0.base + index * SLOT + 0x1000, 0x1000
    elif kind == "on-gic":
        base, size = GICD + index * 0x1000, 0x1000
    else:  # next to the GIC: in a 16K or 64K page with a GICv2 CPU interface's kernel frame
        base, size = GICD + 0x1_2000 + index * 0x1000, 0x1000
    name = f"dev{i}"
    return Device(name, Region(name, base, size), tuple(draw(st.lists(irqs(lines), max_size=2, unique_by=lambda i: i.intid))))


# ---------------------------------------------------------------- profiles


# Profiles of a clean multikernel system: with these, every run-time obligation can be proved.
CLEAN_PROFILES = (
    Profile("mk", dist_init="first", boot_mask="own", device_untypeds="declared", irq_route="yes"),
    Profile("mk-loader", dist_init="never", boot_mask="own", device_untypeds="declared", irq_route="yes",
            trigger_config="loader"),
)


@st.composite
def profiles(draw, clean: bool = False) -> Profile:
    if clean:
        return draw(st.sampled_from(CLEAN_PROFILES))
    if draw(st.booleans()):
        return draw(st.sampled_from([SEL4, SEL4_SMP, SEL4_MK]))
    dist_init = draw(st.sampled_from(["always", "first", "never", "check"]))
    boot_mask = draw(st.sampled_from(["all", "own", "primary"]))
    untypeds = draw(st.sampled_from(["all", "declared"]))
    sgi_signal, smp = draw(st.booleans()), draw(st.booleans())
    irq_route = draw(st.sampled_from(["yes", "no", "primary"]))
    trigger = draw(st.sampled_from(["runtime", "loader", "none"]))
    group1 = draw(st.sampled_from(["port", "never"]))
    name = f"x-{dist_init}-{boot_mask}-{untypeds}-{'sgi' if sgi_signal else 'nosgi'}-route{irq_route}-{'smp' if smp else 'up'}-{trigger}-{group1}"
    return Profile(name, dist_init, boot_mask, untypeds, sgi_signal, irq_route, smp, trigger, group1)


# ---------------------------------------------------------------- kernels


@st.composite
def ram_slice(draw, platform: Platform, kernel: int, index: int, count: int, clean: bool = False) -> Region:
    name = f"k{kernel}.ram" if count == 1 else f"k{kernel}.ram[{index}]"
    size = SLOT // count
    base = BANK0.base + kernel * SLOT + index * size
    if clean:
        return Region(name, base, size)
    kind = draw(st.sampled_from(["ok"] * 12 + ["mis-base", "mis-size", "overlap", "outside", "nobank", "hole", "beyond",
                                               "wraps", "empty", "high", "subpage"]))
    if kind == "mis-base":
        base += draw(st.sampled_from([0x200, 0x1000, 0x2000]))
        size //= 2
    elif kind == "mis-size":
        size -= draw(st.sampled_from([0x200, 0x1000]))
    elif kind == "overlap":
        base = BANK0.base + draw(st.integers(0, 3)) * SLOT + draw(st.sampled_from([0, 0x1000, SLOT // 2]))
        size = draw(st.sampled_from([0x1000, 0x4000, SLOT]))
    elif kind == "outside":
        base, size = BANK0.end - 0x1000, 0x2000  # straddles the end of the bank
    elif kind == "nobank":
        base, size = 0x2000_0000 + kernel * 0x10_0000, 0x10_0000
    elif kind == "hole":
        base, size = HOLE.base - 0x1000, 0x2000
    elif kind == "beyond":
        base, size = (1 << platform.paddr_bits) - 0x1000, 0x2000
    elif kind == "wraps":
        base, size = U64 - 0x1000, 0x2000
    elif kind == "empty":
        size = 0
    elif kind == "high":
        base, size = BANK1.base + kernel * 0x100_0000, 0x100_0000
    elif kind == "subpage":
        size = 0x800
    return Region(name, base, size)


@st.composite
def systems(draw) -> Spec:
    """A whole random spec; see the module docstring."""
    n = draw(st.sampled_from([1, 2, 2, 2, 3, 3, 3, 4]))
    # A third of the systems are clean multikernel builds (loader-initialised GIC, declared
    # untypeds, well-placed RAM), so that proofs are compared as often as failures.
    clean = draw(st.integers(0, 2)) == 0
    platform = draw(platforms(min_cpus=min(n, 4)))
    cpus = list(draw(st.permutations(platform.cpus)))
    free = list(cpus)
    kernels: list[Kernel] = []
    for i in range(n):
        profile = draw(profiles(clean))
        want = 2 if (profile.smp and draw(st.booleans())) or rare(draw, 16) else 1
        if not clean and rare(draw, 24):
            want = 0  # a kernel with no core (CPU-EXCL); no channel is received by it
        cores = []
        for _ in range(want):
            if free and not rare(draw, 16):
                cores.append(free.pop(0))
            else:  # no free core left (or a deliberate clash): share one
                core = draw(st.sampled_from(cpus))
                if core not in cores:
                    cores.append(core)
        nram = draw(st.sampled_from([1, 1, 1, 1, 2, 0]))
        ram = tuple(draw(ram_slice(platform, i, j, nram, clean)) for j in range(nram))
        own_irqs = tuple(draw(st.lists(irqs(platform.gic.lines), max_size=2, unique_by=lambda i: i.intid)))
        kernels.append(Kernel(f"k{i}", tuple(cores), profile, ram, irqs=own_irqs))
    # Devices: mostly one owner or none, sometimes two.
    owned: list[list[Device]] = [[] for _ in kernels]
    for dev in platform.devices:
        owner = draw(st.integers(-1, n - 1))
        if owner >= 0:
            owned[owner].append(dev)
            if n > 1 and rare(draw, 8):
                owned[(owner + 1) % n].append(dev)
    kernels = [evolve(k, devices=tuple(owned[i])) for i, k in enumerate(kernels)]
    # smp kernels with two cores sometimes route an SPI to the second.
    for i, k in enumerate(kernels):
        if k.profile.smp and len(k.cores) > 1 and k.owned_spis and draw(st.booleans()):
            spi = draw(st.sampled_from(k.owned_spis))
            kernels[i] = evolve(k, routes=(Route(spi.intid, k.cores[1]),))
    # Channels are planned first: their mailboxes fix up some shared regions' modes.
    nshared = draw(st.integers(0, 2))
    plans = draw(st.lists(channel_plans(n, nshared), min_size=1, max_size=4)) if n > 1 and not rare(draw, 5) else []
    plans = [p for p in plans if kernels[p["receiver"]].cores]
    for plan in plans[1:]:
        if draw(st.integers(0, 2)) == 0:
            # A sibling of the first channel: same receiver and SGI, so IPI-UNIQUE has work to do.
            plan.update(receiver=plans[0]["receiver"], sgi=plans[0]["sgi"], on=plans[0]["on"])
            if plan["sender"] == plan["receiver"]:
                plan["sender"] = (plan["receiver"] + 1) % n
    shared = [draw(shared_regions(s, kernels, plans)) for s in range(nshared)]
    channels = [draw(channel_from_plan(c, plan, platform, kernels, shared)) for c, plan in enumerate(plans)]
    spec = Spec(
        platform,
        tuple(kernels),
        tuple(shared),
        tuple(channels),
        profiles=tuple(dict.fromkeys(k.profile for k in kernels if k.profile.name not in ("sel4", "sel4-smp", "sel4-mk"))),
        loader_gic_init=clean or draw(st.booleans()),
        loader_triggers=clean or draw(st.booleans()),
        loader_group1=clean or draw(st.booleans()),
    )
    # A `dist_init check` kernel that comes up in some orders only is refused by the resolver
    # (E313): pin the order then.
    if rare(draw, 4) or order_dependent(spec):
        spec = evolve(spec, boot_order=tuple(draw(st.permutations(spec.kernels))))
    return spec


@st.composite
def channel_plans(draw, n: int, nshared: int) -> dict:
    sender = draw(st.integers(0, n - 1))
    receiver = (sender + draw(st.integers(1, n - 1))) % n
    mailbox = draw(st.integers(0, nshared - 1)) if nshared and draw(st.booleans()) else None
    return {
        "sender": sender,
        "receiver": receiver,
        "sgi": draw(st.sampled_from([16, 17]) if rare(draw, 10) else st.sampled_from([0, 1, 2, 5, 5, 5, 7, 7, 15])),
        "target": draw(st.sampled_from(["default"] * 4 + ["right", "index", "mpidr", "raw"])),
        "mailbox": mailbox,
        "tag": draw(st.sampled_from([None, 0, 1, 2, 2])) if mailbox is not None else None,
        "clean_box": draw(st.booleans()),
        "on": draw(st.integers(0, 2)),
    }


@st.composite
def shared_regions(draw, s: int, kernels: list[Kernel], plans: list[dict]) -> Shared:
    name = f"sh{s}"
    kind = draw(st.sampled_from(["ok"] * 6 + ["ram", "misaligned", "sub", "dup"]))
    base, size = SHARED_BASE + s * 0x1_0000, 0x1_0000
    if kind == "ram":
        base, size = BANK0.base + draw(st.integers(0, 3)) * SLOT, 0x1000
    elif kind == "misaligned":
        base, size = base + 0x100, 0x1000
    elif kind == "sub":
        size = 0x200
    elif kind == "dup":
        base = SHARED_BASE
    modes: dict[str, str | None] = {k.name: draw(st.sampled_from([None, None, "r", "rw"])) for k in kernels}
    for plan in plans:
        if plan["mailbox"] == s and plan["clean_box"]:
            # The channel's ends get the modes it needs; other kernels stay off (unless another channel needs them).
            modes[kernels[plan["sender"]].name] = "rw"
            if modes[kernels[plan["receiver"]].name] is None:
                modes[kernels[plan["receiver"]].name] = "r"
            users = {kernels[p[e]].name for p in plans if p["mailbox"] == s for e in ("sender", "receiver")}
            for k in kernels:
                if k.name not in users:
                    modes[k.name] = None
    access = tuple(Access(k, modes[k.name]) for k in kernels if modes[k.name] is not None)
    return Shared(name, Region(name, base, size), access)


@st.composite
def channel_from_plan(draw, c: int, plan: dict, platform: Platform, kernels: list[Kernel], shared: list[Shared]) -> Channel:
    sender, receiver = kernels[plan["sender"]], kernels[plan["receiver"]]
    on = None
    if len(receiver.cores) > 1 and plan["on"]:
        on = receiver.cores[plan["on"] % len(receiver.cores)]
    elif plan["on"] == 2:
        on = receiver.cores[0]
    name = f"ch{c}"
    channel = Channel(name, sender, receiver, plan["sgi"], on,
                      mailbox=shared[plan["mailbox"]] if plan["mailbox"] is not None else None, tag=plan["tag"])
    core = channel.receiving_core
    kind = plan["target"]
    spec = Spec(platform, tuple(kernels))
    if kind == "right":
        target = default_target(spec, channel)
    elif kind == "index":
        target = platform.cpus.index(core)
    elif kind == "mpidr":
        target = core.mpidr
    elif kind == "raw":
        target = draw(st.sampled_from([0, 1, 3, 7, 8, 9, 0x100, 0x200, 0x1_0000, 0x1000_0000, 0x10,
                                       0xFFFF_FFFF, 0x1_0000_0000, 0x1_0000_0001, 0x1_0000_0100]))
    else:
        target = None
    return evolve(channel, target=target)


# ---------------------------------------------------------------- rendering


def _n(value: int) -> str:
    return hex(value)


def render(spec: Spec) -> str:
    """The spec as compact `.mk`-like text, for failure reports."""
    p = spec.platform
    g = p.gic
    out = [f"platform {p.name} {{ paddr_bits {p.paddr_bits} page {_n(p.page)}" + (f" max_irq {p.max_irq}" if p.max_irq is not None else "")]
    for c in p.cpus:
        out.append(f"  cpu {c.name} mpidr {_n(c.mpidr)}" + (f" gic_cpu {c.gic_cpu}" if c.gic_cpu is not None else ""))
    out += [f"  memory {r.name} at {_n(r.base)} size {_n(r.size)}" for r in p.memory]
    out += [f"  reserved {r.name} at {_n(r.base)} size {_n(r.size)}" for r in p.reserved]
    frames = f"distributor at {_n(g.distributor.base)} size {_n(g.distributor.size)}"
    if g.version == 2:
        frames += f"  cpu_interface at {_n(g.cpu_interface.base)} size {_n(g.cpu_interface.size)}"
    else:
        frames += f"  redistributors at {_n(g.redistributors.base)} stride {_n(g.redistributor_stride)}"
    group1 = f"  group1 {g.group1}" if g.version == 3 else ""
    out.append(f"  gic v{g.version} {{ {frames}  lines {g.lines}{group1} }}")
    for d in p.devices:
        irq = ", ".join(f"spi {i.intid - 32}" + (f" {i.trigger}" if i.trigger else "") for i in d.irqs)
        out.append(f"  device {d.name} at {_n(d.region.base)} size {_n(d.region.size)}" + (f" irq {irq}" if irq else ""))
    out.append("}")
    for prof in spec.profiles:
        out.append(f"profile {prof.name} {{ dist_init {prof.dist_init} boot_mask {prof.boot_mask} device_untypeds "
                   f"{prof.device_untypeds} sgi_signal {'yes' if prof.sgi_signal else 'no'} irq_route "
                   f"{prof.irq_route} smp {'yes' if prof.smp else 'no'} trigger_config {prof.trigger_config} group1 {prof.group1} }}")
    for k in spec.kernels:
        parts = [f"profile {k.profile.name}", "cores " + ", ".join(c.name for c in k.cores)]
        parts += [f"ram at {_n(r.base)} size {_n(r.size)}" for r in k.ram]
        if k.devices:
            parts.append("devices " + ", ".join(d.name for d in k.devices))
        parts += [f"irq spi {i.intid - 32}" + (f" {i.trigger}" if i.trigger else "") for i in k.irqs]
        parts += [f"route spi {r.intid - 32} to {r.cpu.name}" for r in k.routes]
        out.append(f"kernel {k.name} {{ " + "; ".join(parts) + " }")
    for s in spec.shared:
        access = ", ".join(f"{a.kernel.name} {a.mode}" for a in s.access)
        out.append(f"shared {s.name} at {_n(s.region.base)} size {_n(s.region.size)} {{ {access} }}")
    for pd in spec.pds:
        maps = "".join(f" map {m.shared.name} {m.mode}" for m in pd.maps)
        out.append(f"pd {pd.name} on {pd.kernel.name} {{{maps} }}")
    ends = {n.name: n for n in spec.notifications}
    for n in spec.notifications:
        if n.channel is None:
            out.append(f"channel {n.name} {{ from {n.sender.name} to {n.receiver.name} }}")
    for c in spec.channels:
        sender, receiver = (ends[c.name].sender, ends[c.name].receiver) if c.name in ends else (c.sender, c.receiver)
        parts = [f"from {sender.name} to {receiver.name}" + (f" on {c.on.name}" if c.on else ""), f"sgi {c.sgi}"]
        if c.target is not None:
            parts.append(f"target {_n(c.target)}")
        if c.mailbox is not None:
            parts.append(f"mailbox {c.mailbox.name}" + (f" tag {c.tag}" if c.tag is not None else ""))
        out.append(f"channel {c.name} {{ " + "; ".join(parts) + " }")
    for call in spec.calls:
        via = f" via {call.proxies[0].name}, {call.proxies[1].name} in {call.buffer.name}" if call.proxies else ""
        out.append(f"call {call.client.name} -> {call.server.name}{via}")
    for q in spec.queues:
        index = f" index {q.index.name}" if q.index else ""
        out.append(f"queue {q.name} from {q.producer.name} to {q.consumer.name} in {q.ring.name} slots {q.slots}{index} notify {q.doorbell.name}")
    actions = ((["gic_init"] if spec.loader_gic_init else []) + (["triggers"] if spec.loader_triggers else [])
               + (["group1"] if spec.loader_group1 else []))
    if actions:
        out.append(f"loader {{ {' '.join(actions)} }}")
    if spec.boot_order:
        out.append("boot order " + ", ".join(k.name for k in spec.boot_order))
    return "\n".join(out)


class Case:
    """A spec whose repr is its `.mk` rendering, so hypothesis prints a readable shrunk example."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec

    def __repr__(self) -> str:
        return "\n" + render(self.spec) + "\n"


@st.composite
def cases(draw) -> Case:
    # A composite, not systems().map(Case): hypothesis would print a mapped value as the call.
    return Case(draw(systems()))


# ---------------------------------------------------------------- protection domains

PD_SHARED_BASE = 0x7800_0000  # PD buffers, rings and index regions (inside BANK0, above the kernels' slots)


@st.composite
def pd_systems(draw) -> Spec:
    """A random system (`systems`) with protection domains on its kernels: shared regions they map
    (the kernel listed or not, r or rw), notifications between them (across kernels with an SGI
    channel whose SGI, target and mailbox are drawn like other channels'), calls direct or
    through drawn proxies and buffers, and queues with or without an index region."""
    spec = draw(systems())
    kernels = [k for k in spec.kernels if k.cores]
    if not kernels:
        return spec
    regions = []
    for s in range(draw(st.integers(1, 3))):
        listed = draw(st.lists(st.sampled_from(kernels), max_size=3, unique_by=lambda k: k.name))
        access = tuple(Access(k, draw(st.sampled_from(["rw", "rw", "r"]))) for k in listed)
        regions.append(Shared(f"pb{s}", Region(f"pb{s}", PD_SHARED_BASE + s * 0x1_0000, 0x1_0000), access))
    shared = list(spec.shared) + regions
    pds = []
    for p in range(draw(st.integers(2, 6))):
        kernel = draw(st.sampled_from(kernels))
        maps = tuple(PdMap(r, draw(st.sampled_from(["rw", "r"]))) for r in draw(st.lists(st.sampled_from(regions), max_size=2, unique_by=lambda r: r.name)))
        pds.append(Pd(f"p{p}", kernel, 0, maps))
    channels = list(spec.channels)
    notes = []
    taken: dict[str, set[int]] = {}
    for c in channels:
        if c.receiving_core is not None:
            taken.setdefault(c.receiving_core.name, set()).add(c.sgi)

    def notification(a: Pd, b: Pd) -> Notification:
        name = f"n{len(notes)}"
        if a.kernel.name == b.kernel.name:
            note = Notification(name, a, b, None)
        else:
            core = b.kernel.cores[0]
            used = taken.setdefault(core.name, set())
            sgi = draw(st.sampled_from(["next", "next", "next", 0, 5, 15, 16]))
            if sgi == "next":
                sgi = next(n for n in range(len(used) + 1) if n not in used)
            used.add(sgi)
            target = None
            if rare(draw, 4):
                target = draw(st.sampled_from([0, 1, 2, 3, 0x100, 0x300]))
            box = draw(st.sampled_from(regions)) if rare(draw, 5) else None
            channel = Channel(name, a.kernel, b.kernel, sgi, None, target, box, draw(st.sampled_from([1, 2])) if box else None)
            channels.append(channel)
            note = Notification(name, a, b, channel)
        notes.append(note)
        return note

    for _ in range(draw(st.integers(0, 3))):
        a, b = draw(st.sampled_from(pds)), draw(st.sampled_from(pds))
        if a.name != b.name:
            notification(a, b)
    calls = []
    for _ in range(draw(st.integers(0, 2))):
        client, server = draw(st.sampled_from(pds)), draw(st.sampled_from(pds))
        others = [p for p in pds if p.name not in (client.name, server.name)]
        if client.name == server.name:
            continue
        if len(others) >= 2 and draw(st.booleans()):
            pc, ps = draw(st.permutations(others))[:2]
            if draw(st.booleans()):
                notification(pc, ps)
            if draw(st.booleans()):
                notification(ps, pc)
            calls.append(Call(client, server, (pc, ps), draw(st.sampled_from(regions))))
        else:
            calls.append(Call(client, server))
    queues = []
    for q in range(draw(st.integers(0, 2))):
        producer, consumer = draw(st.sampled_from(pds)), draw(st.sampled_from(pds))
        if producer.name == consumer.name:
            continue
        bell = next((n for n in notes if n.sender.name == producer.name and n.receiver.name == consumer.name), None)
        bell = bell or notification(producer, consumer)
        ring = draw(st.sampled_from(regions))
        index = draw(st.sampled_from([None] + [r for r in regions if r.name != ring.name]))
        queues.append(Queue(f"q{q}", producer, consumer, ring, bell, 64, index))
    return evolve(spec, shared=tuple(shared), channels=tuple(channels), pds=tuple(pds), notifications=tuple(notes),
                  calls=tuple(calls), queues=tuple(queues))


@st.composite
def pd_cases(draw) -> Case:
    return Case(draw(pd_systems()))
