"""The obligations, one module per family; importing this registers them all.

Where each obligation is encoded:
  memory.py  MEM-BOUNDS, MEM-ALIGN, MEM-DISJOINT, MEM-EXPOSE
  cpu.py     CPU-EXCL, CPU-IDENT
  device.py  DEV-EXCL
  irq.py     IRQ-EXCL, IRQ-RANGE
  irq.py     also IRQ-TRIGGER
  gic.py     GIC-INIT, IRQ-ROUTE (boot orders: boot.py)
  ipi.py     IPI-RANGE, IPI-CAP, IPI-TARGET, IPI-UNIQUE, IPI-MAILBOX
"""

from checker.obligations import cpu, device, gic, ipi, irq, memory  # noqa: F401  (registration)
from checker.obligations.base import REGISTRY, Obligation
from checker.catalogue import BY_ID, CATALOGUE, OBLIGATION_IDS


def registered() -> list[Obligation]:
    """The implemented obligations in catalogue order."""
    return [REGISTRY[i] for i in OBLIGATION_IDS if i in REGISTRY]


__all__ = ["BY_ID", "CATALOGUE", "OBLIGATION_IDS", "REGISTRY", "Obligation", "registered"]
