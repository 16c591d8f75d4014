// Clean two-kernel system on the ROCK 3B (Cortex-A55 + GICv3). On GICv3 the
// SGI target is the packed affinity: core c1 has MPIDR 0x100 (Aff1 = 1,
// Aff0 = 0), so k0 names it as target 0x100; the reverse channel uses the
// default, which is c0's affinity 0x000.
// Trigger words: k0 uses 4 (i2c0) and 9 (uart2); k1 uses 3 (gmac0) and
// 7 (sata0).
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
    ram at 0x4000_0000 size 1G
    devices gmac0, sata0
}

shared ring at 0x3000_0000 size 1M { k0 rw, k1 rw }

channel net_kick {
    from k0 to k1
    sgi 3
    target 0x100
}

channel ctl_kick {
    from k1 to k0
    sgi 3
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
