// Clean two-kernel system on the i.MX 8M Mini EVK: a control kernel with the
// console, SD card and watchdog, and a network kernel with the Ethernet MAC,
// a timer and an I2C bus. The loader initialises the GICv3 distributor, the
// kernels are multikernel-patched and see only their declared devices.
// They exchange packets through netq and kick each other on SGI 9; the two
// directions arrive on different cores, the tags just label the queues.
// Trigger words: k0 uses words 3 (uart2, usdhc2) and 6 (wdog1); k1 words
// 4 (i2c2), 5 (gpt1) and 9 (enet).
//
// expect: proved

include "platforms/imx8mm.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

loader { gic_init }

kernel k0 {
    profile mk
    cores a0
    ram at 0x4000_0000 size 1G                 // [0x4000_0000, 0x8000_0000)
    devices uart2, usdhc2, wdog1
}

kernel k1 {
    profile mk
    cores a1
    ram at 0x8000_0000 size 512M               // [0x8000_0000, 0xA000_0000)
    devices enet, gpt1, i2c2
}

shared netq at 0xa000_0000 size 2M { k0 rw, k1 rw }

channel tx_kick {
    from k0 to k1
    sgi 9
    mailbox netq tag 1
}

channel rx_kick {
    from k1 to k0
    sgi 9
    mailbox netq tag 2
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
