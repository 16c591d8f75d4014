// Hardkernel ODROID-C4 (Amlogic S905X3): 4 x Cortex-A55, GIC-400 (GICv2).
//
// Sources: seL4 tools/dts/odroidc4.dts and
// docs/sel4-facts.md (odroidc4 row):
//   memory@0 size 0xf580_0000; reserved-memory secmon@5000000 size 0x30_0000 no-map;
//   interrupt-controller@ffc01000: GICD 0xffc0_1000 (4 KiB), GICC 0xffc0_2000 (8 KiB);
//   GIC-400 with 224 SPIs (256 INTIDs).
// MPIDR: the dts gives cpu reg 0, 1, 2, 3, but the Cortex-A55 is a DynamIQ
// core whose MPIDR_EL1 has MT=1, Aff0 = thread (0) and Aff1 = core, so the
// real affinities are 0x000, 0x100, 0x200, 0x300 (the facts file: "dt 0-3,
// real Aff1 = n"). We write the real values. On this GICv2 the SGI target is
// the CPU-interface number (gic_cpu 0..3), independent of MPIDR: deriving
// it from Aff0 gives 0 for every core (the Zephyr bug in the facts file).
// Devices: dts reg and `interrupts = <GIC_SPI n flags>`, flags 1 -> edge,
// flags 4 -> level; node addresses below bus@ff600000/ff800000/ffd00000 are
// already translated to CPU physical addresses. rtc and cec_ao share the
// 4 KiB page 0xff80_0000.
// GICD_ICFGR word (INTID / 16): eth 2 | usb_glue, uart_a, i2c0, dwc2, dwc3 3 | i2c3 4 |
// uart_b 6 | uart_c 7 | gpu 12 | sd_emmc_a/b/c 13 | AO block (uart_ao*,
// ir_rx, cec_ao, saradc) 14 | i2c1, i2c2 15.

platform odroidc4 {
    paddr_bits 40
    page 4K

    cpu c0 mpidr 0x000 gic_cpu 0
    cpu c1 mpidr 0x100 gic_cpu 1
    cpu c2 mpidr 0x200 gic_cpu 2
    cpu c3 mpidr 0x300 gic_cpu 3

    memory dram at 0x0 size 0xf580_0000          // [0, 0xF580_0000)
    reserved secmon at 0x0500_0000 size 3M       // BL31 secure monitor, no-map

    gic v2 {
        distributor at 0xffc0_1000 size 4K
        cpu_interface at 0xffc0_2000 size 8K
        lines 256
    }

    device eth       at 0xff3f_0000 size 64K    irq spi 8 level
    device dwc2      at 0xff40_0000 size 256K   irq spi 31 level
    device dwc3      at 0xff50_0000 size 1M     irq spi 30 level
    device rtc       at 0xff80_00a8 size 4                           // no interrupt
    device cec_ao    at 0xff80_0100 size 0x14   irq spi 199 edge
    device uart_ao   at 0xff80_3000 size 0x18   irq spi 193 edge     // seL4 console
    device uart_ao_b at 0xff80_4000 size 0x18   irq spi 197 edge
    device ir_rx     at 0xff80_8000 size 0x20   irq spi 196 edge
    device saradc    at 0xff80_9000 size 0x48   irq spi 200 edge
    device watchdog  at 0xffd0_f0d0 size 0x10                        // no interrupt
    device i2c3      at 0xffd1_c000 size 0x20   irq spi 39 edge
    device i2c2      at 0xffd1_d000 size 0x20   irq spi 215 edge
    device i2c1      at 0xffd1_e000 size 0x20   irq spi 214 edge
    device i2c0      at 0xffd1_f000 size 0x20   irq spi 21 edge
    device uart_c    at 0xffd2_2000 size 0x18   irq spi 93 edge
    device uart_b    at 0xffd2_3000 size 0x18   irq spi 75 edge
    device uart_a    at 0xffd2_4000 size 0x18   irq spi 26 edge
    device sd_emmc_a at 0xffe0_3000 size 0x800  irq spi 189 edge
    device sd_emmc_b at 0xffe0_5000 size 0x800  irq spi 190 edge
    device sd_emmc_c at 0xffe0_7000 size 0x800  irq spi 191 edge
    device usb_glue  at 0xffe0_9000 size 0xa0   irq spi 16 level
    device gpu       at 0xffe4_0000 size 256K   irq spi 160 level, spi 161 level, spi 162 level
    max_irq 255                          // seL4's maxIRQ: src/plat/odroidc4/config.cmake: MAX_IRQ 255 (S905X3 manual 7.10.2) (seL4 16.0.0)
}
