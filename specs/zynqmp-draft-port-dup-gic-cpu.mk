// Mistake in a board description: a draft port of a ZynqMP board, written
// inline, whose cpu list was copied and edited by hand; c3 kept c2's
// CPU-interface number. On GICv2, SGIs and SPI targets name CPU interfaces,
// so two cpus with one interface number cannot be told apart.
//  - CPU-IDENT c2,c3: duplicate gic_cpu 2.
// k2 runs on c3 but owns no SPI and receives no channel, and the loader
// initialises the distributor, so nothing else depends on the collision.
// Numbers otherwise as platforms/zynqmp.mk (from seL4 tools/dts/zynqmp.dts).
//
// expect: failed CPU-IDENT c2,c3

platform zynqmp-draft {
    paddr_bits 40
    page 4K

    cpu c0 mpidr 0x0 gic_cpu 0
    cpu c1 mpidr 0x1 gic_cpu 1
    cpu c2 mpidr 0x2 gic_cpu 2
    cpu c3 mpidr 0x3 gic_cpu 2        // should be 3

    memory ddr_lo at 0x0 size 2G

    gic v2 {
        distributor at 0xf901_0000 size 64K
        cpu_interface at 0xf902_0000 size 128K
        lines 192
    }

    device uart0  at 0xff00_0000 size 4K irq spi 21 level
    device uart1  at 0xff01_0000 size 4K irq spi 22 level
    device sdhci0 at 0xff16_0000 size 4K irq spi 48 level
    max_irq 187                          // seL4's maxIRQ for zynqmp (src/plat/zynqmp/config.cmake)
}

profile mk extends sel4-mk {
    device_untypeds declared
}

loader { gic_init }

kernel k0 {
    profile mk
    cores c0
    ram at 0x1000_0000 size 256M
    devices uart0
}

kernel k1 {
    profile mk
    cores c1
    ram at 0x2000_0000 size 256M
    devices sdhci0
}

kernel k2 {
    profile mk
    cores c3
    ram at 0x3000_0000 size 256M
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1, k2
