// E313: a multikernel fork kernel (sel4-mk: dist_init check) halts unless the
// distributor is enabled when it boots; here only the upstream kernel k1
// enables it, so whether k0 boots depends on the unpinned boot order.
// expect: error E313 7:1
include "../../specs/platforms/rock3b.mk"

kernel k0 {
    profile sel4-mk
    cores c0
    ram at 0x0020_0000 size 0x1fe0_0000
}

kernel k1 {
    profile sel4
    cores c1
    ram at 0x4000_0000 size 1G
}
