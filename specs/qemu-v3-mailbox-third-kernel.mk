// Mistake: the mailbox mb of the channel k0 -> k1 also lists k2 (`k2 r`),
// left over from a debugging monitor. k2 is on no channel that uses mb, but
// can read every message (and, with the tags, who sent what).
//  - IPI-MAILBOX kick: k2, outside the mailbox's channels, can access it.
// MEM-EXPOSE holds: k2 is listed on mb, so the mapping is declared.
// Trigger words: k0 uses 2 (uart), k1 3 (virtio0), k2 4 (virtio16); the
// virtio transports of k1 and k2 are in different 4 KiB pages.
//
// expect: failed IPI-MAILBOX kick

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

shared mb at 0xb000_0000 size 64K { k0 rw, k1 r, k2 r }

channel kick {
    from k0 to k1
    sgi 4
    mailbox mb tag 1
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1, k2
