// Mistake: the sender passes the core index (1) as the SGI target, which is
// right on Cortex-A53 boards (MPIDR 0x1) but not on this Cortex-A55, whose
// core 1 has MPIDR 0x100. seL4 encodes target 1 as Aff1 = 0, TargetList bit
// 1 (Aff0 = 1): no core has that affinity, and the SGI is silently lost.
//  - IPI-TARGET net_kick: the ICC_SGI1R_EL1 write reaches no core.
// The reverse channel uses the default target, which is right.
//
// expect: failed IPI-TARGET net_kick

include "platforms/rock3b.mk"

// The multikernel loader initialises the distributor once (sel4-mk: dist_init check).
loader { gic_init }

profile mk extends sel4-mk {
    device_untypeds declared
}

kernel k0 {
    profile mk
    cores c0
    ram at 0x0020_0000 size 0x1fe0_0000
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
    target 1
}

channel ctl_kick {
    from k1 to k0
    sgi 3
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
