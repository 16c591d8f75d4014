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

from checker.spec import Call, Notification, Pd, Shared, Spec


def can_write(pd: Pd, shared: Shared) -> bool:
    return pd.mode_of(shared.name) == "rw" and shared.mode_of(pd.kernel.name) == "rw"


def can_read(pd: Pd, shared: Shared) -> bool:
    return pd.mode_of(shared.name) is not None and shared.mode_of(pd.kernel.name) is not None


def mappers(spec: Spec, shared: Shared) -> list[Pd]:
    """Every PD that maps the region, in declaration order."""
    return [pd for pd in spec.pds if pd.mode_of(shared.name) is not None]


def notifications_between(spec: Spec, sender: Pd, receiver: Pd) -> list[Notification]:
    return [n for n in spec.notifications if n.sender.name == sender.name and n.receiver.name == receiver.name]


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
    calls = spec.calls
    if client_proxy.kernel.name != client.kernel.name or server.kernel.name != server_proxy.kernel.name:
        return False
    if not any(c.client.name == client.name and c.proxies and c.proxies[0].name == client_proxy.name for c in calls):
        return False
    pair = next((c for c in calls if c.proxies and c.proxies[0].name == client_proxy.name and c.proxies[1].name == server_proxy.name), None)
    if pair is None or pair_problem(spec, pair) is not None:
        return False
    return any(c.proxies and c.proxies[1].name == server_proxy.name and c.server.name == server.name for c in calls)
