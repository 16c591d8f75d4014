// Mistake: the sender's toolchain reads the receiving core's MPIDR_EL1 and
// passes it unchanged as the SGI target. On c2 of this Cortex-A55 that is
// 0x8100_0200: bit 31 is RES1 and bit 24 is MT, both of which sit where the
// packed target keeps Aff3 (bits 31..24). seL4 ORs that Aff3 (0x81) into
// the Aff2 field of ICC_SGI1R_EL1, so the SGI is sent to affinity
// 0.0x81.2.0, which no core has, and is lost. The right target is 0x200.
//  - IPI-TARGET kick: the ICC_SGI1R_EL1 write reaches no core.
// The reply uses the default target, c0's affinity 0x000.
// Trigger words: k0 uses 9 (uart2), k1 uses 3 (gmac0).
//
// expect: failed IPI-TARGET kick

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
    devices uart2
}

kernel k1 {
    profile mk
    cores c2
    ram at 0x4000_0000 size 1G
    devices gmac0
}

channel kick {
    from k0 to k1
    sgi 3
    target 0x8100_0200    // raw MPIDR_EL1 of c2; should be 0x200
}

channel reply {
    from k1 to k0
    sgi 3
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
