// k0 runs with declared device untypeds, so MEM-EXPOSE holds and the waiver
// for it matches no failure: it is reported so that it can be removed.
include "../../specs/platforms/qemu-virt-gicv2.mk"

profile mk extends sel4-mk { device_untypeds declared }

loader { gic_init }

kernel k0 {
    profile mk
    cores a0
    ram at 0x4000_0000 size 256M
    devices uart
}

allow MEM-EXPOSE for k0 "left over from an older build"

// expect: warning W001 16:1
