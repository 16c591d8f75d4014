include "../../specs/platforms/qemu-virt-gicv2.mk"

profile hardened extends sel4-mk {
    device_untyped declared
    ipi_signal yes
}

kernel k0 {
    profile hardened
    cores a0
    ram at 0x4000_0000 size 256M
}

// expect: error E306 4:5
// expect: error E306 5:5
