// A list that names one thing twice is a mistake, not a second claim: the
// core count of an smp kernel must not depend on how its list is typed, and
// a repeated device or SPI would otherwise pass silently.
include "../../specs/platforms/qemu-virt-gicv2.mk"

kernel k0 {
    profile sel4-smp
    cores a0, a1, a0, a1, a1
    ram at 0x4000_0000 size 256M
    devices uart, virtio0, uart
    irq spi 40 level, spi 40 edge
}

// expect: error E307 8:19
// expect: error E307 8:23
// expect: error E307 10:28
// expect: error E307 11:23
