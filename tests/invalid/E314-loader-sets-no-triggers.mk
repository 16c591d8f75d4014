// E314: the kernel leaves its SPIs' triggers to the loader
// (`trigger_config loader`), but the loader block has no `triggers` step, so
// nobody would set SPI 27's trigger.
// expect: error E314 9:1
include "../../specs/platforms/imx8mm.mk"
profile ld extends sel4-mk { trigger_config loader device_untypeds declared }
loader { gic_init }

kernel k0 {
    profile ld
    cores a0
    ram at 0x4000_0000 size 1G
    devices uart2
}
