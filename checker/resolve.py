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
    Access,
    Channel,
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
}


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
        channels = self._channels(kernels, shared)
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
        kernel = Kernel(k.name.text, cores, profile, ram, own_devices, irqs, (), k.span,
                        tuple(n.span for n in core_names), tuple(n.span for n in device_names))
        routes = tuple(r for r in (self._route(route, kernel) for route in k.routes) if r is not None)
        return evolve(kernel, routes=routes)

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

    def _channels(self, kernels: dict[str, Kernel], shared: dict[str, Shared]) -> list[Channel]:
        return [c for c in (self._channel(node, kernels, shared) for node in _items(self.files, ast.ChannelAst)) if c]

    def _channel(self, c: ast.ChannelAst, kernels: dict, shared: dict) -> Channel | None:
        name = c.name.text
        ends = _once(self.diags, "`from ... to ...`", list(c.endpoints))
        sgi = _once(self.diags, "the sgi", list(c.sgis))
        target = _once(self.diags, "the target", list(c.targets))
        mailbox = _once(self.diags, "the mailbox", list(c.mailboxes))
        if ends is None:
            self.diags.append(error("E304", f"channel '{name}' needs `from KERNEL to KERNEL`", c.name.span))
        if sgi is None:
            self.diags.append(error("E304", f"channel '{name}' needs `sgi N`", c.name.span))
        elif sgi.kind != "sgi":
            self.diags.append(error("E305", f"a channel is signalled with an SGI; write `sgi N`, not `{sgi.kind}`", sgi.span))
        if ends is None or sgi is None:
            return None
        sender = self.names.lookup(ends.sender, "kernel")
        receiver = self.names.lookup(ends.receiver, "kernel")
        on = self.names.lookup(ends.on, "cpu") if ends.on else None
        box = self.names.lookup(mailbox.shared, "shared") if mailbox else None
        if sender is None or receiver is None or ends.sender.text not in kernels or ends.receiver.text not in kernels:
            return None
        sender_k, receiver_k = kernels[ends.sender.text], kernels[ends.receiver.text]
        if sender_k is receiver_k:
            self.diags.append(error("E312", f"channel '{name}' goes from kernel '{sender_k.name}' to itself; a channel connects two kernels", ends.span))
        on_cpu = None
        if ends.on is not None and on is not None:
            on_cpu = next((core for core in receiver_k.cores if core.name == ends.on.text), None)
            if on_cpu is None:
                self.diags.append(error("E312", f"'{ends.on.text}' is not a core of the receiving kernel '{receiver_k.name}'", ends.on.span))
        return Channel(
            name=name,
            sender=sender_k,
            receiver=receiver_k,
            sgi=sgi.number.value,
            on=on_cpu,
            target=target.value if target else None,
            mailbox=shared.get(mailbox.shared.text) if (mailbox and box is not None) else None,
            tag=mailbox.tag.value if mailbox else None,
            span=c.span,
        )

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
