include "../../specs/platforms/qemu-virt-gicv2.mk"

kernel k0 {
    cores a0
    ram at 0x4000_0000 size 256M
}

kernel k1 {
    cores a1
    ram at 0x5000_0000 size 256M
}

kernel k2 {
    cores a2
    ram at 0x6000_0000 size 256M
}

boot order k0, k1, k0

// expect: error E311 18:1
// expect: error E311 18:20
