"""RPC-PROXY: calls across kernels go through proxy pairs that serve one server each.

Violation kinds:

* ``call-undeliverable`` (call_monitor, at a PdCall step): a declared call
  made as declared stops before its server (model.pds.call_path says
  where: no endpoint across kernels, no channel between the proxies, a
  buffer they cannot both write). Details: ``client``, ``server``,
  ``reason``.
* ``rpc-cross-server`` (call_monitor, at a PdCall step): a call reaches a
  server its client has no declared call to, through proxies another call
  shares. Details: ``client``, ``server`` (the one reached).
* ``rpc-shared-proxy`` (call_monitor, at a PdCall step): calls delivered
  through one proxy have reached two servers in the run. Details:
  ``proxy``, ``servers``.
* ``rpc-buffer-exposed`` (call_monitor, at PdAccess and Access steps): a PD
  other than a pair's two proxies, or a kernel other than theirs, reaches
  the pair's buffer. Details: ``buffer``, ``pd`` or ``kernel``.
"""

from __future__ import annotations

from model.scenario import Access, PdAccess, PdCall
from model.trace import CallOutcome, MemAccess, PdMemAccess, Violation

__all__ = ["call_monitor"]


def call_monitor(machine, index, step, events, live) -> list[Violation]:
    config = machine.config
    found = []
    if isinstance(step, PdCall):
        outcome = next((e for e in events if isinstance(e, CallOutcome)), None)
        if outcome is None:
            return found
        if outcome.reached is not None and not any(k.client == step.client and k.server == outcome.reached for k in config.calls):
            found.append(Violation(
                "rpc-cross-server", index,
                f"{step.client} reaches {outcome.reached} ({' -> '.join(outcome.path)}), a server it has no call to",
                {"client": step.client, "server": outcome.reached}))
        if outcome.reached is not None:
            for proxy in (step.client_proxy, step.server_proxy):
                if proxy is None:
                    continue
                served = machine.monitor.proxy_servers.setdefault(proxy, [])
                if outcome.reached not in served:
                    served.append(outcome.reached)
                    if len(served) == 2 and machine.monitor.once(("rpc-shared-proxy", proxy)):
                        found.append(Violation(
                            "rpc-shared-proxy", index, f"proxy {proxy} has carried calls to {served[0]} and {served[1]}",
                            {"proxy": proxy, "servers": tuple(served)}))
        declared = any((k.client, k.server, k.client_proxy, k.server_proxy)
                       == (step.client, step.server, step.client_proxy, step.server_proxy) for k in config.calls)
        if outcome.reached is None and declared:
            found.append(Violation(
                "call-undeliverable", index, f"the call from {step.client} to {step.server} cannot be made: {outcome.reason}",
                {"client": step.client, "server": step.server, "reason": outcome.reason}))
    elif isinstance(step, (PdAccess, Access)):
        for event in events:
            if isinstance(event, (PdMemAccess, MemAccess)) and event.allowed:
                found += _exposed(config, index, event)
    return found


def _exposed(config, index, event) -> list[Violation]:
    found = []
    for call in config.calls:
        if call.buffer is None or call.client_proxy is None:
            continue
        region = config.shared_region(call.buffer).region
        if not region.contains(event.address):
            continue
        pair = (call.client_proxy, call.server_proxy)
        if isinstance(event, PdMemAccess):
            if event.pd in pair:
                continue
            who, detail = f"PD {event.pd}", {"pd": event.pd}
        else:
            if event.kernel in {config.pd(p).kernel for p in pair}:
                continue
            who, detail = f"kernel {event.kernel}", {"kernel": event.kernel}
        found.append(Violation(
            "rpc-buffer-exposed", index,
            f"{who} reaches {event.address:#x} in {call.buffer}, the buffer of proxies {pair[0]} and {pair[1]}",
            {"buffer": call.buffer, **detail}))
        break
    return found
