// Mistake: a third kernel k2 (the SATA kernel) runs the plain `sel4-mk`
// build, whose root task gets device untypeds for every address that is not
// its own RAM or the GIC (`device_untypeds all`). The mailbox ring of the
// channel k0 -> k1 is not RAM of k2, so k2 can retype a device untyped over
// it and read or forge messages, although it is not listed on it.
//  - IPI-MAILBOX kick: k2 reaches ring through its device untypeds.
//  - MEM-EXPOSE k2: it also reaches k0's and k1's RAM and devices.
// k0 and k1 are hardened (`device_untypeds declared`). The target 0x100 is
// c1's affinity (Aff1 = 1).
// Trigger words: k0 uses 9 (uart2), k1 3 (gmac0), k2 7 (sata0).
//
// expect: failed IPI-MAILBOX kick
// expect: failed MEM-EXPOSE k2

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
    devices uart2
}

kernel k1 {
    profile mk
    cores c1
    ram at 0x4000_0000 size 1G
    devices gmac0
}

kernel k2 {
    profile sel4-mk
    cores c2
    ram at 0x8000_0000 size 512M
    devices sata0
}

shared ring at 0x3000_0000 size 1M { k0 rw, k1 r }

channel kick {
    from k0 to k1
    sgi 3
    target 0x100
    mailbox ring tag 1
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1, k2
