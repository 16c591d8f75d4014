// `lines` belongs in the gic block of a platform written by hand.
platform board {
    max_irq 95
    cpu a0 mpidr 0x0 gic_cpu 0
    memory dram at 0x4000_0000 size 1G
    lines 96
    gic v2 {
        distributor at 0x0800_0000 size 64K
        cpu_interface at 0x0801_0000 size 64K
        lines 96
    }
}

kernel k0 { cores a0 ram at 0x4000_0000 size 1G }

// expect: error E305 6:5
