// Baseline: one upstream, non-SMP seL4 on core 0 of QEMU virt (GICv2),
// owning all of RAM, the UART and the first virtio transport.
// With a single kernel the stock profile is fine: `device_untypeds all`
// exposes nothing that another kernel owns, and its one distributor reset
// happens before anything else runs.
//
// expect: proved

include "platforms/qemu-virt-gicv2.mk"

kernel solo {
    cores a0
    ram at 0x4000_0000 size 1G
    devices uart, virtio0
}
