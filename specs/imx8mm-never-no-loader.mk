// Mistake: both kernels were built for a loader that initialises the GIC
// (`dist_init never`), but the boot image was assembled with a loader
// without `gic_init`. Nobody ever sets up the GICv3 distributor: the first
// kernel boots and takes interrupts from a distributor that was never
// initialised (GICD_CTLR still disabled).
//  - GIC-INIT: no party initialises the distributor before a kernel runs.
// Each kernel still routes and enables its own SPI when it acquires it
// (`irq_route yes`), so IRQ-ROUTE holds; imx8mm-loader-never.mk is the same
// system with the loader fixed.
// Trigger words: k0 uses 3 (uart2), k1 uses 5 (gpt1).
//
// expect: failed GIC-INIT system

include "platforms/imx8mm.mk"

profile mk-never extends sel4-mk {
    dist_init never
    irq_route yes
    device_untypeds declared
}

kernel k0 {
    profile mk-never
    cores a0
    ram at 0x4000_0000 size 1G
    devices uart2
}

kernel k1 {
    profile mk-never
    cores a1
    ram at 0x8000_0000 size 512M
    devices gpt1
}

channel kick {
    from k0 to k1
    sgi 4
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
