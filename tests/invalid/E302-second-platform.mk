include "../../specs/platforms/qemu-virt-gicv2.mk"

platform board { max_irq 255
    cpu c0 mpidr 0x0 gic_cpu 0
    memory ram0 at 0x8000_0000 size 1G
    gic v2 {
        distributor at 0xf000_0000 size 4K
        cpu_interface at 0xf000_2000 size 8K
        lines 64
    }
}

kernel k0 {
    cores a0
    ram at 0x4000_0000 size 256M
}

// expect: error E302 3:10
