// Mistake: two unmodified (stock `sel4`) kernels on the i.MX 8M Mini, each
// on its own core with its own RAM slice and device, as on the QEMU GICv2
// board in qemu-v2-two-stock-sel4.mk, now on a GICv3.
//  - MEM-EXPOSE k0, k1: `device_untypeds all` hands each root task device
//    untypeds over the other kernel's RAM and device.
//  - GIC-INIT: `dist_init always`; whichever kernel boots second clears
//    GICD_CTLR and resets every SPI while the first is live.
//  - IRQ-ROUTE spi 27, spi 55: the second boot writes every IROUTER with its
//    own affinity and disables every SPI; a non-SMP kernel cannot route back,
//    so over the two boot orders each kernel's SPI can end at the other core.
// IRQ-TRIGGER holds: uart2 (SPI 27, INTID 59) is in GICD_ICFGR word 3, gpt1
// (SPI 55, INTID 87) in word 5.
//
// expect: failed MEM-EXPOSE k0
// expect: failed MEM-EXPOSE k1
// expect: failed GIC-INIT system
// expect: failed IRQ-ROUTE spi 27
// expect: failed IRQ-ROUTE spi 55

include "platforms/imx8mm.mk"

kernel k0 {
    cores a0
    ram at 0x4000_0000 size 1G
    devices uart2
}

kernel k1 {
    cores a1
    ram at 0x8000_0000 size 512M
    devices gpt1
}
