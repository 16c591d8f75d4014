include "../../specs/platforms/qemu-virt-gicv2.mk"

kernel k0 {
    profile sel4-smp
    cores a0, a1
    ram at 0x4000_0000 size 256M
    devices uart, rtc
    route spi 1 to a2
    route spi 7 to a1
    route ppi 14 to a0
}

kernel k1 {
    cores a2
    ram at 0x5000_0000 size 256M
}

// expect: error E310 8:20
// expect: error E310 9:11
// expect: error E310 10:11
