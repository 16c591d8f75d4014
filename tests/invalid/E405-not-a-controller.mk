// A platform read from a broken device tree: the error is located in the DTS.
platform p from dts "dts/E405-not-a-controller.dts" {
    lines 96
    max_irq 95
}

// expect: error E405 dts/E405-not-a-controller.dts:10:3
