// A third kernel added to the ROCK 3B system by copying k1's block: the copy
// still says `cores c1`, so two kernels claim core c1 (the loader would start
// both on it), and core c2 is left to nobody. CPU-EXCL names the core.
//
// expect: failed CPU-EXCL c1

include "platforms/rock3b.mk"

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
