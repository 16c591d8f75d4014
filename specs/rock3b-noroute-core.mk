// Mistake: k0, node 0 (it boots on c0, the loader's logical cpu 0), runs a
// multikernel build whose root task does not route the other kernels' SPIs
// (`irq_route no`: no SetIrqTargetCore calls). The loader's distributor reset
// routes every SPI to c0, k1 on c1 enables its Ethernet SPIs when it takes
// them, but nothing ever routes them to c1: they stay at c0.
//  - IRQ-ROUTE spi 27, spi 24: they end at c0.
// GIC-INIT holds: the loader initialises the distributor once, and node 0
// boots first.
// Trigger words: k0 uses 9 (uart2), k1 uses 3 (gmac0).
//
// expect: failed IRQ-ROUTE spi 27
// expect: failed IRQ-ROUTE spi 24

include "platforms/rock3b.mk"

loader { gic_init }

profile mk extends sel4-mk {
    device_untypeds declared
}

profile mk-noroute extends mk {
    irq_route no
}

kernel k0 {
    profile mk-noroute
    cores c0
    ram at 0x0020_0000 size 0x1fe0_0000
    devices uart2
}

kernel k1 {
    profile mk
    cores c1
    ram at 0x4000_0000 size 1G
    devices gmac0
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
