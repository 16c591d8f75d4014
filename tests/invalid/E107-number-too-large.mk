include "../../specs/platforms/qemu-virt-gicv2.mk"

kernel k0 {
    cores a0
    ram at 0x1_0000_0000_0000_0000 size 256M   // 2^64: one past the largest address
    irq spi 18446744073709551616 level
}

kernel k1 {
    cores a1
    ram at 0xffff_ffff_ffff_ffff size 16777216T  // 2^24 * 2^40 = 2^64
}

// expect: error E107 5:12
// expect: error E107 6:13
// expect: error E107 11:39
