// Mistake: rock3b-two-kernels.mk without its `boot order` line. On the
// multikernel fork (sel4-mk at au-ts/seL4 c99714a6) node 0, the kernel on
// the loader's logical cpu 0 (k0 on c0), masks every SPI up to maxIRQ at
// boot (init_irqs), and every kernel's dist_init only checks that the loader
// enabled the distributor. The fork staggers the boots by node id with a
// busy loop (commit aa595aee, "HACK: serialise kernel boots"), which makes
// k0 boot first in practice but guarantees nothing; pcheck considers every
// order.
//  - GIC-INIT system: in the order k1 -> k0, k0's boot masks k1's SPIs
//    while k1 is live.
//  - IRQ-ROUTE for each SPI of k1: it ends disabled in that order.
// The fix: `boot order k0, k1` (what the boot delay intends), as in
// rock3b-two-kernels.mk.
//
// expect: failed GIC-INIT system
// expect: failed IRQ-ROUTE spi 24
// expect: failed IRQ-ROUTE spi 27
// expect: failed IRQ-ROUTE spi 95

include "platforms/rock3b.mk"

// The multikernel loader initialises the distributor once (sel4-mk: dist_init check).
loader { gic_init }

profile mk extends sel4-mk {
    device_untypeds declared
}

kernel k0 {
    profile mk
    cores c0
    ram at 0x0020_0000 size 0x1fe0_0000       // [2 MiB, 512 MiB)
    devices uart2, i2c0
}

kernel k1 {
    profile mk
    cores c1
    ram at 0x4000_0000 size 1G
    devices gmac0, sata0
}

shared ring at 0x3000_0000 size 1M { k0 rw, k1 rw }

channel net_kick {
    from k0 to k1
    sgi 3
    target 0x100
}

channel ctl_kick {
    from k1 to k0
    sgi 3
}
