platform board { max_irq 255
    paddr_bits 65
    page 3K
    cpu c0 mpidr 0x0
    memory dram at 0x4000_0000 size 1G
    gic v3 {
        distributor at 0x0800_0000 size 64K
        redistributors at 0x080a_0000 stride 64K
        lines 100
    }
    device uart at 0x0900_0000 size 4K irq ppi 16 level
}

kernel k0 {
    cores c0
    ram at 0x4000_0000 size 256M
    devices uart
}

// expect: error E309 2:16
// expect: error E309 3:10
// expect: error E309 8:46
// expect: error E309 9:15
// expect: error E309 11:48
