// Mistake: a channel into the two-core SMP kernel k0 on SGI 0. SMP seL4
// reserves SGI 0 (remote call) and SGI 1 (reschedule) for its own IPIs, so
// k0 cannot bind SGI 0 and would take every remote-call IPI for a message.
//  - IPI-RANGE wake: SGI 0 is reserved by the receiving kernel k0.
// The rest is clean: the default target for c1 is its CPU-interface number
// 1, the sender k1 is a non-SMP build that can send SGIs. k0 runs on c0 and
// c1, so its logical core indices equal the CPU-interface numbers and its
// SMP routing of gem3 (to c0, logical 0, ITARGETSR 0x01) is right.
// Trigger words: k0 uses 5 (gem3), k1 uses 3 (uart0).
//
// Also: k0 runs on the loader's logical cpu 0, so it is node 0, and only node 0
// routes the other kernels' SPIs on the multikernel fork (SetIrqTargetCore); an
// SMP build does not, so k1's UART SPI 21 stays where the loader routed it.
//  - IRQ-ROUTE spi 21: it ends at k0's first core.
//
// expect: failed IPI-RANGE wake
// expect: failed IRQ-ROUTE spi 21

include "platforms/zynqmp.mk"

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
    profile mk-smp
    cores c0, c1
    ram at 0x8_0000_0000 size 1G
    devices gem3
}

kernel k1 {
    profile mk
    cores c2
    ram at 0x1000_0000 size 256M
    devices uart0
}

channel wake {
    from k1 to k0 on c1
    sgi 0
}
