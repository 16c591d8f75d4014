// Clean three-kernel system on QEMU virt (GICv3): the multikernel loader
// initialises the distributor and puts interrupts into Group 1, node 0 (k0)
// boots first; no kernel resets the distributor.
//  - k0, k1: non-SMP multikernel seL4 on a0 and a1.
//  - k2: an SMP multikernel build on a2 and a3 (it reserves SGI 0 and 1, so
//    channels into it use other SGIs and name the receiving core).
// k0 and k1 both signal k2 on (a3, SGI 8); they share the mailbox mbox_k2
// with distinct tags, so k2 can tell who sent. k0 and k1 also signal each
// other on SGI 3 (different receiving cores, no clash).
// Trigger words: k0 word 2, k1 word 3, k2 word 4.
//
// expect: proved

include "platforms/qemu-virt-gicv3.mk"

// QEMU has no firmware to put interrupts into Group 1 and the sel4-mk fork does not do it
// itself (platforms/qemu-virt-gicv3.mk: `group1 sel4`), so the loader does what TF-A does on a board.
loader { gic_init group1 }

profile mk extends sel4-mk {
    device_untypeds declared
}

// No released kernel is an SMP multikernel build: this user-defined profile stands for one
// (the fork's dist_init check and SetIrqTargetCore routing are non-SMP only).
profile mk-smp extends sel4-smp {
    dist_init check
    boot_mask own
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
    devices virtio0, virtio1
}

kernel k2 {
    profile mk-smp
    cores a2, a3
    ram at 0x6000_0000 size 1G
    devices virtio16, virtio17
    route spi 33 to a3
}

shared mbox_k2 at 0xb000_0000 size 64K { k0 rw, k1 rw, k2 r }

channel req0 {
    from k0 to k2 on a3
    sgi 8
    mailbox mbox_k2 tag 1
}

channel req1 {
    from k1 to k2 on a3
    sgi 8
    mailbox mbox_k2 tag 2
}

channel ping01 {
    from k0 to k1
    sgi 3
}

channel ping10 {
    from k1 to k0
    sgi 3
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1, k2
