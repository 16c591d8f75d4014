// Mistake: the two spare UARTs go to different kernels: uart1 (SPI 117,
// INTID 149) to k0 and uart2 (SPI 118, INTID 150) to k1, and k1 also takes
// an edge-triggered line from an expansion board (SPI 120, INTID 152). All lie
// in GICD_ICFGR word 9 (INTIDs 144..159), which seL4 updates with an unlocked
// read-modify-write when a root task acquires the IRQ.
//  - IRQ-TRIGGER spi 120: k0's stale write of word 9 can put SPI 120 back to
//    level. The UARTs, level like the reset value, are proved.
// uart1 and uart2 are in different 4 KiB pages (0xfe65_0000, 0xfe66_0000).
//
// expect: failed IRQ-TRIGGER spi 120

include "platforms/rock3b.mk"

// The multikernel loader initialises the distributor once (sel4-mk: dist_init check).
loader { gic_init }

profile mk extends sel4-mk {
    device_untypeds declared
}

kernel k0 {
    profile mk
    cores c0
    ram at 0x4000_0000 size 1G
    devices uart1
}

kernel k1 {
    profile mk
    cores c1
    ram at 0x8000_0000 size 512M
    devices uart2
    irq spi 120 edge
}

channel kick {
    from k0 to k1
    sgi 3
    target 0x100
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
