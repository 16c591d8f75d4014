// E315: a PD maps a shared region with more rights than its kernel has there (k1 is listed r),
// maps one its kernel is not listed on, and gives a priority above Microkit's 254.
// expect: error E315 10:21
// expect: error E315 12:28
// expect: error E315 14:18
include "../../specs/platforms/qemu-virt-gicv3.mk"
kernel k0 { cores a0 ram at 0x4000_0000 size 256M }
kernel k1 { cores a1 ram at 0x5000_0000 size 256M }
shared ring at 0xb000_0000 size 64K { k0 rw, k1 r }
pd consumer on k1 { map ring rw }
pd other on k1 { priority 254 }
pd lonely on k1 { priority 300 }
shared private at 0xb001_0000 size 4K { k0 rw }
pd snoop on k1 { map private r }
