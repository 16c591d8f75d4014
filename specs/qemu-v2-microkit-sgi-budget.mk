// Nine sensor PDs on k0 and k1 each notify the logger on k2 (QEMU virt, GICv2): the au-ts
// multikernel Microkit numbers their SGIs 0..8 on a2, and on GICv2 it hands out 8 per core
// (pick_sgi_channels), so the ninth needs an SGI the tool refuses to give. Multiplexing them
// behind one mailbox with distinct tags would need one SGI (see SGI-BUDGET's fix).
//
// expect: failed SGI-BUDGET a2

include "platforms/qemu-virt-gicv2.mk"

loader { gic_init }

profile mk extends sel4-mk { device_untypeds declared }

kernel k0 { profile mk  cores a0  ram at 0x4000_0000 size 128M  devices uart }
kernel k1 { profile mk  cores a1  ram at 0x4800_0000 size 128M }
kernel k2 { profile mk  cores a2  ram at 0x5000_0000 size 128M }

pd logger on k2 { priority 100 }
pd sensor0 on k0 { priority 10 }
pd sensor1 on k1 { priority 10 }
pd sensor2 on k0 { priority 10 }
pd sensor3 on k1 { priority 10 }
pd sensor4 on k0 { priority 10 }
pd sensor5 on k1 { priority 10 }
pd sensor6 on k0 { priority 10 }
pd sensor7 on k1 { priority 10 }
pd sensor8 on k0 { priority 10 }

channel reading0 { from sensor0 to logger }
channel reading1 { from sensor1 to logger }
channel reading2 { from sensor2 to logger }
channel reading3 { from sensor3 to logger }
channel reading4 { from sensor4 to logger }
channel reading5 { from sensor5 to logger }
channel reading6 { from sensor6 to logger }
channel reading7 { from sensor7 to logger }
channel reading8 { from sensor8 to logger }

boot order k0, k1, k2
