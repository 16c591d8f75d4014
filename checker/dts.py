"""A platform read from the board's device tree, as seL4's build reads it.

    board = read_dts(["rpi4.dts", "ov-rpi4.dts", "ov-rpi4-8gb.dts"])
    text = to_mk(board, lines=256, max_irq=216)      # what `pcheck import dts` writes

Parsing is Zephyr's dtlib (the `devicetree` package, BSD-3-Clause); this
module only decides what a platform is made of. seL4's CMake appends each
overlay's text to the base and compiles the result with dtc, so later
`/ { }` blocks merge into earlier ones and later properties replace earlier
ones; here the base and overlays are `/include/`d, in order, into one tree,
which dtlib merges the same way and which keeps each line's own file. A
`.dtb` is decompiled to DTS first (the `fdt` package). What is read, with
the rules of seL4's `tools/hardware` (16.0.0) and where pcheck differs:

* cpus: `/cpus` children with `device_type = "cpu"`; `reg`, in `/cpus`'
  `#address-cells`, is the MPIDR affinity (as seL4's `cpus` reading). A
  DynamIQ core (Cortex-A55, A65, A75, A76, A77, A78, X1) whose `reg`s are
  all below 0x100 looks packed: its real MPIDR has the core in Aff1. That is
  noted; `cpu NAME mpidr N` in the platform block corrects it.
* memory: every node with `device_type = "memory"`, every `reg` tuple.
  `reserved-memory` children with `reg` and `no-map` are holes; others
  (`reusable` CMA pools) are noted, not holes. `/memreserve/` entries are
  ignored by seL4 (its issue #899), and noted.
* the GIC: `arm,gic-400`, `arm,cortex-a15-gic`, `arm,cortex-a7-gic`,
  `arm,cortex-a9-gic` (v2: distributor and CPU-interface `reg`) and
  `arm,gic-v3` (distributor, the first redistributor region,
  `redistributor-stride`, else 128 KiB). `lines` and seL4's `max_irq` are
  not in a device tree: the caller gives them.
* devices: every other node with `reg`, each address translated through
  every ancestor's `ranges` (empty: identity; missing: not CPU-addressable,
  skipped and noted). Interrupts through `interrupt-parent` (inherited),
  `interrupts-extended` and `interrupt-map` nexuses; a controller with three
  cells whose own parent is the GIC (the i.MX8M GPC) passes its cells on to
  the GIC. GIC cells: type (0 SPI, 1 PPI), number, flags (1, 2: edge; 4, 8:
  level). Several `reg` entries are several regions (`name`, `name_r1`,
  ...; the interrupts stay with the first). `status = "disabled"` nodes are
  kept and marked: seL4 ignores `status`, so they are in device untypeds
  like the rest. A node whose region overlaps an earlier node's (two
  drivers for one register block) is noted and its region left out.
  `/chosen` `seL4,kernel-devices` other than the GIC (the kernel's timer
  and console) are noted, not devices.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence

from checker.data import frozen
from checker.span import Span

__all__ = ["DtsError", "Board", "BaseTree", "read_dts", "to_mk", "expand", "base_tree", "excerpt_texts", "GIC_V2", "GIC_V3"]

GIC_V2 = ("arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a7-gic", "arm,cortex-a9-gic")
GIC_V3 = ("arm,gic-v3",)
DYNAMIQ = ("arm,cortex-a55", "arm,cortex-a65", "arm,cortex-a75", "arm,cortex-a76", "arm,cortex-a77",
           "arm,cortex-a78", "arm,cortex-x1")
DEFAULT_STRIDE = 0x20000  # GICv3 redistributor frames of a GIC without VLPIs (RD_base + SGI_base)


class DtsError(Exception):
    """A device tree pcheck cannot read: a code (E401..), a message, and where."""

    def __init__(self, code: str, message: str, span: Span | None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.span = span


@frozen
class DtCpu:
    name: str
    path: str
    mpidr: int
    span: Span


@frozen
class DtRegion:
    name: str
    path: str
    base: int
    size: int
    span: Span


@frozen
class DtIrq:
    kind: str  # "spi" | "ppi"
    number: int
    trigger: str | None  # "level" | "edge" | None (flags 0)
    span: Span


@frozen
class DtDevice:
    name: str
    path: str
    base: int
    size: int
    irqs: tuple[DtIrq, ...]
    disabled: bool
    span: Span


@frozen
class DtGic:
    version: int
    distributor: DtRegion
    cpu_interface: DtRegion | None
    redistributors: DtRegion | None
    stride: int
    span: Span


@frozen
class DtNote:
    """Something the importer decided that a reviewer should know (shown as a comment and a note)."""

    message: str
    span: Span | None


@frozen
class Board:
    """What a platform is made of, read from a device tree (every item with its DTS place)."""

    name: str
    files: tuple[str, ...]
    cpus: tuple[DtCpu, ...]
    memory: tuple[DtRegion, ...]
    holes: tuple[DtRegion, ...]
    gic: DtGic
    devices: tuple[DtDevice, ...]
    notes: tuple[DtNote, ...]
    span: Span


# ---------------------------------------------------------------- parsing


def _dtlib():
    from devicetree import dtlib

    return dtlib


def _tree_class():
    dtlib = _dtlib()

    class Tree(dtlib.DT):
        """dtlib's DT, remembering where each node and property was (last) written, and taking
        any alias name (the strict rule rejects names such as `dsi_phy0` of seL4's imx8mq-evk)."""

        def __init__(self, filename: str) -> None:
            self.node_at: dict[int, tuple[str, int]] = {}
            self.prop_at: dict[tuple[int, str], tuple[str, int]] = {}
            super().__init__(filename)

        def _parse_node(self, node):
            self.node_at.setdefault(id(node), (self.filename, self._lineno))
            return super()._parse_node(node)

        def _parse_assignment(self, prop):
            self.prop_at[(id(prop.node), prop.name)] = (self.filename, self._lineno)
            return super()._parse_assignment(prop)

        def _register_aliases(self):
            aliases = self.root.nodes.get("aliases")
            if aliases is None:
                return
            for prop in aliases.props.values():
                try:
                    path = prop.to_path() if prop.type == dtlib.Type.PATH else self.get_node(prop.to_string())
                except dtlib.DTError:
                    continue
                self.alias2node[prop.name] = path

    return Tree


_DTERROR = re.compile(r"^(?P<file>.*?):(?P<line>\d+) \(column (?P<col>\d+)\): (?P<msg>.*)$", re.S)


def _parse(paths: Sequence[str]):
    """One merged tree of the base and its overlays (each `/include/`d in order), and the texts read."""
    dtlib = _dtlib()
    texts: dict[str, str] = {}
    sources = []
    decompiled = set()  # .dtb files (by their magic), read as the DTS text `fdt` makes of them
    for path in paths:
        real = os.path.abspath(path)
        try:
            with open(real, "rb") as f:
                data = f.read()
        except OSError as exc:
            raise DtsError("E001", f"cannot read device tree '{path}': {exc.strerror or exc}", None) from None
        if data[:4] == b"\xd0\x0d\xfe\xed":
            data = _decompile(data, path)
            decompiled.add(real)
        try:
            texts[real] = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DtsError("E002", f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not valid UTF-8", Span.point(path, 1, 1)) from None
        sources.append(real)
    with tempfile.TemporaryDirectory(prefix="pcheck-dts-") as tmp:
        # A decompiled .dtb is included from its text, written next to the stack.
        included = []
        for n, real in enumerate(sources):
            if real not in decompiled:
                included.append(real)
                continue
            copy = os.path.join(tmp, f"{n}-{os.path.basename(real)}.dts")
            with open(copy, "w", encoding="utf-8") as f:
                f.write(texts[real])
            included.append(copy)
        stack = os.path.join(tmp, "stack.dts")
        with open(stack, "w", encoding="utf-8") as f:
            f.write("".join(f'/include/ "{p}"\n' for p in included))
        try:
            tree = _tree_class()(stack)
        except dtlib.DTError as exc:
            raise _located(str(exc), dict(zip(included, sources)), paths, stack, texts) from None
        except RecursionError:
            raise DtsError("E401", "the device tree nests too deeply", Span.point(paths[0], 1, 1)) from None
    names = dict(zip(included, sources))
    return tree, texts, names


def _decompile(data: bytes, path: str) -> bytes:
    try:
        import fdt
    except ImportError:
        raise DtsError("E401", f"'{path}' is a .dtb; reading it needs the `fdt` package", Span.point(path, 1, 1)) from None
    try:
        return fdt.parse_dtb(data).to_dts().encode()
    except Exception as exc:  # fdt raises plain exceptions of several kinds for a damaged blob
        raise DtsError("E401", f"'{path}' is not a valid device tree blob: {exc}", Span.point(path, 1, 1)) from None


def _located(message: str, names: dict[str, str], paths: Sequence[str], stack: str, texts: dict[str, str]) -> DtsError:
    m = _DTERROR.match(message)
    if m and m["file"] == stack:
        # The parser was back in the list of files: the one before ended inside a node.
        before = paths[max(0, min(int(m["line"]) - 2, len(paths) - 1))]
        text = texts.get(os.path.abspath(before), "")
        last = text.rstrip("\n").count("\n") + 1
        return DtsError("E401", "the file ends inside a node: a closing `};` is missing", Span.point(before, last, 1))
    if m:
        file = names.get(m["file"], m["file"])
        shown = next((p for p in paths if os.path.abspath(p) == file), file)
        return DtsError("E401", m["msg"].removeprefix("parse error: "), Span.point(shown, int(m["line"]), int(m["col"])))
    return DtsError("E401", message, Span.point(paths[0], 1, 1))


# ---------------------------------------------------------------- reading a board


class _Reader:
    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = tuple(paths)
        self.tree, self.texts, self.names = _parse(paths)
        self.shown = {os.path.abspath(p): p for p in paths}
        self.notes: list[DtNote] = []
        self.lines = {real: text.split("\n") for real, text in self.texts.items()}
        self.untranslated: list = []
        self.namespace = _Names()  # one namespace for the platform's cpus, banks, holes and devices

    # -- places
    def _text_lines(self, real: str) -> list[str]:
        """The lines of a file the tree was read from (an `/include/`d one is read on first use)."""
        if real not in self.lines:
            try:
                with open(real, encoding="utf-8") as f:
                    self.texts[real] = f.read()
            except (OSError, UnicodeDecodeError):
                self.texts[real] = ""
            self.lines[real] = self.texts[real].split("\n")
            if real not in self.shown:
                relative = os.path.relpath(real)
                self.shown[real] = real if relative.startswith("..") else relative
        return self.lines[real]

    def _span(self, where: tuple[str, int] | None) -> Span:
        if where is None:
            return Span.point(self.paths[0], 1, 1)
        file, line = where
        real = self.names.get(file, file)
        text = self._text_lines(real)
        column = 1
        if 1 <= line <= len(text):
            stripped = text[line - 1].expandtabs(1)
            column = len(stripped) - len(stripped.lstrip()) + 1
        return Span(self.shown.get(real, real), line, column, line, max(column + 1, len(text[line - 1]) + 1 if 1 <= line <= len(text) else column + 1))

    def node_span(self, node) -> Span:
        return self._span(self.tree.node_at.get(id(node)))

    def prop_span(self, node, name: str) -> Span:
        where = self.tree.prop_at.get((id(node), name))
        return self._span(where) if where else self.node_span(node)

    def error(self, code: str, message: str, node, prop: str | None = None) -> DtsError:
        return DtsError(code, message, self.prop_span(node, prop) if prop else self.node_span(node))

    def note(self, message: str, node=None) -> None:
        self.notes.append(DtNote(message, self.node_span(node) if node is not None else None))

    # -- cells
    def cells(self, node, name: str) -> list[int]:
        """A property as 32-bit cells (phandle references are already numbers in dtlib's value)."""
        prop = node.props.get(name)
        if prop is None:
            return []
        if len(prop.value) % 4:
            raise self.error("E403", f"{node.path}: '{name}' is not a list of 32-bit cells", node, name)
        return [int.from_bytes(prop.value[i:i + 4], "big") for i in range(0, len(prop.value), 4)]

    def cell_count(self, node, name: str, default: int) -> int:
        values = self.cells(node, name)
        return values[0] if values else default

    def address_cells(self, node) -> int:
        return self.cell_count(node, "#address-cells", 2)

    def size_cells(self, node) -> int:
        return self.cell_count(node, "#size-cells", 1)

    def reg(self, node) -> list[tuple[int, int]]:
        """The `reg` tuples of a node, in its parent's cell sizes (untranslated)."""
        parent = node.parent
        a, s = self.address_cells(parent), self.size_cells(parent)
        values = self.cells(node, "reg")
        step = a + s
        if step == 0 or len(values) % step:
            raise self.error("E403", f"{node.path}: 'reg' has {len(values)} cells, not a multiple of "
                                     f"#address-cells {a} + #size-cells {s} of {parent.path}", node, "reg")
        return [(_join(values[i:i + a]), _join(values[i + a:i + step])) for i in range(0, len(values), step)]

    def translate(self, node, address: int) -> int | None:
        """`address` of a child of `node`'s parent bus, as a CPU physical address (None: not mapped)."""
        bus = node.parent
        while bus is not None and bus.parent is not None:
            if "ranges" not in bus.props:
                return None
            ranges = self.cells(bus, "ranges")
            if ranges:
                ca, pa, s = self.address_cells(bus), self.address_cells(bus.parent), self.size_cells(bus)
                step = ca + pa + s
                if len(ranges) % step:
                    raise self.error("E403", f"{bus.path}: 'ranges' has {len(ranges)} cells, not a multiple of {step}", bus, "ranges")
                key, flags = address, 0
                if _string(bus, "device_type") in ("pci", "pciex") and ca > 1:
                    # As seL4's tools/hardware: a PCI address's first cell holds flags, left out of the match.
                    flags = 1
                    key &= (1 << (32 * (ca - 1))) - 1
                for i in range(0, len(ranges), step):
                    child = _join(ranges[i + flags:i + ca])
                    parent, size = _join(ranges[i + ca:i + ca + pa]), _join(ranges[i + ca + pa:i + step])
                    if child <= key < child + size:
                        address = key - child + parent
                        break
                else:
                    # seL4's tools/hardware (Utils.translate_address) leaves such an address as it is;
                    # overlays that write CPU addresses into `reg` (rpi4's address-mapping one) rely on it.
                    self.untranslated.append((node, address))
            bus = bus.parent
        return address

    # -- phandles and interrupts
    def by_phandle(self, phandle: int, node, prop: str):
        target = self.tree.phandle2node.get(phandle)
        if target is None:
            raise self.error("E404", f"{node.path}: '{prop}' names phandle {phandle:#x}, which no node has", node, prop)
        return target

    def interrupt_parent(self, node):
        current = node
        while current is not None:
            if "interrupt-parent" in current.props:
                values = self.cells(current, "interrupt-parent")
                if not values:
                    raise self.error("E403", f"{current.path}: 'interrupt-parent' is empty", current, "interrupt-parent")
                return self.by_phandle(values[0], current, "interrupt-parent")
            current = current.parent
        return None

    def is_gic(self, node) -> bool:
        return any(c in GIC_V2 + GIC_V3 for c in _compatible(node))

    def irqs(self, node) -> tuple[DtIrq, ...]:
        """The GIC lines of a node's interrupts, in order (lines of other controllers are noted)."""
        out: list[DtIrq] = []
        if "interrupts-extended" in node.props:
            values = self.cells(node, "interrupts-extended")
            i = 0
            while i < len(values):
                parent = self.by_phandle(values[i], node, "interrupts-extended")
                n = self.cell_count(parent, "#interrupt-cells", 0)
                if n == 0 or i + 1 + n > len(values):
                    raise self.error("E403", f"{node.path}: 'interrupts-extended' does not fit {parent.path}'s #interrupt-cells", node,
                                     "interrupts-extended")
                out += self.route(node, parent, values[i + 1:i + 1 + n], "interrupts-extended")
                i += 1 + n
        elif "interrupts" in node.props:
            parent = self.interrupt_parent(node)
            if parent is None:
                raise self.error("E405", f"{node.path} has interrupts but no interrupt-parent", node, "interrupts")
            n = self.cell_count(parent, "#interrupt-cells", 0)
            values = self.cells(node, "interrupts")
            if n == 0 or len(values) % n:
                raise self.error("E403", f"{node.path}: 'interrupts' has {len(values)} cells, which {parent.path}'s "
                                         f"#interrupt-cells {n} does not divide", node, "interrupts")
            for i in range(0, len(values), n):
                out += self.route(node, parent, values[i:i + n], "interrupts")
        return tuple(out)

    def route(self, node, parent, spec: list[int], prop: str, depth: int = 0) -> list[DtIrq]:
        """Follow one interrupt specifier from `parent` up to the GIC."""
        if depth > 16:
            raise self.error("E405", f"{node.path}: its interrupt goes round a loop of interrupt parents", node, prop)
        if self.is_gic(parent):
            return [self.gic_irq(node, spec, prop)]
        if "interrupt-map" in parent.props:
            return self.through_map(node, parent, spec, prop, depth)
        grand = self.interrupt_parent(parent)
        if grand is not None and grand is not parent and self.is_gic(grand) and len(spec) == 3 and "interrupt-controller" in parent.props:
            # A three-cell controller under the GIC (the i.MX8M GPC, fsl,imx8mq-gpc): its cells are the GIC's.
            return [self.gic_irq(node, spec, prop)]
        if "interrupt-controller" not in parent.props:
            raise self.error("E405", f"{node.path}: its interrupt parent {parent.path} is not an interrupt controller", node, prop)
        self.note(f"{node.path}: an interrupt through {parent.path} (not the GIC) is not listed", node)
        return []

    def through_map(self, node, nexus, spec: list[int], prop: str, depth: int) -> list[DtIrq]:
        """An `interrupt-map` nexus (PCIe INTx): match (unit address, specifier) under the mask."""
        ca = self.cell_count(nexus, "#address-cells", 0)
        ic = self.cell_count(nexus, "#interrupt-cells", 1)
        mask = self.cells(nexus, "interrupt-map-mask") or [0xFFFF_FFFF] * (ca + ic)
        unit = [0] * ca
        if node.parent is nexus and "reg" in node.props:
            reg = self.cells(node, "reg")
            unit = (reg + [0] * ca)[:ca]
        key = [(v & m) for v, m in zip(unit + list(spec), mask)]
        table = self.cells(nexus, "interrupt-map")
        i = 0
        while i + ca + ic < len(table):
            child = table[i:i + ca + ic]
            target = self.by_phandle(table[i + ca + ic], nexus, "interrupt-map")
            pa = self.cell_count(target, "#address-cells", 0)
            pi = self.cell_count(target, "#interrupt-cells", 0)
            parent_spec = table[i + ca + ic + 1 + pa:i + ca + ic + 1 + pa + pi]
            if len(parent_spec) != pi or pi == 0:
                raise self.error("E403", f"{nexus.path}: 'interrupt-map' does not fit {target.path}'s cells", nexus, "interrupt-map")
            if [(v & m) for v, m in zip(child, mask)] == key:
                return self.route(node, target, parent_spec, prop, depth + 1)
            i += ca + ic + 1 + pa + pi
        self.note(f"{node.path}: no entry of {nexus.path}'s interrupt-map matches its interrupt", node)
        return []

    def gic_irq(self, node, spec: list[int], prop: str) -> DtIrq:
        if len(spec) < 3:
            raise self.error("E403", f"{node.path}: a GIC interrupt has 3 cells (type, number, flags), not {len(spec)}", node, prop)
        kind, number, flags = spec[0], spec[1], spec[2]
        if kind not in (0, 1):
            raise self.error("E403", f"{node.path}: GIC interrupt type {kind} is neither 0 (SPI) nor 1 (PPI)", node, prop)
        trigger = "edge" if flags & 0xF in (1, 2, 3) else "level" if flags & 0xF in (4, 8, 12) else None
        return DtIrq("spi" if kind == 0 else "ppi", number, trigger, self.prop_span(node, prop))

    # -- the board
    def board(self) -> Board:
        root = self.tree.root
        if self.tree.memreserves:
            self.note(f"{len(self.tree.memreserves)} /memreserve/ entries are ignored: seL4 does not read them (seL4 issue #899)")
        cpus = self.read_cpus()
        memory, holes = self.read_memory()
        gic_node, gic = self.read_gic()
        kernel = self.kernel_devices()
        devices = self.read_devices(gic_node, kernel, memory)
        model = root.props.get("model")
        name = model.to_string() if model is not None else (_compatible(root) or ["board"])[0]
        return Board(name, self.paths, cpus, memory, holes, gic, devices, tuple(self.notes), self.node_span(root))

    def read_cpus(self) -> tuple[DtCpu, ...]:
        node = self.tree.root.nodes.get("cpus")
        if node is None:
            raise DtsError("E402", "the device tree has no /cpus node", Span.point(self.paths[0], 1, 1))
        out = []
        names = self.namespace
        dynamiq = []
        for child in node.nodes.values():
            if _string(child, "device_type") != "cpu":
                continue
            regs = self.cells(child, "reg")
            a = self.address_cells(node)
            if len(regs) < a or a == 0:
                raise self.error("E403", f"{child.path}: 'reg' needs {a} cells (/cpus #address-cells)", child, "reg")
            unit = child.name.split("@")[1] if "@" in child.name else str(len(out))
            cpu = DtCpu(names.take(f"cpu{unit}"), child.path, _join(regs[:a]), self.node_span(child))
            out.append(cpu)
            if any(c in DYNAMIQ for c in _compatible(child)):
                dynamiq.append(cpu)
        if not out:
            raise DtsError("E402", "/cpus has no node with device_type \"cpu\"", self.node_span(node))
        if len(dynamiq) > 1 and all(c.mpidr < 0x100 for c in dynamiq):
            self.note(f"the DynamIQ cores ({', '.join(c.name for c in dynamiq)}) have `reg` {', '.join(hex(c.mpidr) for c in dynamiq)}, "
                      "which looks packed: their MPIDR has the core number in Aff1 (0x000, 0x100, ...); "
                      "correct each with `cpu NAME mpidr N` if so", node)
        return tuple(out)

    def read_memory(self) -> tuple[tuple[DtRegion, ...], tuple[DtRegion, ...]]:
        raw, holes = [], []
        names = self.namespace
        for node in self.tree.node_iter():
            if _string(node, "device_type") == "memory":
                for base, size in self.reg(node):
                    if size == 0:
                        self.note(f"{node.path}: a memory `reg` of size 0 is left out", node)
                        continue
                    raw.append((base, size, node))
        # As seL4's tools/hardware (merge_memory_regions): adjacent or overlapping ranges are one bank.
        banks: list[DtRegion] = []
        for base, size, node in sorted(raw, key=lambda r: r[0]):
            if banks and base <= banks[-1].base + banks[-1].size:
                last = banks[-1]
                end = max(last.base + last.size, base + size)
                banks[-1] = DtRegion(last.name, last.path, last.base, end - last.base, last.span)
                self.note(f"{node.path}: memory [{base:#x}, +{size:#x}) continues the bank before it and is merged into it, "
                          "as seL4's tools do", node)
                continue
            banks.append(DtRegion(names.take(f"mem{len(banks)}"), node.path, base, size, self.prop_span(node, "reg")))
        reserved = self.tree.root.nodes.get("reserved-memory")
        if reserved is not None:
            for child in reserved.nodes.values():
                if "reg" not in child.props:
                    self.note(f"{child.path} has no reg (a pool placed at boot): not a hole", child)
                    continue
                if "no-map" not in child.props:
                    self.note(f"{child.path} has no `no-map` (e.g. a reusable CMA pool): not a hole", child)
                    continue
                for base, size in self.reg(child):
                    holes.append(DtRegion(names.take(child.name, f"{base:x}"), child.path, base, size, self.prop_span(child, "reg")))
        if not banks:
            raise DtsError("E402", "the device tree has no memory node with a non-empty reg", Span.point(self.paths[0], 1, 1))
        return tuple(banks), tuple(holes)

    def read_gic(self):
        found = [n for n in self.tree.node_iter() if self.is_gic(n)]
        if not found:
            others = [n for n in self.tree.node_iter() if "interrupt-controller" in n.props and n.parent is not None]
            known = ", ".join(GIC_V2 + GIC_V3)
            where = others[0] if others else self.tree.root
            raise self.error("E402", f"no GIC pcheck knows ({known}) is in the device tree", where)
        node = found[0]
        version = 3 if any(c in GIC_V3 for c in _compatible(node)) else 2
        regs = self.regions(node)
        if len(regs) < 2:
            raise self.error("E403", f"{node.path}: a GICv{version} needs two `reg` regions, it has {len(regs)}", node, "reg")
        span = self.prop_span(node, "reg")
        dist = DtRegion("gic.distributor", node.path, regs[0][0], regs[0][1], span)
        if version == 2:
            cpu = DtRegion("gic.cpu_interface", node.path, regs[1][0], regs[1][1], span)
            return node, DtGic(2, dist, cpu, None, 0, self.node_span(node))
        stride_cells = self.cells(node, "redistributor-stride")
        stride = _join(stride_cells) if stride_cells else DEFAULT_STRIDE
        if self.cell_count(node, "#redistributor-regions", 1) > 1:
            self.note(f"{node.path}: only the first redistributor region is used (as seL4 does)", node)
        redist = DtRegion("gic.redistributors", node.path, regs[1][0], regs[1][1], span)
        return node, DtGic(3, dist, None, redist, stride, self.node_span(node))

    def regions(self, node) -> list[tuple[int, int]]:
        out = []
        for base, size in self.reg(node):
            cpu = self.translate(node, base)
            if cpu is None:
                return []
            out.append((cpu, size))
        return out

    def kernel_devices(self) -> set[str]:
        chosen = self.tree.root.nodes.get("chosen")
        prop = chosen.props.get("seL4,kernel-devices") if chosen is not None else None
        if prop is None:
            return set()
        paths = set()
        for item in prop.value.split(b"\0"):
            if not item:
                continue
            text = item.decode("utf-8", errors="replace")
            node = self.tree.alias2node.get(text)
            if node is None:
                try:
                    node = self.tree.get_node(text)
                except _dtlib().DTError:
                    self.note(f"/chosen seL4,kernel-devices names '{text}', which is no node or alias", chosen)
                    continue
            paths.add(node.path)
        return paths

    def read_devices(self, gic_node, kernel: set[str], memory: tuple[DtRegion, ...] = ()) -> tuple[DtDevice, ...]:
        skip_under = {"cpus", "reserved-memory", "chosen", "aliases", "__symbols__"}
        raw = []
        unmapped = []
        buses = []
        for node in self.tree.node_iter():
            if node.parent is None or "reg" not in node.props or _string(node, "device_type") == "memory":
                continue
            if _top(node) in skip_under or node is gic_node or _inside(node, gic_node) and not _compatible(node):
                continue
            if node.path in kernel and node is not gic_node:
                self.note(f"{node.path} is a kernel device (/chosen seL4,kernel-devices): seL4 keeps it, so it is not listed", node)
                continue
            if _is_bus(node):
                buses.append(node)  # a bus: its children are the devices
                continue
            regs = self.reg(node)
            translated = [(self.translate(node, base), size) for base, size in regs]
            if not regs or any(base is None for base, _ in translated):
                unmapped.append(node)
                continue
            raw.append((node, translated))
        if self.untranslated:
            node, address = self.untranslated[0]
            self.note(f"{len(self.untranslated)} addresses match no `ranges` entry of their bus and are kept as written, as seL4's "
                      f"tools do (e.g. {address:#x} of {node.path})", node)
        if buses:
            self.note(f"{len(buses)} bus nodes with `reg` and `ranges` (e.g. {buses[0].path}) are not listed: the devices "
                      "under them are", buses[0])
        if unmapped:
            self.note(f"{len(unmapped)} nodes with `reg` are not CPU-addressable (a bus without `ranges`, e.g. "
                      f"{unmapped[0].path}) and are not listed", unmapped[0])
        names = self.namespace
        taken: list[tuple[int, int, str]] = []
        out = []
        for node, regs in raw:
            irqs = self.irqs(node)
            seen: set[tuple[str, int]] = set()
            kept = [i for i in irqs if (i.kind, i.number) not in seen and not seen.add((i.kind, i.number))]
            if len(kept) < len(irqs):
                self.note(f"{node.path} lists an interrupt more than once (shared channels); it is listed once", node)
            irqs = tuple(kept)
            disabled = _string(node, "status") in ("disabled", "fail")
            base_name = _sanitise(node.name.split("@")[0])
            for n, (base, size) in enumerate(regs):
                if size == 0:
                    continue
                bank = next((m for m in memory if m.base < base + size and base < m.base + m.size), None)
                if bank is not None:
                    self.note(f"{node.path} [{base:#x}, +{size:#x}) lies in RAM ({bank.path}): memory, not registers; "
                              "not listed", node)
                    continue
                clash = next((t for t in taken if t[0] < base + size and base < t[1]), None)
                if clash is not None:
                    self.note(f"{node.path} [{base:#x}, +{size:#x}) overlaps {clash[2]}: two nodes for one register "
                              "block; only the first is listed", node)
                    continue
                name = names.take(base_name if n == 0 else f"{base_name}_r{n}", f"{base:x}")
                taken.append((base, base + size, node.path))
                out.append(DtDevice(name, node.path, base, size, irqs if n == 0 else (), disabled, self.prop_span(node, "reg")))
        return tuple(out)


class _Names:
    """Unique .mk names from node names: `serial`, then `serial_fe201000` for the next one."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, name: str, unit: str = "") -> str:
        name = _sanitise(name)
        candidates = [name] + ([f"{name}_{unit}"] if unit else []) + [f"{name}{i}" for i in range(len(self.used) + 2)]
        chosen = next(c for c in candidates if c not in self.used)
        self.used.add(chosen)
        return chosen


def _sanitise(name: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_-]", "_", name.split("@")[0] if "@" in name and not name.startswith("@") else name)
    if not re.match(r"[A-Za-z_]", name):
        name = "n_" + name
    return name


def _join(cells: Sequence[int]) -> int:
    value = 0
    for c in cells:
        value = value << 32 | c
    return value


def _string(node, name: str) -> str | None:
    prop = node.props.get(name)
    if prop is None:
        return None
    return prop.value.split(b"\0")[0].decode("utf-8", errors="replace")


def _compatible(node) -> list[str]:
    prop = node.props.get("compatible")
    if prop is None:
        return []
    return [s.decode("utf-8", errors="replace") for s in prop.value.split(b"\0") if s]


BUS_COMPATIBLES = ("simple-bus", "simple-mfd", "simple-pm-bus")


def _is_bus(node) -> bool:
    """A transparent bus or container (`simple-bus`, `simple-mfd`, or no `compatible` at all) with
    `ranges` and descendants with `reg`: those are the devices, not it. A controller with
    children (a PCIe host, a USB glue block) is a device itself."""
    if "ranges" not in node.props or not any("reg" in d.props for d in _descendants(node)):
        return False
    compatible = _compatible(node)
    return not compatible or any(c in BUS_COMPATIBLES for c in compatible)


def _descendants(node):
    for child in node.nodes.values():
        yield child
        yield from _descendants(child)


def _top(node) -> str:
    while node.parent is not None and node.parent.parent is not None:
        node = node.parent
    return node.name


def _inside(node, ancestor) -> bool:
    current = node.parent
    while current is not None:
        if current is ancestor:
            return True
        current = current.parent
    return False


def excerpt_texts(paths: Sequence[str], span: Span | None) -> dict[str, str]:
    """The texts to show an error's source line from: the given trees, and the file the span is in
    (an `/include/`d one), those that can be read."""
    texts = {}
    for path in list(paths) + ([span.file] if span is not None else []):
        if path in texts or not os.path.isfile(path):
            continue
        try:
            with open(path, encoding="utf-8") as f:
                texts[path] = f.read()
        except (OSError, UnicodeDecodeError):
            pass
    return texts


def read_dts(paths: Sequence[str]) -> Board:
    """The board described by a base device tree and its overlays (DTS, or DTB), in order."""
    if not paths:
        raise DtsError("E402", "no device tree was given", None)
    return _Reader(paths).board()


# ---------------------------------------------------------------- the .mk text


def to_mk(board: Board, name: str, lines: int, max_irq: int, paddr_bits: int = 40, page: int = 0x1000,
          group1: str | None = None) -> str:
    """The platform as a reviewable .mk file: deterministic, each item with its node path."""
    from checker.words import hexaddr as _hex
    out = [f"// {board.name}: imported by `pcheck import dts` from {', '.join(board.files)}.",
           "// Every item names the device-tree node it comes from; review it before use.",
           "// lines and max_irq are not in a device tree: they were given on the command line."]
    for note in board.notes:
        out.append(f"// note: {note.message}")
    out += ["", f"platform {name} {{", f"    paddr_bits {paddr_bits}", f"    page {_hex(page)}", f"    max_irq {max_irq}", ""]
    v2 = board.gic.version == 2
    for n, c in enumerate(board.cpus):
        out.append(f"    cpu {c.name} mpidr {_hex(c.mpidr)}" + (f" gic_cpu {n}" if v2 else "") + f"   // {c.path}")
    out.append("")
    for m in board.memory:
        out.append(f"    memory {m.name} at {_hex(m.base)} size {_hex(m.size)}   // {m.path}")
    for h in board.holes:
        out.append(f"    reserved {h.name} at {_hex(h.base)} size {_hex(h.size)}   // {h.path} (no-map)")
    g = board.gic
    out += ["", f"    gic v{g.version} {{   // {g.distributor.path}",
            f"        distributor at {_hex(g.distributor.base)} size {_hex(g.distributor.size)}"]
    if g.cpu_interface is not None:
        out.append(f"        cpu_interface at {_hex(g.cpu_interface.base)} size {_hex(g.cpu_interface.size)}")
    if g.redistributors is not None:
        out.append(f"        redistributors at {_hex(g.redistributors.base)} stride {_hex(g.stride)}")
    out.append(f"        lines {lines}")
    if group1 is not None and g.version == 3:
        out.append(f"        group1 {group1}")
    out += ["    }", ""]
    width = max((len(d.name) for d in board.devices), default=0)
    for d in board.devices:
        irqs = ", ".join(f"{i.kind} {i.number}" + (f" {i.trigger}" if i.trigger else "") for i in d.irqs)
        line = f"    device {d.name:<{width}} at {_hex(d.base)} size {_hex(d.size)}" + (f" irq {irqs}" if irqs else "")
        line += f"   // {d.path}" + (" (status disabled: still in device untypeds)" if d.disabled else "")
        out.append(line)
    out.append("}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- `platform NAME from dts "..." { ... }`


def expand(p, directory: str):
    """A `platform ... from dts` block as the platform block it stands for: the device tree's
    cpus, banks, holes, GIC and devices, each located in its DTS file, with the block's own
    items over them (`lines`, `max_irq`, `paddr_bits`, `page`, `group1`; a `cpu NAME mpidr N`
    that corrects an imported cpu; extra `reserved`, `memory` and `device` items).

    Returns (the expanded PlatformAst or None, the DTS texts by the paths spans use, diagnostics).
    """
    from attrs import evolve

    from checker import ast
    from checker.diagnostics import error

    diags = []
    paths = [os.path.normpath(os.path.join(directory, path)) for path in p.dts.paths]
    try:
        reader = _Reader(paths)
        board = reader.board()
    except DtsError as exc:
        span = exc.span or p.dts.span
        return None, excerpt_texts(paths, span), [error(exc.code, exc.message, span)]
    texts = {reader.shown.get(real, real): text for real, text in reader.texts.items()}
    if p.gics:
        diags.append(error("E305", "a platform from dts takes its GIC from the device tree; write `lines` and `group1` "
                                   "in the platform block, not a `gic` block", p.gics[0].span))
    fields = {f.field: f for f in p.gic_fields}
    settings = {s.key for s in p.settings}
    missing = []
    if "lines" not in fields:
        missing.append("`lines N` (the INTIDs the GIC implements, 32 x (GICD_TYPER.ITLinesNumber + 1))")
    if "max_irq" not in settings:
        missing.append("`max_irq N` (seL4's maxIRQ, `MAX_IRQ` in `src/plat/<platform>/config.cmake`)")
    if missing:
        diags.append(error("E304", f"platform '{p.name.text}' from dts needs {' and '.join(missing)}: a device tree "
                                   "does not say it", p.name.span))

    def num(value: int, span: Span) -> ast.Number:
        return ast.Number(value, span)

    def region(base: int, size: int, span: Span) -> ast.RegionAst:
        return ast.RegionAst(num(base, span), num(size, span), span)

    cpus = []
    overrides = {c.name.text: c for c in p.cpus}
    imported = {c.name for c in board.cpus}
    for c in p.cpus:
        if c.name.text not in imported:
            diags.append(error("E201", f"'{c.name.text}' is not a cpu of the device tree; its cpus are "
                                       f"{', '.join(sorted(imported))}", c.name.span))
    for n, c in enumerate(board.cpus):
        if c.name in overrides:
            o = overrides[c.name]
            gic_cpu = o.gic_cpu if o.gic_cpu is not None else (num(n, c.span) if board.gic.version == 2 else None)
            cpus.append(evolve(o, gic_cpu=gic_cpu))
            continue
        gic_cpu = num(n, c.span) if board.gic.version == 2 else None
        cpus.append(ast.CpuAst(ast.Name(c.name, c.span), num(c.mpidr, c.span), gic_cpu, c.span))
    banks = [ast.BankAst("memory", ast.Name(m.name, m.span), region(m.base, m.size, m.span), m.span) for m in board.memory]
    banks += [ast.BankAst("reserved", ast.Name(h.name, h.span), region(h.base, h.size, h.span), h.span) for h in board.holes]
    banks += list(p.banks)
    g = board.gic
    gic_fields = [ast.GicField("distributor", region(g.distributor.base, g.distributor.size, g.distributor.span), None, None, None,
                               g.distributor.span)]
    if g.cpu_interface is not None:
        gic_fields.append(ast.GicField("cpu_interface", region(g.cpu_interface.base, g.cpu_interface.size, g.cpu_interface.span),
                                       None, None, None, g.cpu_interface.span))
    if g.redistributors is not None:
        gic_fields.append(ast.GicField("redistributors", None, num(g.redistributors.base, g.redistributors.span),
                                       num(g.stride, g.span), None, g.redistributors.span))
    gic_fields += [f for f in p.gic_fields]
    gic = ast.GicAst(ast.Name(f"v{g.version}", g.span), tuple(gic_fields), g.span)
    devices = [ast.DeviceAst(ast.Name(d.name, d.span), region(d.base, d.size, d.span),
                             tuple(ast.IrqAst(i.kind, num(i.number, i.span), i.trigger, i.span) for i in d.irqs), d.span)
               for d in board.devices]
    devices += list(p.devices)
    expanded = evolve(p, cpus=tuple(cpus), banks=tuple(banks), gics=(gic,), devices=tuple(devices), gic_fields=(),
                      dts=evolve(p.dts, paths=tuple(paths)))
    return expanded, texts, diags


# ---------------------------------------------------------------- what `pcheck build`'s overlays need


@frozen
class BaseTree:
    """What an overlay for a base device tree must know of it (checker/build/overlay.py)."""

    files: tuple[str, ...]
    memory_nodes: tuple[str, ...]  # paths of every device_type = "memory" node
    address_cells: int  # the root's
    size_cells: int
    reserved_cells: tuple[int, int] | None  # an existing /reserved-memory's, None if there is none
    kernel_devices: tuple[str, ...]  # /chosen seL4,kernel-devices, as written
    elfloader_devices: tuple[str, ...]  # /chosen seL4,elfloader-devices, as written


def base_tree(paths: Sequence[str]) -> BaseTree:
    reader = _Reader(paths)
    root = reader.tree.root
    memory = tuple(n.path for n in reader.tree.node_iter() if _string(n, "device_type") == "memory")
    reserved = root.nodes.get("reserved-memory")
    chosen = root.nodes.get("chosen")

    def strings(name: str) -> tuple[str, ...]:
        prop = chosen.props.get(name) if chosen is not None else None
        return tuple(s.decode("utf-8", "replace") for s in prop.value.split(b"\0") if s) if prop is not None else ()

    return BaseTree(tuple(paths), memory, reader.address_cells(root), reader.size_cells(root),
                    (reader.address_cells(reserved), reader.size_cells(reserved)) if reserved is not None else None,
                    strings("seL4,kernel-devices"), strings("seL4,elfloader-devices"))
