// A platform read from a broken device tree: the error is located in the DTS.
platform p from dts "dts/E401-unterminated.dts" {
    lines 96
    max_irq 95
}

// expect: error E401 dts/E401-unterminated.dts:7:1
