// qemu-v3-microkit-pds.mk with two queue mistakes: the consumer's read index lives in the ring
// (no `index` region), which the producer writes, so the producer can move it; and a monitor PD
// on the consumer's kernel maps the ring too.
//
// expect: failed QUEUE-INDEX jobs
// expect: failed QUEUE-ACCESS jobs

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
shared ring    at 0xb001_0000 size 64K { k2 rw, k3 rw }
shared acks    at 0xb002_0000 size 4K { k2 r, k3 rw }

pd client       on k0 { priority 10 }
pd client_proxy on k0 { priority 20  map rpc_buf rw }
pd server_proxy on k1 { priority 20  map rpc_buf rw }
pd server       on k1 { priority 30  irq spi 16 edge }
pd producer     on k2 { priority 50  map ring rw  map acks r }
pd consumer     on k3 { priority 50  map ring rw  map acks rw }
pd monitor      on k3 { priority 5   map ring r }

channel req  { from client_proxy to server_proxy }
channel rep  { from server_proxy to client_proxy }
channel bell { from producer to consumer }
channel tick { from client to consumer }

call client -> server via client_proxy, server_proxy in rpc_buf
queue jobs from producer to consumer in ring slots 1024 notify bell

boot order k0, k1, k2, k3
