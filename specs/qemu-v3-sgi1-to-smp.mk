// Mistake: a channel into an SMP kernel on SGI 1. SMP seL4 reserves SGI 0
// (remote call) and SGI 1 (reschedule) for its own IPIs, so the receiver
// cannot bind SGI 1 and would mistake every reschedule IPI for a message.
//  - IPI-RANGE wake: SGI 1 is reserved by the receiving kernel k1.
// The rest is clean: target a2 (affinity 0x2) is right, k0 can send.
//
// expect: failed IPI-RANGE wake

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
    profile mk
    cores a0
    ram at 0x4000_0000 size 256M
    devices uart
}

kernel k1 {
    profile mk-smp
    cores a1, a2
    ram at 0x5000_0000 size 1G
    devices virtio0
}

channel wake {
    from k0 to k1 on a2
    sgi 1
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
