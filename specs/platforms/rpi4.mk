// Raspberry Pi 4 Model B, 8 GB (BCM2711): 4 x Cortex-A72, GIC-400 (GICv2).
//
// Sources: seL4 tools/dts/rpi4.dts with the overlays seL4 16.0.0's
// src/plat/bcm2711/config.cmake appends (overlay-rpi4.dts, overlay-rpi4-address-mapping.dts,
// overlay-rpi4-8gb.dts; `pcheck import dts` reads the same stack and agrees with this file:
// tests/test_dts.py) and docs/sel4-facts.md (rpi4 row):
//   cpus reg 0..3 (A72: Aff0 = core), GIC-400 CPU interfaces 0..3;
//   RAM seen by seL4: [0, 0x3B40_0000) + [0x4000_0000, 0xFC00_0000) +
//   [0x1_0000_0000, 0x2_0000_0000) (the overlay's two 2 GiB banks above 4 GiB
//   are contiguous and written as one bank here);
//   reserved-memory@0 (4 KiB, no-map): the armstub page where the secondary
//   cores spin (ov-rpi4.dts). The VideoCore carve-out [0x3B40_0000, +76 MiB)
//   lies outside the banks, so it needs no hole.
//   The Cortex-A72 has a 44-bit physical address space (seL4 KernelArmPASizeBits44).
// "Low peripheral" mode: the dts gives VideoCore bus addresses; the ARM
// physical address is 0x7Exx_xxxx -> 0xFExx_xxxx, 0x7Cxx_xxxx -> 0xFCxx_xxxx
// (scb), 0x40xx_xxxx -> 0xFF8x_xxxx (ARM local, GIC at 0x4004_1000 -> 0xFF84_1000).
// Interrupts: `interrupts = <GIC_SPI n 4>` -> level. Lines that several
// controllers share (SPI 121: pl011 uart0 and uart2..5; SPI 126: sdhci and
// emmc2; SPI 117: i2c0 and i2c1) are listed for one device only. The aux
// mini-UART (serial1) is seL4's kernel console and is not a user device.
// GIC-400 as configured in BCM2711: 224 SPIs (256 INTIDs).
// GICD_ICFGR word (INTID / 16): mbox 4 | systimer, usb 6 |
// gpio, i2c1, bcm_spi0, uart0, emmc2 9 | pcie, genet 11.

platform rpi4 {
    paddr_bits 44
    page 4K

    cpu c0 mpidr 0x0 gic_cpu 0
    cpu c1 mpidr 0x1 gic_cpu 1
    cpu c2 mpidr 0x2 gic_cpu 2
    cpu c3 mpidr 0x3 gic_cpu 3

    memory lowmem  at 0x0           size 0x3b40_0000   // below the VideoCore carve-out
    memory midmem  at 0x4000_0000   size 0xbc00_0000   // up to the peripheral window at 0xFC00_0000
    memory highmem at 0x1_0000_0000 size 4G            // 8 GB model only
    reserved armstub at 0x0 size 4K                    // secondary-core spin page

    gic v2 {
        distributor at 0xff84_1000 size 4K
        cpu_interface at 0xff84_2000 size 8K
        lines 256
    }

    device pcie     at 0xfd50_0000 size 0x9310  irq spi 148 level
    device genet    at 0xfd58_0000 size 64K     irq spi 157 level, spi 158 level
    device systimer at 0xfe00_3000 size 4K      irq spi 65 level, spi 67 level   // channels 1 and 3 (ov-rpi4.dts)
    device mbox     at 0xfe00_b880 size 0x40    irq spi 33 level                 // VideoCore mailbox
    device pm_wdt   at 0xfe10_0000 size 0x114                                    // watchdog, no interrupt
    device rng      at 0xfe10_4000 size 0x28                                     // no interrupt
    device gpio     at 0xfe20_0000 size 0xb4    irq spi 113 level, spi 114 level, spi 115 level, spi 116 level
    device uart0    at 0xfe20_1000 size 0x200   irq spi 121 level                // pl011
    device bcm_spi0 at 0xfe20_4000 size 0x200   irq spi 118 level
    device emmc2    at 0xfe34_0000 size 0x100   irq spi 126 level                // SD card
    device i2c1     at 0xfe80_4000 size 4K      irq spi 117 level
    device usb      at 0xfe98_0000 size 64K     irq spi 73 level                 // dwc2 OTG
    max_irq 216                          // seL4's maxIRQ: src/plat/bcm2711/config.cmake: MAX_IRQ 216 (seL4 16.0.0)
}
