// The included platform file does not exist (typo in the file name).
include "../../specs/platforms/qemu-virt-gic2.mk"

kernel k0 {
    cores a0
    ram at 0x4000_0000 size 256M
}

// expect: error E004 2:9
