// QEMU `-M virt,gic-version=3 -cpu cortex-a53 -smp 4 -m 2G` (QEMU 7.2 / 10.0).
//
// Sources: docs/sel4-facts.md (qemu-arm-virt row) and the
// memory map / IRQ map of QEMU's hw/arm/virt.c:
//   GICD 0x0800_0000 (64 KiB), GICR 0x080A_0000 (128 KiB per cpu), 256 SPIs (288 INTIDs);
//   pl011 UART 0x0900_0000 SPI 1, pl031 RTC 0x0901_0000 SPI 2,
//   fw_cfg 0x0902_0000, pl061 GPIO 0x0903_0000 SPI 7,
//   virtio-mmio transport n at 0x0a00_0000 + n*0x200, SPI 16+n, edge-triggered.
// Cortex-A53 under QEMU: MPIDR Aff0 = cpu index; the GICv3 SGI target is the
// affinity Aff1.Aff0 = 0.index, so `target 2` names a2.
// Only some virtio transports are listed. Transports 0..7 share one 4 KiB
// page (0x0a00_0000), so do 16..23 (0x0a00_2000): give a page to one kernel.
// Trigger words: SPIs 1, 2, 7 lie in GICD_ICFGR word 2, virtio0..15 in word 3,
// virtio16..31 in word 4.

platform qemu-virt-gicv3 {
    paddr_bits 40
    page 4K

    cpu a0 mpidr 0x0
    cpu a1 mpidr 0x1
    cpu a2 mpidr 0x2
    cpu a3 mpidr 0x3

    memory dram at 0x4000_0000 size 2G          // -m 2G: [0x4000_0000, 0xC000_0000)

    gic v3 {
        distributor at 0x0800_0000 size 64K
        redistributors at 0x080A_0000 stride 128K
        lines 288
        // No firmware: every interrupt resets to Group 0 and every redistributor asleep. seL4's
        // qemu-arm-virt port (15.0 and later) puts interrupts into Group 1 itself, in kernels
        // whose profile says `group1 port`; the sel4-mk fork does not (docs/sel4-facts.md).
        group1 sel4
    }

    device uart     at 0x0900_0000 size 4K    irq spi 1 level
    device rtc      at 0x0901_0000 size 4K    irq spi 2 level
    device fw_cfg   at 0x0902_0000 size 0x18                    // no interrupt
    device gpio     at 0x0903_0000 size 4K    irq spi 7 level
    device virtio0  at 0x0a00_0000 size 0x200 irq spi 16 edge
    device virtio1  at 0x0a00_0200 size 0x200 irq spi 17 edge
    device virtio2  at 0x0a00_0400 size 0x200 irq spi 18 edge
    device virtio3  at 0x0a00_0600 size 0x200 irq spi 19 edge
    device virtio16 at 0x0a00_2000 size 0x200 irq spi 32 edge
    device virtio17 at 0x0a00_2200 size 0x200 irq spi 33 edge
    max_irq 159                          // seL4's maxIRQ: src/plat/qemu-arm-virt/config.cmake: MAX_IRQ 159 (seL4 16.0.0)
}
