// Mistake: a push button on GPIO5 is wanted by both the power manager (k0)
// and the HMI kernel (k1), and both list its interrupt, SPI 72 (GPIO5
// combined 0-15, INTID 104), by hand.
//  - IRQ-EXCL spi 72: the SPI has two owners.
//  IRQ-TRIGGER leaves an SPI with two owners to IRQ-EXCL; the kernels' other
//  SPIs are level-triggered and end so.
//  - IRQ-ROUTE spi 72: each owner routes the SPI to its own core when it
//    acquires it; whoever acquires last wins, so the other owner never gets it.
// The kernels' other SPIs are in words 3 (uart2) and 9 (enet).
//
// expect: failed IRQ-EXCL spi 72
// expect: failed IRQ-ROUTE spi 72

include "platforms/imx8mm.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

loader { gic_init }

kernel k0 {
    profile mk
    cores a0
    ram at 0x4000_0000 size 1G
    devices uart2
    irq spi 72 level
}

kernel k1 {
    profile mk
    cores a1
    ram at 0x8000_0000 size 512M
    devices enet
    irq spi 72 level
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
