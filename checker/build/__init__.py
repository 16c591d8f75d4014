"""What `pcheck build` writes from a proved spec: per-kernel device-tree overlays, the loader's
boot table, per-kernel C headers, and a memory map (SVG, and an HTML report beside it).

    files = build(spec, report, base_dts=("rpi4.dts", ...))   # {relative path: text}

Every file names the spec and a hash of its text in its first lines, and the same spec gives
the same bytes. One module per artefact: `overlay.py`, `boot_table.py`, `header.py`,
`memory_map.py`. Nothing here prints or writes files: the CLI does.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence

from checker.data import frozen
from checker.result import FAILED, INTERNAL_ERROR, UNKNOWN, Report
from checker.spec import Spec

__all__ = ["Build", "Stamp", "build", "stamp_of", "not_proved"]

ALIGN_2M = 0x20_0000  # seL4's kernel image is loaded at its first RAM region rounded up to 2 MiB


@frozen
class Stamp:
    """What every written file says about where it comes from."""

    spec: str  # the spec's file name
    sha256: str  # of the spec's text and every file it includes (paths relative to it)
    proved: bool  # False: written with --force from a spec that did not prove

    def lines(self) -> list[str]:
        out = [f"Written by `pcheck build` from {self.spec} (sha256 {self.sha256}).",
               "Do not edit: change the spec and build again."]
        if not self.proved:
            out.insert(0, "NOT PROVED: written with --force from a spec whose check did not pass; do not boot this.")
        return out


@frozen
class Build:
    files: dict  # relative path -> text, in a fixed order
    notes: tuple[str, ...]


def stamp_of(spec: Spec, report: Report) -> Stamp:
    root = os.path.dirname(spec.path)
    digest = hashlib.sha256()
    for path in sorted(spec.sources, key=lambda p: os.path.relpath(p, root)):
        digest.update(os.path.relpath(path, root).encode() + b"\0" + spec.sources[path].encode() + b"\0")
    return Stamp(os.path.basename(spec.path), digest.hexdigest(), not not_proved(report))


def not_proved(report: Report) -> list:
    """The results that keep a spec from being built (failed, unknown, internal errors)."""
    return [r for r in report.results if r.status in (FAILED, UNKNOWN, INTERNAL_ERROR)]


def build(spec: Spec, report: Report, base_dts: Sequence[str] = ()) -> Build:
    """Every artefact of a checked spec. `base_dts`: the base device tree and its overlays, for
    the per-kernel overlays (default: the platform's own, for a platform `from dts`)."""
    from checker.build import boot_table, header, memory_map, overlay
    from checker.dts import base_tree

    stamp = stamp_of(spec, report)
    files: dict[str, str] = {}
    notes: list[str] = []
    base = tuple(base_dts) or spec.platform.dts
    if base:
        tree = base_tree(base)
        for kernel in spec.kernels:
            text, found = overlay.overlay(spec, kernel, tree, stamp)
            files[f"{kernel.name}/overlay.dts"] = text
            notes += found
    else:
        notes.append("no device tree is known for this platform (a platform `from dts`, or `--dts BASE.dts ...`): "
                     "no per-kernel overlays were written")
    files["boot.json"] = boot_table.to_json(spec, stamp)
    files["boot_table.h"] = boot_table.to_header(spec, stamp)
    for kernel in spec.kernels:
        files[f"{kernel.name}/pcheck_system.h"] = header.header(spec, kernel, stamp)
    files["memory-map.svg"] = memory_map.svg(spec, report, stamp)
    files["report.html"] = memory_map.html(spec, report, stamp)
    return Build(files, tuple(notes))


def align_up(value: int, alignment: int) -> int:
    return -(-value // alignment) * alignment
