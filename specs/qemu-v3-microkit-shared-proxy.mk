// qemu-v3-microkit-pds.mk with one server proxy for two servers: server_proxy also calls
// audit, for auditor through its own client proxy. A client of server can then name audit in its
// request and reach it through server_proxy (and auditor can reach server): one proxy for
// everything lets a client of one server reach another.
//
// expect: failed RPC-PROXY client.server
// expect: failed RPC-PROXY auditor.audit

include "platforms/qemu-virt-gicv3.mk"

loader { gic_init group1 }

profile mk extends sel4-mk {
    device_untypeds declared
}

kernel k0 { profile mk  cores a0  ram at 0x4000_0000 size 256M  devices uart }
kernel k1 { profile mk  cores a1  ram at 0x5000_0000 size 256M  devices virtio0 }
kernel k2 { profile mk  cores a2  ram at 0x6000_0000 size 256M }
kernel k3 { profile mk  cores a3  ram at 0x7000_0000 size 256M }

shared rpc_buf at 0xb000_0000 size 4K { k0 rw, k1 rw }
shared rpc_buf2 at 0xb003_0000 size 4K { k0 rw, k1 rw }
shared ring    at 0xb001_0000 size 64K { k2 rw, k3 r }
shared acks    at 0xb002_0000 size 4K { k2 r, k3 rw }

pd client       on k0 { priority 10 }
pd client_proxy on k0 { priority 20  map rpc_buf rw }
pd server_proxy on k1 { priority 20  map rpc_buf rw  map rpc_buf2 rw }
pd server       on k1 { priority 30  irq spi 16 edge }
pd audit        on k1 { priority 30 }
pd auditor      on k0 { priority 10 }
pd audit_proxy  on k0 { priority 20  map rpc_buf2 rw }
pd producer     on k2 { priority 50  map ring rw  map acks r }
pd consumer     on k3 { priority 50  map ring r   map acks rw }

channel req  { from client_proxy to server_proxy }
channel rep  { from server_proxy to client_proxy }
channel bell { from producer to consumer }
channel tick { from client to consumer }

call client -> server via client_proxy, server_proxy in rpc_buf
channel req2 { from audit_proxy to server_proxy }
channel rep2 { from server_proxy to audit_proxy }
call auditor -> audit via audit_proxy, server_proxy in rpc_buf2
queue jobs from producer to consumer in ring slots 1024 index acks notify bell

boot order k0, k1, k2, k3
