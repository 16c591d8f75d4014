// Mistake: besides owning uart_ao (whose line, SPI 193, it gets with the
// device), k1 lists the console interrupt again by hand, copied from a
// datasheet table that numbers GIC inputs by INTID: 225 = 193 + 32. As an
// SPI number, 225 is INTID 257, beyond the 256 INTIDs this GIC-400
// implements (SPIs 0..223).
//  - IRQ-RANGE spi 225: above the GIC's lines.
//  - IRQ-ROUTE spi 225: an unimplemented INTID can never be enabled or
//    routed to k1's core.
//
// expect: failed IRQ-RANGE spi 225
// expect: failed IRQ-ROUTE spi 225

include "platforms/odroidc4.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

loader { gic_init }

kernel k0 {
    profile mk
    cores c0
    ram at 0x1000_0000 size 256M
    devices eth
}

kernel k1 {
    profile mk
    cores c1
    ram at 0x2000_0000 size 512M
    devices uart_ao
    irq spi 225 edge
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
