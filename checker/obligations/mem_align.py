"""MEM-ALIGN: RAM slices and shared regions start and end on page boundaries,
and every device a kernel owns can be mapped in pages of the platform's size.

Instances: every RAM slice and shared region, then every device some kernel
owns. Base and size are the spec's own numbers, so each instance is decided
by facts (lemma: concrete arithmetic). A region: the remainders base % page
and size % page must be 0. A device may be smaller than a page: it is mapped
as the whole pages it touches (MEM-EXPOSE), and those pages must hold no GIC
kernel frame (`checker.sel4.kernel_frames`): seL4 puts such a 4 KiB frame in
no untyped, so no frame object of the platform's page size can be made over
it, and the root task cannot map the device with that page (a `page 1G`
platform whose device shares a 1G page with the distributor).
Model: `model/monitors/mem_align.py` (region-misaligned, device-page-unmappable).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.lemmas import CONCRETE
from checker.obligations.base import Entry, Facts, Failure, Instance, Obligation
from checker.regions import RAM, SHARED, Owned, family_regions, page_span
from checker.result import Place
from checker.sel4 import kernel_frames
from checker.spec import Device, Region, Spec
from checker.words import at, hexaddr, region_words, size_words

if TYPE_CHECKING:
    from checker.encode import Session

ENTRY = Entry(
    "MEM-ALIGN",
    "RAM and shared regions are page aligned",
    "Every kernel RAM slice and shared region has a base and size that are multiples of the page "
    "granule (devices may be smaller than a page; they are mapped as the pages they touch), and "
    "no page of a kernel's device holds a GIC frame that seL4 keeps for itself.",
    "the region and its misalignment, or the device, its page and the GIC frame in it",
    (
        "Round the base down and the size up to the platform's `page` (default 4K).",
        "A device that shares a page with the GIC cannot be mapped with pages that large: use a smaller "
        "`page` (4K always works: seL4 keeps the GIC's frames in 4 KiB pages of their own).",
    ),
    family="memory",
)


@frozen
class Misaligned:
    owned: Owned
    page: int
    base_offset: int
    size_offset: int


@frozen
class Unmappable:
    """A device whose pages (at the platform's page size) hold a GIC kernel frame."""

    device: Device
    page: int
    pages: tuple[int, int]
    frame: Region


def owned_devices(spec: Spec) -> list[Device]:
    """Every device some kernel owns, once, in platform order."""
    owned = {d.name for k in spec.kernels for d in k.devices}
    return [d for d in spec.platform.devices if d.name in owned]


def unmappable(spec: Spec, device: Device) -> Unmappable | None:
    """The first GIC kernel frame inside the pages of `device`, if any."""
    page = spec.platform.page
    start, end = page_span(device.region, page)
    if device.region.size == 0:
        return None
    frame = next((f for f in kernel_frames(spec) if f.size and f.base < end and start < f.end), None)
    return Unmappable(device, page, (start, end), frame) if frame else None


class MemAlign(Obligation[Owned | Device, Misaligned | Unmappable]):
    entry = ENTRY

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[Owned | Device]]:
        regions = [Instance(o.region.name, o.region.span, o) for o in session.once(family_regions, spec) if o.kind in (RAM, SHARED)]
        return regions + [Instance(d.name, d.span, d) for d in owned_devices(spec)]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[Owned | Device]]) -> list[Facts]:
        page = spec.platform.page
        out = []
        for instance in instances:
            if isinstance(instance.item, Device):
                found = unmappable(spec, instance.item)
                out.append(Facts(CONCRETE, (found,) if found else ()))
                continue
            r = instance.item.region
            w = Misaligned(instance.item, page, r.base % page, r.size % page)
            out.append(Facts(CONCRETE, (w,) if w.base_offset or w.size_offset else ()))
        return out

    def failure(self, spec: Spec, w: Misaligned | Unmappable) -> Failure:
        if isinstance(w, Unmappable):
            return self._unmappable(spec, w)
        r, page = w.owned.region, w.page
        problems = []
        if w.base_offset:
            problems.append(f"base {hexaddr(r.base)} is {hexaddr(w.base_offset)} past a {size_words(page)} page boundary")
        if w.size_offset:
            problems.append(f"size {hexaddr(r.size)} is not a multiple of {size_words(page)} ({hexaddr(w.size_offset)} over)")
        cex = {"region": r.name, "page": page, "base": r.base, "size": r.size, "base_offset": w.base_offset, "size_offset": w.size_offset}
        return Failure(r.name, f"{region_words(r)}: " + "; ".join(problems), r.span, cex, (Place(r.name, r.span),))

    def _unmappable(self, spec: Spec, w: Unmappable) -> Failure:
        d, f, (start, end) = w.device, w.frame, w.pages
        owners = [k for k in spec.kernels if d in k.devices]
        page = size_words(w.page)
        message = (
            f"device {d.name}{at(d.span)} cannot be mapped with {page} pages: its page [{hexaddr(start)}, {hexaddr(end)}) "
            f"holds {f.name}'s kernel frame [{hexaddr(f.base)}, {hexaddr(f.end)}), which seL4 maps for itself and puts "
            f"in no untyped, so no {page} frame can be made there"
        )
        cex = {"device": d.name, "page": w.page, "pages": [start, end], "frame": f.name, "frame_base": f.base, "frame_end": f.end}
        places = (Place(f"device {d.name}", d.span), Place(f.name, f.span)) + tuple(Place(f"kernel {k.name}", k.span) for k in owners)
        return Failure(d.name, message, d.span, cex, places)

    def expected(self, spec: Spec, w: Misaligned | Unmappable) -> dict[str, Any]:
        if isinstance(w, Unmappable):
            return {"kind": "device-page-unmappable", "device": w.device.name, "frame": w.frame.name}
        return {"kind": "region-misaligned", "region": w.owned.region.name, "base_offset": w.base_offset, "size_offset": w.size_offset}

    def proved(self, spec: Spec, instance: Instance[Owned | Device]) -> str:
        if isinstance(instance.item, Device):
            return f"the {size_words(spec.platform.page)} pages of {instance.subject} hold no GIC kernel frame"
        return f"{instance.subject} is {size_words(spec.platform.page)}-page aligned"


OBLIGATION = MemAlign()
