"""IRQ-TRIGGER: every SPI in use ends with the trigger mode declared for it.

One instance per SPI whose trigger is set: a declared trigger (`level` or
`edge`) of an SPI one kernel owns. Who sets it is the owner's profile flag
`trigger_config`:

* `runtime`: its root task, with IRQControl_GetTrigger, which makes seL4's
  setIRQTrigger read GICD_ICFGR[n] (16 INTIDs per 32-bit word), change the
  SPI's Int_config[1] bit and write the word back. Only for an SPI seL4
  accepts (at most maxIRQ, on a line the GIC has) and a kernel that comes up;
* `loader`: the loader's `triggers` step, before any kernel runs (E314 when
  the loader has none);
* `none`: nobody (plain IRQControl_Get, as Genode's core does): the field
  keeps what the GIC's reset and the distributor resets left.

Decided by facts (lemma: trigger writes). A field only ever holds one of
three values: its reset value, level (the GIC's reset state, QEMU's and the
ARM GIC-400/GIC-500 implementations'; docs/sel4-facts.md), level again after a
distributor reset that covers its word (GICv3 dist_init: every SPI word;
GICv2 dist_init, upstream's quirk: words 2 .. lines/32-1 only; the loader's
`gic_init`: every word, before anything else), or the declared trigger
written by whoever sets it; a read-modify-write of another SPI of the word
writes back a copy of one of these. So a `level` SPI always ends level, and
an `edge` SPI can end level exactly when

* nobody sets it (`trigger_config none`): **unset**;
* a distributor reset covering its word can come after it is set: a kernel
  with `dist_init always` that may boot after the owner (the owner's own
  reset comes before its setIRQTrigger), a `dist_init first` kernel that may
  be the first to reset after a `dist_init never` owner came up, or, for a
  loader-set SPI, any kernel that may reset at all (the owner included):
  **reset**. A pinned `boot order` decides which kernels boot after which;
* another kernel sets a different SPI of the word at run time while the owner
  does: it reads the word (the field level), the owner writes edge, the other
  kernel writes back what it read: **stale**. Nothing orders two kernels'
  run-time calls, whatever the boot order.

A read-modify-write from a stale read that changes no field is harmless and
is not a failure. SPIs two kernels own are IRQ-EXCL's failures and are left
out here (their setIRQTrigger writes still count as other kernels' writes).
Model: `model/monitors/irq_trigger.py` (trigger-wrong).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.lemmas import TRIGGER_WRITES
from checker.memo import per_spec
from checker.obligations.base import Entry, Facts, Failure, Instance, Obligation, Steps
from checker.obligations.boot_order import boot_initialises, boot_steps
from checker.result import Place
from checker.sel4 import boots, comes_up
from checker.spec import Irq, Kernel, Spec, describe_intid, spi_subject
from checker.words import at, profile_cause

if TYPE_CHECKING:
    from checker.encode import Session

ENTRY = Entry(
    "IRQ-TRIGGER",
    "every SPI ends with its declared trigger",
    "Once every kernel has booted and set its SPIs' triggers, each SPI's GICD_ICFGR field holds the trigger "
    "declared for it, in every boot order and every interleaving of the kernels' read-modify-writes of the "
    "shared 32-bit words (16 INTIDs per word), starting from what the GIC's reset and dist_init leave.",
    "the writes after which an edge SPI's field ends level",
    (
        "Set triggers once, in the loader: `trigger_config loader` in the profile and `loader { gic_init triggers }`.",
        "Give the devices whose SPIs share a GICD_ICFGR word (INTIDs 16k .. 16k+15) to one kernel: "
        "its calls run one after the other.",
        "Make sure no kernel resets the distributor after another has set a trigger (`dist_init check` or "
        "`never` after `loader { gic_init }`, or a `boot order` that boots the resetting kernel first).",
        "If the kernels' root tasks serialise their configuration by a protocol pcheck cannot see, say so with "
        "`allow IRQ-TRIGGER for spi N \"how they are serialised\"`.",
    ),
    family="ownership",
)


@frozen
class Setting:
    """An SPI's declared trigger and who sets it (`trigger_config` of its owner)."""

    irq: Irq
    owner: Kernel

    @property
    def how(self) -> str:
        return self.owner.profile.trigger_config


@frozen
class WrongEnd:
    """An execution after which an edge SPI's field is level."""

    setting: Setting
    cause: str  # "unset" | "reset" | "stale"
    other: Kernel | None = None  # who resets (reset) or writes back a stale word (stale)
    other_irq: Irq | None = None  # the SPI the stale writer sets


def _first_declared(k: Kernel) -> list[Irq]:
    """The kernel's SPIs with a declared trigger, each once, with the first trigger it declares."""
    first: dict[int, Irq] = {}
    for irq in k.owned_spis:
        if irq.trigger is not None:
            first.setdefault(irq.intid, irq)
    return list(first.values())


def _is_set(spec: Spec, k: Kernel, irq: Irq) -> bool:
    """The SPI's trigger matters: the loader writes it (on a line the GIC has), or the owner comes up
    and seL4 accepts the SPI (IRQ-RANGE reports the others)."""
    if k.profile.trigger_config == "loader":
        return spec.loader_triggers and irq.intid < spec.platform.gic.lines
    return comes_up(spec, k) and spec.platform.usable(irq.intid)


@per_spec
def settings(spec: Spec) -> list[Setting]:
    """Every SPI whose trigger is set and that one kernel owns, in kernel and declaration order."""
    found = [Setting(irq, k) for k in spec.kernels for irq in _first_declared(k) if _is_set(spec, k, irq)]
    owners: dict[int, set[str]] = {}
    for k in spec.kernels:
        for irq in k.owned_spis:
            owners.setdefault(irq.intid, set()).add(k.name)
    return [s for s in found if len(owners[s.irq.intid]) == 1]


@per_spec
def runtime_writes(spec: Spec) -> dict[int, list[tuple[Irq, Kernel]]]:
    """GICD_ICFGR word -> the setIRQTrigger read-modify-writes of it, in kernel and declaration order."""
    out: dict[int, list[tuple[Irq, Kernel]]] = {}
    for k in spec.kernels:
        if k.profile.trigger_config == "runtime" and comes_up(spec, k):
            for irq in _first_declared(k):
                if spec.platform.usable(irq.intid):
                    out.setdefault(irq.intid // 16, []).append((irq, k))
    return out


def reset_covers(spec: Spec, word: int) -> bool:
    """A kernel's dist_init writes level into this GICD_ICFGR word: GICv3 every SPI word; GICv2
    `config[i >> 5]` for i = 64, 96, .. below the line count, i.e. words 2 .. lines/32-1 only."""
    lines = spec.platform.gic.lines
    last = lines // 16 if spec.platform.gic.version == 3 else lines // 32
    return 2 <= word < last


def resetters_after(spec: Spec, s: Setting) -> list[Kernel]:
    """The kernels whose distributor reset can come after the SPI's trigger is set."""
    order = [k.name for k in spec.boot_order] if spec.boot_order is not None else None
    resets = boot_initialises(spec, order) if order is not None else {}
    out = []
    for k in spec.kernels:
        if not boots(spec, k) or k.profile.dist_init not in ("always", "first"):
            continue
        if s.how == "loader":  # set before every boot: any reset comes after it
            may = resets[k.name] if order is not None else (k.profile.dist_init == "always" or not spec.loader_gic_init)
        elif k is s.owner:  # its own reset comes before its own setIRQTrigger
            may = False
        elif order is not None:
            may = order.index(k.name) > order.index(s.owner.name) and resets[k.name]
        else:
            # `first` resets only if nothing reset before it: the owner came up without a reset.
            may = k.profile.dist_init == "always" or (not spec.loader_gic_init and s.owner.profile.dist_init == "never")
        if may:
            out.append(k)
    return out


def wrong_end(spec: Spec, s: Setting) -> WrongEnd | None:
    """An execution that leaves the SPI's field different from its declared trigger, if there is one."""
    if s.irq.trigger != "edge":
        return None  # every value a field can hold is level or a copy of its own declared trigger
    if s.how == "none":
        return WrongEnd(s, "unset")
    word = s.irq.intid // 16
    if reset_covers(spec, word):
        resetters = resetters_after(spec, s)
        if resetters:
            return WrongEnd(s, "reset", resetters[0])
    if s.how == "runtime":
        for irq, k in runtime_writes(spec).get(word, []):
            if k is not s.owner and irq.intid != s.irq.intid:
                return WrongEnd(s, "stale", k, irq)
    return None


class IrqTrigger(Obligation[Setting, WrongEnd]):
    entry = ENTRY

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[Setting]]:
        return [Instance(spi_subject(s.irq.intid), s.irq.span, s) for s in settings(spec)]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[Setting]]) -> list[Facts]:
        out = []
        for instance in instances:
            found = wrong_end(spec, instance.item)
            out.append(Facts(TRIGGER_WRITES, () if found is None else (found,)))
        return out

    def failure(self, spec: Spec, w: WrongEnd) -> Failure:
        irq, o = w.setting.irq, w.setting.owner
        spi = describe_intid(irq.intid)
        word = irq.intid // 16
        register = f"GICD_ICFGR[{word}]"
        head = f"{spi} of {o.name} is declared edge{at(irq.span)}"
        places = [Place(f"{o.name}'s {spi}, declared edge", irq.span)]
        cex: dict[str, Any] = {"intid": irq.intid, "kernel": o.name, "register": register, "declared": "edge",
                               "ends": "level", "cause": w.cause, "set_by": w.setting.how}
        if w.cause == "unset":
            message = (f"{head}, but nobody sets its trigger: {o.name}'s profile '{o.profile.name}' says "
                       f"`trigger_config none`, so it stays level as the GIC's reset and dist_init leave it; "
                       "set it at run time (`trigger_config runtime`) or in the loader (`trigger_config loader` "
                       "with `loader { triggers }`)")
            cause = profile_cause(o)
            cex["writes"] = []
        elif w.cause == "reset":
            k = w.other
            assert k is not None
            when = "when it is the first to reset" if k.profile.dist_init == "first" else "whenever it boots"
            after = "" if k is o or w.setting.how == "loader" else f" after {o.name}"
            fix = (f"give {k.name} `dist_init check` or `never` (with `loader {{ gic_init }}`)"
                   + ("" if w.setting.how == "loader" else f", or pin a `boot order` that boots {k.name} before {o.name}"))
            message = (f"{head} and {setting_words(w.setting)}, but {k.name} can boot{after} and reset {register} "
                       f"to level: its profile '{k.profile.name}' has `dist_init {k.profile.dist_init}`, which resets "
                       f"{when}; {fix}")
            cause = profile_cause(k)
            places.append(Place(f"{k.name} resets the distributor", k.span))
            cex["writes"] = [{"who": "loader" if w.setting.how == "loader" else o.name, "sets": irq.intid, "to": "edge"},
                             {"who": k.name, "resets": register}]
        else:
            j, t = w.other, w.other_irq
            assert j is not None and t is not None
            message = (f"{head} and {o.name} sets it at run time, while {j.name} sets {describe_intid(t.intid)}"
                       f"{at(t.span)} in the same {register}: {j.name} reads the word, {o.name} writes edge, "
                       f"{j.name} writes back the word it read and the field ends level. Set both in the loader "
                       "(`trigger_config loader`, `loader { triggers }`), give both devices to one kernel, or "
                       "serialise the two kernels' configuration and waive this")
            cause = None
            places += [Place(f"{j.name}'s {describe_intid(t.intid)}", t.span), Place(f"{j.name}", j.span)]
            cex["writes"] = [{"who": who.name, "op": op, "intid": i.intid} for who, op, i in self._stale_ops(w)]
        # At the owner's claim in the system spec (its `devices` or `irq` entry), which names the SPI's
        # device or the SPI; the board's line is related, and a kernel whose profile is the cause is the note's.
        return Failure(spi_subject(irq.intid), message, o.spi_claim(irq.intid), cex, tuple(places), cause)

    @staticmethod
    def _stale_ops(w: WrongEnd) -> list[tuple[Kernel, str, Irq]]:
        o, s, j, t = w.setting.owner, w.setting.irq, w.other, w.other_irq
        assert j is not None and t is not None
        return [(j, "trigger_read", t), (o, "trigger_read", s), (o, "trigger_write", s), (j, "trigger_write", t)]

    def scenario(self, spec: Spec, w: WrongEnd) -> Steps:
        irq, o = w.setting.irq, w.setting.owner
        if w.cause == "unset":
            return tuple(boot_steps(spec, [o.name]) + [{"op": "acquire_irq", "kernel": o.name, "intid": irq.intid}])
        if w.cause == "stale":
            return tuple(boot_steps(spec, [o.name, w.other.name])
                         + [{"op": op, "kernel": who.name, "intid": i.intid} for who, op, i in self._stale_ops(w)])
        k = w.other
        assert k is not None
        if w.setting.how == "loader" or k is o:
            return tuple(boot_steps(spec, [k.name]))
        steps = boot_steps(spec, [o.name, k.name])
        at_k = next(n for n, step in enumerate(steps) if step["kernel"] == k.name)
        return tuple(steps[:at_k] + [{"op": "configure_trigger", "kernel": o.name, "intid": irq.intid}] + steps[at_k:])

    def expected(self, spec: Spec, w: WrongEnd) -> dict[str, Any]:
        return {"kind": "trigger-wrong", "intid": w.setting.irq.intid, "kernel": w.setting.owner.name}

    def proved(self, spec: Spec, instance: Instance[Setting]) -> str:
        s = instance.item
        return f"ends {s.irq.trigger} as declared ({setting_words(s)})"


def setting_words(s: Setting) -> str:
    """Who sets the SPI's trigger, in words."""
    return {"runtime": f"{s.owner.name} sets it at run time", "loader": "the loader sets it",
            "none": "nobody sets it"}[s.how]


OBLIGATION = IrqTrigger()
