include "../../specs/platforms/qemu-virt-gicv2.mk"

kernel k0 {
    cores a0
    ram at 0x4000_0000 size 256M   /* k1 is
}

// expect: error E103 5:36
