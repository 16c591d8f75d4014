// Mistake: k0's RAM was copied from the board's whole `memory@0` node start,
// [0, 256 MiB), ignoring reserved-memory: it includes the secure monitor's
// no-map hole [0x0500_0000, 0x0530_0000) (BL31). Touching it faults or
// corrupts the monitor.
//  - MEM-BOUNDS k0.ram: the slice contains the reserved hole secmon.
//
// expect: failed MEM-BOUNDS k0.ram

include "platforms/odroidc4.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

loader { gic_init }

kernel k0 {
    profile mk
    cores c0
    ram at 0x0 size 256M
    devices uart_ao
}

kernel k1 {
    profile mk
    cores c1
    ram at 0x1000_0000 size 512M
    devices eth, sd_emmc_c
}

channel kick {
    from k0 to k1
    sgi 7
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
