"""`pcheck import sdf`: a Microkit multikernel System Description File as a system spec.

The SDF is read as the au-ts multikernel Microkit (au-ts/microkit, branch
`capdl_multikernel`, tool/microkit/src/sdf.rs and sel4.rs) reads it, and
written as `.mk` (README, "Importing a Microkit system"):

* one kernel per platform cpu (`MULTIKERNEL_NUM_CPUS`), `k0` on the first;
  a `protection_domain cpu="N"` (default 0) runs on kernel N;
* a PD's `irq irq="N"` is a GIC INTID (SPI N-32), level unless `trigger`;
* a `memory_region` whose `phys_addr` lies outside RAM is a platform device
  (the one whose registers hold it), owned by every kernel whose PDs map it;
  one mapped by PDs on several cores is shared, at its `phys_addr` or
  allocated downwards from the end of the last RAM bank in SDF order, each
  kernel listed rw when one of its PDs maps it with `w`;
* a channel whose ends are on two cores gives each end that notifies an SGI
  channel to the other end's core, numbered per receiving core 0, 1, 2 ...
  in channel order (end a to b, then b to a), with the target the tool
  passes: the receiving core's index (`pick_sgi_channels`,
  `capdl_util_make_sgi_signal_obj`);
* a `pp` end is a call; a chain `client -pp-> P1`, P1 and P2 on two cores
  notifying each other and mapping a common region, `P2 -pp-> server` is a
  call through the proxy pair P1, P2 with that region as its buffer;
* RAM is split as `build_full_system_state` splits it: shared regions out,
  then for each core a kernel image region (2 MiB aligned), then the rest in
  equal page-rounded parts, lowest address first, unless `--ram` gives it.

Errors are `Diagnostic`s located at the element (or attribute) in the SDF,
every one of them (Microkit stops at the first).
"""

from __future__ import annotations

import re
import xml.parsers.expat
from collections.abc import Sequence

from attrs import field

from checker.data import frozen
from checker.diagnostics import Diagnostic, did_you_mean, error
from checker.span import Span
from checker.spec import SPI_BASE, Platform
from checker.words import hexaddr

MAX_SDF_BYTES = 16 << 20
MAX_PD_DEPTH = 32  # child protection domains nested deeper than this are refused (E504)
KERNEL_IMAGE = 0x20_0000  # the kernel's virtual image size the split reserves per core, unless given
LARGE_PAGE = 0x20_0000
SMALL_PAGE = 0x1000

# Element -> the attributes Microkit takes on it (sdf.rs check_attributes).
ATTRIBUTES = {
    "system": (),
    "protection_domain": ("name", "priority", "budget", "period", "passive", "stack_size", "smc", "cpu", "domain",
                          "id", "setvar_id"),
    "program_image": ("path",),
    "map": ("mr", "vaddr", "perms", "cached", "setvar_vaddr", "setvar_size"),
    "irq": ("irq", "id", "setvar_id", "trigger"),
    "setvar": ("symbol", "region_paddr"),
    "memory_region": ("name", "size", "page_size", "phys_addr"),
    "channel": (),
    "end": ("pd", "id", "pp", "notify", "setvar_id"),
}
CHILDREN = {
    "system": ("protection_domain", "memory_region", "channel", "domain_schedule"),
    "protection_domain": ("program_image", "map", "irq", "setvar", "protection_domain", "virtual_machine", "ioport"),
    "channel": ("end",),
}
IGNORED = ("domain_schedule", "virtual_machine", "ioport")  # read by Microkit, nothing pcheck checks


class SdfError(Exception):
    """The SDF cannot be imported: every diagnostic found, and the SDF text for their excerpts."""

    def __init__(self, diagnostics: Sequence[Diagnostic], path: str, text: str) -> None:
        super().__init__(diagnostics[0].message if diagnostics else "invalid SDF")
        self.diagnostics = tuple(diagnostics)
        self.sources = {path: text}


@frozen
class Element:
    tag: str
    attrs: dict = field(hash=False)
    span: Span
    attr_spans: dict = field(hash=False)
    children: list = field(factory=list, hash=False)


# ---------------------------------------------------------------- reading XML


def parse_xml(text: str, path: str) -> tuple[Element | None, list[Diagnostic]]:
    """The element tree with positions, or None and an E501 for malformed XML."""
    data = text.encode("utf-8")
    starts = [0] + [m.end() for m in re.finditer(rb"\n", data)]
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[Element] = []
    root: list[Element] = []

    def where(offset: int, length: int = 1) -> Span:
        line = _line_of(starts, offset)
        col = len(data[starts[line - 1]:offset].decode("utf-8", "replace")) + 1
        return Span(path, line, col, line, col + length)

    def refuse(*_args) -> None:
        raise _Refused("entity declarations are not accepted in an SDF")

    def start(tag: str, attrs: dict) -> None:
        offset = parser.CurrentByteIndex
        end = data.find(b">", offset)
        head = data[offset:end if end >= 0 else len(data)]
        spans = {}
        for name in attrs:
            m = re.search(rb"\s" + re.escape(name.encode()) + rb"\s*=\s*[\"']", head)
            if m:
                spans[name] = where(offset + m.start() + 1, len(name))
        el = Element(tag, dict(attrs), where(offset, len(tag) + 1), spans)  # at its `<`, as Microkit's row:col
        (stack[-1].children if stack else root).append(el)
        stack.append(el)

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: stack.pop()
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = lambda *a: refuse()
    try:
        parser.Parse(data, True)
    except _Refused as why:
        found = data.find(b"<!ENTITY")
        return None, [error("E501", str(why), where(found if found >= 0 else max(parser.CurrentByteIndex, 0), 8))]
    except xml.parsers.expat.ExpatError as exc:
        line = exc.lineno
        col = exc.offset + 1
        return None, [error("E501", f"the SDF is not well-formed XML: {xml.parsers.expat.ErrorString(exc.code)}",
                            Span(path, line, col, line, col + 1))]
    return (root[0] if root else None), []


class _Refused(Exception):
    pass


def _line_of(starts: list[int], offset: int) -> int:
    lo, hi = 0, len(starts)
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid
    return lo + 1


# ---------------------------------------------------------------- the system


@frozen
class SdfMap:
    mr: str
    perms: str
    span: Span


@frozen
class SdfPd:
    name: str
    cpu: int
    priority: int
    maps: tuple[SdfMap, ...]
    irqs: tuple[tuple[int, str], ...]  # (INTID, trigger)
    span: Span


@frozen
class SdfMr:
    name: str
    size: int
    phys_addr: int | None
    span: Span


@frozen
class SdfEnd:
    pd: str
    id: int
    notify: bool
    pp: bool
    span: Span


@frozen
class SdfChannel:
    a: SdfEnd
    b: SdfEnd
    span: Span


@frozen
class System:
    pds: tuple[SdfPd, ...]
    mrs: tuple[SdfMr, ...]
    channels: tuple[SdfChannel, ...]


def parse_number(text: str) -> int | None:
    """A number as Microkit reads it (sdf_parse_number): underscores dropped, 0x hexadecimal, else decimal."""
    digits = text.replace("_", "")
    try:
        return int(digits[2:], 16) if digits.startswith("0x") else int(digits, 10) if digits.isdigit() else None
    except ValueError:
        return None


class _Reader:
    def __init__(self, path: str, cpus: int) -> None:
        self.path = path
        self.cpus = cpus
        self.diags: list[Diagnostic] = []

    def at(self, el: Element, attr: str | None = None) -> Span:
        return el.attr_spans.get(attr, el.span) if attr else el.span

    def check(self, el: Element) -> None:
        allowed = ATTRIBUTES.get(el.tag, ())
        for name in el.attrs:
            if name not in allowed:
                self.diags.append(error("E502", f"invalid attribute '{name}' on element '{el.tag}'{did_you_mean(name, allowed)}",
                                        self.at(el, name)))

    def need(self, el: Element, attr: str) -> str | None:
        if attr not in el.attrs:
            self.diags.append(error("E503", f"missing required attribute '{attr}' on element '{el.tag}'", el.span))
            return None
        return el.attrs[attr]

    def number(self, el: Element, attr: str, default: int | None = None, required: bool = False) -> int | None:
        text = self.need(el, attr) if required else el.attrs.get(attr)
        if text is None:
            return default
        value = parse_number(text)
        if value is None or value >= 1 << 64:
            self.diags.append(error("E504", f"'{text}' is not a number (decimal, or hexadecimal with 0x) in '{attr}' of '{el.tag}'",
                                    self.at(el, attr)))
            return default
        return value

    def boolean(self, el: Element, attr: str, default: bool) -> bool:
        text = el.attrs.get(attr)
        if text is None:
            return default
        if text not in ("true", "false"):
            self.diags.append(error("E504", f"{attr} must be 'true' or 'false', not '{text}'", self.at(el, attr)))
            return default
        return text == "true"

    def children(self, el: Element) -> list[Element]:
        allowed = CHILDREN.get(el.tag, ())
        out = []
        for child in el.children:
            if child.tag not in allowed:
                self.diags.append(error("E502", f"invalid XML element '{child.tag}' in '{el.tag}'{did_you_mean(child.tag, allowed)}",
                                        child.span))
                continue
            out.append(child)
        return out

    def system(self, root: Element | None) -> System:
        if root is None or root.tag != "system":
            span = root.span if root is not None else Span.point(self.path, 1, 1)
            self.diags.append(error("E502", "an SDF's root element is 'system'", span))
            return System((), (), ())
        self.check(root)
        pds: list[SdfPd] = []
        mrs: list[SdfMr] = []
        channels: list[Element] = []
        for child in self.children(root):
            if child.tag == "protection_domain":
                self.pd(child, None, pds)
            elif child.tag == "memory_region":
                mr = self.mr(child)
                if mr is not None:
                    mrs.append(mr)
            elif child.tag == "channel":
                channels.append(child)
        return System(tuple(pds), tuple(mrs), tuple(c for c in (self.channel(el) for el in channels) if c is not None))

    def pd(self, el: Element, parent: SdfPd | None, out: list[SdfPd], depth: int = 0) -> None:
        if depth >= MAX_PD_DEPTH:
            self.diags.append(error("E504", f"protection domains nest more than {MAX_PD_DEPTH} deep", el.span))
            return
        self.check(el)
        name = self.need(el, "name")
        cpu = self.number(el, "cpu", parent.cpu if parent else 0)
        if cpu is not None and cpu >= self.cpus:
            self.diags.append(error("E504", f"cpu core must be less than {self.cpus} (the platform's cpus), got {cpu}", self.at(el, "cpu")))
        if parent is not None and cpu != parent.cpu:
            self.diags.append(error("E504", f"child PD {name} is on cpu {cpu} but its parent {parent.name} on {parent.cpu}; "
                                    "a child runs on its parent's core", self.at(el, "cpu")))
        priority = self.number(el, "priority", 0)
        if priority is not None and priority > 254:
            self.diags.append(error("E504", f"priority must be between 0 and 254, not {priority}", self.at(el, "priority")))
        maps: list[SdfMap] = []
        irqs: list[tuple[int, str]] = []
        kids: list[Element] = []
        for child in self.children(el):
            if child.tag in IGNORED or child.tag in ("program_image", "setvar"):
                continue
            if child.tag == "protection_domain":
                kids.append(child)
                continue
            self.check(child)
            if child.tag == "map":
                mr, perms = self.need(child, "mr"), child.attrs.get("perms", "rw")
                self.need(child, "vaddr")
                if not perms or set(perms) - set("rwx") or perms == "w":
                    self.diags.append(error("E504", f"perms must be a combination of 'r', 'w' and 'x' that reads, not '{perms}'",
                                            self.at(child, "perms")))
                elif mr is not None:
                    maps.append(SdfMap(mr, perms, child.span))
            elif child.tag == "irq":
                number = self.number(child, "irq", required=True)
                self.number(child, "id", required=True)
                trigger = child.attrs.get("trigger", "level")
                if trigger not in ("level", "edge"):
                    self.diags.append(error("E504", f"trigger must be either 'level' or 'edge', not '{trigger}'", self.at(child, "trigger")))
                if number is not None and number < SPI_BASE:
                    self.diags.append(error("E504", f"irq {number} is an SGI or PPI; a PD's irq is an SPI's INTID (32 and up: SPI N is irq=\"N+32\")",
                                            self.at(child, "irq")))
                elif number is not None:
                    irqs.append((number, trigger))
        if name is None or cpu is None:
            return
        pd = SdfPd(name, cpu, priority or 0, tuple(maps), tuple(irqs), el.span)
        out.append(pd)
        for kid in kids:
            self.need(kid, "id")
            self.pd(kid, pd, out, depth + 1)

    def mr(self, el: Element) -> SdfMr | None:
        self.check(el)
        name = self.need(el, "name")
        size = self.number(el, "size", required=True)
        phys = self.number(el, "phys_addr")
        page = self.number(el, "page_size", SMALL_PAGE)
        if page not in (SMALL_PAGE, LARGE_PAGE):
            self.diags.append(error("E504", f"page size {page:#x} not supported (0x1000 or 0x200000)", self.at(el, "page_size")))
        elif size is not None and size % page:
            self.diags.append(error("E504", "size is not a multiple of the page size", self.at(el, "size")))
        elif phys is not None and phys % page:
            self.diags.append(error("E504", "phys_addr is not aligned to the page size", self.at(el, "phys_addr")))
        if name is None or size is None:
            return None
        return SdfMr(name, size, phys, el.span)

    def channel(self, el: Element) -> SdfChannel | None:
        self.check(el)
        ends = []
        for child in self.children(el):
            self.check(child)
            pd = self.need(child, "pd")
            number = self.number(child, "id", required=True)
            notify = self.boolean(child, "notify", True)
            pp = self.boolean(child, "pp", False)
            if number is not None and number > 62:
                self.diags.append(error("E504", f"id must be < 63, not {number}", self.at(child, "id")))
            if pd is not None and number is not None:
                ends.append(SdfEnd(pd, number, notify, pp, child.span))
        if len(el.children) != 2:
            self.diags.append(error("E504", "exactly two end elements must be specified", el.span))
            return None
        if len(ends) != 2:
            return None
        if ends[0].pp and ends[1].pp:
            self.diags.append(error("E504", "cannot ppc bidirectionally", el.span))
            return None
        return SdfChannel(ends[0], ends[1], el.span)

    def cross_check(self, system: System) -> None:
        """Names defined once and used as defined; channel ids unique per PD (sdf.rs)."""
        pds: dict[str, SdfPd] = {}
        for pd in system.pds:
            if pd.name in pds:
                self.diags.append(error("E506", f"duplicate protection domain name '{pd.name}'", pd.span))
            pds.setdefault(pd.name, pd)
        mrs: dict[str, SdfMr] = {}
        for mr in system.mrs:
            if mr.name in mrs:
                self.diags.append(error("E506", f"duplicate memory region name '{mr.name}'", mr.span))
            mrs.setdefault(mr.name, mr)
        for pd in system.pds:
            for m in pd.maps:
                if m.mr not in mrs:
                    self.diags.append(error("E505", f"invalid memory region name '{m.mr}'{did_you_mean(m.mr, mrs)}", m.span))
        ids: dict[str, set[int]] = {}
        for ch in system.channels:
            for end in (ch.a, ch.b):
                if end.pd not in pds:
                    self.diags.append(error("E505", f"invalid PD name '{end.pd}'{did_you_mean(end.pd, pds)}", end.span))
                    continue
                if end.id in ids.setdefault(end.pd, set()):
                    self.diags.append(error("E506", f"duplicate channel id {end.id} in protection domain '{end.pd}'", end.span))
                ids[end.pd].add(end.id)


def read_system(text: str, path: str, cpus: int) -> System:
    """The system an SDF describes; SdfError with every problem found."""
    root, diags = parse_xml(text, path)
    if diags:
        raise SdfError(diags, path, text)
    reader = _Reader(path, cpus)
    system = reader.system(root)
    reader.cross_check(system)
    if reader.diags:
        raise SdfError(sorted(reader.diags, key=lambda d: (d.span.line, d.span.column)), path, text)
    return system


# ---------------------------------------------------------------- the au-ts numbering and split


def sgi_numbers(system: System) -> list[tuple[SdfEnd, SdfEnd, int]]:
    """(sender end, receiver end, SGI) for every notifying direction of a channel across cores, as
    pick_sgi_channels numbers them: per receiving cpu, in channel order, a to b before b to a."""
    cpu = {pd.name: pd.cpu for pd in system.pds}
    count: dict[int, int] = {}
    out = []
    for ch in system.channels:
        for send, recv in ((ch.a, ch.b), (ch.b, ch.a)):
            if cpu[send.pd] != cpu[recv.pd] and send.notify:
                number = count.get(cpu[recv.pd], 0)
                count[cpu[recv.pd]] = number + 1
                out.append((send, recv, number))
    return out


def split_ram(banks: Sequence[tuple[int, int]], taken: Sequence[tuple[int, int]], cores: int,
              kernel_image: int = KERNEL_IMAGE) -> list[list[tuple[int, int]]]:
    """Each core's RAM as [base, end) intervals, as build_full_system_state allocates it: `taken`
    (shared regions) removed, a kernel image region of `kernel_image` bytes at a 2 MiB-aligned base
    per core (first fit), then the rest in equal parts rounded down to pages, lowest first."""
    free = _subtract(sorted(banks), taken)
    out: list[list[tuple[int, int]]] = []
    for _ in range(cores):
        for base, end in free:
            start = -(-base // LARGE_PAGE) * LARGE_PAGE
            if start + kernel_image <= end:
                out.append([(start, start + kernel_image)])
                free = _subtract(free, [(start, start + kernel_image)])
                break
        else:
            raise ValueError(f"no 2 MiB-aligned room for a {kernel_image:#x}-byte kernel image")
    share = (sum(e - b for b, e in free) // cores) // SMALL_PAGE * SMALL_PAGE
    for parts in out:
        need = share
        while need:
            base, end = free[0]
            size = min(end - base, need)
            parts.append((base, base + size))
            free = _subtract(free, [(base, base + size)])
            need -= size
    return [_merge(sorted(p)) for p in out]


def _subtract(intervals: Sequence[tuple[int, int]], holes: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    out = list(intervals)
    for hb, he in holes:
        nxt = []
        for b, e in out:
            if he <= b or e <= hb:
                nxt.append((b, e))
                continue
            if b < hb:
                nxt.append((b, hb))
            if he < e:
                nxt.append((he, e))
        out = nxt
    return sorted(i for i in out if i[0] < i[1])


def _merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for b, e in intervals:
        if out and out[-1][1] == b:
            out[-1] = (out[-1][0], e)
        else:
            out.append((b, e))
    return out


# ---------------------------------------------------------------- writing .mk

NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


class _Names:
    """Names of the .mk: SDF names kept where the language takes them, others mended, all unique."""

    def __init__(self, taken: Sequence[str]) -> None:
        self.used = set(taken)
        self.renamed: list[tuple[str, str]] = []

    def __call__(self, wanted: str) -> str:
        name = re.sub(r"[^A-Za-z0-9_-]", "_", wanted) or "_"
        if not NAME_RE.fullmatch(name):
            name = "_" + name
        base, n = name, 2
        while name in self.used:
            name, n = f"{base}_{n}", n + 1
        self.used.add(name)
        if name != wanted:
            self.renamed.append((wanted, name))
        return name


# The GICs the Microkit multikernel loader initialises (loader/src/aarch64/gic.h at bdd79bc3), by
# (GIC version, distributor base): on other boards it writes nothing, and a port must add its GIC.
LOADER_GICS = {
    (2, 0xF901_0000): "ZynqMP ZCU102 and Ultra96v2",
    (2, 0x0800_0000): "QEMU virt",
    (2, 0xFFC0_1000): "ODROID-C4",
    (3, 0x3880_0000): "MaaXBoard (i.MX8MQ)",
    (3, 0x51A0_0000): "TQMa8XQP",
}


def loader_note(platform: Platform) -> str | None:
    """Why `loader { gic_init }` is an assumption on this board, or None where the loader does initialise its GIC."""
    gic = platform.gic
    if (gic.version, gic.distributor.base) in LOADER_GICS:
        return None
    boards = ", ".join(LOADER_GICS.values())
    return (f"the Microkit loader initialises the GIC only on {boards} (loader/src/aarch64/gic.h); platform "
            f"{platform.name}'s GICv{gic.version} distributor at {hexaddr(gic.distributor.base)} is none of them, so the "
            "spec's `loader { gic_init }` assumes a port that adds it (without it every sel4-mk kernel halts at boot)")


def to_mk(system: System, platform: Platform, platform_text: str, sdf_path: str, text: str,
          ram: Sequence[Sequence[tuple[int, int]]] | None = None, kernel_image: int = KERNEL_IMAGE) -> str:
    """The system spec of an SDF on a platform (`platform_text` is the include or `from dts` line).
    SdfError for what the platform cannot hold (E507)."""
    cpus = platform.cpus
    names = _Names([c.name for c in cpus] + [d.name for d in platform.devices] + [b.name for b in platform.memory]
                   + [r.name for r in platform.reserved] + [platform.name])
    kernels = [names(f"k{i}") for i in range(len(cpus))]
    pd_name = {pd.name: names(pd.name) for pd in system.pds}
    mr_name = {mr.name: names(mr.name) for mr in system.mrs}
    by_pd = {pd.name: pd for pd in system.pds}
    banks = [(b.base, b.end) for b in platform.memory]

    def in_ram(base: int, size: int) -> bool:
        return any(b <= base and base + size <= e for b, e in banks)

    users: dict[str, list[SdfPd]] = {mr.name: [] for mr in system.mrs}
    for pd in system.pds:
        for m in pd.maps:
            if pd not in users[m.mr]:
                users[m.mr].append(pd)
    diags: list[Diagnostic] = []
    devices: dict[int, list[str]] = {i: [] for i in range(len(cpus))}
    shared: list[tuple[SdfMr, int]] = []
    top = max((e for _, e in banks), default=0)
    for mr in system.mrs:
        cores = sorted({pd.cpu for pd in users[mr.name]})
        if mr.phys_addr is not None and not in_ram(mr.phys_addr, mr.size):
            device = next((d for d in platform.devices if d.region.base <= mr.phys_addr and mr.phys_addr + mr.size <= d.region.end), None)
            if device is None:
                diags.append(error("E507", f"memory region '{mr.name}' at phys_addr {hexaddr(mr.phys_addr)} (size {hexaddr(mr.size)}) is neither "
                                   f"RAM nor the registers of a device of platform {platform.name}", mr.span))
                continue
            for core in cores:
                if device.name not in devices[core]:
                    devices[core].append(device.name)
            continue
        if len(cores) > 1:
            if mr.phys_addr is None:
                top -= mr.size
                shared.append((mr, top))
            else:
                shared.append((mr, mr.phys_addr))
    if diags:
        raise SdfError(diags, diags[0].span.file, text)
    taken = [(b, b + mr.size) for mr, b in shared] + [(r.base, r.end) for r in platform.reserved]
    split = ram if ram is not None else split_ram(banks, taken, len(cpus), kernel_image)
    out = [
        f"// Imported by `pcheck import sdf` from {sdf_path}, as the au-ts multikernel Microkit",
        "// (capdl_multikernel) builds it: one kernel per cpu, SGIs numbered per receiving core in",
        "// channel order with the receiving core's index as the target, RAM split evenly",
        "// (README, \"Importing a Microkit system\").",
        "",
        platform_text,
        "",
        "// The Microkit loader initialises the distributor (configure_gicv2/v3) and writes no group registers.",
        *([f"// Note: {loader_note(platform)}."] if loader_note(platform) else []),
        "loader { gic_init }",
        "",
        "// The multikernel fork; the capDL initialiser (the root task) derives only the frames the SDF",
        "// maps, and the loader reserves the other cores' RAM from each kernel, so PDs reach only what",
        "// is declared here.",
        "profile microkit extends sel4-mk { device_untypeds declared }",
        "",
    ]
    if ram is None:
        out.append(f"// RAM: shared regions out, a {hexaddr(kernel_image)}-byte kernel image per core, the rest in equal parts.")
    for i, cpu in enumerate(cpus):
        parts = " ".join(f"ram at {hexaddr(b)} size {hexaddr(e - b)}" for b, e in split[i])
        dev = f" devices {', '.join(devices[i])}" if devices[i] else ""
        out.append(f"kernel {kernels[i]} {{ profile microkit cores {cpu.name} {parts}{dev} }}")
    out.append("")
    for mr, base in shared:
        modes = {}
        for pd in users[mr.name]:
            perms = next(m.perms for m in pd.maps if m.mr == mr.name)
            modes[pd.cpu] = "rw" if "w" in perms or modes.get(pd.cpu) == "rw" else "r"
        access = ", ".join(f"{kernels[c]} {modes[c]}" for c in sorted(modes))
        out.append(f"shared {mr_name[mr.name]} at {hexaddr(base)} size {hexaddr(mr.size)} {{ {access} }}")
    if shared:
        out.append("")
    shared_names = {mr.name for mr, _ in shared}
    for pd in system.pds:
        items = [f"priority {pd.priority}"]
        items += [f"map {mr_name[m.mr]} {'rw' if 'w' in m.perms else 'r'}" for m in pd.maps if m.mr in shared_names]
        if pd.irqs:
            items.append("irq " + ", ".join(f"spi {n - SPI_BASE} {t}" for n, t in pd.irqs))
        out.append(f"pd {pd_name[pd.name]} on {kernels[pd.cpu]} {{ {' '.join(items)} }}")
    out.append("")
    numbers = {(id(s), id(r)): n for s, r, n in sgi_numbers(system)}
    channel_names = names
    bells: dict[tuple[str, str], str] = {}
    calls = _calls(system, by_pd, users, shared_names)
    for ch in system.channels:
        for send, recv in ((ch.a, ch.b), (ch.b, ch.a)):
            if not send.notify:
                continue
            name = channel_names(f"{pd_name[send.pd]}_to_{pd_name[recv.pd]}")
            bells.setdefault((send.pd, recv.pd), name)
            cross = by_pd[send.pd].cpu != by_pd[recv.pd].cpu
            extra = f" sgi {numbers[(id(send), id(recv))]} target {by_pd[recv.pd].cpu}" if cross else ""
            out.append(f"channel {name} {{ from {pd_name[send.pd]} to {pd_name[recv.pd]}{extra} }}")
    out.append("")
    for ring, producer, consumer, index in _queues(system, users):
        slots = 64
        while slots > 1 and 16 + slots * 8 > next(mr.size for mr in system.mrs if mr.name == ring):
            slots //= 2
        idx = f" index {mr_name[index]}" if index else ""
        out.append(f"queue {names(ring + '_queue')} from {pd_name[producer]} to {pd_name[consumer]} in {mr_name[ring]} "
                   f"slots {slots}{idx} notify {bells[(producer, consumer)]}")
    for client, server, proxies, buffer in calls:
        via = f" via {pd_name[proxies[0]]}, {pd_name[proxies[1]]} in {mr_name[buffer]}" if proxies else ""
        out.append(f"call {pd_name[client]} -> {pd_name[server]}{via}")
    out.append("")
    out.append("// The fork brings the kernels up in node order.")
    out.append(f"boot order {', '.join(kernels)}")
    wanted = {pd.name for pd in system.pds} | {mr.name for mr in system.mrs}
    renamed = [(a, b) for a, b in names.renamed if a in wanted]
    if renamed:
        out.insert(4, "// Renamed for the language: " + ", ".join(f"'{a}' as {b}" for a, b in renamed) + ".")
    return "\n".join(out) + "\n"


def _queues(system: System, users: dict[str, list[SdfPd]]) -> list[tuple[str, str, str, str | None]]:
    """(ring, producer, consumer, index region or None) for every region that one PD maps with `w`
    (the producer) and others without, one of which (the consumer: the first in map order) the
    producer notifies; the index region is one the consumer alone writes and the producer reads.
    Other PDs mapping a ring stay on it, for QUEUE-ACCESS to judge."""
    notifies = {(s.pd, r.pd) for ch in system.channels for s, r in ((ch.a, ch.b), (ch.b, ch.a)) if s.notify}

    def roles(mr: str) -> tuple[str, list[str]] | None:
        writers = [pd.name for pd in users[mr] if "w" in next(m.perms for m in pd.maps if m.mr == mr)]
        if len(writers) != 1:
            return None
        return writers[0], [pd.name for pd in users[mr] if pd.name != writers[0]]

    out = []
    indexes: set[str] = set()
    for mr in system.mrs:
        found = roles(mr.name)
        if mr.name in indexes or found is None or mr.size < 24:
            continue
        producer, readers = found
        consumer = next((r for r in readers if (producer, r) in notifies), None)
        if consumer is None:
            continue
        index = next((o.name for o in system.mrs if o.name != mr.name and o.name not in indexes
                      and (r := roles(o.name)) is not None and r[0] == consumer and producer in r[1]), None)
        if index is not None:
            indexes.add(index)
        out.append((mr.name, producer, consumer, index))
    return out


def _calls(system: System, by_pd: dict[str, SdfPd], users: dict[str, list[SdfPd]], shared: set[str]):
    """(client, server, proxies or None, buffer) for every pp edge: proxy chains (module docstring)
    first, then the pp edges no chain explains, as direct calls."""
    pp = [(s.pd, r.pd) for ch in system.channels for s, r in ((ch.a, ch.b), (ch.b, ch.a)) if s.pp]
    notifies = {(s.pd, r.pd) for ch in system.channels for s, r in ((ch.a, ch.b), (ch.b, ch.a)) if s.notify}
    notified: dict[str, set[str]] = {}
    for s, r in notifies:
        notified.setdefault(s, set()).add(r)
    callees: dict[str, list[str]] = {}
    for s, r in pp:
        callees.setdefault(s, []).append(r)
    used: set[tuple[str, str]] = set()
    out = []
    for client, p1 in pp:
        if by_pd[client].cpu != by_pd[p1].cpu:
            continue
        for p2 in sorted(r for r in notified.get(p1, ()) if p1 in notified.get(r, ()) and by_pd[r].cpu != by_pd[p1].cpu):
            buffers = [mr for mr in shared if {p1, p2} <= {pd.name for pd in users[mr]}]
            servers = [srv for srv in callees.get(p2, ()) if by_pd[srv].cpu == by_pd[p2].cpu]
            if not buffers or not servers:
                continue
            used |= {(client, p1)} | {(p2, srv) for srv in servers}
            out += [(client, srv, (p1, p2), sorted(buffers)[0]) for srv in servers]
    out += [(c, s, None, None) for c, s in pp if (c, s) not in used]
    return out
