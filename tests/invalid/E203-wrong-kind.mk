include "../../specs/platforms/qemu-virt-gicv2.mk"

kernel k0 {
    profile k1
    cores uart
    ram at 0x4000_0000 size 256M
    devices a1
}

kernel k1 {
    cores a1
    ram at 0x5000_0000 size 256M
}

channel kick {
    from k0 to dram
    sgi 3
}

// expect: error E203 4:13
// expect: error E203 5:11
// expect: error E203 7:13
// expect: error E203 16:16
