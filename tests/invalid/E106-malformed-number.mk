include "../../specs/platforms/qemu-virt-gicv2.mk"

kernel k0 {
    cores a0
    ram at 0x4000_000g size 256MB
    irq spi 0b102 level
}

kernel k1 {
    cores a1
    ram at 0x5000_0000_ size 4k
    irq spi 0x level
}

// expect: error E106 5:12
// expect: error E106 5:29
// expect: error E106 6:13
// expect: error E106 11:12
// expect: error E106 11:30
// expect: error E106 12:13
