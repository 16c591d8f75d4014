// `group1` is a GICv3 fact: a GICv2 block has no such field.
platform board { max_irq 255
    cpu c0 mpidr 0x0 gic_cpu 0
    memory dram at 0x4000_0000 size 1G
    gic v2 {
        distributor at 0x0800_0000 size 64K
        cpu_interface at 0x0801_0000 size 64K
        lines 288
        group1 none
    }
}

kernel k0 {
    cores c0
    ram at 0x4000_0000 size 256M
}

// expect: error E303 9:9
