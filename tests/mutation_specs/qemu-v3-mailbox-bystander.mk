// A clean system for mutation testing (tests/mutation.py): the corpus has no
// clean spec with a kernel that is on no channel of a mailbox, which the
// `mailbox-add-outsider` operator needs. k2 is such a bystander; it also owns
// an SPI no device lists (`irq spi 40 edge`). k1 is signalled on one core
// with two SGIs (kick, ping), which the `sgi-onto-neighbour` operator needs.
//
// expect: proved

include "../../specs/platforms/qemu-virt-gicv3.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

loader { gic_init group1 }  // group1: on QEMU GICv3 nobody else puts interrupts into Group 1

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
    profile mk
    cores a2
    ram at 0x6000_0000 size 256M
    devices virtio16
    irq spi 40 edge
}

shared req at 0x7000_0000 size 64K { k0 rw, k1 r }

channel kick {
    from k0 to k1
    sgi 5
    mailbox req tag 1
}

channel done {
    from k1 to k2
    sgi 5
}

channel ping {
    from k2 to k1
    sgi 6
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1, k2
