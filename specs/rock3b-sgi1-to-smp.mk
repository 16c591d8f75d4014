// Mistake: a channel into the SMP network kernel k1 (cores c2, c3) on
// SGI 1, which SMP seL4 reserves for its reschedule IPI (SGI 0 is the
// remote call).
//  - IPI-RANGE rx_kick: SGI 1 is reserved by the receiving kernel k1.
// The target is right: c3 is affinity 0x300 (Aff1 = 3) on this Cortex-A55.
// k1 routes gmac0's interrupts to c3 through IROUTER (GICv3 SMP seL4
// writes the MPIDR of the logical core, so this is right).
// Trigger words: k0 uses 9 (uart2), k1 uses 3 (gmac0).
//
// k1 is an smp seL4 on c2, c3 (MPIDR 0x200, 0x300): seL4's ipi_send_target
// groups IPIs by Aff1 and asserts Aff1 < CONFIG_MAX_NUM_NODES (2), so its own IPIs fail too.
// expect: failed IPI-RANGE rx_kick
// expect: failed IPI-SMP k1

include "platforms/rock3b.mk"

// The multikernel loader initialises the distributor once (sel4-mk: dist_init check).
loader { gic_init }

profile mk extends sel4-mk {
    device_untypeds declared
}

// No released kernel is an SMP multikernel build: this user-defined profile stands for one
// (the fork's dist_init check and SetIrqTargetCore routing are non-SMP only).
profile mk-smp extends sel4-smp {
    dist_init check
    boot_mask own
    device_untypeds declared
}

kernel k0 {
    profile mk
    cores c0
    ram at 0x0020_0000 size 0x1fe0_0000
    devices uart2
}

kernel k1 {
    profile mk-smp
    cores c2, c3
    ram at 0x4000_0000 size 1G
    devices gmac0
    route spi 27 to c3
    route spi 24 to c3
}

channel rx_kick {
    from k0 to k1 on c3
    sgi 1
    target 0x300
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
