"""Boot orders, symbolically: what each kernel does to the shared distributor at boot.

Every kernel k gets an integer position pos_k. Constrained to 0 <= pos_k < n
and pairwise distinct, the positions range over exactly the n! boot orders, so
a satisfiable violation is a real boot order and an unsatisfiable one holds
for all of them; a `boot order` line fixes the positions instead. The query
size is linear in the number of kernels (plus z3's Distinct), never n!.

What a boot does follows seL4 (see the README's profile table):
- it initialises the distributor when its profile says `dist_init always`, or
  `dist_init first` and nothing initialised the distributor before it (no
  loader `gic_init`, and no kernel that could initialise booted earlier);
- a distributor reset disables every SPI and routes every SPI to the booting
  core; `boot_mask all` also disables every SPI (one ICENABLER bit each).
"""

from __future__ import annotations

import z3

from checker.encode import Session
from checker.spec import Kernel, Spec

NEVER = -1  # the time of an event that does not happen


class BootOrder:
    """Position variables for one query, and the boot behaviour they imply."""

    def __init__(self, s: Session, spec: Spec) -> None:
        self.s = s
        self.spec = spec
        self.kernels = spec.kernels
        n = len(self.kernels)
        self.pos = {k.name: s.int_var(f"pos_{k.name}") for k in self.kernels}
        if spec.boot_order is not None:
            fixed = {k.name: i for i, k in enumerate(spec.boot_order)}
            parts = [self.pos[name] == s.int_num(fixed[name]) for name in self.pos]
        else:
            parts = [z3.And(p >= 0, p < n) for p in self.pos.values()]
            if n > 1:
                parts.append(z3.Distinct(*self.pos.values()))
        self.initialisers = [k for k in self.kernels if k.profile.dist_init in ("always", "first")]
        self.earliest = s.int_var("earliest_initialiser")
        if self.initialisers:
            parts += [self.earliest <= self.pos[k.name] for k in self.initialisers]
            parts.append(s.any_of(self.earliest == self.pos[k.name] for k in self.initialisers))
        self.constraint = s.all_of(parts)

    def may_initialise(self, k: Kernel) -> bool:
        """Whether some boot order has k reset the distributor (decided from its profile alone)."""
        mode = k.profile.dist_init
        return mode == "always" or (mode == "first" and not self.spec.loader_gic_init)

    def may_disable(self, k: Kernel) -> bool:
        return k.profile.boot_mask == "all" or self.may_initialise(k)

    def initialises(self, k: Kernel) -> z3.BoolRef:
        """k's boot resets the distributor."""
        mode = k.profile.dist_init
        if mode == "always":
            return self.s.true()
        if mode == "first":
            # GICD_CTLR is still disabled only if no loader and no earlier initialiser.
            return z3.And(z3.BoolVal(not self.spec.loader_gic_init, self.s.ctx), self.pos[k.name] == self.earliest)
        return self.s.false()

    def disables_spis(self, k: Kernel) -> z3.BoolRef:
        """k's boot disables SPIs it does not own (a reset, or masking every line)."""
        if k.profile.boot_mask == "all":
            return self.s.true()
        return self.initialises(k)

    def boot_time(self, k: Kernel) -> z3.ArithRef:
        """Kernel k boots at time 2*pos+1 and its root task acquires its SPIs at 2*pos+2."""
        return 2 * self.pos[k.name] + 1

    def acquire_time(self, k: Kernel) -> z3.ArithRef:
        return 2 * self.pos[k.name] + 2

    def latest(self, name: str, timed: list[tuple[z3.BoolRef, z3.ArithRef]]) -> tuple[z3.ArithRef, z3.BoolRef]:
        """A variable equal to the latest time among the events that happen (NEVER if none)."""
        m = self.s.int_var(name)
        times = [z3.If(happens, t, self.s.int_num(NEVER)) for happens, t in timed] + [self.s.int_num(NEVER)]
        return m, self.s.all_of([m >= t for t in times] + [self.s.any_of(m == t for t in times)])

    def order(self, values: dict[str, int]) -> list[str]:
        """The boot order a model's position values describe."""
        return [name for name, _ in sorted(((n, values[f"pos_{n}"]) for n in self.pos), key=lambda item: item[1])]

    def reads(self) -> dict[str, z3.ArithRef]:
        return {f"pos_{name}": var for name, var in self.pos.items()}


def boot_initialises(spec: Spec, order: list[str]) -> dict[str, bool]:
    """For a concrete boot order: which kernels reset the distributor (for messages)."""
    done = spec.loader_gic_init
    result = {}
    for name in order:
        mode = spec.kernel(name).profile.dist_init
        result[name] = mode == "always" or (mode == "first" and not done)
        done = done or result[name]
    return result
