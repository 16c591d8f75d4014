"""RPC-PROXY: calls cross kernels only through proxy pairs serving one server (checker/obligations/rpc_proxy.py)."""

from __future__ import annotations

import pytest

from checker.lemmas import CAPABILITY_PATHS
from checker.result import FAILED, PROVED
from model.trace import CallOutcome
from checker import replay
from tests.obligations.pd_system import text
from tests.obligations.support import check, corpus_verdicts, failing, load, replays_from_file, violation

ID = "RPC-PROXY"

# A second server on k1 with its own proxy pair: what a shared proxy is seeded into.
SECOND = """
shared rpc_buf2 at 0xb003_0000 size 4K { k0 rw, k1 rw }
pd client2 on k0 { priority 10 }
pd audit on k1 { priority 30 }
"""


def shared_server_proxy(reply: bool = True):
    """The seeded mistake: server_proxy also serves audit, for client2 through client2_proxy
    (without the reply channel of that pair when `reply` is false)."""
    rep2 = "channel rep2 { from server_proxy to client2_proxy }\n" if reply else ""
    seeded = text(more=SECOND + "pd client2_proxy on k0 { priority 20 map rpc_buf2 rw }\n"
                  "channel req2 { from client2_proxy to server_proxy }\n" + rep2 +
                  "call client2 -> audit via client2_proxy, server_proxy in rpc_buf2")
    return load(seeded.replace("pd server_proxy on k1 { priority 20 map rpc_buf rw }",
                               "pd server_proxy on k1 { priority 20 map rpc_buf rw map rpc_buf2 rw }"))


def shared_client_proxy(reply: bool = True):
    """client_proxy also serves audit, for client2 through audit_proxy (without that pair's reply
    channel when `reply` is false)."""
    rep2 = "channel rep2 { from audit_proxy to client_proxy }\n" if reply else ""
    seeded = text(more=SECOND + "pd audit_proxy on k1 { priority 20 map rpc_buf2 rw }\n"
                  "channel req2 { from client_proxy to audit_proxy }\n" + rep2 +
                  "call client2 -> audit via client_proxy, audit_proxy in rpc_buf2")
    return load(seeded.replace("pd client_proxy on k0 { priority 20 map rpc_buf rw }",
                               "pd client_proxy on k0 { priority 20 map rpc_buf rw map rpc_buf2 rw }"))


def one_failure(spec_text):
    spec = load(spec_text)
    results = check(spec, ID)
    bad = [r for r in results if r.status == FAILED]
    assert len(bad) >= 1, [r.message for r in results]
    return spec, results, bad


def test_a_call_through_its_own_proxy_pair_is_proved():
    results = check(text(), ID)
    (r,) = results
    assert r.status == PROVED and r.subject == "client.server"
    assert r.method == "facts" and r.lemma == CAPABILITY_PATHS.name
    assert r.message == "client reaches only server, through client_proxy and server_proxy"


def test_a_direct_call_on_one_kernel_is_proved():
    results = check(text(more="pd helper on k0 { priority 40 }\ncall client -> helper"), ID)
    assert {r.subject: r.status for r in results} == {"client.server": PROVED, "client.helper": PROVED}


def test_a_cross_kernel_call_without_proxies_fails_with_the_reason():
    spec, results, (r,) = one_failure(text(call="call client -> server"))
    assert r.subject == "client.server" and r.counterexample["problem"] == "cross-kernel"
    assert "seL4 endpoints do not cross kernels" in r.message and "via CLIENT_PROXY, SERVER_PROXY in BUFFER" in r.message
    assert r.expect == {"kind": "call-undeliverable", "client": "client", "server": "server"}
    hit = violation(spec, r)
    assert hit is not None and "do not cross kernels" in hit.details["reason"]
    assert replays_from_file(spec, r)


def test_a_client_proxy_on_the_servers_kernel_fails():
    spec, _, bad = one_failure(text(pc_kernel="k1"))
    (r,) = [r for r in bad if r.counterexample["problem"] == "proxy-kernel"]
    assert "proxy client_proxy runs on kernel k1, not on client's kernel k0" in r.message
    assert violation(spec, r) is not None


@pytest.mark.parametrize("parts, words", [
    ({"rep": ""}, "no channel from server_proxy to client_proxy signals the reply"),
    ({"ps_maps": "map rpc_buf r"}, "server_proxy cannot write the buffer rpc_buf"),
])
def test_a_pair_that_cannot_carry_the_call_fails(parts, words):
    spec, _, (r,) = one_failure(text(**parts))
    assert r.counterexample["problem"] == "pair" and words in r.message
    hit = violation(spec, r)
    assert hit is not None and words.split(" (")[0] in hit.details["reason"]


def test_a_shared_server_proxy_lets_a_client_of_one_server_reach_another():
    """The seeded mistake: one server proxy for two servers. client, a client of server only,
    reaches audit in the model."""
    spec = shared_server_proxy()
    results = check(spec, ID)
    assert failing(results) == {"client.server", "client2.audit"}
    r = next(r for r in results if r.subject == "client.server")
    assert r.counterexample["problem"] == "shared-proxy" and r.counterexample["server_reached"] == "audit"
    assert "server proxy server_proxy serves server and also audit" in r.message
    assert r.expect == {"kind": "rpc-cross-server", "client": "client", "server": "audit"}
    hit = violation(spec, r)
    assert hit is not None and hit.details == {"client": "client", "server": "audit"}
    run = replay.run(replay.machine_config(spec), r.scenario)
    (outcome,) = [e for e in run.trace if isinstance(e, CallOutcome)]
    assert outcome.path == ("client", "client_proxy", "server_proxy", "audit")
    assert replays_from_file(spec, r)


def test_a_shared_client_proxy_fails_too():
    spec = shared_client_proxy()
    results = check(spec, ID)
    r = next(r for r in results if r.subject == "client.server")
    assert r.status == FAILED and r.expect == {"kind": "rpc-cross-server", "client": "client", "server": "audit"}
    assert violation(spec, r) is not None


def test_a_buffer_mapped_by_a_third_pd_fails():
    spec, _, (r,) = one_failure(text(more="pd snoop on k0 { map rpc_buf r }"))
    assert r.counterexample["problem"] == "buffer-exposed" and r.counterexample["pd"] == "snoop"
    assert r.expect == {"kind": "rpc-buffer-exposed", "buffer": "rpc_buf", "pd": "snoop"}
    assert violation(spec, r) is not None


def test_a_buffer_listed_for_a_third_kernel_fails():
    spec, _, (r,) = one_failure(text(buf_access="k0 rw, k1 rw, k2 r"))
    assert r.counterexample["kernel"] == "k2"
    assert violation(spec, r) is not None


def test_a_notification_that_shares_its_sgi_fails():
    """rep is SGI 5 on a0; a kernel channel into a0 on SGI 5 too makes it ambiguous. (Numbered
    SGIs skip numbers taken explicitly: without `sgi 5` rep would be SGI 0 and proved.)"""
    spec, _, bad = one_failure(text(rep="channel rep { from server_proxy to client_proxy sgi 5 }",
                                    more="channel other { from k2 to k0 sgi 5 }"))
    (r,) = [r for r in bad if r.counterexample["problem"] == "sgi-shared"]
    assert r.counterexample["channels"] == ["rep", "other"]
    assert r.expect == {"kind": "sgi-merged", "channels": ["rep", "other"]}
    assert violation(spec, r) is not None


def test_numbering_skips_an_sgi_a_kernel_channel_takes():
    (r,) = check(text(more="channel other { from k2 to k0 sgi 0 }"), ID)
    assert r.status == PROVED
    spec = load(text(more="channel other { from k2 to k0 sgi 0 }"))
    assert {c.name: c.sgi for c in spec.channels}["rep"] == 1


def test_a_multiplexed_notification_with_a_distinct_tag_is_proved():
    more = ("shared mbox at 0xb004_0000 size 4K { k0 rw, k1 r, k2 rw }\n"
            "channel other { from k2 to k1 sgi 0 mailbox mbox tag 2 }")
    spec = text(more=more).replace("channel req { from client_proxy to server_proxy }",
                                   "channel req { from client_proxy to server_proxy sgi 0 mailbox mbox tag 1 }")
    (r,) = check(spec, ID)
    assert r.status == PROVED


def test_the_corpus_has_passing_specs():
    fails, proves = corpus_verdicts(ID)
    assert any("microkit" in p for p in proves)


def test_a_kernel_reaching_the_buffer_through_its_device_untypeds_fails():
    """k2 runs upstream seL4's `device_untypeds all`: its device untypeds cover rpc_buf."""
    spec = load(text().replace("kernel k2 { profile mk", "kernel k2 { profile sel4-mk"))
    (r,) = [r for r in check(spec, ID) if r.status == FAILED]
    assert r.counterexample["problem"] == "buffer-exposed" and r.counterexample["kernel"] == "k2"
    assert "kernel k2 reaches 0xb000_0000 of it" in r.message
    hit = violation(spec, r)
    assert hit is not None and hit.details == {"buffer": "rpc_buf", "kernel": "k2"}


def test_a_shared_proxy_whose_other_pair_cannot_carry_its_call_is_not_a_crossing_yet():
    """client_proxy also serves audit through audit_proxy, but that pair has no reply channel: the
    other call fails (pair), and client cannot reach audit yet. (A shared *server* proxy always
    crosses: the crossing then goes through the call's own pair.)"""
    spec = shared_client_proxy(reply=False)
    results = check(spec, ID)
    assert [r.status for r in results if r.subject == "client.server"] == [PROVED]
    # client2's own pair is broken, and through client_proxy's healthy pair it does reach server.
    assert {r.counterexample["problem"] for r in results if r.subject == "client2.audit"} == {"pair", "shared-proxy"}


def test_replaying_on_a_fix_that_removed_the_pd_says_so():
    """`pcheck replay --spec FIXED.mk`: a scenario naming a PD the fixed spec lacks is a mismatch, not a crash."""
    from checker import counterexample

    spec = shared_server_proxy()
    r = next(r for r in check(spec, ID) if r.subject == "client.server")
    doc = counterexample.document(spec, r)
    fixed = replay.machine_config(load(text()))
    with pytest.raises(counterexample.ScenarioMismatch, match="names server 'audit'"):
        counterexample.replay_document(doc, fixed)
