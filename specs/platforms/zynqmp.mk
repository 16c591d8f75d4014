// Xilinx Zynq UltraScale+ MPSoC (ZCU102): 4 x Cortex-A53, GIC-400 (GICv2).
//
// Sources: seL4 tools/dts/zynqmp.dts and
// docs/sel4-facts.md (zynqmp row):
//   cpus reg 0..3 (A53: Aff0 = core), CPU interfaces 0..3;
//   memory@0: [0, 0x8000_0000) and [0x8_0000_0000, +2 GiB);
//   interrupt-controller@f9010000: GICD 0xf901_0000 (64 KiB window),
//   GICC 0xf902_0000 (128 KiB window); the GIC-400 implements 160 SPIs (192 INTIDs).
// Devices: dts reg and `interrupts = <GIC_SPI n flags>`, flags 4 -> level,
// flags 1 -> edge (the watchdog).
// GICD_ICFGR word (INTID / 16): gpio, i2c0, i2c1, uart0, uart1, can0, can1,
// rtc 3 | ttc0, ttc1 4 | sdhci0, sdhci1, gem0-3 5 | usb0 6 | wdt, gdma0 9 | ahci 10.

platform zynqmp {
    paddr_bits 40
    page 4K

    cpu c0 mpidr 0x0 gic_cpu 0
    cpu c1 mpidr 0x1 gic_cpu 1
    cpu c2 mpidr 0x2 gic_cpu 2
    cpu c3 mpidr 0x3 gic_cpu 3

    memory ddr_lo at 0x0           size 2G     // [0, 0x8000_0000)
    memory ddr_hi at 0x8_0000_0000 size 2G     // [0x8_0000_0000, 0x8_8000_0000)

    gic v2 {
        distributor at 0xf901_0000 size 64K
        cpu_interface at 0xf902_0000 size 128K
        lines 192
    }

    device ahci   at 0xfd0c_0000 size 8K   irq spi 133 level
    device wdt    at 0xfd4d_0000 size 4K   irq spi 113 edge
    device gdma0  at 0xfd50_0000 size 4K   irq spi 124 level
    device usb0   at 0xfe20_0000 size 256K irq spi 65 level
    device uart0  at 0xff00_0000 size 4K   irq spi 21 level     // seL4 console
    device uart1  at 0xff01_0000 size 4K   irq spi 22 level
    device i2c0   at 0xff02_0000 size 4K   irq spi 17 level
    device i2c1   at 0xff03_0000 size 4K   irq spi 18 level
    device can0   at 0xff06_0000 size 4K   irq spi 23 level
    device can1   at 0xff07_0000 size 4K   irq spi 24 level
    device gpio   at 0xff0a_0000 size 4K   irq spi 16 level
    device gem0   at 0xff0b_0000 size 4K   irq spi 57 level
    device gem1   at 0xff0c_0000 size 4K   irq spi 59 level
    device gem2   at 0xff0d_0000 size 4K   irq spi 61 level
    device gem3   at 0xff0e_0000 size 4K   irq spi 63 level     // the ZCU102's Ethernet port
    device ttc0   at 0xff11_0000 size 4K   irq spi 36 level, spi 37 level, spi 38 level
    device ttc1   at 0xff12_0000 size 4K   irq spi 39 level, spi 40 level, spi 41 level
    device sdhci0 at 0xff16_0000 size 4K   irq spi 48 level
    device sdhci1 at 0xff17_0000 size 4K   irq spi 49 level     // SD card
    device rtc    at 0xffa6_0000 size 0x100 irq spi 26 level, spi 27 level
    max_irq 187                          // seL4's maxIRQ: src/plat/zynqmp/config.cmake: MAX_IRQ 187 (seL4 16.0.0)
}
