include "../../specs/platforms/qemu-virt-gicv2.mk"

kernel k0 {
    cores a0
    ram at 0x4000_0000 size 256M
}

allow MEM-EXPOSE for k0 "the reason never ends

// expect: error E102 8:25
