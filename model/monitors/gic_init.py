"""GIC-INIT: the distributor is initialised exactly once, before any kernel
relies on it, and no kernel resets distributor-wide state under another.

Violation kinds (after every step):

* ``dist-clobber`` (clobber_monitor): a kernel wrote distributor-wide state
  (GICD_CTLR, any write of its dist_init, or a boot-time mask of an SPI it
  does not own) while another kernel is live. At most one per step, for the
  first such write. Details: ``kernel``, ``core``, ``register``, ``value``,
  ``activity`` (the driver activity that wrote it, e.g. ``dist_init``),
  ``live`` (the other live kernels, sorted).
* ``dist-init`` (init_monitor, at Boot steps): ``problem`` is ``twice``
  (the distributor is initialised a second time), ``uninitialised`` (a
  kernel came up before anyone initialised it) or ``never`` (every kernel
  that can boot has booted and nobody initialised it); each reported once.
  Details: ``problem``, ``kernel`` (None for ``never``), ``initialisers``
  (who reset the distributor so far, the loader included).
"""

from __future__ import annotations

from model.scenario import Boot
from model.trace import RegAccess, Violation

__all__ = ["clobber_monitor", "init_monitor"]


def clobber_monitor(machine, index, step, events, live) -> list[Violation]:
    """dist-clobber: a distributor-wide write while another kernel is live."""
    for event in events:
        if not (isinstance(event, RegAccess) and event.op == "W" and event.register.startswith("GICD_")):
            continue
        if event.actor not in machine.kernels:
            continue
        if event.register != "GICD_CTLR" and event.activity != "dist_init" and not _masks_foreign(machine, event):
            continue
        others = tuple(sorted(live - {event.actor}))
        if others:
            return [Violation(
                "dist-clobber", index,
                f"{event.actor} wrote {event.register} := {event.value:#x} while {', '.join(others)} "
                f"{'is' if len(others) == 1 else 'are'} live",
                {"kernel": event.actor, "core": event.core, "register": event.register,
                 "value": event.value, "activity": event.activity, "live": others})]
    return []


def _masks_foreign(machine, event: RegAccess) -> bool:
    """A boot-time mask (init_irqs) of a kernel that masks every line, disabling an SPI it does not
    own. The fork's mask of INTID 32 on every kernel (`boot_mask primary` off node 0) is not
    distributor-wide: IRQ-ROUTE judges it for the SPI's owner."""
    if event.activity != "init_irqs" or not event.register.startswith("GICD_ICENABLER["):
        return False
    if not machine.kernels[event.actor].masks_every_line:
        return False
    word = int(event.register[len("GICD_ICENABLER["):-1])
    own = _own_spis(machine.config, event.actor)
    return any(event.value >> bit & 1 and 32 * word + bit >= 32 and 32 * word + bit not in own for bit in range(32))


def _own_spis(config, kernel: str) -> frozenset[int]:
    """The INTIDs a kernel lists among its SPIs (computed once per configuration)."""
    table = config.derived("own-spis", lambda: {})
    own = table.get(kernel)
    if own is None:
        own = table[kernel] = frozenset(intid for intid, _ in config.kernel(kernel).spis)
    return own


def init_monitor(machine, index, step, events, live) -> list[Violation]:
    """dist-init: a kernel boots before the distributor was initialised, it is
    initialised a second time, or every kernel has booted and nobody did."""
    if not isinstance(step, Boot):
        return []
    state = machine.monitor
    if machine.config.loader_gic_init and "loader" not in state.initialisers:
        state.initialisers.append("loader")
    reset = any(
        isinstance(e, RegAccess) and e.op == "W" and e.register == "GICD_CTLR" and e.activity == "dist_init"
        and e.actor == step.kernel for e in events
    )
    found = []
    if reset:
        state.initialisers.append(step.kernel)
        if len(state.initialisers) == 2 and state.once(("dist-init", "twice")):
            found.append(Violation("dist-init", index, f"the distributor is initialised a second time, by {step.kernel} "
                                   f"(first by {state.initialisers[0]})",
                                   {"problem": "twice", "kernel": step.kernel, "initialisers": tuple(state.initialisers)}))
    # A kernel that did not come up (no core to boot on, or halted in its boot) takes no
    # interrupts, so it boots before nothing; and "every kernel has booted" means every kernel
    # that can. A coreless kernel used to count as booting uninitialised (found by the
    # differential test; GIC-INIT's encoding leaves coreless kernels out).
    # A `dist_init check` kernel that halted in dist_init found it uninitialised too.
    kernel = machine.kernels[step.kernel]
    came_up = kernel.booted or kernel.halted_uninitialised
    bootable = machine.config.derived("bootable", lambda: frozenset(k.name for k in machine.config.kernels if k.cores))
    if came_up and not reset and not state.initialisers and state.once(("dist-init", "uninitialised", step.kernel)):
        what = "halts in dist_init: it boots" if kernel.halted_uninitialised else "boots"
        found.append(Violation("dist-init", index, f"{step.kernel} {what} before anyone initialised the distributor",
                               {"problem": "uninitialised", "kernel": step.kernel, "initialisers": ()}))
    # "never": every kernel that can boot has tried (it came up, or halted at boot), at least one
    # came up or halted for want of an initialised distributor, and nobody initialised it.
    tried = frozenset(name for name, k in machine.kernels.items() if k.booted or k.halted)
    needy = machine.live() or any(k.halted_uninitialised for k in machine.kernels.values())
    if (not state.initialisers and tried >= bootable and needy
            and state.once(("dist-init", "never"))):
        found.append(Violation("dist-init", index, "every kernel has booted and nobody initialised the distributor",
                               {"problem": "never", "kernel": None, "initialisers": ()}))
    return found
