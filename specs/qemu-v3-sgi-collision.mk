// Mistake: two driver kernels both written to notify the control kernel k0
// with SGI 5. GICv3 SGIs carry no sender identity and a second SGI merges
// with a pending first one, so k0 cannot tell block completions from
// network completions (and may lose one).
//  - IPI-UNIQUE blk_done,net_done: both arrive as (a0, SGI 5), no mailbox.
// The fix is a shared mailbox with distinct tags, as in
// qemu-v3-three-kernels.mk, or distinct SGIs.
//
// expect: failed IPI-UNIQUE blk_done,net_done

include "platforms/qemu-virt-gicv3.mk"

// QEMU has no firmware to put interrupts into Group 1 and the sel4-mk fork does not do it
// itself (platforms/qemu-virt-gicv3.mk: `group1 sel4`), so the loader does what TF-A does on a board.
loader { gic_init group1 }

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

kernel k2 {
    profile mk
    cores a2
    ram at 0x6000_0000 size 256M
    devices virtio16
}

channel blk_done {
    from k1 to k0
    sgi 5
}

channel net_done {
    from k2 to k0
    sgi 5
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1, k2
