include "../../specs/platforms/qemu-virt-gicv2.mk"

kernel k0 {
    cores a0
    ram at 0x4000_0000 size

// expect: error E105 5:28
