include "../../specs/platforms/qemu-virt-gicv2.mk"

kernel k0 {
    cores a0
    ram at 0x4000_0000 size 256M
}

kernel k0 {
    cores a1
    ram at 0x5000_0000 size 256M
}

shared uart at 0x7000_0000 size 4K { k0 rw }

profile sel4-mk { smp no }

// expect: error E202 8:8
// expect: error E202 13:8
// expect: error E202 15:9
