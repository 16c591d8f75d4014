include "../../specs/platforms/qemu-virt-gicv2.mk"

kernel k0 {
    cores a0
    ram at 0x4000_0000 size 256M
    devices uart & rtc
}

kernel k1 {
    cores a1 $
}

// expect: error E101 6:18
// expect: error E101 10:14
