// A third kernel added to the ROCK 3B system by copying k1's block: the copy
// still says `cores c1`, so two kernels claim core c1 (the loader would start
// both on it), and core c2 is left to nobody. CPU-EXCL names the core.
//
// expect: failed CPU-EXCL c1

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
    devices gmac0
}

kernel k2 {
    profile mk
    cores c1                                  // meant: c2
    ram at 0x6000_0000 size 512M
    devices sata0
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1, k2
