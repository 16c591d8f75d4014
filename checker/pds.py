"""What protection domains can touch and whom they can call, from the spec's tables.

The checker's reading of the rules `model/pds.py` executes (the two are
written apart and compared by replay): a PD reaches a shared region only
through its `map` of it, within what its kernel is listed for (the resolver
refuses more, E315); a call crosses kernels only through a proxy pair, and
the capabilities a Microkit system gives are the hops of its declared calls
(client -> client proxy, client proxy -> server proxy with their buffer and
a channel each way, server proxy -> server).
"""

from __future__ import annotations

from checker.memo import per_spec
from checker.reach import lowest_reached, reach_intervals
from checker.spec import Call, Kernel, Notification, Pd, Shared, Spec


def can_write(pd: Pd, shared: Shared) -> bool:
    return pd.mode_of(shared.name) == "rw" and shared.mode_of(pd.kernel.name) == "rw"


def can_read(pd: Pd, shared: Shared) -> bool:
    return pd.mode_of(shared.name) is not None and shared.mode_of(pd.kernel.name) is not None


def mappers(spec: Spec, shared: Shared) -> list[Pd]:
    """Every PD that maps the region, in declaration order."""
    return _mappers(spec).get(shared.name, [])


def notifications_between(spec: Spec, sender: Pd, receiver: Pd) -> list[Notification]:
    return _between(spec).get((sender.name, receiver.name), [])


def through(spec: Spec, role: int, proxy: str) -> list[Call]:
    """The calls whose client proxy (role 0) or server proxy (role 1) is `proxy`, in order."""
    return _through(spec).get((role, proxy), [])


def calls_to(spec: Spec, client: str, server: str) -> bool:
    """Some call of `client` goes to `server`."""
    return (client, server) in _pairs(spec)


def outsider(spec: Spec, shared: Shared, insiders: set[str]) -> tuple[Kernel, int] | None:
    """The first kernel (in declaration order) outside `insiders` that can reach the region by any
    route (its RAM and device untypeds, device pages, shared mappings: `checker.reach`), with the
    lowest address of it that kernel reaches; None if no other kernel reaches it."""
    region = shared.region
    for kernel in spec.kernels:
        if kernel.name in insiders:
            continue
        address = lowest_reached(_reach(spec, kernel.name), region.base, region.end)
        if address is not None:
            return kernel, address
    return None


@per_spec
def _reach(spec: Spec, kernel: str) -> list[tuple[int, int]]:
    return reach_intervals(spec, spec.kernel(kernel))


def call_position(spec: Spec, call: Call) -> int:
    """Where the call is declared among the spec's calls."""
    return _positions(spec)[id(call)]


@per_spec
def _positions(spec: Spec) -> dict[int, int]:
    return {id(c): n for n, c in enumerate(spec.calls)}


@per_spec
def _mappers(spec: Spec) -> dict[str, list[Pd]]:
    out: dict[str, list[Pd]] = {}
    for pd in spec.pds:
        for name in dict.fromkeys(m.shared.name for m in pd.maps):
            out.setdefault(name, []).append(pd)
    return out


@per_spec
def _between(spec: Spec) -> dict[tuple[str, str], list[Notification]]:
    out: dict[tuple[str, str], list[Notification]] = {}
    for n in spec.notifications:
        out.setdefault((n.sender.name, n.receiver.name), []).append(n)
    return out


@per_spec
def _through(spec: Spec) -> dict[tuple[int, str], list[Call]]:
    out: dict[tuple[int, str], list[Call]] = {}
    for c in spec.calls:
        if c.proxies is not None:
            for role in (0, 1):
                out.setdefault((role, c.proxies[role].name), []).append(c)
    return out


@per_spec
def _pairs(spec: Spec) -> frozenset[tuple[str, str]]:
    return frozenset((c.client.name, c.server.name) for c in spec.calls)


def pair_problem(spec: Spec, call: Call) -> str | None:
    """Why a call's proxy pair cannot carry a request and its reply, or None."""
    client_proxy, server_proxy = call.proxies
    for sender, receiver, what in ((client_proxy, server_proxy, "request"), (server_proxy, client_proxy, "reply")):
        if not notifications_between(spec, sender, receiver):
            return f"no channel from {sender.name} to {receiver.name} signals the {what}"
    for pd in call.proxies:
        if not can_write(pd, call.buffer):
            return f"{pd.name} cannot write the buffer {call.buffer.name} (it needs `map {call.buffer.name} rw`)"
    return None


def reaches(spec: Spec, client: Pd, server: Pd, client_proxy: Pd, server_proxy: Pd) -> bool:
    """A call of `client` meant for `server`, handed to this proxy pair, reaches the server."""
    if client_proxy.kernel.name != client.kernel.name or server.kernel.name != server_proxy.kernel.name:
        return False
    if not any(c.client.name == client.name for c in through(spec, 0, client_proxy.name)):
        return False
    pair = next((c for c in through(spec, 0, client_proxy.name) if c.proxies[1].name == server_proxy.name), None)
    if pair is None or pair_problem(spec, pair) is not None:
        return False
    return any(c.server.name == server.name for c in through(spec, 1, server_proxy.name))
