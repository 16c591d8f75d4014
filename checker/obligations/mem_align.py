"""MEM-ALIGN: RAM slices and shared regions start and end on page boundaries.

Instances: every RAM slice and shared region. Base and size are the spec's
own numbers, so each instance is decided by facts (lemma: concrete
arithmetic): the remainders base % page and size % page must be 0.
Devices may be smaller than a page: they are mapped as the pages they touch
(MEM-EXPOSE), so they are not instances here.
Model: `model/monitors/mem_align.py` (region-misaligned).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.lemmas import CONCRETE
from checker.obligations.base import Entry, Facts, Failure, Instance, Obligation
from checker.regions import RAM, SHARED, Owned, family_regions
from checker.result import Place
from checker.spec import Spec
from checker.words import hexaddr, region_words, size_words

if TYPE_CHECKING:
    from checker.encode import Session

ENTRY = Entry(
    "MEM-ALIGN",
    "RAM and shared regions are page aligned",
    "Every kernel RAM slice and shared region has a base and size that are multiples of the page "
    "granule (devices may be smaller than a page; they are mapped as the pages they touch).",
    "the region and its misalignment",
    ("Round the base down and the size up to the platform's `page` (default 4K).",),
    family="memory",
)


@frozen
class Misaligned:
    owned: Owned
    page: int
    base_offset: int
    size_offset: int


class MemAlign(Obligation[Owned, Misaligned]):
    entry = ENTRY

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[Owned]]:
        return [Instance(o.region.name, o.region.span, o) for o in session.once(family_regions, spec) if o.kind in (RAM, SHARED)]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[Owned]]) -> list[Facts]:
        page = spec.platform.page
        out = []
        for instance in instances:
            r = instance.item.region
            w = Misaligned(instance.item, page, r.base % page, r.size % page)
            out.append(Facts(CONCRETE, (w,) if w.base_offset or w.size_offset else ()))
        return out

    def failure(self, spec: Spec, w: Misaligned) -> Failure:
        r, page = w.owned.region, w.page
        problems = []
        if w.base_offset:
            problems.append(f"base {hexaddr(r.base)} is {hexaddr(w.base_offset)} past a {size_words(page)} page boundary")
        if w.size_offset:
            problems.append(f"size {hexaddr(r.size)} is not a multiple of {size_words(page)} ({hexaddr(w.size_offset)} over)")
        cex = {"region": r.name, "page": page, "base": r.base, "size": r.size, "base_offset": w.base_offset, "size_offset": w.size_offset}
        return Failure(r.name, f"{region_words(r)}: " + "; ".join(problems), r.span, cex, (Place(r.name, r.span),))

    def expected(self, spec: Spec, w: Misaligned) -> dict[str, Any]:
        return {"kind": "region-misaligned", "region": w.owned.region.name, "base_offset": w.base_offset, "size_offset": w.size_offset}

    def proved(self, spec: Spec, instance: Instance[Owned]) -> str:
        return f"{instance.subject} is {size_words(spec.platform.page)}-page aligned"


OBLIGATION = MemAlign()
