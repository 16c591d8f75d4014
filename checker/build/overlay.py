"""`<kernel>/overlay.dts`: the kernel's RAM as seL4's build reads it, appended to the base DTS.

seL4's CMake appends the text of the base DTS, the platform's overlays and
`KernelCustomDTSOverlay` into one file and compiles it with dtc; so this overlay has no
`/dts-v1/`, and reaches base nodes by path (`&{/memory@0}`). It deletes every memory node
of the base, adds one `memory@BASE` node with the kernel's RAM slices in the root's cell
sizes, a `reserved-memory` node (with explicit cells and `ranges` when the base has none;
the base's cells when it has one) with a `no-map` child for each hole inside the kernel's
slices, and restates `/chosen` `seL4,kernel-devices` and `seL4,elfloader-devices`.

What an overlay cannot do on upstream seL4: the kernel turns everything that is neither its
RAM nor a kernel device into device untypeds for its root task, other kernels' RAM, holes
and shared regions included (MEM-EXPOSE under `device_untypeds all`). Keeping kernels apart
needs the multikernel loader's reserved regions (`boot.json`), which get no untypeds.
"""

from __future__ import annotations

import os

from checker.build import ALIGN_2M, Stamp, align_up
from checker.dts import BaseTree
from checker.spec import Kernel, Spec
from checker.words import hexaddr

__all__ = ["overlay"]


def _cells(value: int, count: int) -> list[str]:
    return [f"0x{(value >> (32 * (count - 1 - i))) & 0xFFFF_FFFF:x}" for i in range(count)]


def _reg(regions, address_cells: int, size_cells: int) -> str:
    """`reg` cells for (base, size) regions. A size the root's #size-cells cannot hold (4 GiB with
    one cell, as on the Raspberry Pi 4) is written as several tuples, which seL4 merges again."""
    largest = 1 << (32 * size_cells - 1)
    tuples = []
    for base, size in regions:
        if base >> (32 * address_cells):
            raise ValueError(f"address {hexaddr(base)} does not fit the root's #address-cells <{address_cells}>")
        while size > 0:
            part = min(size, largest)
            tuples.append(" ".join(_cells(base, address_cells) + _cells(part, size_cells)))
            base, size = base + part, size - part
    return " ".join(tuples)


def _strings(items) -> str:
    return ", ".join(f'"{item}"' for item in items)


def overlay(spec: Spec, kernel: Kernel, base: BaseTree, stamp: Stamp) -> tuple[str, list[str]]:
    """The overlay text, and the notes to show (a first slice that is not 2 MiB aligned)."""
    notes = []
    lines = ["/*"] + [f" * {line}" for line in stamp.lines()] + [
        f" * Kernel {kernel.name}: append this file to {', '.join(os.path.basename(f) for f in base.files)}, as seL4's CMake appends",
        " * KernelCustomDTSOverlay, so that seL4 sees this kernel's RAM and no other.",
        " *",
        " * What an overlay cannot do on upstream seL4: everything that is neither this kernel's RAM",
        " * nor a kernel device (other kernels' RAM, holes, shared regions) still becomes device untyped",
        " * for its root task. Only the multikernel loader's reserved regions (boot.json) keep kernels",
        " * apart; pcheck's `device_untypeds all` profiles fail MEM-EXPOSE for exactly this.",
    ]
    if kernel.ram and kernel.ram[0].base % ALIGN_2M:
        first = kernel.ram[0]
        load = align_up(first.base, ALIGN_2M)
        why = (f"kernel {kernel.name}'s first RAM slice {first.name} starts at {hexaddr(first.base)}, not on 2 MiB: seL4 loads "
               f"its image at {hexaddr(load)} and the {hexaddr(load - first.base)} bytes below become device untyped")
        notes.append(why)
        lines.append(f" * Note: {why}.")
    lines += [" */", "", "/ {"]
    deletions = [f"/delete-node/ &{{{path}}};" for path in base.memory_nodes]
    ram = sorted((r.base, r.size) for r in kernel.ram)
    if ram:
        lines += [f"\tmemory@{ram[0][0]:x} {{", '\t\tdevice_type = "memory";',
                  f"\t\treg = <{_reg(ram, base.address_cells, base.size_cells)}>;", "\t};"]
    holes = [h for h in spec.platform.reserved if any(h.base < r.end and r.base < h.end for r in kernel.ram)]
    cells = base.reserved_cells or (base.address_cells, base.size_cells)
    if holes or base.reserved_cells is None:
        lines += ["", "\treserved-memory {"]
        if base.reserved_cells is None:
            lines += [f"\t\t#address-cells = <{cells[0]}>;", f"\t\t#size-cells = <{cells[1]}>;", "\t\tranges;"]
        for h in holes:
            lines += [f"\t\t{_node_name(h.name)}@{h.base:x} {{", f"\t\t\treg = <{_reg([(h.base, h.size)], *cells)}>;",
                      "\t\t\tno-map;", "\t\t};"]
        lines.append("\t};")
    if base.kernel_devices or base.elfloader_devices:
        lines += ["", "\tchosen {"]
        if base.kernel_devices:
            lines.append(f"\t\tseL4,kernel-devices = {_strings(base.kernel_devices)};")
        if base.elfloader_devices:
            lines.append(f"\t\tseL4,elfloader-devices = {_strings(base.elfloader_devices)};")
        lines.append("\t};")
    lines.append("};")
    # Deletions come first, at the top level, by path: the new memory node may have a base's name.
    return "\n".join(lines[: lines.index("/ {")] + deletions + [""] + lines[lines.index("/ {"):]) + "\n", notes


def _node_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in ",._+-" else "-" for c in name) or "hole"
