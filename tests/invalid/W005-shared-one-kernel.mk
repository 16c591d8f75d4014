// A ring only its writer is listed on: the reader was forgotten.
// expect: warning W005 10:1
include "../../specs/platforms/imx8mm.mk"
profile mk extends sel4-mk { device_untypeds declared }
loader { gic_init }

kernel k0 { profile mk cores a0 ram at 0x4000_0000 size 256M }
kernel k1 { profile mk cores a1 ram at 0x5000_0000 size 256M }

shared ring at 0x6000_0000 size 64K { k0 rw }
boot order k0, k1
