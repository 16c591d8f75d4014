// Clean: the two UARTs uart0 (SPI 21, INTID 53, level) and uart1 (SPI 22,
// INTID 54, level) go to different kernels and share GICD_ICFGR word 3, as
// does k1's CAN controller; k1 also owns the edge-triggered watchdog (word 9).
// The trigger modes are configured once by the loader
// (`trigger_config loader`), so no kernel read-modify-writes an ICFGR word
// at run time and no update can be lost.
//
// expect: proved

include "platforms/zynqmp.mk"

profile mk extends sel4-mk {
    device_untypeds declared
    trigger_config loader
}

loader { gic_init triggers }

kernel k0 {
    profile mk
    cores c0
    ram at 0x1000_0000 size 256M
    devices uart0
}

kernel k1 {
    profile mk
    cores c1
    ram at 0x8_0000_0000 size 1G
    devices uart1, can0, wdt
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
