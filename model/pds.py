"""Protection domains on the kernels: what a PD can touch and whom it can call.

A PD reaches memory only through its mappings, and a mapping only exists
where its kernel can map: the PD maps the shared region with those rights
and the region lists the PD's kernel with at least them (`pd_access`).

A protected procedure call needs an endpoint capability, and seL4 objects
belong to one kernel: a kernel instance has no endpoint of another, so a
call never crosses kernels by itself (the au-ts multikernel Microkit
rejects a `pp` channel across cores). Across kernels a call is carried by a
proxy pair (`call_path`):

1. the client calls its client proxy on its own kernel, which it can when
   some declared call of this client goes through that proxy (Microkit gives
   the client an endpoint to it);
2. the client proxy writes the request into the pair's buffer and signals
   the server proxy; it forwards to every server proxy it is paired with,
   since it holds a buffer and a channel to each, and the request names the
   server; the pair needs its buffer (both proxies map it rw) and a
   notification each way (request and reply);
3. the server proxy calls the server the request names, which it can for
   every server it has an endpoint to: every server of a call through it.

So the capabilities are exactly the declared calls' hops, and a proxy
shared by two servers lets a client of one reach the other: `call_path`
follows the hops the capabilities allow, whatever the calls intended.
"""

from __future__ import annotations

from model.config import MachineConfig, Pd

__all__ = ["pd_access", "call_path"]


def pd_access(config: MachineConfig, pd: str, address: int, write: bool) -> str | None:
    """The shared region through which `pd` reaches `address` with the access, or None."""
    p = config.pd(pd)
    for region, mode in p.maps:
        shared = config.shared_region(region)
        if not shared.region.contains(address):
            continue
        listed = dict(shared.access).get(p.kernel)
        if write and (mode != "rw" or listed != "rw"):
            continue
        if listed is None:
            continue
        return region
    return None


def call_path(config: MachineConfig, client: str, server: str, client_proxy: str | None,
              server_proxy: str | None) -> tuple[str | None, tuple[str, ...], str | None]:
    """(the PD the call reaches or None, the PDs it went through, why it stopped)."""
    c = config.pd(client)
    if client_proxy is None:
        s = config.pd(server)
        if s.kernel != c.kernel:
            return None, (client,), (f"{client} (kernel {c.kernel}) has no endpoint of {server} (kernel {s.kernel}): "
                                     "seL4 endpoints do not cross kernels")
        if not any(k.client == client and k.server == server and k.client_proxy is None for k in config.calls):
            return None, (client,), f"{client} holds no endpoint of {server}"
        return server, (client, server), None
    pc = config.pd(client_proxy)
    if pc.kernel != c.kernel:
        return None, (client,), (f"{client} (kernel {c.kernel}) has no endpoint of its proxy {client_proxy} "
                                 f"(kernel {pc.kernel}): seL4 endpoints do not cross kernels")
    if not any(k.client == client and k.client_proxy == client_proxy for k in config.calls):
        return None, (client,), f"{client} holds no endpoint of {client_proxy}"
    path = (client, client_proxy)
    if server_proxy is None or not any(k.client_proxy == client_proxy and k.server_proxy == server_proxy for k in config.calls):
        return None, path, f"{client_proxy} is paired with no proxy {server_proxy}"
    pairs = [k for k in config.calls if k.client_proxy == client_proxy and k.server_proxy == server_proxy]
    ps = config.pd(server_proxy)
    why = _pair_problem(config, pc, ps, pairs[0].buffer)
    if why is not None:
        return None, path, why
    path += (server_proxy,)
    if not any(k.server_proxy == server_proxy and k.server == server for k in config.calls):
        return None, path, f"{server_proxy} holds no endpoint of {server}"
    s = config.pd(server)
    if s.kernel != ps.kernel:
        return None, path, (f"{server_proxy} (kernel {ps.kernel}) has no endpoint of {server} (kernel {s.kernel}): "
                            "seL4 endpoints do not cross kernels")
    return server, path + (server,), None


def _pair_problem(config: MachineConfig, pc: Pd, ps: Pd, buffer: str | None) -> str | None:
    """Why the proxies cannot pass a request and its reply, or None."""
    for sender, receiver, what in ((pc, ps, "request"), (ps, pc, "reply")):
        if not any(n.sender == sender.name and n.receiver == receiver.name for n in config.notifications):
            return f"no channel from {sender.name} to {receiver.name} signals the {what}"
    if buffer is None:
        return f"{pc.name} and {ps.name} share no buffer"
    region = config.shared_region(buffer).region
    for pd in (pc, ps):
        if pd_access(config, pd.name, region.base, True) is None:
            return f"{pd.name} cannot write the buffer {buffer}"
    return None
