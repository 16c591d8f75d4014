"""DEV-EXCL: every device has at most one owner."""

from __future__ import annotations

from checker.encode import Session
from checker.obligations.base import at, failed, obligation, proved, unknown
from checker.result import Place, Result
from checker.spec import Spec


@obligation("DEV-EXCL", "ownership")
def dev_excl(spec: Spec, session: Session) -> list[Result]:
    """No two kernels list the same device."""
    kernels = spec.kernels
    queries = {}
    for d, dev in enumerate(spec.platform.devices):
        owners = [n for n, k in enumerate(kernels) if dev in k.devices]
        queries[dev.name] = session.at_least_two(owners, tag=f"_d{d}")
    outcomes = session.check_each(queries, "DEV-EXCL")
    results = []
    for dev in spec.platform.devices:
        outcome = outcomes[dev.name]
        if outcome.status == "unknown":
            results.append(unknown("DEV-EXCL", dev.name, dev.span, outcome))
        elif outcome.status == "unsat":
            results.append(proved("DEV-EXCL", dev.name, dev.span, f"device {dev.name} has at most one owner"))
        else:
            a, b = [kernels[int(m.removeprefix("member"))] for m, v in outcome.values.items() if v][:2]
            message = f"device {dev.name}{at(dev.span)} is owned by kernel {a.name}{at(a.span)} and by kernel {b.name}{at(b.span)}"
            cex = {"device": dev.name, "kernels": [a.name, b.name]}
            places = [Place(f"device {dev.name}", dev.span), Place(f"kernel {a.name}", a.span), Place(f"kernel {b.name}", b.span)]
            results.append(failed("DEV-EXCL", dev.name, message, b.span, cex, places, [], {"kind": "device-shared", "device": dev.name}))
    return results
