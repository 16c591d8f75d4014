// Clean system that relies on a fixed boot order. k0 is the "primary" build:
// it always resets the distributor at boot (`dist_init always`), because on
// this board it is started first by the boot loader and starts k1 itself.
// k1 is the multikernel fork (`sel4-mk`, `dist_init check`): it halts unless
// the distributor is already enabled, which k0's reset has done.
// `boot order k0, k1` tells the checker that this is the only order to
// consider; without it k1 could boot first and halt, and pcheck refuses the
// spec (E313: whether k1 boots depends on the boot order).
// RAM: k0 in the low DDR bank, k1 the whole high bank.
// Trigger words: k0 uses 3 (uart0, i2c0) and 4 (ttc0); k1 uses 5 (gem3,
// sdhci1) and 6 (usb0).
//
// expect: proved

include "platforms/zynqmp.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

profile primary extends mk {
    dist_init always
}

boot order k0, k1

kernel k0 {
    profile primary
    cores c0
    ram at 0x1000_0000 size 1G
    devices uart0, i2c0, ttc0
}

kernel k1 {
    profile mk
    cores c1
    ram at 0x8_0000_0000 size 2G
    devices gem3, sdhci1, usb0
}

shared mbox at 0x7000_0000 size 1M { k0 rw, k1 rw }

channel ping {
    from k0 to k1
    sgi 2
    mailbox mbox tag 0
}

channel pong {
    from k1 to k0
    sgi 2
    mailbox mbox tag 0
}
