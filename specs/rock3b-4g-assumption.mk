// Mistake: k1's slice was laid out for the 4 GiB memory map of another
// RK3568 board, [0xC000_0000, 0xF000_0000), but the ROCK 3B's RAM as seL4
// sees it ends at 0xECE9_C000.
//  - MEM-BOUNDS k1.ram: the slice runs past the end of the dram bank.
// Nothing else is declared in [0xECE9_C000, 0xF000_0000), so k1's RAM
// untypeds reach no one else's memory.
//
// expect: failed MEM-BOUNDS k1.ram

include "platforms/rock3b.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

loader { gic_init }

kernel k0 {
    profile mk
    cores c0
    ram at 0x4000_0000 size 1G
    devices uart2
}

kernel k1 {
    profile mk
    cores c2
    ram at 0xc000_0000 size 768M
    devices gmac0
}

channel net_kick {
    from k0 to k1
    sgi 5
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
