"""RPC-PROXY: calls cross kernels only through proxy pairs that serve one server each.

Instances: every `call`. Decided by facts from the spec's tables
(`checker.pds`; lemma: capability paths). A call fails

* across kernels without proxies: seL4 endpoints belong to one kernel
  (the au-ts multikernel Microkit rejects `pp` channels across cores);
* with a client proxy off the client's kernel or a server proxy off the
  server's (the local hop would cross kernels);
* with a pair that cannot carry it: no channel each way between the proxies,
  or a buffer one of them cannot write;
* with a proxy another call with another server also uses: a client of one
  server then reaches the other (the model shows the crossing call), or,
  when the client calls both, one proxy carries calls to two servers (the
  model shows both calls delivered through it);
* with its buffer mapped by a PD other than the pair, or reached by a
  kernel other than theirs through any route (listed on it, or a RAM or
  device untyped over it: `checker.reach`);
* with a notification of the pair that IPI-UNIQUE finds arriving as
  another channel's (core, SGI) with no mailbox tag to tell them apart
  (where the SGIs really arrive, from IPI-TARGET's queries).

A proxy shared with a call to another server fails only when the crossing
call gets through: when the other call's own pair cannot carry it, that call
fails and nothing crosses yet.

Each problem is one failure. Model: `model/monitors/rpc_proxy.py`
(call-undeliverable, rpc-cross-server, rpc-shared-proxy, rpc-buffer-exposed); the SGI
collision replays as IPI-UNIQUE's sgi-merged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.lemmas import CAPABILITY_PATHS
from checker.obligations import ipi_unique
from checker.obligations.base import Entry, Facts, Failure, Instance, Obligation, Steps
from checker.pds import call_position, calls_to, mappers, notifications_between, outsider, pair_problem, reaches, through
from checker.result import Place
from checker.spec import Call, Channel, Kernel, Pd, Spec
from checker.words import at, hexaddr

if TYPE_CHECKING:
    from checker.encode import Session

ENTRY = Entry(
    "RPC-PROXY",
    "cross-kernel calls go through one proxy pair per server",
    "Every call between PDs on different kernels goes through a proxy pair (a client proxy on the "
    "client's kernel, a server proxy on the server's) that serves exactly one server; the pair can "
    "carry it (a channel each way, a buffer both write); the pair's buffer is private to it; and each "
    "of its notifications has its own (core, SGI) or a distinct mailbox tag.",
    "the call that cannot be made, or the call of a client that reaches another server, or the PD "
    "that reaches the pair's buffer",
    (
        "seL4 IPC does not cross kernels: call a proxy on the client's core that writes the request "
        "into shared memory and signals a proxy on the server's core, which calls the server.",
        "Give every server its own proxy pair; one proxy for two servers lets a client of one reach the other.",
        "Map the pair's buffer in the two proxies only, and list only their kernels on it.",
    ),
    family="pd",
)


@frozen
class Problem:
    call: Call
    kind: str  # cross-kernel | proxy-kernel | pair | shared-proxy | buffer-exposed | sgi-shared
    reason: str
    other: Call | None = None  # shared-proxy: the call with the other server
    intruder: Pd | None = None  # buffer-exposed by a PD
    kernel: Kernel | None = None  # buffer-exposed by a kernel listed on it
    channels: tuple[Channel, Channel] | None = None  # sgi-shared: the pair's channel, the other one
    core: str = ""
    address: int = 0  # buffer-exposed by a kernel: the lowest address of the buffer it reaches
    proxy: str = ""  # shared-proxy: the proxy both calls go through
    both: bool = False  # shared-proxy: the client has a call to the other server too (no crossing, two servers)


def problems(spec: Spec, call: Call, merged: Sequence[ipi_unique.Merged] = ()) -> list[Problem]:
    """Every problem of one call, in the order the module docstring lists them."""
    client, server = call.client, call.server
    if call.proxies is None:
        if client.kernel.name != server.kernel.name:
            return [Problem(call, "cross-kernel", (
                f"{client.name} runs on kernel {client.kernel.name} and {server.name} on {server.kernel.name}, and seL4 "
                "endpoints do not cross kernels (the au-ts multikernel Microkit rejects a protected procedure call "
                "across cores); route it through a proxy pair: `via CLIENT_PROXY, SERVER_PROXY in BUFFER`"))]
        return []
    client_proxy, server_proxy = call.proxies
    found: list[Problem] = []
    for pd, end in ((client_proxy, client), (server_proxy, server)):
        if pd.kernel.name != end.kernel.name:
            found.append(Problem(call, "proxy-kernel", (
                f"proxy {pd.name} runs on kernel {pd.kernel.name}, not on {end.name}'s kernel {end.kernel.name}, so the "
                f"call between {end.name} and {pd.name} would cross kernels itself")))
    if found:
        return found
    why = pair_problem(spec, call)
    if why is not None:
        found.append(Problem(call, "pair", f"the proxies cannot carry the call: {why}"))
    shared = _first_sharing(spec, call)
    if shared is not None:
        found.append(shared)
    pair = {client_proxy.name, server_proxy.name}
    kernels = {client_proxy.kernel.name, server_proxy.kernel.name}
    intruder = next((pd for pd in mappers(spec, call.buffer) if pd.name not in pair), None)
    if intruder is not None:
        found.append(Problem(call, "buffer-exposed", (
            f"PD {intruder.name} (kernel {intruder.kernel.name}) maps {call.buffer.name}, the buffer of proxies "
            f"{client_proxy.name} and {server_proxy.name}"), intruder=intruder))
    else:
        reached = outsider(spec, call.buffer, kernels)
        if reached is not None:
            kernel, address = reached
            how = "is listed on it" if call.buffer.mode_of(kernel.name) else f"reaches {hexaddr(address)} of it"
            found.append(Problem(call, "buffer-exposed", (
                f"kernel {kernel.name} {how}: {call.buffer.name} is the buffer of proxies {client_proxy.name} and "
                f"{server_proxy.name} (kernels {', '.join(sorted(kernels))})"), kernel=kernel, address=address))
    found += _collisions(spec, call, merged)
    return found


def _collisions(spec: Spec, call: Call, merged: Sequence[ipi_unique.Merged]) -> list[Problem]:
    """The pair's channels that arrive as another channel's (core, SGI) with nothing to tell them
    apart: IPI-UNIQUE's collisions (where the SGIs really arrive) that involve one of them."""
    mine = {n.channel.name for a, b in (call.proxies, call.proxies[::-1]) for n in notifications_between(spec, a, b)
            if n.channel is not None}
    out = []
    for m in merged:
        ours, other = (m.first, m.second) if m.first.name in mine else (m.second, m.first)
        if ours.name in mine:
            out.append(Problem(call, "sgi-shared", (
                f"its channel {ours.name} arrives as SGI {ours.sgi} on {m.core}, as channel {other.name}{at(other.span)} "
                "does, and no mailbox with distinct tags tells them apart"), channels=(m.first, m.second), core=m.core))
    return out


def _first_sharing(spec: Spec, call: Call) -> Problem | None:
    """The first other call with another server that shares a proxy with this one, as a problem."""
    client, server = call.client, call.server
    client_proxy, server_proxy = call.proxies
    sharing = {id(c): c for role in (0, 1) for c in through(spec, role, call.proxies[role].name)}
    for other in sorted(sharing.values(), key=lambda c: call_position(spec, c)):
        if other is call or other.server.name == server.name:
            continue
        same = [n for n in (0, 1) if other.proxies[n].name == call.proxies[n].name]
        n = same[0]
        role = (f"proxy pair {client_proxy.name}, {server_proxy.name}" if len(same) == 2
                else f"{('client', 'server')[n]} proxy {call.proxies[n].name}")
        path = (client_proxy, other.proxies[1]) if n == 0 else (client_proxy, server_proxy)
        live = reaches(spec, client, other.server, *path)
        if not live:
            continue  # the other call's own pair cannot carry it (it fails for that): nothing crosses today
        if calls_to(spec, client.name, other.server.name):
            # The client calls both servers: no crossing, but one proxy carries calls to two servers.
            return Problem(call, "shared-proxy", (
                f"{role} serves {server.name} and also {other.server.name} ({other.subject}{at(other.span)}); "
                "give each server its own proxy pair"), other=other, proxy=call.proxies[n].name, both=True)
        return Problem(call, "shared-proxy", (
            f"{role} serves {server.name} and also {other.server.name} (for {other.client.name}{at(other.span)}), "
            f"so {client.name} can reach {other.server.name} through it"), other=other, proxy=call.proxies[n].name)
    return None


class RpcProxy(Obligation[Call, Problem]):
    entry = ENTRY

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[Call]]:
        return [Instance(c.subject, c.span, c) for c in spec.calls]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[Call]]) -> list[Facts]:
        merged = session.once(ipi_unique.collisions, spec) if any(c.proxies for c in spec.calls) else []
        return [Facts(CAPABILITY_PATHS, tuple(problems(spec, i.item, merged))) for i in instances]

    def failure(self, spec: Spec, w: Problem) -> Failure:
        c = w.call
        message = f"call {c.client.name} -> {c.server.name}{at(c.span)}: {w.reason}"
        cex: dict[str, Any] = {"call": c.subject, "problem": w.kind}
        places = [Place(f"call {c.subject}", c.span)]
        if w.other is not None:
            cex["server_reached"] = w.other.server.name
            places.append(Place(f"call {w.other.subject}", w.other.span))
        if w.intruder is not None:
            cex["pd"] = w.intruder.name
            places.append(Place(f"pd {w.intruder.name}", w.intruder.span))
        if w.kernel is not None:
            cex["kernel"] = w.kernel.name
        if w.channels is not None:
            cex["channels"] = [ch.name for ch in w.channels]
            places += [Place(f"channel {ch.name}", ch.span) for ch in w.channels]
        return Failure(c.subject, message, c.span, cex, tuple(places))

    def scenario(self, spec: Spec, w: Problem) -> Steps:
        c = w.call
        if w.kind == "shared-proxy":
            via = (c.proxies[0], w.other.proxies[1]) if w.other.proxies[0].name == c.proxies[0].name else c.proxies
            cross = {"op": "call", "client": c.client.name, "server": w.other.server.name,
                     "client_proxy": via[0].name, "server_proxy": via[1].name}
            return (_call_step(c), cross) if w.both else (cross,)
        if w.kind == "buffer-exposed":
            if w.intruder is not None:
                return ({"op": "pd_access", "pd": w.intruder.name, "address": c.buffer.region.base, "write": False},)
            return ({"op": "access", "kernel": w.kernel.name, "address": w.address, "write": False},)
        if w.kind == "sgi-shared":
            return ipi_unique.OBLIGATION.scenario(spec, ipi_unique.Merged(*w.channels, w.core))
        return (_call_step(c),)

    def expected(self, spec: Spec, w: Problem) -> dict[str, Any]:
        c = w.call
        if w.kind == "shared-proxy":
            if w.both:
                return {"kind": "rpc-shared-proxy", "proxy": w.proxy, "servers": [c.server.name, w.other.server.name]}
            return {"kind": "rpc-cross-server", "client": c.client.name, "server": w.other.server.name}
        if w.kind == "buffer-exposed":
            who = {"pd": w.intruder.name} if w.intruder is not None else {"kernel": w.kernel.name}
            return {"kind": "rpc-buffer-exposed", "buffer": c.buffer.name, **who}
        if w.kind == "sgi-shared":
            return {"kind": "sgi-merged", "channels": [ch.name for ch in w.channels]}
        return {"kind": "call-undeliverable", "client": c.client.name, "server": c.server.name}

    def proved(self, spec: Spec, instance: Instance[Call]) -> str:
        c = instance.item
        if c.proxies is None:
            return f"{c.client.name} calls {c.server.name} on kernel {c.server.kernel.name}"
        return f"{c.client.name} reaches only {c.server.name}, through {c.proxies[0].name} and {c.proxies[1].name}"


def _call_step(c: Call) -> dict[str, Any]:
    step: dict[str, Any] = {"op": "call", "client": c.client.name, "server": c.server.name}
    if c.proxies is not None:
        step.update(client_proxy=c.proxies[0].name, server_proxy=c.proxies[1].name)
    return step


OBLIGATION = RpcProxy()
