include "../../specs/platforms/qemu-virt-gicv2.mk"

profile a extends b { smp no }
profile b extends c { smp no }
profile c extends a { smp no }
profile self extends self { smp no }

kernel k0 {
    profile a
    cores a0
    ram at 0x4000_0000 size 256M
}

// expect: error E308 3:9
// expect: error E308 6:9
