// Clean three-kernel system on the ROCK 3B (Cortex-A55 + GICv3): k0 (console
// and PMIC bus) and k1 (SATA) both send requests to the network kernel k2 on
// c2 with SGI 5. They share the mailbox mb_k2 with distinct tags, so k2 can
// tell the senders apart, and only the three kernels of the two channels are
// listed on it (senders rw, receiver r). k0 names c2 by its affinity, 0x200
// (Aff1 = 2); k1 uses the default target, the same value.
// Trigger words: k0 uses 4 (i2c0) and 9 (uart2), k1 7 (sata0), k2 3 (gmac0).
//
// expect: proved

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
    mailbox mb_k2 tag 2
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1, k2
