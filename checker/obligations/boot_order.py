"""Boot orders: what each kernel does to the shared distributor at boot (GIC-INIT, IRQ-ROUTE).

What a boot does follows seL4 16.0.0 (see the README's profile table and
`checker/sel4.py` for which kernels boot and come up):
- a kernel boots only if it has a core and its boot core's redistributor is
  found (GICv3); one that does not halts before any distributor write;
- it initialises the distributor when its profile says `dist_init always`,
  or `dist_init first` and nothing initialised the distributor before it (no
  loader `gic_init`, and it is the first initialiser to boot);
- a distributor reset disables every SPI and routes every SPI to the booting
  core; `boot_mask all` also disables every SPI up to maxIRQ, one
  GICD_ICENABLER bit each; `boot_mask primary` (the multikernel fork) does
  that on node 0 only, and disables INTID 32 (SPI 0) on every kernel;
- a `dist_init check` kernel never resets; whether it comes up is a static
  fact (`checker/sel4.py`, `dist_ready`).
`may_initialise`, `may_disable` and `clobbers` read these from the profiles
(lemma: boot behaviour by profile); `simulate` replays one concrete order.

Symbolically (`BootOrder`), every kernel k gets an unconstrained integer
pos_k, and k boots before j iff (pos_k, k's index) < (pos_j, j's index)
lexicographically. Every assignment of the positions therefore describes
exactly one boot order (sort by the pairs), and every boot order is
described by some assignment (its ranks): the queries range over exactly
the n! boot orders with n integer variables and no distinctness
constraint. A `boot order` line fixes the positions. The first kernel to
come up and the first initialiser are symbolic indices, pinned by one
comparison per kernel, so each property has a linear-size encoding.

Interchangeable kernels (lemma: interchangeable kernels). Without a pinned
order, two kernels that behave alike at boot (same `dist_init` and
`boot_mask`, both boot or not, both come up or not, and, for one SPI, the
same relation of their reset's target to its owners) can swap places in any
boot order without changing what the order does to the distributor or to
that SPI. Every violation of GIC-INIT and IRQ-ROUTE is shown by at most two
kernels of any such class in a fixed relative order (a kernel that comes up
and a later one that clobbers; a good write and a later bad one; two
initialisers), and appending further kernels after all of them keeps it a
violation (a later boot can only reset or mask, never enable). So the
queries range over the boot orders of `representatives` (at most
PER_CLASS kernels of each class, the first declared), and a failing order
of those, with every other kernel appended in declaration order, is a
failing order of the whole system; `simulate` checks that it is.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING

from checker.data import frozen
from checker.lemmas import groups
from checker.memo import per_spec
from checker.sel4 import boot_masks, boots, comes_up, masks_at_boot, masks_every_line
from checker.spec import Kernel, Spec

if TYPE_CHECKING:
    from checker.encode import BitVec, Bool, Int, Session

INDEX_BITS = 16
# Kernels kept of each class of interchangeable kernels (see the module docstring).
PER_CLASS = 2


# ------------------------------------------------------------------ facts


def may_initialise(spec: Spec, k: Kernel) -> bool:
    """Whether some boot order has k reset the distributor (decided from its profile alone)."""
    mode = k.profile.dist_init
    return boots(spec, k) and (mode == "always" or (mode == "first" and not spec.loader_gic_init))


def masks_foreign(spec: Spec, k: Kernel) -> bool:
    """k's init_irqs masks every INTID up to maxIRQ (`boot_mask all`, `primary` on node 0), some SPI
    among them that k does not own. The fork's mask of SPI 0 on other kernels is not distributor-wide:
    IRQ-ROUTE judges it for SPI 0's owner."""
    if not masks_every_line(spec, k):
        return False
    own = {i.intid for i in k.owned_spis}
    return any(intid not in own for intid in range(32, spec.platform.irq_limit + 1))


def may_disable(spec: Spec, k: Kernel, intid: int | None = None) -> bool:
    """Whether some boot order has k's boot disable SPIs (a reset, or its boot mask): the SPI
    `intid`, or (None) some SPI."""
    if may_initialise(spec, k):
        return True
    if not masks_at_boot(spec, k):
        return False
    if intid is None:
        # The fork's SPI 0 mask off node 0 disables an SPI k does not own unless k owns SPI 0.
        spi0 = (k.profile.boot_mask == "primary" and spec.platform.usable(32)
                and 32 not in {i.intid for i in k.owned_spis})
        return masks_every_line(spec, k) or spi0
    return boot_masks(spec, k, intid)


def may_clobber(spec: Spec, k: Kernel) -> bool:
    """Whether k's boot can make a distributor-wide write (a reset, or masking other kernels' SPIs)."""
    return may_initialise(spec, k) or (masks_at_boot(spec, k) and masks_foreign(spec, k))


def needs_initialised(spec: Spec, k: Kernel) -> bool:
    """k relies on someone else having initialised the distributor when it boots: a `dist_init never`
    kernel that comes up, or a `dist_init check` kernel that boots (it halts otherwise)."""
    mode = k.profile.dist_init
    return (mode == "never" and comes_up(spec, k)) or (mode == "check" and boots(spec, k))


def boot_initialises(spec: Spec, order: Sequence[str]) -> dict[str, bool]:
    """For a concrete boot order: which kernels reset the distributor."""
    return dict(_boot_initialises(spec, tuple(order)))


@per_spec
def _boot_initialises(spec: Spec, order: tuple[str, ...]) -> tuple[tuple[str, bool], ...]:
    done = spec.loader_gic_init
    result = []
    for name in order:
        kernel = spec.kernel(name)
        mode = kernel.profile.dist_init
        resets = boots(spec, kernel) and (mode == "always" or (mode == "first" and not done))
        result.append((name, resets))
        done = done or resets
    return tuple(result)


@frozen
class Simulation:
    """What one concrete boot order does at GIC-INIT's level: the first problem of each kind, if any."""

    initialised: dict[str, bool]
    clobber: str | None  # the first kernel that clobbers the distributor while another is up
    uninitialised: str | None  # the first kernel that comes up before anyone initialised
    initialisers: tuple[str, ...]  # who initialised, in order ("the loader" first)
    some_up: bool

    def problem(self, cases: Sequence[str]) -> str | None:
        """The first of `cases` this order shows."""
        shows = {
            "clobber": self.clobber is not None,
            "never": not self.initialisers and self.some_up,
            "uninitialised": self.uninitialised is not None,
            "twice": len(self.initialisers) >= 2,
        }
        return next((c for c in cases if shows[c]), None)


def simulate(spec: Spec, order: Sequence[str]) -> Simulation:
    """GIC-INIT's view of one concrete boot order (the Python twin of the symbolic encoding)."""
    initialised = boot_initialises(spec, order)
    initialisers = (["the loader"] if spec.loader_gic_init else []) + [k for k in order if initialised[k]]
    clobber = uninitialised = None
    up_so_far = False
    done = spec.loader_gic_init
    for name in order:
        k = spec.kernel(name)
        writes = initialised[name] or (masks_at_boot(spec, k) and masks_foreign(spec, k))
        if clobber is None and writes and up_so_far:
            clobber = name
        done = done or initialised[name]
        if uninitialised is None and not done and needs_initialised(spec, k):
            uninitialised = name
        if comes_up(spec, k):
            up_so_far = True
    some_up = any(needs_initialised(spec, spec.kernel(n)) or comes_up(spec, spec.kernel(n)) for n in order)
    return Simulation(initialised, clobber, uninitialised, tuple(initialisers), some_up)


def boot_steps(spec: Spec, names: Sequence[str]) -> list[dict]:
    """Model steps booting these kernels as the spec allows: in its `boot order` when it pins one
    (given order otherwise), with the kernels booting before them too when one is `dist_init check`
    and only an earlier kernel's reset enables the distributor for it."""
    names = list(dict.fromkeys(names))
    if spec.boot_order is not None:
        pinned = [k.name for k in spec.boot_order]
        if not spec.loader_gic_init and any(spec.kernel(n).profile.dist_init == "check" for n in names):
            names = pinned[: max(pinned.index(n) for n in names) + 1]
        else:
            names = [n for n in pinned if n in set(names)]
    return [{"op": "boot", "kernel": n} for n in names]


def representatives(kernels: Sequence[Kernel], key: Callable[[Kernel], Hashable], per_class: int = PER_CLASS) -> list[Kernel]:
    """At most `per_class` kernels of each class (the first declared), in declaration order."""
    keep = {id(k) for members in groups(kernels, key).values() for k in members[:per_class]}
    return [k for k in kernels if id(k) in keep]


def extend(spec: Spec, partial: Sequence[str]) -> list[str]:
    """A boot order of the kernels in `partial`, with every other kernel appended in declaration order."""
    seen = set(partial)
    return list(partial) + [k.name for k in spec.kernels if k.name not in seen]


# ------------------------------------------------------------------ symbolic


class BootOrder:
    """Position variables for the boot orders of some kernels (all, or representatives), and what they imply."""

    def __init__(self, s: Session, spec: Spec, kernels: Sequence[Kernel] | None = None, tag: str = "") -> None:
        self.s = s
        self.spec = spec
        self.kernels = tuple(spec.kernels if kernels is None else kernels)
        self.tag = tag
        self.index = {k.name: n for n, k in enumerate(self.kernels)}
        self._before: dict[tuple[str, str], Bool] = {}
        self._initialises: dict[str, Bool] = {}
        if spec.boot_order is not None:
            fixed = {k.name: i for i, k in enumerate(spec.boot_order)}
            self.pos = {k.name: s.int_num(fixed[k.name]) for k in self.kernels}
        else:
            self.pos = {k.name: s.int_var(f"pos{tag}_{k.name}") for k in self.kernels}
        self.initialisers = [k for k in self.kernels if k.profile.dist_init in ("always", "first") and boots(spec, k)]
        self.up = [k for k in self.kernels if comes_up(spec, k)]
        # The first kernel to come up, the first initialiser and the per-kernel
        # tables are defined on first use, and `constraint` holds only the
        # definitions used so far. Leaving out a definition is sound: each
        # defines fresh symbols that exist for every assignment of the
        # positions (some kernel boots first; a table is a function of distinct
        # indices), so it cannot make a query over the other symbols unsat. It
        # matters: IRQ-ROUTE on 256 kernels with 12 failing SPIs took 12 s with
        # every definition asserted and 0.8 s with none.
        self._definitions: dict[str, Bool] = {}
        self._first_up: BitVec | None = None
        self._earliest_initialiser: BitVec | None = None
        self._tables: tuple | None = None

    @property
    def constraint(self) -> Bool:
        """The definitions of every symbol used so far: take it after building the queries it supports."""
        return self.s.all_of(list(self._definitions.values()))

    @property
    def first_up(self) -> BitVec:
        """The index of the first kernel to come up (only meaningful when one does)."""
        if self._first_up is None:
            self._first_up, self._definitions["first"] = self._earliest(f"first_up{self.tag}", self.up)
        return self._first_up

    @property
    def earliest(self) -> BitVec:
        """The index of the first kernel to boot of those able to initialise the distributor."""
        if self._earliest_initialiser is None:
            self._earliest_initialiser, self._definitions["earliest"] = self._earliest(f"first_initialiser{self.tag}", self.initialisers)
        return self._earliest_initialiser

    def _per_kernel_tables(self) -> tuple:
        """Per-kernel facts as functions of a kernel index, so that a query can
        say "some kernel K with ..." through a fresh index in constant size."""
        if self._tables is None:
            s = self.s
            pos_of = s.function(f"pos_of{self.tag}", INDEX_BITS, "int")
            initialises_of = s.function(f"initialises_of{self.tag}", INDEX_BITS, "bool")
            disables_of = s.function(f"disables_of{self.tag}", INDEX_BITS, "bool")
            disables_spi0_of = s.function(f"disables_spi0_of{self.tag}", INDEX_BITS, "bool")
            self._tables = (pos_of, initialises_of, disables_of, disables_spi0_of)
            table = []
            for k in self.kernels:
                i = self._idx(k)
                table += [
                    pos_of(i) == self.pos[k.name],
                    initialises_of(i) == self.initialises(k),
                    disables_of(i) == self.disables_spis(k, 33),
                    disables_spi0_of(i) == self.disables_spis(k, 32),
                ]
            self._definitions["tables"] = s.all_of(table)
        return self._tables

    def pos_of(self, k: BitVec) -> Int:
        """The position of kernel index k."""
        return self._per_kernel_tables()[0](k)

    def initialises_of(self, k: BitVec) -> Bool:
        """Kernel index k's boot resets the distributor."""
        return self._per_kernel_tables()[1](k)

    def disables_of(self, k: BitVec, intid: int) -> Bool:
        """Kernel index k's boot disables the SPI `intid` (boot masks treat every SPI alike but SPI 0)."""
        return self._per_kernel_tables()[3 if intid == 32 else 2](k)

    # ---------------------------------------------------------------- order
    def before(self, a: Kernel, b: Kernel) -> Bool:
        """a boots before b (a and b distinct). Memoised: IRQ-ROUTE asks for the same atoms per SPI."""
        key = (a.name, b.name)
        atom = self._before.get(key)
        if atom is None:
            pa, pb = self.pos[a.name], self.pos[b.name]
            atom = self._before[key] = pa <= pb if self.index[a.name] < self.index[b.name] else pa < pb
        return atom

    def kernel_var(self, name: str) -> tuple[BitVec, Bool]:
        """A fresh symbolic kernel index and the constraint that it names a kernel."""
        k = self.s.var(f"{name}{self.tag}", INDEX_BITS)
        return k, self.s.ult(k, self.s.num(len(self.kernels), INDEX_BITS))

    def before_index(self, a: BitVec, b: BitVec) -> Bool:
        """Kernel index a boots before kernel index b (either may be symbolic)."""
        s = self.s
        pa, pb = self.pos_of(a), self.pos_of(b)
        return s.or_(pa < pb, s.and_(pa == pb, s.ult(a, b)))

    def idx(self, k: Kernel) -> BitVec:
        return self._idx(k)

    def _pos_of(self, who: BitVec, among: list[Kernel]) -> Int:
        term = self.pos[among[-1].name]
        for k in reversed(among[:-1]):
            term = self.s.ite(who == self._idx(k), self.pos[k.name], term)
        return term

    def _idx(self, k: Kernel) -> BitVec:
        return self.s.num(self.index[k.name], INDEX_BITS)

    def _earliest(self, name: str, among: list[Kernel]) -> tuple[BitVec, Bool]:
        """A symbolic index equal to the kernel of `among` that boots first."""
        s = self.s
        who = s.var(name, INDEX_BITS)
        if not among:
            return who, s.true()
        pos = self._pos_of(who, among)
        parts = [s.member(who, [self.index[k.name] for k in among])]
        for k in among:
            # who is k, or boots before k (ties broken by index).
            tie_ok = s.ult(who, self._idx(k))
            parts.append(s.or_(who == self._idx(k), pos < self.pos[k.name], s.and_(pos == self.pos[k.name], tie_ok)))
        return who, s.all_of(parts)

    def after_an_up_kernel(self, k: Kernel) -> Bool:
        """Some other kernel that comes up boots before k (k's distributor-wide writes then hit a live kernel)."""
        s = self.s
        if not [j for j in self.up if j is not k]:
            return s.false()
        first = self.first_up
        pos = self._pos_of(first, self.up)
        mine = self.pos[k.name]
        return s.and_(first != self._idx(k), s.or_(pos < mine, s.and_(pos == mine, s.ult(first, self._idx(k)))))

    def boots_before_initialiser(self, k: Kernel) -> Bool:
        """k boots before every kernel that could initialise the distributor."""
        s = self.s
        if not self.initialisers:
            return s.true()
        pos = self._pos_of(self.earliest, self.initialisers)
        mine = self.pos[k.name]
        return s.or_(mine < pos, s.and_(mine == pos, s.ult(self._idx(k), self.earliest)))

    # ---------------------------------------------------------------- behaviour
    def may_initialise(self, k: Kernel) -> bool:
        return may_initialise(self.spec, k)

    def may_disable(self, k: Kernel, intid: int | None = None) -> bool:
        return may_disable(self.spec, k, intid)

    def initialises(self, k: Kernel) -> Bool:
        """k's boot resets the distributor."""
        if k.name not in self._initialises:
            self._initialises[k.name] = self._initialises_term(k)
        return self._initialises[k.name]

    def _initialises_term(self, k: Kernel) -> Bool:
        if not boots(self.spec, k):
            return self.s.false()
        mode = k.profile.dist_init
        if mode == "always":
            return self.s.true()
        if mode == "first" and not self.spec.loader_gic_init:
            # GICD_CTLR is still disabled only if no initialiser booted before k.
            return self.earliest == self._idx(k)
        return self.s.false()

    def disables_spis(self, k: Kernel, intid: int) -> Bool:
        """k's boot disables the SPI `intid` (a reset, or its boot mask)."""
        if masks_at_boot(self.spec, k) and boot_masks(self.spec, k, intid):
            return self.s.true()
        return self.initialises(k)

    def clobbers(self, k: Kernel) -> Bool:
        """k's boot makes a distributor-wide write: a reset, or masking SPIs of others (GIC-INIT)."""
        if masks_at_boot(self.spec, k) and masks_foreign(self.spec, k):
            return self.s.true()
        return self.initialises(k)

    # ---------------------------------------------------------------- reading a model
    def order(self, values: dict[str, int]) -> list[str]:
        """The boot order of these kernels a model's position values describe."""
        if self.spec.boot_order is not None:
            return [k.name for k in self.spec.boot_order if k.name in self.index]
        return sorted(self.pos, key=lambda n: (values[f"pos{self.tag}_{n}"], self.index[n]))

    def declared(self) -> Bool:
        """The kernels boot in declaration order."""
        return self.s.all_of([self.pos[k.name] == self.s.int_num(n) for n, k in enumerate(self.kernels)])

    def reads(self) -> dict[str, Int]:
        if self.spec.boot_order is not None:
            return {}
        return {f"pos{self.tag}_{name}": var for name, var in self.pos.items()}
