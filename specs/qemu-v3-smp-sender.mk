// Mistake: the SMP kernel is made the sender of a completion channel.
// seL4_IRQControl_IssueSGISignal exists only in non-SMP builds
// (`sgi_signal no` in sel4-smp and every profile extending it).
//  - IPI-CAP done: the sender k0 cannot send SGIs.
// The channel's SGI, target and receiver are otherwise fine.
//
// Also: k0 runs on the loader's logical cpu 0, so it is node 0, and only node 0
// routes the other kernels' SPIs on the multikernel fork (SetIrqTargetCore); an
// SMP build does not, so k1's virtio SPI 16 stays where the loader routed it.
//  - IRQ-ROUTE spi 16: it ends at k0's first core.
//
// expect: failed IPI-CAP done
// expect: failed IRQ-ROUTE spi 16

include "platforms/qemu-virt-gicv3.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

profile mk-smp extends sel4-smp {
    dist_init first
    boot_mask own
    device_untypeds declared
}

// QEMU has no firmware to put interrupts into Group 1 and the sel4-mk fork does not do it
// itself (platforms/qemu-virt-gicv3.mk: `group1 sel4`), so the loader does what TF-A does on a board.
loader { gic_init group1 }

kernel k0 {
    profile mk-smp
    cores a0, a1
    ram at 0x4000_0000 size 1G
    devices uart
}

kernel k1 {
    profile mk
    cores a2
    ram at 0x8000_0000 size 256M
    devices virtio0
}

channel done {
    from k0 to k1
    sgi 4
}
