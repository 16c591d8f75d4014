include "../../specs/platforms/qemu-virt-gicv2.mk"

kernel k0 {
    profile sel4_mk
    cores a0
    ram at 0x4000_0000 size 256M
    devices uartt
}

kernel k1 {
    cores a9
    ram at 0x5000_0000 size 256M
}

channel kick {
    from k0 to k2
    sgi 3
}

boot order k0, k1, k3

// expect: error E201 4:13
// expect: error E201 7:13
// expect: error E201 11:11
// expect: error E201 16:16
// expect: error E201 20:20
