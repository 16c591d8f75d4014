// A kernel given cores and devices but no RAM slice.
// expect: warning W006 7:1
include "../../specs/platforms/imx8mm.mk"
profile mk extends sel4-mk { device_untypeds declared }
loader { gic_init }

kernel k0 { profile mk cores a0 devices uart2 }
