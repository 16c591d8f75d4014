"""The spec's regions as one list, with their kind and owner, and the pages a region touches.

Pure Python, no solver: the memory obligations build their queries from
this list and name the regions a model points at.
"""

from __future__ import annotations

from typing import Any

from checker.data import frozen
from checker.spec import Region, Spec

RAM = "ram"  # a kernel's RAM slice
SHARED = "shared"
DEVICE = "device"
GIC = "gic"


@frozen
class Owned:
    """A region with what it is and who owns it (a kernel name, or None for the platform)."""

    region: Region
    kind: str
    owner: str | None
    order: int  # declaration order, for stable subjects

    @property
    def span(self) -> tuple[int, int]:
        """[base, end) of the region."""
        return self.region.base, self.region.end


def all_regions(spec: Spec) -> list[Owned]:
    """Devices, GIC frames, kernel RAM slices and shared regions, in declaration order."""
    out: list[Owned] = []

    def add(region: Region, kind: str, owner: str | None) -> None:
        out.append(Owned(region, kind, owner, len(out)))

    first_owner: dict[str, str] = {}
    for kernel in spec.kernels:
        for dev in kernel.devices:
            first_owner.setdefault(dev.name, kernel.name)
    for dev in spec.platform.devices:
        add(dev.region, DEVICE, first_owner.get(dev.name))
    for frame in spec.platform.gic.frames:
        add(frame, GIC, None)
    for kernel in spec.kernels:
        for slice_ in kernel.ram:
            add(slice_, RAM, kernel.name)
    for shared in spec.shared:
        add(shared.region, SHARED, None)
    return out


def family_regions(spec: Spec, session: Any) -> list[Owned]:
    """`all_regions`, in the form `Session.once` takes: the memory family computes it once per spec."""
    return all_regions(spec)


def page_span(region: Region, page: int) -> tuple[int, int]:
    """The whole pages a region touches: [base rounded down, end rounded up)."""
    start = region.base - region.base % page
    end = region.end + (-region.end) % page
    return start, end
