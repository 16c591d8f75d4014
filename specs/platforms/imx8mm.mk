// NXP i.MX 8M Mini EVK: 4 x Cortex-A53, GICv3 (GIC-500).
//
// Sources: seL4 tools/dts/imx8mm-evk.dts and
// docs/sel4-facts.md (imx8mm-evk row):
//   cpus reg 0x0..0x3 (A53: Aff0 = core); memory@40000000 size 0x8000_0000;
//   reserved-memory rpmsg@0xb8000000 size 0x40_0000 (M4 rpmsg vrings/buffers);
//   gic-v3 reg 0x3880_0000 size 0x1_0000, GICR 0x3888_0000 (128 KiB per core);
//   128 SPIs (160 INTIDs).
// Devices: reg and `interrupts = <GIC_SPI n flags>` of the dts nodes, flags 4
// (IRQ_TYPE_LEVEL_HIGH) -> level. gpt1 is not in the seL4 evk dts; its
// numbers are those of Linux imx8mm.dtsi (timer@302d0000, GIC_SPI 55).
// usb1 and usbmisc1 share the 4 KiB page 0x32e4_0000.
// GICD_ICFGR word (INTID / 16) of each SPI, for IRQ-TRIGGER:
//   word 2: sdma1 | word 3: usdhc1-3, uart1-4, ecspi1 | word 4: i2c1-3, usb1, usb2
//   word 5: gpt1 | word 6: gpio1, wdog1 | word 7: mu | word 9: enet

platform imx8mm {
    paddr_bits 40
    page 4K

    cpu a0 mpidr 0x000
    cpu a1 mpidr 0x001
    cpu a2 mpidr 0x002
    cpu a3 mpidr 0x003

    memory dram at 0x4000_0000 size 2G          // [0x4000_0000, 0xC000_0000)
    reserved rpmsg at 0xb800_0000 size 4M       // no-map hole inside dram

    gic v3 {
        distributor at 0x3880_0000 size 64K
        redistributors at 0x3888_0000 stride 128K
        lines 160
    }

    device sdma1    at 0x30bd_0000 size 64K   irq spi 2 level
    device gpio1    at 0x3020_0000 size 64K   irq spi 64 level, spi 65 level
    device wdog1    at 0x3028_0000 size 64K   irq spi 78 level
    device gpt1     at 0x302d_0000 size 64K   irq spi 55 level
    device iomuxc   at 0x3033_0000 size 64K                          // pin control, no interrupt
    device ocotp    at 0x3035_0000 size 64K                          // fuses, no interrupt
    device ecspi1   at 0x3082_0000 size 64K   irq spi 31 level
    device uart1    at 0x3086_0000 size 64K   irq spi 26 level
    device uart3    at 0x3088_0000 size 64K   irq spi 28 level
    device uart2    at 0x3089_0000 size 64K   irq spi 27 level     // seL4 console on the EVK
    device i2c1     at 0x30a2_0000 size 64K   irq spi 35 level
    device i2c2     at 0x30a3_0000 size 64K   irq spi 36 level
    device i2c3     at 0x30a4_0000 size 64K   irq spi 37 level
    device uart4    at 0x30a6_0000 size 64K   irq spi 29 level
    device mu       at 0x30aa_0000 size 64K   irq spi 88 level     // messaging unit to the M4
    device usdhc1   at 0x30b4_0000 size 64K   irq spi 22 level
    device usdhc2   at 0x30b5_0000 size 64K   irq spi 23 level
    device usdhc3   at 0x30b6_0000 size 64K   irq spi 24 level
    device enet     at 0x30be_0000 size 64K   irq spi 118 level, spi 119 level, spi 120 level
    device usb1     at 0x32e4_0000 size 0x200 irq spi 40 level
    device usbmisc1 at 0x32e4_0200 size 0x200                        // same 4 KiB page as usb1
    device usb2     at 0x32e5_0000 size 0x200 irq spi 41 level
    device usbmisc2 at 0x32e5_0200 size 0x200                        // same 4 KiB page as usb2
    max_irq 160                          // seL4's maxIRQ: src/plat/imx8m-evk/config.cmake: IMX8M_MAX_IRQ 160 (8M Mini and 8M Quad; 192 for the 8M Plus) (seL4 16.0.0)
}
