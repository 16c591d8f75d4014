// Mistake: k1 runs a multikernel build without the SetIrqTargetCore patch
// (`irq_route no`), on c1. There is no loader; both kernels run
// `dist_init first`. When k0 boots first, its reset writes every GICD_IROUTER
// with c0's affinity (0x000); k1 then finds the distributor enabled, skips
// the reset, and can enable but never route its Ethernet SPIs: they stay at
// c0. (In the order k1, k0 it works, since k1's own reset routes everything
// to c1.)
//  - IRQ-ROUTE spi 27, spi 24: in the order k0, k1 they end at c0.
// GIC-INIT holds: exactly one of the two resets, before anything is live.
// Trigger words: k0 uses 9 (uart2), k1 uses 3 (gmac0).
//
// expect: failed IRQ-ROUTE spi 27
// expect: failed IRQ-ROUTE spi 24

include "platforms/rock3b.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

profile mk-noroute extends mk {
    irq_route no
}

kernel k0 {
    profile mk
    cores c0
    ram at 0x0020_0000 size 0x1fe0_0000
    devices uart2
}

kernel k1 {
    profile mk-noroute
    cores c1
    ram at 0x4000_0000 size 1G
    devices gmac0
}
