// E317: a PD that calls itself, and a call whose proxy is its own client.
// expect: error E317 11:16
// expect: error E317 12:27
include "../../specs/platforms/qemu-virt-gicv3.mk"
kernel k0 { cores a0 ram at 0x4000_0000 size 256M }
kernel k1 { cores a1 ram at 0x5000_0000 size 256M }
shared buf at 0xb000_0000 size 4K { k0 rw, k1 rw }
pd client on k0 { }
pd server on k1 { }
pd proxy on k1 { }
call client -> client
call client -> server via client, proxy in buf
