"""The obligations, one module each, in catalogue order; importing this loads neither z3 nor lark.

Each module `checker/obligations/<id>.py` (MEM-BOUNDS is `mem_bounds.py`)
holds one obligation: its catalogue entry, instances, facts and lemmas, its
query, witness, model scenario and expected model violation, behind the
interface of `base.py`. Shared encodings: `boot_order.py` (symbolic boot
orders: GIC-INIT, IRQ-ROUTE) and `sgi.py` (SGI register writes: IPI-TARGET,
IPI-UNIQUE). The model side of each is `model/monitors/<id>.py`, its tests
`tests/obligations/test_<id>.py`.
"""

from __future__ import annotations

from checker.obligations import (
    cpu_excl, cpu_ident, dev_excl, gic_init, ipi_cap, ipi_mailbox, ipi_range, ipi_smp, ipi_target, ipi_unique,
    irq_excl, irq_range, irq_route, irq_trigger, mem_align, mem_bounds, mem_disjoint, mem_expose, queue_access,
    queue_doorbell, queue_index, rpc_proxy, sgi_budget,
)
from checker.obligations.base import Entry, Obligation

# Catalogue order: the order results, `pcheck list` and the README use.
OBLIGATIONS: tuple[Obligation, ...] = (
    mem_bounds.OBLIGATION,
    mem_align.OBLIGATION,
    mem_disjoint.OBLIGATION,
    mem_expose.OBLIGATION,
    cpu_excl.OBLIGATION,
    cpu_ident.OBLIGATION,
    dev_excl.OBLIGATION,
    irq_excl.OBLIGATION,
    irq_range.OBLIGATION,
    irq_route.OBLIGATION,
    irq_trigger.OBLIGATION,
    gic_init.OBLIGATION,
    ipi_range.OBLIGATION,
    ipi_cap.OBLIGATION,
    ipi_target.OBLIGATION,
    ipi_unique.OBLIGATION,
    ipi_mailbox.OBLIGATION,
    ipi_smp.OBLIGATION,
    sgi_budget.OBLIGATION,
    rpc_proxy.OBLIGATION,
    queue_access.OBLIGATION,
    queue_doorbell.OBLIGATION,
    queue_index.OBLIGATION,
)

REGISTRY: dict[str, Obligation] = {ob.id: ob for ob in OBLIGATIONS}
CATALOGUE: tuple[Entry, ...] = tuple(ob.entry for ob in OBLIGATIONS)
BY_ID: dict[str, Entry] = {e.id: e for e in CATALOGUE}
OBLIGATION_IDS: tuple[str, ...] = tuple(BY_ID)

__all__ = ["BY_ID", "CATALOGUE", "OBLIGATIONS", "OBLIGATION_IDS", "REGISTRY", "Entry", "Obligation"]
