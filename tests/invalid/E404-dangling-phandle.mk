// A platform read from a broken device tree: the error is located in the DTS.
platform p from dts "dts/E404-dangling-phandle.dts" {
    lines 96
    max_irq 95
}

// expect: error E404 dts/E404-dangling-phandle.dts:8:3
