// Clean: the system of rpi4-sgi-collision.mk with the two completion
// channels behind one mailbox. Both still arrive at k0 as (c0, SGI 5), but
// each sender writes its tag into done_q before signalling, so k0 can tell
// them apart. Only the kernels of the two channels are listed: the senders
// rw, the receiver r.
// Trigger words: k0 uses 9 (uart0, emmc2), k1 11 (genet), k2 6 (usb).
//
// expect: proved

include "platforms/rpi4.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

loader { gic_init }

kernel k0 {
    profile mk
    cores c0
    ram at 0x0020_0000 size 0x3b20_0000       // [2 MiB, 0x3B40_0000): rest of lowmem
    devices uart0, emmc2
}

kernel k1 {
    profile mk
    cores c1
    ram at 0x4000_0000 size 1G
    devices genet
}

kernel k2 {
    profile mk
    cores c2
    ram at 0x8000_0000 size 1G
    devices usb
}

shared done_q at 0xc000_0000 size 64K { k0 r, k1 rw, k2 rw }

channel done1 {
    from k1 to k0
    sgi 5
    mailbox done_q tag 1
}

channel done2 {
    from k2 to k0
    sgi 5
    mailbox done_q tag 2
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1, k2
