// Mistake: the two-core SMP kernel k0 is made the sender of a completion
// channel. seL4_IRQControl_IssueSGISignal exists only in non-SMP builds
// (`sgi_signal no` in sel4-smp and every profile extending it), on GICv2 as
// on GICv3.
//  - IPI-CAP done: the sender k0 cannot send SGIs.
// SGI 4, the default target (CPU interface 2) and the receiver are fine.
// k0 runs on a0 and a1, so its logical core indices equal the CPU-interface
// numbers and its SMP routing of the UART SPI is right.
// Trigger words: k0 uses 2 (uart), k1 uses 4 (virtio16).
//
// Also: k0 runs on the loader's logical cpu 0, so it is node 0, and only node 0
// routes the other kernels' SPIs on the multikernel fork (SetIrqTargetCore); an
// SMP build does not, so k1's virtio SPI 32 stays where the loader routed it.
//  - IRQ-ROUTE spi 32: it ends at k0's first core.
//
// expect: failed IPI-CAP done
// expect: failed IRQ-ROUTE spi 32

include "platforms/qemu-virt-gicv2.mk"

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
    cores a0, a1
    ram at 0x4000_0000 size 512M
    devices uart
}

kernel k1 {
    profile mk
    cores a2
    ram at 0x6000_0000 size 256M
    devices virtio16
}

channel done {
    from k0 to k1
    sgi 4
}
