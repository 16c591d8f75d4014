// Mistake: the integrator reused the address of the Linux rpmsg vrings
// (0xb800_0000, from the EVK device tree) for a buffer shared by the two
// kernels. That range is the `no-map` reserved hole owned by the Cortex-M4
// firmware.
//  - MEM-BOUNDS vring: the shared region lies inside the reserved hole rpmsg.
// Everything else is the clean system of imx8mm-two-kernels.mk.
//
// expect: failed MEM-BOUNDS vring

include "platforms/imx8mm.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

loader { gic_init }

kernel k0 {
    profile mk
    cores a0
    ram at 0x4000_0000 size 1G
    devices uart2, usdhc2, wdog1
}

kernel k1 {
    profile mk
    cores a1
    ram at 0x8000_0000 size 512M
    devices enet, gpt1, i2c2
}

shared netq at 0xa000_0000 size 2M { k0 rw, k1 rw }
shared vring at 0xb800_0000 size 1M { k0 rw, k1 rw }

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
