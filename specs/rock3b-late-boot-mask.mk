// Mistake: k1's build kept upstream's `init_irqs`, which masks every
// interrupt at boot (`boot_mask all`: one ICENABLER bit for every INTID up
// to the maximum), instead of only its own. The loader initialises the
// distributor and both kernels skip their reset, but nothing orders the
// boots: when k0 boots first and enables its console interrupt, k1's boot
// masks it again.
//  - GIC-INIT: k1 makes a blanket disable of every SPI while k0 is live.
//  - IRQ-ROUTE spi 118: after the order k0, k1, k0's uart2 SPI ends
//    disabled. k1 acquires its own SPIs after its boot, so they hold.
// Trigger words: k0 uses 9 (uart2), k1 uses 3 (gmac0).
//
// expect: failed GIC-INIT system
// expect: failed IRQ-ROUTE spi 118

include "platforms/rock3b.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

profile mk-maskall extends mk {
    boot_mask all
}

loader { gic_init }

kernel k0 {
    profile mk
    cores c0
    ram at 0x0020_0000 size 0x1fe0_0000
    devices uart2
}

kernel k1 {
    profile mk-maskall
    cores c2
    ram at 0x4000_0000 size 1G
    devices gmac0
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
