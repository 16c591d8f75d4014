// Mistake: the console UART (SPI 1, INTID 33) goes to k0, and the GPIO
// controller (SPI 7, INTID 39) and an edge-triggered test line (SPI 10,
// INTID 42) to k1. All lie in GICD_ICFGR word 2 (INTIDs 32..47), and each
// kernel sets its triggers with an unlocked read-modify-write of that word
// when its root task acquires the IRQ.
//  - IRQ-TRIGGER spi 10: k0 reads word 2, k1 writes SPI 10 edge, k0 writes
//    back the word it read: SPI 10 ends level. (The level lines are proved:
//    a stale copy of a level field is level.)
// k1's virtio transports are in word 4; everything else is the clean
// system of qemu-v2-virtio-split.mk.
//
// expect: failed IRQ-TRIGGER spi 10

include "platforms/qemu-virt-gicv2.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

loader { gic_init }

kernel k0 {
    profile mk
    cores a0
    ram at 0x4000_0000 size 256M
    devices uart
}

kernel k1 {
    profile mk
    cores a1
    ram at 0x5000_0000 size 256M
    devices gpio, virtio16, virtio17
    irq spi 10 edge
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
