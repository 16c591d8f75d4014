platform board { max_irq 255
    cpu c0 mpidr 0x0
    memory dram at 0x4000_0000 size 1G
    gic v2 {
        distributor at 0x0800_0000 size 64K
        lines 288
    }
}

kernel k0 {
    cores c0
    ram at 0x4000_0000 size 256M
}

channel kick {
    sgi 3
}

// expect: error E304 2:9
// expect: error E304 4:5
// expect: error E304 15:9
