"""`<kernel>/pcheck_system.h`: what a kernel's root task (or protection domains) needs to use
the partition that was proved, as C constants.

For each channel it sends on: the SGI, the raw target to pass to
`seL4_IRQControl_IssueSGISignal` (`checker.spec.default_target`, or the spec's own `target`),
and the mailbox's address and tag. For each channel it receives: the SGI and the mailbox.
Its shared regions with base, size and rights; its SPIs (INTIDs) with their trigger.
"""

from __future__ import annotations

import re

from checker.build import Stamp
from checker.spec import Kernel, Spec, default_target

__all__ = ["c_name", "comment", "header"]


def c_name(name: str) -> str:
    """A spec name as part of a C identifier (`-` and `.` become `_`)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def comment(lines: list[str]) -> str:
    return "/*\n" + "".join(f" * {line}\n" for line in lines) + " */"


def header(spec: Spec, kernel: Kernel, stamp: Stamp) -> str:
    out = [comment(stamp.lines() + [f"Kernel {kernel.name}: its channels, shared regions and SPIs."]), "#pragma once", ""]
    defined: set[str] = set()

    def define(name: str, value: str, note: str = "") -> None:
        macro = f"PCHECK_{name.upper()}"
        n = 2
        while macro in defined:  # two spec names that give one C name
            macro = f"PCHECK_{name.upper()}_{n}"
            n += 1
        defined.add(macro)
        out.append(f"#define {macro} {value}" + (f"  /* {note} */" if note else ""))

    define("kernel_name", f'"{kernel.name}"')
    for c in spec.channels:
        if c.sender.name == kernel.name:
            target = c.target if c.target is not None else default_target(spec, c)
            out.append(f"\n/* channel {c.name}: {kernel.name} -> {c.receiver.name} */")
            define(f"send_{c_name(c.name)}_sgi", str(c.sgi))
            if target is not None:
                define(f"send_{c_name(c.name)}_target", f"0x{target:x}", "the target for seL4_IRQControl_IssueSGISignal")
            if c.mailbox is not None:
                define(f"send_{c_name(c.name)}_mailbox", f"0x{c.mailbox.region.base:x}ULL", f"shared region {c.mailbox.name}")
                define(f"send_{c_name(c.name)}_tag", str(c.tag if c.tag is not None else 0))
        if c.receiver.name == kernel.name:
            out.append(f"\n/* channel {c.name}: {c.sender.name} -> {kernel.name} */")
            define(f"recv_{c_name(c.name)}_sgi", str(c.sgi))
            if c.mailbox is not None:
                define(f"recv_{c_name(c.name)}_mailbox", f"0x{c.mailbox.region.base:x}ULL", f"shared region {c.mailbox.name}")
                define(f"recv_{c_name(c.name)}_tag", str(c.tag if c.tag is not None else 0))
    for s in spec.shared:
        mode = s.mode_of(kernel.name)
        if mode is None:
            continue
        out.append(f"\n/* shared region {s.name} ({mode}) */")
        define(f"shared_{c_name(s.name)}_base", f"0x{s.region.base:x}ULL")
        define(f"shared_{c_name(s.name)}_size", f"0x{s.region.size:x}ULL")
        define(f"shared_{c_name(s.name)}_writable", "1" if mode == "rw" else "0")
    spis = [(d.name, i) for d in kernel.devices for i in d.irqs if i.is_spi] + [("irq", i) for i in kernel.irqs if i.is_spi]
    if spis:
        out.append("\n/* SPIs: INTID, and 1 for edge-triggered, 0 for level (or not given) */")
    for owner, irq in spis:
        define(f"spi_{c_name(owner)}_{irq.intid - 32}_intid", str(irq.intid))
        define(f"spi_{c_name(owner)}_{irq.intid - 32}_edge", "1" if irq.trigger == "edge" else "0")
    return "\n".join(out) + "\n"
