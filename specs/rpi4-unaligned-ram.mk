// Mistake: k1's RAM base was taken from its image's load address, which
// includes a 2 KiB header offset (0x2000_0800) instead of the page-aligned
// start of the slice. The kernel can only use whole 4 KiB frames.
//  - MEM-ALIGN k1.ram: base not a multiple of the 4 KiB page.
// The pages the slice touches, [0x2000_0000, 0x3000_1000), hold no one
// else's memory (k0 ends at 0x1020_0000, the ring starts at 0xc000_0000).
//
// expect: failed MEM-ALIGN k1.ram

include "platforms/rpi4.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

loader { gic_init }

kernel k0 {
    profile mk
    cores c0
    ram at 0x0020_0000 size 256M
    devices uart0, emmc2
}

kernel k1 {
    profile mk
    cores c1
    ram at 0x2000_0800 size 256M
    devices genet
}

shared ring at 0xc000_0000 size 4M { k0 rw, k1 rw }

channel kick {
    from k0 to k1
    sgi 3
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
