// A board file whose device lists one SPI twice (a transcription slip).
platform board {
    paddr_bits 40
    page 4K
    cpu a0 mpidr 0x0 gic_cpu 0
    memory dram at 0x4000_0000 size 1G
    max_irq 287
    gic v2 {
        distributor at 0x0800_0000 size 64K
        cpu_interface at 0x0801_0000 size 64K
        lines 288
    }
    device uart at 0x0900_0000 size 4K irq spi 1 level, spi 1 level
}

kernel k0 {
    cores a0
    ram at 0x4000_0000 size 1G
    devices uart
}

// expect: error E307 13:57
