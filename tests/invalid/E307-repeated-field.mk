include "../../specs/platforms/qemu-virt-gicv2.mk"

profile hardened extends sel4-mk {
    device_untypeds declared
    device_untypeds all
}

kernel k0 {
    profile hardened
    profile sel4
    cores a0
    cores a1
    ram at 0x4000_0000 size 256M
}

kernel k1 {
    cores a2
    ram at 0x5000_0000 size 256M
}

shared buf at 0x7000_0000 size 4K { k0 rw, k1 r, k0 r }

channel kick {
    from k0 to k1
    sgi 3
    sgi 4
}

// expect: error E307 5:5
// expect: error E307 10:13
// expect: error E307 12:11
// expect: error E307 21:50
// expect: error E307 26:5
