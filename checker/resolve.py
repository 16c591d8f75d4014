"""File ASTs -> `Spec`: bind names, apply profiles and defaults, normalise interrupts.

The resolver never stops at the first problem: each check appends a diagnostic
and resolution goes on with a best guess, so a user sees every error in one
run. A `Spec` is returned only when no error was found.
"""

from __future__ import annotations

from collections.abc import Iterable

from attrs import evolve

from checker import ast
from checker.diagnostics import Diagnostic, Note, did_you_mean, error, warning
from checker.catalogue import OBLIGATION_IDS
from checker.sel4 import order_dependent, resets_distributor
from checker.span import Span
from checker.lint import lint
from checker.spec import (
    BUILTIN_PROFILES,
    MAX_INTID,
    PPI_BASE,
    GROUP1_SOURCES,
    PROFILE_FLAGS,
    SPI_BASE,
    QUEUE_HEADER,
    QUEUE_MIN_SLOT,
    Access,
    Call,
    Channel,
    Notification,
    Pd,
    PdMap,
    Queue,
    describe_intid,
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
    Waiver,
)

# What pcheck is built and measured for (bench/run.py's "large" size is
# 256 kernels, 4096 regions, 2048 channels); beyond it a spec is refused with E005.
MAX_KERNELS = 1024
MAX_CPUS = 1024
MAX_CHANNELS = 16384
MAX_REGIONS = 65536
DEFAULT_PADDR_BITS = 40
DEFAULT_PAGE = 4096
LOADER_ACTIONS = ("gic_init", "triggers", "group1")

_KIND_WORDS = {
    "platform": "a platform",
    "cpu": "a cpu",
    "memory": "a memory bank",
    "reserved": "a reserved region",
    "device": "a device",
    "profile": "a profile",
    "kernel": "a kernel",
    "shared": "a shared region",
    "channel": "a channel",
    "pd": "a protection domain",
    "queue": "a queue",
}
MAX_PRIORITY = 254  # Microkit's PD_MAX_PRIORITY


class _Namespace:
    """One namespace for every named thing; remembers where each name was defined."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        self.entries: dict[str, tuple[str, object, Span]] = {}

    def define(self, kind: str, name: ast.Name, node: object) -> bool:
        if name.text in BUILTIN_PROFILES and kind == "profile":
            self.diagnostics.append(
                error("E202", f"'{name.text}' is a built-in profile; give yours another name", name.span)
            )
            return False
        if name.text in self.entries:
            first_kind, _, first_span = self.entries[name.text]
            self.diagnostics.append(
                error(
                    "E202",
                    f"'{name.text}' is defined twice (first as {_KIND_WORDS[first_kind]})",
                    name.span,
                    Note(f"'{name.text}' is first defined here", first_span),
                )
            )
            return False
        self.entries[name.text] = (kind, node, name.span)
        return True

    def lookup(self, name: ast.Name, *kinds: str) -> object | None:
        """The node a reference names, if it is of one of `kinds`; else a diagnostic and None."""
        entry = self.entries.get(name.text)
        if entry is None and "profile" in kinds and name.text in BUILTIN_PROFILES:
            return BUILTIN_PROFILES[name.text]
        wanted = " or ".join(_KIND_WORDS[k] for k in kinds)
        if entry is None:
            candidates = [n for n, (k, _, _) in self.entries.items() if k in kinds]
            if "profile" in kinds:
                candidates += list(BUILTIN_PROFILES)
            self.diagnostics.append(
                error("E201", f"'{name.text}' is not defined; expected {wanted}{did_you_mean(name.text, candidates)}", name.span)
            )
            return None
        kind, node, span = entry
        if kind not in kinds:
            self.diagnostics.append(
                error(
                    "E203",
                    f"'{name.text}' is {_KIND_WORDS[kind]}, but {wanted} is expected here",
                    name.span,
                    Note(f"'{name.text}' is defined here", span),
                )
            )
            return None
        return node


def _items(files: Iterable[ast.FileAst], cls: type) -> list:
    return [item for f in files for item in f.items if isinstance(item, cls)]


def _region(name: str, r: ast.RegionAst) -> Region:
    return Region(name, r.base.value, r.size.value, r.span)


def _once(diags: list[Diagnostic], what: str, nodes: list, span_of=lambda n: n.span):
    """The first of `nodes`; every further one is reported as a repeated field."""
    for extra in nodes[1:]:
        diags.append(
            error("E307", f"{what} is given more than once", span_of(extra), Note("first given here", span_of(nodes[0])))
        )
    return nodes[0] if nodes else None


def _listed_once(diags: list[Diagnostic], nodes: Iterable, key, message) -> tuple:
    """`nodes` without repeats; each repeated item is reported once (E307).

    A list that names one thing twice (`cores c0, c1, c0`) is a mistake in the
    spec, not a second claim: dropping repeats silently would hide it, and
    counting them would make a kernel's core count depend on how it is typed.
    The error sits on the item's second mention and says how often it occurs,
    so a generated list that repeats one name 65,536 times is one error.
    """
    first: dict = {}
    repeats: dict = {}
    kept = []
    for node in nodes:
        k = key(node)
        if k in first:
            repeats.setdefault(k, []).append(node)
            continue
        first[k] = node
        kept.append(node)
    for k, extra in repeats.items():
        times = "twice" if len(extra) == 1 else f"{len(extra) + 1:,} times"
        diags.append(error("E307", message(extra[0], times), extra[0].span, Note("first listed here", first[k].span)))
    return tuple(kept)


def _irq_key(i: ast.IrqAst) -> tuple[str, int]:
    return (i.kind, i.number.value)


def _irq_words(i: ast.IrqAst) -> str:
    return f"{i.kind} {i.number.value}"


class Resolver:
    """Builds a Spec from file ASTs; see `resolve`."""

    def __init__(self, files: list[ast.FileAst], root: str) -> None:
        self.files = files
        self.root = root
        self.diags: list[Diagnostic] = []
        self.names = _Namespace(self.diags)

    # ------------------------------------------------------------ entry
    def run(self) -> Spec | None:
        if not self._within_limits():
            return None
        platform_ast = self._pick_platform()
        self._define_names(platform_ast)
        platform = self._platform(platform_ast) if platform_ast else None
        profiles = self._profiles()
        kernels = self._kernels(platform, profiles)
        shared = self._shared(kernels)
        pds = self._pds(kernels, shared)
        channels, notifications = self._channels(kernels, shared, pds)
        queues = self._queues(pds, shared, notifications)
        calls = self._calls(pds, shared)
        loader_gic_init, loader_triggers, loader_group1 = self._loader()
        boot_order = self._boot_order(kernels)
        waivers = self._waivers()
        if platform is None or any(d.is_error for d in self.diags):
            return None
        spec = Spec(
            platform=platform,
            kernels=tuple(kernels.values()),
            shared=tuple(shared.values()),
            channels=tuple(channels),
            profiles=tuple(profiles.values()),
            loader_gic_init=loader_gic_init,
            loader_triggers=loader_triggers,
            loader_group1=loader_group1,
            boot_order=boot_order,
            waivers=tuple(waivers),
            path=self.root,
            pds=tuple(pds.values()),
            notifications=tuple(notifications),
            queues=tuple(queues),
            calls=tuple(calls),
        )
        for k in order_dependent(spec):
            names = [j.name for j in spec.kernels if j is not k and resets_distributor(spec, j)]
            enablers = f"{', '.join(names)} {'enables' if len(names) == 1 else 'enable'}"
            self.diags.append(error(
                "E313",
                f"whether kernel '{k.name}' boots depends on the boot order: its profile '{k.profile.name}' has "
                f"`dist_init check`, which halts unless the distributor is already enabled, and only {enablers} "
                "it; add `loader { gic_init }` or pin a `boot order`",
                k.span))
        if not spec.loader_triggers:
            self._loader_configured_triggers(spec)
        self.diags += lint(spec)
        return None if any(d.is_error for d in self.diags) else spec

    def _loader_configured_triggers(self, spec: Spec) -> None:
        """E314: a kernel leaves its triggers to a loader that sets none (once per kernel)."""
        for k in spec.kernels:
            if k.profile.trigger_config != "loader":
                continue
            declared = [irq for irq in k.owned_spis if irq.trigger is not None]
            if not declared:
                continue
            where = f"profile '{k.profile.name}'" + (f" ({k.profile.span})" if k.profile.span else "")
            self.diags.append(error(
                "E314",
                f"kernel '{k.name}' leaves its SPIs' triggers to the loader (`trigger_config loader` in {where}), "
                f"but the loader sets none, so {describe_intid(declared[0].intid)} would keep whatever dist_init "
                "left; add `triggers` to the `loader { ... }` block, or use `trigger_config runtime` or `none`",
                k.span))

    def _within_limits(self) -> bool:
        """Refuse specs beyond what pcheck is built and measured for, before any work on them."""
        counts = {
            "kernels": (_items(self.files, ast.KernelAst), MAX_KERNELS),
            "channels": (_items(self.files, ast.ChannelAst), MAX_CHANNELS),
            "shared regions": (_items(self.files, ast.SharedAst), MAX_REGIONS),
            "cpus": ([c for p in _items(self.files, ast.PlatformAst) for c in p.cpus], MAX_CPUS),
            "devices": ([d for p in _items(self.files, ast.PlatformAst) for d in p.devices], MAX_REGIONS),
            "RAM slices": ([r for k in _items(self.files, ast.KernelAst) for r in k.ram], MAX_REGIONS),
        }
        ok = True
        for what, (items, limit) in counts.items():
            if len(items) > limit:
                span = getattr(items[limit], "span", None)
                self.diags.append(error("E005", f"the spec has {len(items)} {what}; pcheck checks at most {limit}", span))
                ok = False
        return ok

    # ------------------------------------------------------------ names
    def _pick_platform(self) -> ast.PlatformAst | None:
        # A platform from an included file counts as the first one: including a
        # platform file and also writing a platform is reported at the latter,
        # in the user's own file, rather than inside the platform file.
        platforms = sorted(_items(self.files, ast.PlatformAst), key=lambda p: p.span.file == self.root)
        if not platforms:
            self.diags.append(
                error("E301", "the spec has no platform; add `platform NAME { ... }` or include a platform file", Span.point(self.root, 1, 1))
            )
            return None
        for extra in platforms[1:]:
            self.diags.append(
                error(
                    "E302",
                    f"a second platform '{extra.name.text}'; a spec describes exactly one platform",
                    extra.name.span,
                    Note(f"platform '{platforms[0].name.text}' is defined here", platforms[0].name.span),
                )
            )
        return platforms[0]

    def _define_names(self, platform: ast.PlatformAst | None) -> None:
        if platform is not None:
            self.names.define("platform", platform.name, platform)
            for cpu in platform.cpus:
                self.names.define("cpu", cpu.name, cpu)
            for bank in platform.banks:
                self.names.define(bank.kind, bank.name, bank)
            for dev in platform.devices:
                self.names.define("device", dev.name, dev)
        for cls, kind in (
            (ast.ProfileAst, "profile"),
            (ast.KernelAst, "kernel"),
            (ast.SharedAst, "shared"),
            (ast.ChannelAst, "channel"),
            (ast.PdAst, "pd"),
            (ast.QueueAst, "queue"),
        ):
            for node in _items(self.files, cls):
                self.names.define(kind, node.name, node)

    # ------------------------------------------------------------ platform
    def _setting(self, p: ast.PlatformAst, key: str, default: int) -> tuple[int, Span | None]:
        found = _once(self.diags, f"'{key}'", [s for s in p.settings if s.key == key])
        return (found.value.value, found.value.span) if found else (default, None)

    def _platform(self, p: ast.PlatformAst) -> Platform:
        for f in p.gic_fields:  # a platform from dts has these moved into its gic block (checker.dts.expand)
            self.diags.append(error("E305", f"`{f.field}` belongs in the `gic` block (only a platform `from dts` takes it here)", f.span))
        paddr_bits, bits_span = self._setting(p, "paddr_bits", DEFAULT_PADDR_BITS)
        if not 1 <= paddr_bits <= 64:
            self.diags.append(error("E309", f"paddr_bits must be between 1 and 64, not {paddr_bits}", bits_span))
        page, page_span = self._setting(p, "page", DEFAULT_PAGE)
        if page < 4096 or page & (page - 1):
            self.diags.append(
                error("E309", f"page must be a power of two of at least 4K (4096), not {page}", page_span)
            )
            page = DEFAULT_PAGE
        max_irq, max_irq_span = self._setting(p, "max_irq", -1)
        if max_irq_span is not None and not 0 <= max_irq <= MAX_INTID:
            self.diags.append(error("E309", f"max_irq is an INTID from 0 to {MAX_INTID}, not {max_irq}", max_irq_span))
        if max_irq_span is None:
            self.diags.append(warning(
                "W002",
                f"platform '{p.name.text}' does not give seL4's maxIRQ (`max_irq N`, MAX_IRQ in seL4's "
                "src/plat/<platform>/config.cmake): seL4 refuses IRQs above it, and pcheck can only check SPIs against `lines`",
                p.name.span,
            ))
        gic = self._gic(p)
        cpus = tuple(self._cpu(c, gic.version if gic else None) for c in p.cpus)
        if gic is not None and gic.version == 3 and gic.redistributors is not None:
            gic = evolve(
                gic,
                redistributors=evolve(gic.redistributors, size=gic.redistributor_stride * max(1, len(cpus))),
            )
        devices = tuple(self._device(d) for d in p.devices)
        return Platform(
            name=p.name.text,
            cpus=cpus,
            memory=tuple(_region(b.name.text, b.region) for b in p.banks if b.kind == "memory"),
            reserved=tuple(_region(b.name.text, b.region) for b in p.banks if b.kind == "reserved"),
            gic=gic or Gic(2, Region("gic.distributor", 0, 0)),
            devices=devices,
            paddr_bits=paddr_bits,
            page=page,
            max_irq=max_irq if max_irq_span is not None and 0 <= max_irq <= MAX_INTID else None,
            span=p.span,
            dts=p.dts.paths if p.dts is not None else (),
        )

    def _cpu(self, c: ast.CpuAst, version: int | None) -> Cpu:
        if version == 3 and c.gic_cpu is not None:
            self.diags.append(
                error("E303", "gic_cpu is a GICv2 field; GICv3 cores are addressed by their MPIDR", c.gic_cpu.span)
            )
        if version == 2 and c.gic_cpu is None:
            self.diags.append(
                error("E304", f"cpu '{c.name.text}' needs `gic_cpu N` (its GICv2 CPU-interface number)", c.name.span)
            )
        return Cpu(c.name.text, c.mpidr.value, c.gic_cpu.value if c.gic_cpu else None, c.span)

    def _gic(self, p: ast.PlatformAst) -> Gic | None:
        block = _once(self.diags, "the gic block", list(p.gics))
        if block is None:
            self.diags.append(error("E304", f"platform '{p.name.text}' has no `gic v2 {{...}}` or `gic v3 {{...}}` block", p.name.span))
            return None
        version_text = block.version.text
        if version_text not in ("v2", "v3"):
            self.diags.append(error("E305", f"unknown GIC version '{version_text}'; write v2 or v3", block.version.span))
            return None
        version = int(version_text[1])
        fields: dict[str, ast.GicField] = {}
        own = {2: ("distributor", "cpu_interface", "lines"), 3: ("distributor", "redistributors", "lines", "group1")}[version]
        optional = ("group1",)
        for f in block.fields:
            if f.field not in own:
                self.diags.append(
                    error("E303", f"'{f.field}' belongs to a GICv{5 - version} block, not a gic {version_text} block", f.span)
                )
            elif f.field in fields:
                self.diags.append(error("E307", f"'{f.field}' is given more than once", f.span, Note("first given here", fields[f.field].span)))
            else:
                fields[f.field] = f
        for needed in own:
            if needed not in fields and needed not in optional:
                self.diags.append(error("E304", f"the gic {version_text} block needs '{needed}'", block.span))
        lines = fields["lines"].value.value if "lines" in fields else 1020
        if "lines" in fields and not (32 <= lines <= 1024 and lines % 32 == 0):
            self.diags.append(
                error("E309", f"lines must be a multiple of 32 from 32 to 1024 (32 x (ITLinesNumber + 1)), not {lines}", fields["lines"].value.span)
            )
        dist = fields.get("distributor")
        gic = Gic(
            version=version,
            distributor=_region("gic.distributor", dist.region) if dist else Region("gic.distributor", 0, 0),
            lines=lines,
            span=block.span,
        )
        if "group1" in fields:
            source = fields["group1"].name
            if source.text in GROUP1_SOURCES:
                gic = evolve(gic, group1=source.text)
            else:
                self.diags.append(error(
                    "E305", f"'{source.text}' is not who puts interrupts into Group 1; write "
                    f"{', '.join(GROUP1_SOURCES[:-1])} or {GROUP1_SOURCES[-1]}{did_you_mean(source.text, GROUP1_SOURCES)}", source.span))
        if version == 2 and "cpu_interface" in fields:
            gic = evolve(gic, cpu_interface=_region("gic.cpu_interface", fields["cpu_interface"].region))
        if version == 3 and "redistributors" in fields:
            f = fields["redistributors"]
            stride = f.stride.value
            if stride not in (0x20000, 0x40000):
                self.diags.append(
                    error("E309", f"a redistributor stride is 128K (GICv3) or 256K (GICv4 with VLPIs), not 0x{stride:x}", f.stride.span)
                )
            gic = evolve(
                gic,
                redistributors=Region("gic.redistributors", f.base.value, stride, f.span),
                redistributor_stride=stride,
            )
        return gic

    def _irq(self, i: ast.IrqAst, where: str) -> Irq | None:
        n = i.number.value
        if i.kind == "spi":
            return Irq(SPI_BASE + n, i.trigger, i.span)
        if i.kind == "ppi":
            if n > 15:
                self.diags.append(error("E309", f"PPIs are numbered 0 to 15, not {n}", i.number.span))
                return None
            return Irq(PPI_BASE + n, i.trigger, i.span)
        self.diags.append(
            error("E305", f"{where} cannot own an SGI; SGIs between kernels are declared with `channel`", i.span)
        )
        return None

    def _device(self, d: ast.DeviceAst) -> Device:
        irq_nodes = _listed_once(self.diags, d.irqs, _irq_key, lambda i, times: f"{_irq_words(i)} is listed {times} in the irqs of device '{d.name.text}'")
        irqs = tuple(irq for i in irq_nodes if (irq := self._irq(i, "a device")) is not None)
        return Device(d.name.text, _region(d.name.text, d.region), irqs, d.span)

    # ------------------------------------------------------------ profiles
    def _profiles(self) -> dict[str, Profile]:
        done: dict[str, Profile] = {}
        asts = {p.name.text: p for p in _items(self.files, ast.ProfileAst)}
        for name in asts:
            self._profile(name, asts, done, ())
        return done

    def _profile(self, name: str, asts: dict, done: dict, chain: tuple[str, ...]) -> Profile | None:
        if name in done:
            return done[name]
        if name in BUILTIN_PROFILES:
            return BUILTIN_PROFILES[name]
        node: ast.ProfileAst | None = asts.get(name)
        if node is None:
            return None
        if name in chain:
            self.diags.append(
                error("E308", f"profile '{name}' extends itself through {' -> '.join(chain + (name,))}", node.name.span)
            )
            return None
        base = BUILTIN_PROFILES["sel4"]
        if node.extends is not None:
            if self.names.lookup(node.extends, "profile") is not None:
                base = self._profile(node.extends.text, asts, done, chain + (name,)) or base
        values = {}
        seen: dict[str, ast.FlagAst] = {}
        for flag in node.flags:
            key, value = flag.key.text, flag.value.text
            if key not in PROFILE_FLAGS:
                self.diags.append(
                    error("E306", f"'{key}' is not a profile setting{did_you_mean(key, PROFILE_FLAGS)}; settings are {', '.join(PROFILE_FLAGS)}", flag.key.span)
                )
                continue
            if key in seen:
                self.diags.append(error("E307", f"'{key}' is given more than once", flag.key.span, Note("first given here", seen[key].span)))
                continue
            seen[key] = flag
            allowed = PROFILE_FLAGS[key]
            if value not in allowed:
                self.diags.append(
                    error("E305", f"'{value}' is not a value of {key}; write {' or '.join(allowed)}{did_you_mean(value, allowed)}", flag.value.span)
                )
                continue
            values[key] = value == "yes" if allowed == ("yes", "no") else value
        profile = evolve(base, name=name, span=node.span, **values)
        done[name] = profile
        return profile

    # ------------------------------------------------------------ kernels
    def _kernels(self, platform: Platform | None, profiles: dict[str, Profile]) -> dict[str, Kernel]:
        cpus = {c.name: c for c in platform.cpus} if platform else {}
        devices = {d.name: d for d in platform.devices} if platform else {}
        kernels: dict[str, Kernel] = {}
        for k in _items(self.files, ast.KernelAst):
            kernel = self._kernel(k, cpus, devices, profiles)
            kernels.setdefault(kernel.name, kernel)
        return kernels

    def _kernel(self, k: ast.KernelAst, cpus: dict, devices: dict, profiles: dict) -> Kernel:
        profile = BUILTIN_PROFILES["sel4"]
        profile_name = _once(self.diags, "the profile", list(k.profiles))
        if profile_name is not None and self.names.lookup(profile_name, "profile") is not None:
            profile = profiles.get(profile_name.text) or BUILTIN_PROFILES.get(profile_name.text, profile)
        core_lines = _once(self.diags, "'cores'", list(k.cores), span_of=lambda names: names[0].span) or ()
        where = f"kernel '{k.name.text}'"
        core_lines = _listed_once(self.diags, core_lines, lambda n: n.text, lambda n, times: f"cpu '{n.text}' is listed {times} in the cores of {where}")
        device_names = _listed_once(self.diags, k.devices, lambda n: n.text, lambda n, times: f"device '{n.text}' is listed {times} in the devices of {where}")
        core_names = [n for n in core_lines if self.names.lookup(n, "cpu") is not None and n.text in cpus]
        device_names = [n for n in device_names if self.names.lookup(n, "device") is not None and n.text in devices]
        cores = tuple(cpus[n.text] for n in core_names)
        own_devices = tuple(devices[n.text] for n in device_names)
        ram = tuple(
            _region(f"{k.name.text}.ram" if len(k.ram) == 1 else f"{k.name.text}.ram[{i}]", r)
            for i, r in enumerate(k.ram)
        )
        irq_nodes = _listed_once(self.diags, k.irqs, _irq_key, lambda i, times: f"{_irq_words(i)} is listed {times} in the irqs of {where}")
        irqs = tuple(irq for i in irq_nodes if (irq := self._irq(i, "a kernel")) is not None)
        irqs += self._pd_irqs(k.name.text, {irq.intid for dev in own_devices for irq in dev.irqs} | {irq.intid for irq in irqs})
        kernel = Kernel(k.name.text, cores, profile, ram, own_devices, irqs, (), k.span,
                        tuple(n.span for n in core_names), tuple(n.span for n in device_names))
        routes = tuple(r for r in (self._route(route, kernel) for route in k.routes) if r is not None)
        return evolve(kernel, routes=routes)

    def _pd_irqs(self, kernel: str, owned: set[int]) -> tuple[Irq, ...]:
        """The SPIs of the PDs on a kernel that it does not own already: a kernel owns its PDs'
        interrupts (Microkit gives each PD's `irq` to the kernel of its core)."""
        out: list[Irq] = []
        for p in _items(self.files, ast.PdAst):
            if p.kernel.text != kernel:
                continue
            nodes = _listed_once(self.diags, p.irqs, _irq_key, lambda i, times: f"{_irq_words(i)} is listed {times} in the irqs of PD '{p.name.text}'")
            for node in nodes:
                irq = self._irq(node, "a protection domain")
                if irq is not None and irq.intid not in owned:
                    owned.add(irq.intid)
                    out.append(irq)
        return tuple(out)

    def _route(self, r: ast.RouteAst, kernel: Kernel) -> Route | None:
        if r.irq.kind != "spi":
            self.diags.append(error("E310", "only SPIs can be routed; write `route spi N to CPU`", r.irq.span))
            return None
        intid = SPI_BASE + r.irq.number.value
        cpu = self.names.lookup(r.cpu, "cpu")
        if cpu is None:
            return None
        core = next((c for c in kernel.cores if c.name == r.cpu.text), None)
        if core is None:
            self.diags.append(
                error("E310", f"'{r.cpu.text}' is not a core of kernel '{kernel.name}', so SPI {r.irq.number.value} cannot be routed there", r.cpu.span)
            )
            return None
        if all(irq.intid != intid for irq in kernel.owned_spis):
            self.diags.append(
                error("E310", f"kernel '{kernel.name}' does not own SPI {r.irq.number.value} (INTID {intid}); it can only route its own SPIs", r.irq.span)
            )
            return None
        return Route(intid, core, r.span)

    # ------------------------------------------------------------ shared, channels
    def _shared(self, kernels: dict[str, Kernel]) -> dict[str, Shared]:
        result: dict[str, Shared] = {}
        for s in _items(self.files, ast.SharedAst):
            accesses: list[Access] = []
            seen: dict[str, ast.AccessAst] = {}
            for a in s.access:
                if a.mode.text not in ("r", "rw"):
                    self.diags.append(error("E305", f"'{a.mode.text}' is not an access mode; write r or rw", a.mode.span))
                    continue
                if self.names.lookup(a.kernel, "kernel") is None or a.kernel.text not in kernels:
                    continue
                if a.kernel.text in seen:
                    self.diags.append(
                        error("E307", f"kernel '{a.kernel.text}' is listed twice on shared region '{s.name.text}'", a.kernel.span, Note("first listed here", seen[a.kernel.text].span))
                    )
                    continue
                seen[a.kernel.text] = a
                accesses.append(Access(kernels[a.kernel.text], a.mode.text, a.span))
            result.setdefault(s.name.text, Shared(s.name.text, _region(s.name.text, s.region), tuple(accesses), s.span))
        return result

    def _channels(self, kernels: dict[str, Kernel], shared: dict[str, Shared], pds: dict[str, Pd]) -> tuple[list[Channel], list[Notification]]:
        """The SGI channels between kernels and the notifications between PDs.

        A channel between PDs on two kernels is also an SGI channel between their kernels; one
        without `sgi N` is numbered as the au-ts multikernel Microkit numbers SGIs (per receiving
        core, 0, 1, 2 ... in channel order, skipping numbers given explicitly there), except that a
        channel with a mailbox shares the SGI of the first such channel into that core with the
        same mailbox (pcheck's multiplexing)."""
        made = [m for m in (self._channel(node, kernels, shared, pds) for node in _items(self.files, ast.ChannelAst)) if m]
        taken: dict[str, set[int]] = {}
        for channel, _ in made:
            if channel is not None and channel.sgi >= 0 and channel.receiving_core is not None:
                taken.setdefault(channel.receiving_core.name, set()).add(channel.sgi)
        boxes: dict[tuple[str, str], int] = {}
        channels: list[Channel] = []
        notifications: list[Notification] = []
        for channel, notification in made:
            if channel is not None and channel.sgi < 0:
                core = channel.receiving_core.name if channel.receiving_core is not None else ""
                box = (core, channel.mailbox.name) if channel.mailbox is not None else None
                if box in boxes:
                    number = boxes[box]
                else:
                    used = taken.setdefault(core, set())
                    number = next(n for n in range(len(used) + 1) if n not in used)
                    used.add(number)
                    if box is not None:
                        boxes[box] = number
                channel = evolve(channel, sgi=number)
            if channel is not None:
                channels.append(channel)
            if notification is not None:
                notifications.append(evolve(notification, channel=channel))
        return channels, notifications

    def _channel(self, c: ast.ChannelAst, kernels: dict, shared: dict, pds: dict) -> tuple[Channel | None, Notification | None] | None:
        name = c.name.text
        ends = _once(self.diags, "`from ... to ...`", list(c.endpoints))
        sgi = _once(self.diags, "the sgi", list(c.sgis))
        target = _once(self.diags, "the target", list(c.targets))
        mailbox = _once(self.diags, "the mailbox", list(c.mailboxes))
        if ends is None:
            self.diags.append(error("E304", f"channel '{name}' needs `from KERNEL to KERNEL` (or `from PD to PD`)", c.name.span))
            return None
        if sgi is not None and sgi.kind != "sgi":
            self.diags.append(error("E305", f"a channel is signalled with an SGI; write `sgi N`, not `{sgi.kind}`", sgi.span))
            return None
        sender = self.names.lookup(ends.sender, "kernel", "pd")
        receiver = self.names.lookup(ends.receiver, "kernel", "pd")
        on = self.names.lookup(ends.on, "cpu") if ends.on else None
        box = self.names.lookup(mailbox.shared, "shared") if mailbox else None
        if sender is None or receiver is None:
            return None
        sender_pd, receiver_pd = pds.get(ends.sender.text), pds.get(ends.receiver.text)
        if (sender_pd is None) != (receiver_pd is None):
            self.diags.append(error("E312", f"channel '{name}' joins a kernel and a protection domain; a channel joins two kernels or two PDs", ends.span))
            return None
        if sender_pd is None and (ends.sender.text not in kernels or ends.receiver.text not in kernels):
            return None
        if sender_pd is not None:
            sender_k, receiver_k = sender_pd.kernel, receiver_pd.kernel
            if sender_pd is receiver_pd:
                self.diags.append(error("E312", f"channel '{name}' goes from PD '{sender_pd.name}' to itself", ends.span))
                return None
            notification = Notification(name, sender_pd, receiver_pd, None, c.span)
            if sender_k.name == receiver_k.name:
                extra = next((x for x in (sgi, target, mailbox, ends.on) if x is not None), None)
                if extra is not None:
                    self.diags.append(error(
                        "E312", f"channel '{name}' joins two PDs of kernel '{sender_k.name}': it is a seL4 notification "
                        "there and takes no sgi, target, mailbox or receiving core", extra.span))
                return None, notification
        else:
            if sgi is None:
                self.diags.append(error("E304", f"channel '{name}' needs `sgi N`", c.name.span))
                return None
            notification = None
            sender_k, receiver_k = kernels[ends.sender.text], kernels[ends.receiver.text]
            if sender_k is receiver_k:
                self.diags.append(error("E312", f"channel '{name}' goes from kernel '{sender_k.name}' to itself; a channel connects two kernels", ends.span))
        on_cpu = None
        if ends.on is not None and on is not None:
            on_cpu = next((core for core in receiver_k.cores if core.name == ends.on.text), None)
            if on_cpu is None:
                self.diags.append(error("E312", f"'{ends.on.text}' is not a core of the receiving kernel '{receiver_k.name}'", ends.on.span))
        channel = Channel(
            name=name,
            sender=sender_k,
            receiver=receiver_k,
            sgi=sgi.number.value if sgi is not None else -1,  # -1: numbered by _channels
            on=on_cpu,
            target=target.value if target else None,
            mailbox=shared.get(mailbox.shared.text) if (mailbox and box is not None) else None,
            tag=mailbox.tag.value if mailbox else None,
            span=c.span,
        )
        return channel, notification

    # ------------------------------------------------------------ protection domains, queues, calls
    def _pds(self, kernels: dict[str, Kernel], shared: dict[str, Shared]) -> dict[str, Pd]:
        result: dict[str, Pd] = {}
        for p in _items(self.files, ast.PdAst):
            if self.names.lookup(p.kernel, "kernel") is None or p.kernel.text not in kernels:
                continue
            kernel = kernels[p.kernel.text]
            where = f"PD '{p.name.text}'"
            priority = _once(self.diags, "the priority", list(p.priorities))
            if priority is not None and priority.value > MAX_PRIORITY:
                self.diags.append(error("E315", f"a priority is 0 to {MAX_PRIORITY} (Microkit's PD_MAX_PRIORITY), not {priority.value}", priority.span))
            maps: list[PdMap] = []
            seen: dict[str, ast.PdMapAst] = {}
            for m in p.maps:
                if m.mode.text not in ("r", "rw"):
                    self.diags.append(error("E305", f"'{m.mode.text}' is not an access mode; write r or rw", m.mode.span))
                    continue
                if self.names.lookup(m.shared, "shared") is None or m.shared.text not in shared:
                    continue
                if m.shared.text in seen:
                    self.diags.append(error("E307", f"{where} maps shared region '{m.shared.text}' twice", m.shared.span, Note("first mapped here", seen[m.shared.text].span)))
                    continue
                seen[m.shared.text] = m
                region = shared[m.shared.text]
                listed = region.mode_of(kernel.name)
                if listed is None or (m.mode.text == "rw" and listed != "rw"):
                    has = f"is listed `{listed}` there" if listed else "is not listed on it"
                    self.diags.append(error(
                        "E315", f"{where} maps shared region '{region.name}' {m.mode.text}, but its kernel '{kernel.name}' {has}; "
                        f"a PD maps only what its kernel can reach: add `{kernel.name} {m.mode.text}` to the region", m.span,
                        *([Note(f"shared region '{region.name}' is defined here", region.span)] if region.span else [])))
                    continue
                maps.append(PdMap(region, m.mode.text, m.span))
            # (reported where the kernel took them: `_pd_irqs`)
            irqs = tuple(dict.fromkeys(Irq(SPI_BASE + i.number.value if i.kind == "spi" else PPI_BASE + i.number.value, i.trigger, i.span)
                                       for i in p.irqs if i.kind == "spi" or (i.kind == "ppi" and i.number.value <= 15)))
            result.setdefault(p.name.text, Pd(p.name.text, kernel, priority.value if priority is not None else 0, tuple(maps), irqs, p.span))
        return result

    def _pd(self, name: ast.Name, pds: dict[str, Pd]) -> Pd | None:
        if self.names.lookup(name, "pd") is None:
            return None
        return pds.get(name.text)

    def _queues(self, pds: dict[str, Pd], shared: dict[str, Shared], notifications: list[Notification]) -> list[Queue]:
        by_name = {n.name: n for n in notifications}
        out: list[Queue] = []
        for q in _items(self.files, ast.QueueAst):
            producer, consumer = self._pd(q.producer, pds), self._pd(q.consumer, pds)
            ring = shared.get(q.ring.text) if self.names.lookup(q.ring, "shared") is not None else None
            index_name = _once(self.diags, "the index", list(q.index))
            index = None
            if index_name is not None:
                index = shared.get(index_name.text) if self.names.lookup(index_name, "shared") is not None else None
                if index is None:
                    continue
            slots = _once(self.diags, "the slots", list(q.slots))
            if self.names.lookup(q.doorbell, "channel") is None or None in (producer, consumer, ring):
                continue
            bell = by_name.get(q.doorbell.text)
            if bell is None or bell.sender is not producer or bell.receiver is not consumer:
                ends = f"from {bell.sender.name} to {bell.receiver.name}" if bell else "between kernels"
                self.diags.append(error(
                    "E316", f"queue '{q.name.text}' rings channel '{q.doorbell.text}', which goes {ends}; its doorbell "
                    f"is a channel from the producer '{producer.name}' to the consumer '{consumer.name}'", q.doorbell.span))
                continue
            if producer is consumer:
                self.diags.append(error("E316", f"queue '{q.name.text}' goes from PD '{producer.name}' to itself", q.consumer.span))
                continue
            count = slots.value if slots is not None else 64
            need = QUEUE_HEADER + count * QUEUE_MIN_SLOT
            if count < 1 or count & (count - 1):
                self.diags.append(error("E316", f"`slots` is a power of two (the ring's indices wrap by masking), not {count}", slots.span))
                continue
            if ring.region.size < need:
                self.diags.append(error(
                    "E316", f"ring '{ring.name}' of queue '{q.name.text}' holds {ring.region.size} bytes, less than the "
                    f"{need} that {count} slots need (a 16-byte header and slots of at least 8 bytes)",
                    (slots or q.ring).span))
                continue
            out.append(Queue(q.name.text, producer, consumer, ring, bell, count, index, q.span))
        return out

    def _calls(self, pds: dict[str, Pd], shared: dict[str, Shared]) -> list[Call]:
        out: list[Call] = []
        for c in _items(self.files, ast.CallAst):
            client, server = self._pd(c.client, pds), self._pd(c.server, pds)
            proxies = tuple(self._pd(n, pds) for n in c.proxies) if c.proxies else None
            buffer = None
            if c.buffer is not None:
                buffer = shared.get(c.buffer.text) if self.names.lookup(c.buffer, "shared") is not None else None
                if buffer is None:
                    continue
            if client is None or server is None or (proxies is not None and None in proxies):
                continue
            if client is server:
                self.diags.append(error("E317", f"PD '{client.name}' calls itself", c.server.span))
                continue
            if proxies is not None and (proxies[0] is proxies[1] or {p.name for p in proxies} & {client.name, server.name}):
                self.diags.append(error("E317", "a call's two proxies are two PDs other than its client and server", c.proxies[0].span))
                continue
            out.append(Call(client, server, proxies, buffer, c.span))
        return out

    # ------------------------------------------------------------ loader, boot order, waivers
    def _loader(self) -> tuple[bool, bool, bool]:
        """(gic_init, triggers, group1): the loader's distributor reset, its trigger writes, and its
        Group 1 / wake step."""
        loader = _once(self.diags, "the loader block", _items(self.files, ast.LoaderAst))
        if loader is None:
            return False, False, False
        for action in loader.actions:
            if action.text not in LOADER_ACTIONS:
                self.diags.append(
                    error("E305", f"'{action.text}' is not a loader action; the loader knows {', '.join(LOADER_ACTIONS)}{did_you_mean(action.text, LOADER_ACTIONS)}", action.span)
                )
        done = {a.text for a in loader.actions}
        return "gic_init" in done, "triggers" in done, "group1" in done

    def _boot_order(self, kernels: dict[str, Kernel]) -> tuple[Kernel, ...] | None:
        order = _once(self.diags, "the boot order", _items(self.files, ast.BootOrderAst))
        if order is None:
            return None
        seen: dict[str, ast.Name] = {}
        for name in order.kernels:
            if self.names.lookup(name, "kernel") is None:
                continue
            if name.text in seen:
                self.diags.append(error("E311", f"kernel '{name.text}' boots twice in the boot order", name.span, Note("first here", seen[name.text].span)))
            seen[name.text] = name
        missing = [k for k in kernels if k not in seen]
        if missing:
            self.diags.append(
                error("E311", f"the boot order must list every kernel once; missing: {', '.join(missing)}", order.span)
            )
        return tuple(kernels[n] for n in seen if n in kernels)

    def _waivers(self) -> list[Waiver]:
        waivers = []
        for a in _items(self.files, ast.AllowAst):
            obligation = a.obligation.text.upper()  # obligation IDs are case-insensitive
            if obligation not in OBLIGATION_IDS:
                self.diags.append(
                    error("E204", f"'{a.obligation.text}' is not an obligation{did_you_mean(obligation, OBLIGATION_IDS)}; `pcheck list` shows them", a.obligation.span)
                )
                continue
            head = a.subject.text.split(".")[0]
            words = a.subject.text.split(" ")
            is_irq = len(words) == 2 and words[0] in ("spi", "ppi", "sgi")
            if not is_irq and head not in ("system", "all", "gic") and head not in self.names.entries:
                self.diags.append(
                    error("E201", f"'{a.subject.text}' names nothing in this spec{did_you_mean(head, self.names.entries)}", a.subject.span)
                )
                continue
            waivers.append(Waiver(obligation, a.subject.text, a.reason, a.span))
        return waivers


def resolve(files: list[ast.FileAst], root: str) -> tuple[Spec | None, list[Diagnostic]]:
    """Resolve parsed files (root first) into a Spec; None when any error was found."""
    resolver = Resolver(files, root)
    spec = resolver.run()
    return spec, resolver.diags
