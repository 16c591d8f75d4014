// E316: a queue whose doorbell goes the wrong way, one whose slots are not a power of two,
// and one whose ring is too small for its slots.
// expect: error E316 16:51
// expect: error E316 17:50
// expect: error E316 18:50
include "../../specs/platforms/qemu-virt-gicv3.mk"
kernel k0 { cores a0 ram at 0x4000_0000 size 256M }
kernel k1 { cores a1 ram at 0x5000_0000 size 256M }
shared ring at 0xb000_0000 size 64K { k0 rw, k1 r }
shared tiny at 0xb001_0000 size 4K { k0 rw, k1 r }
pd producer on k0 { map ring rw map tiny rw }
pd consumer on k1 { map ring r map tiny r }
channel bell { from producer to consumer }
channel back { from consumer to producer }

queue q1 from producer to consumer in ring notify back
queue q2 from producer to consumer in ring slots 48 notify bell
queue q3 from producer to consumer in tiny slots 1024 notify bell
