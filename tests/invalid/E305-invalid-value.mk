include "../../specs/platforms/qemu-virt-gicv2.mk"

profile hardened extends sel4-mk {
    device_untypeds none
    smp true
}

kernel k0 {
    profile hardened
    cores a0
    ram at 0x4000_0000 size 256M
    irq sgi 5
}

kernel k1 {
    cores a1
    ram at 0x5000_0000 size 256M
}

shared buf at 0x7000_0000 size 4K { k0 rw, k1 ro }

channel kick {
    from k0 to k1
    spi 3
}

loader { gic_setup }

// expect: error E305 4:21
// expect: error E305 5:9
// expect: error E305 12:9
// expect: error E305 20:47
// expect: error E305 24:5
// expect: error E305 27:10
