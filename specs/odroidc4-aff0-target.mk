// Mistake: the SGI target was derived from the receiving core's MPIDR
// affinity, Aff0 of 0x100 = 0, as in the Zephyr GICv2 bug cited in the facts
// file. On the ODROID-C4 (Cortex-A55, GIC-400) every core has Aff0 = 0; the
// GICv2 target is the CPU-interface number, 1 for c1.
//  - IPI-TARGET notify: GICD_SGIR CPUTargetList 0x01 reaches c0 (k0 itself),
//    not c1.
// The reply uses another SGI and the default target, which is right.
//
// expect: failed IPI-TARGET notify

include "platforms/odroidc4.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

loader { gic_init }

kernel k0 {
    profile mk
    cores c0
    ram at 0x1000_0000 size 256M
    devices uart_ao
}

kernel k1 {
    profile mk
    cores c1
    ram at 0x2000_0000 size 1G
    devices eth
}

channel notify {
    from k0 to k1
    sgi 7
    target 0          // MPIDR_EL1.Aff0 of c1 (0x100)
}

channel reply {
    from k1 to k0
    sgi 8
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
