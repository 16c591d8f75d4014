// `cpu NAME mpidr N` in a platform from dts corrects a cpu of the device tree; it adds none.
platform p from dts "../dts/board-v2.dts" {
    lines 96
    max_irq 95
    cpu cpu7 mpidr 0x7
}

// expect: error E201 5:9
