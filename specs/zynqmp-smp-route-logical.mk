// Mistake: an upstream-SMP-derived kernel k2 on cores c2 and c3 routes the
// Ethernet interrupt (gem3, SPI 63, INTID 95) to c3. On GICv2, seL4's SMP
// setIRQTarget writes GICD_ITARGETSR byte = 1 << target, where target is
// the logical core index inside the kernel (c2 = 0, c3 = 1), not the
// CPU-interface number. Routing to c3 therefore writes 0x02: CPU interface
// 1, which is c1, the core of kernel k1.
//  - IRQ-ROUTE spi 63: it ends routed to c1 (k1), not to c3.
// (On GICv3 the same call writes IROUTER from the MPIDR map and is right;
// it is also right on GICv2 when the kernel's cores are c0, c1, ...)
// The loader initialises the distributor; k0 and k1 are non-SMP multikernel
// builds that route their own SPIs.
// Trigger words: k0 uses 3 (uart0), k1 uses 4 (ttc0), k2 uses 5 (gem3).
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

kernel k1 {
    profile mk
    cores c1
    ram at 0x2000_0000 size 256M
    devices ttc0
}

kernel k2 {
    profile mk-smp
    cores c2, c3
    ram at 0x8_0000_0000 size 1G
    devices gem3
    route spi 63 to c3
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1, k2
