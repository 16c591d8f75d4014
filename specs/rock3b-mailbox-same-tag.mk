// Mistake: the system of rock3b-mailbox.mk, but req1 was copied from req0
// and kept its tag: both channels arrive at k2 as (c2, SGI 5) through the
// mailbox mb_k2 with tag 1. GICv3 SGIs carry no sender identity, so k2
// cannot tell k0's requests from k1's.
//  - IPI-UNIQUE req0,req1: same (core, SGI), same mailbox, same tag.
// IPI-MAILBOX holds: both senders can write mb_k2, k2 can read it, and no
// one else is on it.
// Trigger words: k0 uses 4 (i2c0) and 9 (uart2), k1 7 (sata0), k2 3 (gmac0).
//
// expect: failed IPI-UNIQUE req0,req1

include "platforms/rock3b.mk"

// The multikernel loader initialises the distributor once (sel4-mk: dist_init check).
loader { gic_init }

profile mk extends sel4-mk {
    device_untypeds declared
}

kernel k0 {
    profile mk
    cores c0
    ram at 0x0020_0000 size 0x1fe0_0000       // [2 MiB, 512 MiB)
    devices uart2, i2c0
}

kernel k1 {
    profile mk
    cores c1
    ram at 0x4000_0000 size 512M
    devices sata0
}

kernel k2 {
    profile mk
    cores c2
    ram at 0x8000_0000 size 512M
    devices gmac0
}

shared mb_k2 at 0x3000_0000 size 64K { k0 rw, k1 rw, k2 r }

channel req0 {
    from k0 to k2
    sgi 5
    target 0x200
    mailbox mb_k2 tag 1
}

channel req1 {
    from k1 to k2
    sgi 5
    mailbox mb_k2 tag 1           // copied from req0; should be 2
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1, k2
