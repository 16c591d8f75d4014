// Mistake: two unmodified (stock `sel4`) kernels side by side, each on its
// own core with its own RAM slice and device.
//  - MEM-EXPOSE k0, k1: `device_untypeds all` hands each root task device
//    untypeds over every address that is not its own RAM, so each kernel can
//    map the other's RAM and device.
//  - GIC-INIT: `dist_init always`; whichever kernel boots second disables and
//    resets the whole distributor while the first is live.
//  - IRQ-ROUTE spi 1, spi 16: the second boot re-routes every SPI to its own
//    core and a non-SMP kernel cannot route back; over all boot orders both
//    kernels' SPIs can end up at the other kernel's core.
//  - IRQ-TRIGGER spi 16: the virtio transport's line is edge-triggered, and
//    whichever kernel boots after k1 has set it resets GICD_ICFGR[3] to level
//    (GICv2 dist_init writes words 2 .. lines/32-1). SPI 1 is level like the
//    reset value and is proved.
//
// expect: failed MEM-EXPOSE k0
// expect: failed MEM-EXPOSE k1
// expect: failed GIC-INIT system
// expect: failed IRQ-ROUTE spi 1
// expect: failed IRQ-ROUTE spi 16
// expect: failed IRQ-TRIGGER spi 16

include "platforms/qemu-virt-gicv2.mk"

kernel k0 {
    cores a0
    ram at 0x4000_0000 size 512M
    devices uart
}

kernel k1 {
    cores a1
    ram at 0x6000_0000 size 512M
    devices virtio0
}
