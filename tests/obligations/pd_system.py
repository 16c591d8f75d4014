"""The four-kernel Microkit-style system the PD obligations' tests vary (specs/qemu-v3-microkit-pds.mk in brief).

k0..k3 run on a0..a3 of QEMU virt (GICv3, Cortex-A53). client (k0) calls
server (k1) through client_proxy and server_proxy with buffer rpc_buf;
producer (k2) feeds consumer (k3) through queue jobs (ring, index acks,
doorbell bell). Each keyword argument of `text` replaces one part.
"""

from __future__ import annotations

BASE = """
include "platforms/{platform}.mk"
loader {{ gic_init group1 }}
profile mk extends sel4-mk {{ device_untypeds declared }}
kernel k0 {{ profile mk cores {c0} ram at 0x4000_0000 size 256M }}
kernel k1 {{ profile mk cores {c1} ram at 0x5000_0000 size 256M }}
kernel k2 {{ profile mk cores {c2} ram at 0x6000_0000 size 256M }}
kernel k3 {{ profile mk cores {c3} ram at 0x7000_0000 size 256M }}
shared rpc_buf at 0xb000_0000 size 4K {{ {buf_access} }}
shared ring at 0xb001_0000 size 64K {{ {ring_access} }}
shared acks at 0xb002_0000 size 4K {{ {acks_access} }}
pd client on k0 {{ priority 10 }}
pd client_proxy on {pc_kernel} {{ priority 20 map rpc_buf rw }}
pd server_proxy on k1 {{ priority 20 {ps_maps} }}
pd server on k1 {{ priority 30 }}
pd producer on k2 {{ priority 50 {producer_maps} }}
pd consumer on k3 {{ priority 50 {consumer_maps} }}
channel req {{ from client_proxy to server_proxy }}
{rep}
channel bell {{ from producer to consumer {bell} }}
{call}
queue jobs from producer to consumer in ring slots 64 {index} notify bell
{more}
boot order k0, k1, k2, k3
"""

DEFAULTS = dict(
    platform="qemu-virt-gicv3", c0="a0", c1="a1", c2="a2", c3="a3",
    buf_access="k0 rw, k1 rw", ring_access="k2 rw, k3 r", acks_access="k2 r, k3 rw",
    pc_kernel="k0", ps_maps="map rpc_buf rw", producer_maps="map ring rw map acks r",
    consumer_maps="map ring r map acks rw", rep="channel rep { from server_proxy to client_proxy }", bell="",
    call="call client -> server via client_proxy, server_proxy in rpc_buf", index="index acks", more="",
)


def text(**parts: str) -> str:
    unknown = set(parts) - set(DEFAULTS)
    assert not unknown, unknown
    return BASE.format(**{**DEFAULTS, **parts})
