// Several syntax errors; each broken item is reported, then parsing resumes
// at the next top-level item.
include "../../specs/platforms/qemu-virt-gicv2.mk"

kernel k0 {
    cores a0
    ram 0x4000_0000 size 256M
}

kernel k1 {
    cores a1,
}

kernal k2 {
    cores a2
}

shared buf at 0x7000_0000 size 4K { k0 rw k1 r }

// expect: error E104 7:9
// expect: error E104 12:1
// expect: error E104 18:43
