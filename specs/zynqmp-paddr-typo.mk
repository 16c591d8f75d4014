// Mistake: the DMA buffer was meant to start the high DDR bank at
// 0x8_0000_0000, but was written with two zeros too many: 0x800_0000_0000
// (8 TiB) is beyond the Cortex-A53's 40-bit physical address space and in no
// RAM bank.
//  - MEM-BOUNDS dma_buf: ends above 2^40 and lies in no memory bank.
//
// expect: failed MEM-BOUNDS dma_buf

include "platforms/zynqmp.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

loader { gic_init }

kernel k0 {
    profile mk
    cores c0
    ram at 0x1000_0000 size 1G
    devices uart0
}

kernel k1 {
    profile mk
    cores c1
    ram at 0x8_1000_0000 size 1G
    devices gem3
}

shared dma_buf at 0x800_0000_0000 size 16M { k0 rw, k1 rw }

channel kick {
    from k0 to k1
    sgi 2
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
