// A GICv3 platform written with GICv2 fields.
platform board { max_irq 255
    cpu c0 mpidr 0x0 gic_cpu 0
    cpu c1 mpidr 0x1 gic_cpu 1
    memory dram at 0x4000_0000 size 1G
    gic v3 {
        distributor at 0x0800_0000 size 64K
        cpu_interface at 0x0801_0000 size 64K
        redistributors at 0x080a_0000 stride 128K
        lines 288
    }
}

kernel k0 {
    cores c0
    ram at 0x4000_0000 size 256M
}

// expect: error E303 3:30
// expect: error E303 4:30
// expect: error E303 8:9
