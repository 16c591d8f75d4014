// Mistake: k0 takes an edge-triggered line from a board FPGA (SPI 30,
// INTID 62) besides its console uart2 (SPI 27), and k1 takes uart4 (SPI 29,
// INTID 61). All three sit in GICD_ICFGR word 3 (INTIDs 48..63), and seL4
// sets a trigger with an unlocked read-modify-write of that word.
//  - IRQ-TRIGGER spi 30: k1 reads word 3 (SPI 30 still level), k0 writes
//    edge, k1 writes back the word it read: SPI 30 ends level.
// The UARTs are level-triggered like the GIC's reset value: a stale write
// puts back the same bits, so they are proved. imx8mm-icfgr-loader.mk is the
// same system made safe.
//
// expect: failed IRQ-TRIGGER spi 30

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
    irq spi 30 edge
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
