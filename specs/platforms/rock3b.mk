// Radxa ROCK 3B (Rockchip RK3568): 4 x Cortex-A55, GICv3 (GIC-600).
//
// Sources: seL4 tools/dts/rock3b.dts and docs/sel4-facts.md
// (rock3b row):
//   cpus reg 0x000, 0x100, 0x200, 0x300: DynamIQ MPIDR, Aff1 = core, Aff0 = 0;
//   memory@0 reg <0x0 0x200000 0x0 0xecc9c000>: [0x20_0000, 0xECE9_C000);
//   interrupt-controller@fd400000: GICD 0xfd40_0000 (64 KiB),
//   GICR 0xfd46_0000 (4 x 128 KiB); 320 SPIs (352 INTIDs).
// On GICv3 an SGI target is the packed affinity Aff3.Aff2.Aff1.Aff0, so
// core 1 is target 0x100; `target 1` (Aff0 = 1, Aff1 = 0) names no core.
// Devices: rock3b.dts (sata0, usb*, i2c0) and Linux rk356x.dtsi / rk3568.dtsi
// (uart1, uart2, gmac0); `<GIC_SPI n 4>` -> level.
// GICD_ICFGR word (INTID / 16): gmac0 3 | i2c0 4 | sata0 7 | uart1, uart2 9 |
// ehci0, ohci0 10 | usb_otg, usb_host 12.

platform rock3b {
    paddr_bits 40
    page 4K

    cpu c0 mpidr 0x000
    cpu c1 mpidr 0x100
    cpu c2 mpidr 0x200
    cpu c3 mpidr 0x300

    memory dram at 0x20_0000 size 0xecc9_c000   // [0x20_0000, 0xECE9_C000)

    gic v3 {
        distributor at 0xfd40_0000 size 64K
        redistributors at 0xfd46_0000 stride 128K
        lines 352
    }

    device sata0    at 0xfc40_0000 size 4K     irq spi 95 level
    device usb_otg  at 0xfcc0_0000 size 4M     irq spi 169 level
    device usb_host at 0xfd00_0000 size 4M     irq spi 170 level
    device ehci0    at 0xfd80_0000 size 256K   irq spi 130 level
    device ohci0    at 0xfd84_0000 size 256K   irq spi 131 level
    device i2c0     at 0xfdd4_0000 size 4K     irq spi 46 level     // PMIC bus
    device gmac0    at 0xfe2a_0000 size 64K    irq spi 27 level, spi 24 level
    device uart1    at 0xfe65_0000 size 0x100  irq spi 117 level
    device uart2    at 0xfe66_0000 size 0x100  irq spi 118 level    // debug console
    max_irq 283                          // seL4's maxIRQ: src/plat/rk3568/config.cmake: MAX_IRQ 283 (seL4 16.0.0)
}
