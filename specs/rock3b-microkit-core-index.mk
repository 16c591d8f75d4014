// qemu-v3-microkit-pds.mk's system on a ROCK 3B (RK3568, Cortex-A55, GICv3), with the SGI targets
// the au-ts multikernel Microkit passes: the receiving core's index (capdl_util_make_sgi_signal_obj
// with recv_pd.cpu), which the fork uses as a packed affinity. On an A55 core n is MPIDR 0x{n}00
// (Aff1), so index 1 and 3 name no core: the request and the queue's doorbell are lost. Index 0 is
// right by luck (core 0 is affinity 0).
//
// expect: failed IPI-TARGET req
// expect: failed IPI-TARGET bell
// expect: failed IPI-TARGET tick
// expect: failed QUEUE-DOORBELL jobs

include "platforms/rock3b.mk"

loader { gic_init }

profile mk extends sel4-mk {
    device_untypeds declared
}

kernel k0 { profile mk  cores c0  ram at 0x4000_0000 size 256M  devices uart2 }
kernel k1 { profile mk  cores c1  ram at 0x5000_0000 size 256M  }
kernel k2 { profile mk  cores c2  ram at 0x6000_0000 size 256M }
kernel k3 { profile mk  cores c3  ram at 0x7000_0000 size 256M }

shared rpc_buf at 0xb000_0000 size 4K { k0 rw, k1 rw }
shared ring    at 0xb001_0000 size 64K { k2 rw, k3 r }
shared acks    at 0xb002_0000 size 4K { k2 r, k3 rw }

pd client       on k0 { priority 10 }
pd client_proxy on k0 { priority 20  map rpc_buf rw }
pd server_proxy on k1 { priority 20  map rpc_buf rw }
pd server       on k1 { priority 30 }
pd producer     on k2 { priority 50  map ring rw  map acks r }
pd consumer     on k3 { priority 50  map ring r   map acks rw }

channel req  { from client_proxy to server_proxy  target 1 }
channel rep  { from server_proxy to client_proxy  target 0 }
channel bell { from producer to consumer  target 3 }
channel tick { from client to consumer  target 3 }

call client -> server via client_proxy, server_proxy in rpc_buf
queue jobs from producer to consumer in ring slots 1024 index acks notify bell

boot order k0, k1, k2, k3
