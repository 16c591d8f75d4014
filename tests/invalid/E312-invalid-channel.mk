include "../../specs/platforms/qemu-virt-gicv2.mk"

kernel k0 {
    profile sel4-mk
    cores a0
    ram at 0x4000_0000 size 256M
}

kernel k1 {
    profile sel4-mk
    cores a1
    ram at 0x5000_0000 size 256M
}

channel loop {
    from k0 to k0
    sgi 3
}

channel wrong_core {
    from k0 to k1 on a0
    sgi 4
}

// expect: error E312 16:5
// expect: error E312 21:22
