// A platform from dts must say what a device tree cannot: the GIC's lines and seL4's maxIRQ.
platform p from dts "dts/../../dts/board-v2.dts" { paddr_bits 40 }

// expect: error E304 2:10
