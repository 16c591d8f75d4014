// Mistake: the multikernel fork (sel4-mk) on QEMU virt with GICv3 and a loader
// that initialises the distributor but does nothing about interrupt groups.
// QEMU has no firmware: every interrupt resets to Group 0. seL4 takes only
// Group 1 interrupts (ICC_IAR1_EL1) and sends SGIs with ICC_SGI1R_EL1, which
// the GIC does not forward to a core where the SGI is in Group 0. Upstream
// seL4 built for qemu-arm-virt writes GICD_IGROUPR and GICR_IGROUPR0 itself;
// the fork does not.
//  - IRQ-ROUTE spi 1: the UART's SPI stays in Group 0 (signalled as FIQ).
//  - IRQ-ROUTE spi 16: so does virtio0's.
//  - IPI-TARGET kick: SGI 3 stays in Group 0 at a1 and is dropped.
// The fix: `loader { gic_init group1 }` (what TF-A does on a board).
//
// expect: failed IRQ-ROUTE spi 1
// expect: failed IRQ-ROUTE spi 16
// expect: failed IPI-TARGET kick

include "platforms/qemu-virt-gicv3.mk"

loader { gic_init }

profile mk extends sel4-mk {
    device_untypeds declared
}

kernel k0 {
    profile mk
    cores a0
    ram at 0x4000_0000 size 256M
    devices uart
}

kernel k1 {
    profile mk
    cores a1
    ram at 0x5000_0000 size 256M
    devices virtio0
}

channel kick { from k0 to k1 sgi 3 }

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
