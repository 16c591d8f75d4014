"""DEV-EXCL: every device has at most one owner.

Instances: every platform device, decided by facts: a device is shared iff
two different kernels list it (lemma: owner count).
Model: `model/monitors/dev_excl.py` (device-shared).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.lemmas import OWNER_COUNT, owners
from checker.obligations.base import Entry, Facts, Failure, Instance, Obligation
from checker.result import Place
from checker.spec import Device, Kernel, Spec
from checker.words import at

if TYPE_CHECKING:
    from checker.encode import Session

ENTRY = Entry(
    "DEV-EXCL",
    "each device has one owner",
    "Every device belongs to at most one kernel.",
    "the device and its two owners",
    ("Remove the device from all but one kernel's `devices`; share data through a `shared` region.",),
    family="ownership",
)


@frozen
class SharedDevice:
    device: Device
    first: Kernel
    second: Kernel


class DevExcl(Obligation[Device, SharedDevice]):
    entry = ENTRY

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[Device]]:
        return [Instance(d.name, d.span, d) for d in spec.platform.devices]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[Device]]) -> list[Facts]:
        claims = owners(spec.kernels, lambda k: k.devices)
        out = []
        for instance in instances:
            claimed = claims.get(instance.item, [])
            found = (SharedDevice(instance.item, spec.kernels[claimed[0]], spec.kernels[claimed[1]]),) if len(claimed) > 1 else ()
            out.append(Facts(OWNER_COUNT, found))
        return out

    def failure(self, spec: Spec, w: SharedDevice) -> Failure:
        dev, a, b = w.device, w.first, w.second
        first, second = a.device_claim(dev), b.device_claim(dev)
        message = f"device {dev.name}{at(dev.span)} is owned by kernel {a.name}{at(first)} and by kernel {b.name}{at(second)}"
        places = (Place(f"device {dev.name}", dev.span), Place(f"kernel {a.name} lists it", first))
        # At the second claim, which names the device in the system spec.
        return Failure(dev.name, message, second, {"device": dev.name, "kernels": [a.name, b.name]}, places)

    def expected(self, spec: Spec, w: SharedDevice) -> dict[str, Any]:
        return {"kind": "device-shared", "device": w.device.name}

    def proved(self, spec: Spec, instance: Instance[Device]) -> str:
        return f"device {instance.subject} has at most one owner"


OBLIGATION = DevExcl()
