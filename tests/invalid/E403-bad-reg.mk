// A platform read from a broken device tree: the error is located in the DTS.
platform p from dts "dts/E403-bad-reg.dts" {
    lines 96
    max_irq 95
}

// expect: error E403 dts/E403-bad-reg.dts:7:3
