// A platform read from a broken device tree: the error is located in the DTS.
platform p from dts "dts/E402-unknown-gic.dts" {
    lines 96
    max_irq 95
}

// expect: error E402 dts/E402-unknown-gic.dts:5:2
