// A platform from dts takes its GIC from the device tree: no `gic` block.
platform p from dts "../dts/board-v2.dts" {
    lines 96
    max_irq 95
    gic v2 { lines 96 }
}

// expect: error E305 5:5
