// Clean: the system of imx8mm-never-no-loader.mk with the loader's
// `gic_init`. The loader initialises the GICv3 distributor once, before any
// kernel runs, and both kernels (`dist_init never`) leave it alone; each
// routes its own SPI to its core when it acquires it.
// Trigger words: k0 uses 3 (uart2), k1 uses 5 (gpt1).
//
// expect: proved

include "platforms/imx8mm.mk"

profile mk-never extends sel4-mk {
    dist_init never
    irq_route yes
    device_untypeds declared
}

loader { gic_init }

kernel k0 {
    profile mk-never
    cores a0
    ram at 0x4000_0000 size 1G
    devices uart2
}

kernel k1 {
    profile mk-never
    cores a1
    ram at 0x8000_0000 size 512M
    devices gpt1
}

channel kick {
    from k0 to k1
    sgi 4
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
