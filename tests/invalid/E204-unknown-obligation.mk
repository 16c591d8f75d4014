include "../../specs/platforms/qemu-virt-gicv2.mk"

kernel k0 {
    cores a0
    ram at 0x4000_0000 size 256M
}

allow MEM-EXPOSED for k0 "audited"
allow MEM-EXPOSE for k9 "audited"

// expect: error E204 8:7
// expect: error E201 9:22
