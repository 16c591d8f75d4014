"""Boot orders, symbolically: what each kernel does to the shared distributor at boot (GIC-INIT, IRQ-ROUTE).

Every kernel k gets an unconstrained integer pos_k, and k boots before j iff
(pos_k, k's index) < (pos_j, j's index) lexicographically. Every assignment
of the positions therefore describes exactly one boot order (sort by the
pairs), and every boot order is described by some assignment (its ranks):
the queries range over exactly the n! boot orders with n integer variables
and no distinctness constraint. A `boot order` line fixes the positions.

The first kernel to boot (F) and the first of the kernels able to initialise
the distributor (E) are symbolic indices, pinned by one comparison per
kernel, so each property below has a linear-size encoding.

What a boot does follows seL4 (see the README's profile table):
- it initialises the distributor when its profile says `dist_init always`, or
  `dist_init first` and nothing initialised the distributor before it (no
  loader `gic_init`, and it is E);
- a distributor reset disables every SPI and routes every SPI to the booting
  core; `boot_mask all` also disables every SPI (one ICENABLER bit each).
Which kernels may do either is read from the profiles (lemma: boot
behaviour by profile, `may_initialise`, `may_disable`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from checker.spec import Kernel, Spec

if TYPE_CHECKING:
    from checker.encode import BitVec, Bool, Int, Session

INDEX_BITS = 16


def may_initialise(spec: Spec, k: Kernel) -> bool:
    """Whether some boot order has k reset the distributor (decided from its profile alone).

    A kernel without a core (a CPU-EXCL failure) never boots, so never writes the distributor.
    """
    mode = k.profile.dist_init
    return bool(k.cores) and (mode == "always" or (mode == "first" and not spec.loader_gic_init))


def may_disable(spec: Spec, k: Kernel) -> bool:
    """Whether some boot order has k's boot disable SPIs it does not own (a reset, or masking every line)."""
    return bool(k.cores) and (k.profile.boot_mask == "all" or may_initialise(spec, k))


def boot_initialises(spec: Spec, order: list[str]) -> dict[str, bool]:
    """For a concrete boot order: which kernels reset the distributor (for messages)."""
    done = spec.loader_gic_init
    result = {}
    for name in order:
        kernel = spec.kernel(name)
        mode = kernel.profile.dist_init
        result[name] = bool(kernel.cores) and (mode == "always" or (mode == "first" and not done))
        done = done or result[name]
    return result


class BootOrder:
    """Position variables for one query family, and the boot behaviour they imply."""

    def __init__(self, s: Session, spec: Spec) -> None:
        self.s = s
        self.spec = spec
        self.kernels = spec.kernels
        self.index = {k.name: n for n, k in enumerate(self.kernels)}
        self._before: dict[tuple[str, str], Bool] = {}
        self._initialises: dict[str, Bool] = {}
        if spec.boot_order is not None:
            fixed = {k.name: i for i, k in enumerate(spec.boot_order)}
            self.pos = {k.name: s.int_num(fixed[k.name]) for k in self.kernels}
        else:
            self.pos = {k.name: s.int_var(f"pos_{k.name}") for k in self.kernels}
        self.initialisers = [k for k in self.kernels if k.profile.dist_init in ("always", "first") and k.cores]
        # The first kernel, the first initialiser and the per-kernel tables are
        # defined on first use, and `constraint` holds only the definitions
        # used so far. Leaving out a definition is sound: each defines fresh
        # symbols that exist for every assignment of the positions (some kernel
        # boots first; a table is a function of distinct indices), so it cannot
        # make a query over the other symbols unsat. It matters: IRQ-ROUTE on
        # 256 kernels with 12 failing SPIs took 12 s with every definition
        # asserted and 0.8 s with none.
        self._definitions: dict[str, Bool] = {}
        self._first: BitVec | None = None
        self._earliest_initialiser: BitVec | None = None
        self._tables: tuple | None = None

    @property
    def constraint(self) -> Bool:
        """The definitions of every symbol used so far: take it after building the queries it supports."""
        return self.s.all_of(list(self._definitions.values()))

    @property
    def first(self) -> BitVec:
        """The index of the first kernel to boot (kernels without a core never boot)."""
        if self._first is None:
            self._first, self._definitions["first"] = self._earliest("first_kernel", [k for k in self.kernels if k.cores])
        return self._first

    @property
    def earliest(self) -> BitVec:
        """The index of the first kernel to boot of those able to initialise the distributor."""
        if self._earliest_initialiser is None:
            self._earliest_initialiser, self._definitions["earliest"] = self._earliest("first_initialiser", self.initialisers)
        return self._earliest_initialiser

    def _per_kernel_tables(self) -> tuple:
        """Per-kernel facts as functions of a kernel index, so that a query can
        say "some kernel K with ..." through a fresh index in constant size."""
        if self._tables is None:
            s = self.s
            pos_of = s.function("pos_of", INDEX_BITS, "int")
            initialises_of = s.function("initialises_of", INDEX_BITS, "bool")
            disables_of = s.function("disables_of", INDEX_BITS, "bool")
            self._tables = (pos_of, initialises_of, disables_of)
            table = []
            for k in self.kernels:
                i = self._idx(k)
                table += [
                    pos_of(i) == self.pos[k.name],
                    initialises_of(i) == self.initialises(k),
                    disables_of(i) == self.disables_spis(k),
                ]
            self._definitions["tables"] = s.all_of(table)
        return self._tables

    def pos_of(self, k: BitVec) -> Int:
        """The position of kernel index k."""
        return self._per_kernel_tables()[0](k)

    def initialises_of(self, k: BitVec) -> Bool:
        """Kernel index k's boot resets the distributor."""
        return self._per_kernel_tables()[1](k)

    def disables_of(self, k: BitVec) -> Bool:
        """Kernel index k's boot disables SPIs it does not own."""
        return self._per_kernel_tables()[2](k)

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
        k = self.s.var(name, INDEX_BITS)
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

    def boots_first(self, k: Kernel) -> Bool:
        return self.first == self._idx(k)

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

    def may_disable(self, k: Kernel) -> bool:
        return may_disable(self.spec, k)

    def initialises(self, k: Kernel) -> Bool:
        """k's boot resets the distributor."""
        if k.name not in self._initialises:
            self._initialises[k.name] = self._initialises_term(k)
        return self._initialises[k.name]

    def _initialises_term(self, k: Kernel) -> Bool:
        if not k.cores:
            return self.s.false()
        mode = k.profile.dist_init
        if mode == "always":
            return self.s.true()
        if mode == "first" and not self.spec.loader_gic_init:
            # GICD_CTLR is still disabled only if no initialiser booted before k.
            return self.earliest == self._idx(k)
        return self.s.false()

    def disables_spis(self, k: Kernel) -> Bool:
        """k's boot disables SPIs it does not own (a reset, or masking every line)."""
        if k.profile.boot_mask == "all" and k.cores:
            return self.s.true()
        return self.initialises(k)

    # ---------------------------------------------------------------- reading a model
    def order(self, values: dict[str, int]) -> list[str]:
        """The boot order a model's position values describe."""
        if self.spec.boot_order is not None:
            return [k.name for k in self.spec.boot_order]
        return sorted(self.pos, key=lambda n: (values[f"pos_{n}"], self.index[n]))

    def declared(self) -> Bool:
        """The kernels boot in declaration order."""
        return self.s.all_of([self.pos[k.name] == self.s.int_num(n) for n, k in enumerate(self.kernels)])

    def reads(self) -> dict[str, Int]:
        if self.spec.boot_order is not None:
            return {}
        return {f"pos_{name}": var for name, var in self.pos.items()}
