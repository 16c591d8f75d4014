// Mistake: the SMP kernel k2 of zynqmp-smp-route-logical.mk with no `route`
// at all, in the belief that its SPIs then stay on its boot core c2. An
// smp profile routes every SPI it acquires (`irq_route yes`), by default to
// its first core, logical index 0; on GICv2 seL4's setIRQTarget writes
// GICD_ITARGETSR byte = 1 << 0 = 0x01, CPU interface 0, which is c0, the
// core of k0. Only an SMP kernel whose logical indices equal its cores'
// CPU-interface numbers (cores c0, c1, ...) routes right on GICv2.
// (Nor would skipping the route help here: the loader's reset left every
// SPI at its own boot core, c0.)
//  - IRQ-ROUTE spi 63: gem3 ends routed to c0 (k0), not to c2.
// The channel into k2 names c3 with the default target, CPU interface 3.
// Trigger words: k0 uses 3 (uart0), k2 uses 5 (gem3).
//
// k2 is an smp seL4 on c2, c3: its IPIs use the logical core mask as GICD_SGIR's
// CPUTargetList, so they go to CPU interfaces 0 and 1, which are k0's and k1's.
// expect: failed IRQ-ROUTE spi 63
// expect: failed IPI-SMP k2

include "platforms/zynqmp.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

profile mk-smp extends sel4-smp {
    dist_init first
    boot_mask own
    device_untypeds declared
}

loader { gic_init }

kernel k0 {
    profile mk
    cores c0
    ram at 0x1000_0000 size 256M
    devices uart0
}

kernel k2 {
    profile mk-smp
    cores c2, c3
    ram at 0x8_0000_0000 size 1G
    devices gem3
}

channel kick {
    from k0 to k2 on c3
    sgi 5
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k2
