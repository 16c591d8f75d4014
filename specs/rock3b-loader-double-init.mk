// Mistake: the primary kernel k0 keeps upstream's unconditional distributor
// reset (`dist_init always`) although the loader already initialises the
// GIC (`loader { gic_init }`). With `boot order k0, k1` no other kernel is
// live when k0 resets, and k1 (sel4-mk, `dist_init check`) finds the
// distributor enabled, but the distributor is still initialised twice: by the
// loader, then again by k0.
//  - GIC-INIT: initialised twice (loader, then k0's boot).
// IRQ-ROUTE holds: k0's reset routes every SPI to c0 before k1 boots, and
// k0, node 0, routes k1's SPIs to c1 (SetIrqTargetCore, `irq_route primary`).
// Trigger words: k0 uses 9 (uart2), k1 uses 3 (gmac0).
//
// expect: failed GIC-INIT system

include "platforms/rock3b.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

profile primary extends mk {
    dist_init always
}

loader { gic_init }

boot order k0, k1

kernel k0 {
    profile primary
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
