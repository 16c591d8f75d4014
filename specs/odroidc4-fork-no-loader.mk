// Mistake: odroidc4-two-kernels.mk booted by a loader that does not
// initialise the GIC (no `loader { gic_init }`). The multikernel fork's
// dist_init (au-ts/seL4 c99714a6, `dist_init check` in sel4-mk) no longer
// resets the distributor: it reads GICD_CTLR and halts when it is not
// enabled ("GICD_CTLR not initialized"). Nothing enables it here, so both
// kernels halt at boot.
//  - GIC-INIT system: nobody initialises the distributor.
//  - IRQ-ROUTE for every SPI: its owner never comes up.
//  - IPI-CAP kick_k1, kick_k0: the senders never come up.
// The fix: the multikernel loader's `loader { gic_init }`.
//
// expect: failed GIC-INIT system
// expect: failed IRQ-ROUTE spi 8
// expect: failed IRQ-ROUTE spi 16
// expect: failed IRQ-ROUTE spi 39
// expect: failed IRQ-ROUTE spi 191
// expect: failed IRQ-ROUTE spi 193
// expect: failed IPI-CAP kick_k1
// expect: failed IPI-CAP kick_k0

include "platforms/odroidc4.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

kernel k0 {
    profile mk
    cores c0
    ram at 0x1000_0000 size 256M
    devices uart_ao, i2c3
}

kernel k1 {
    profile mk
    cores c2
    ram at 0x2000_0000 size 1G
    devices eth, sd_emmc_c, usb_glue
}

shared ring at 0x0800_0000 size 1M { k0 rw, k1 rw }

channel kick_k1 {
    from k0 to k1
    sgi 7
    target 2
}

channel kick_k0 {
    from k1 to k0
    sgi 7
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
