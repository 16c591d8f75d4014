// Clean system with an SMP kernel: a small non-SMP supervisor k0 on a0 and a
// three-core multikernel SMP kernel k1 running the network stack. k1 routes
// the Ethernet queue interrupts to a2 and a3. SMP seL4 cannot send SGIs, so
// traffic is one-way: k0 posts commands and configuration updates into cmdq
// and kicks a2 with SGI 4; the two channels share (a2, SGI 4) through the
// mailbox with distinct tags.
// Trigger words: k0 uses 3 (uart2) and 6 (wdog1); k1 uses 4 (i2c2),
// 5 (gpt1) and 9 (enet).
//
// expect: proved

include "platforms/imx8mm.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

profile mk-smp extends sel4-smp {
    dist_init first
    boot_mask own
    device_untypeds declared
}

loader { gic_init }

kernel k0 {
    profile mk
    cores a0
    ram at 0x4000_0000 size 256M               // [0x4000_0000, 0x5000_0000)
    devices uart2, wdog1
}

kernel k1 {
    profile mk-smp
    cores a1, a2, a3
    ram at 0x5000_0000 size 1G                 // [0x5000_0000, 0x9000_0000)
    devices enet, gpt1, i2c2
    route spi 118 to a2
    route spi 119 to a2
    route spi 120 to a3
}

shared cmdq at 0x9000_0000 size 64K { k0 rw, k1 r }

channel cmd {
    from k0 to k1 on a2
    sgi 4
    mailbox cmdq tag 1
}

channel cfg {
    from k0 to k1 on a2
    sgi 4
    mailbox cmdq tag 2
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
