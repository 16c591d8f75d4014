// The system of imx8mm-icfgr-word.mk with the trigger modes configured once
// by the loader (`trigger_config loader`) instead of by each kernel at run
// time (`loader { gic_init triggers }`): SPI 30 (edge), uart2 and uart4 still
// share GICD_ICFGR word 3, but the loader writes it before any kernel runs and
// no kernel (`dist_init check`) resets it, so SPI 30 ends edge.
//
// expect: proved

include "platforms/imx8mm.mk"

profile mk extends sel4-mk {
    device_untypeds declared
    trigger_config loader
}

loader { gic_init triggers }

kernel k0 {
    profile mk
    cores a0
    ram at 0x4000_0000 size 1G
    devices uart2
    irq spi 30 edge
}

kernel k1 {
    profile mk
    cores a1
    ram at 0x8000_0000 size 512M
    devices uart4, enet
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
