// Mistake: the two stock kernels of qemu-v2-two-stock-sel4.mk, with the boot
// order pinned in the hope that this makes them coexist.
//  - MEM-EXPOSE k0, k1: unchanged, both root tasks get device untypeds over
//    the other kernel's RAM.
//  - GIC-INIT: k1 still resets the distributor after k0 is live.
//  - IRQ-ROUTE spi 1: k1's reset routes k0's UART SPI to a1 and k0 (non-SMP)
//    cannot route it back. k1 boots last, so its own SPI 16 stays on a1:
//    with the order fixed, only k0's SPI fails.
//
// expect: failed MEM-EXPOSE k0
// expect: failed MEM-EXPOSE k1
// expect: failed GIC-INIT system
// expect: failed IRQ-ROUTE spi 1

include "platforms/qemu-virt-gicv2.mk"

boot order k0, k1

kernel k0 {
    cores a0
    ram at 0x4000_0000 size 512M
    devices uart
}

kernel k1 {
    cores a1
    ram at 0x6000_0000 size 512M
    devices virtio0
}
