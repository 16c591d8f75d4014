// Baseline: one upstream SMP seL4 on all four cores of QEMU virt (GICv3),
// owning all of RAM. It routes the virtio block interrupt to a3 through the
// SMP-only setIRQTarget; the other SPIs stay on the boot core a0.
// A single kernel: the stock profile's full distributor reset and
// `device_untypeds all` harm no one.
//
// expect: proved

include "platforms/qemu-virt-gicv3.mk"

kernel linux_like {
    profile sel4-smp
    cores a0, a1, a2, a3
    ram at 0x4000_0000 size 2G
    devices uart, rtc, virtio0
    route spi 16 to a3
}
