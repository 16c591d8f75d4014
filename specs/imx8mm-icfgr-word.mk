// Mistake: the two consoles uart2 (SPI 27, INTID 59) and uart4 (SPI 29,
// INTID 61) go to different kernels. Their trigger bits sit in the same
// GICD_ICFGR word (word 3, INTIDs 48..63), and seL4 sets a trigger with an
// unlocked read-modify-write of that word, so two kernels acquiring their
// UART interrupts at the same time can lose one configuration.
//  - IRQ-TRIGGER k0,k1.
// imx8mm-icfgr-loader.mk is the same system made safe.
//
// expect: failed IRQ-TRIGGER k0,k1

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
}

kernel k1 {
    profile mk
    cores a1
    ram at 0x8000_0000 size 512M
    devices uart4, enet
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
