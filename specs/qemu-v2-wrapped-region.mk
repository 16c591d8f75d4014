// Mistake: a trace buffer placed "in the last page of the address space" by
// a generator that wrote the base as -4 KiB (0xffff_ffff_ffff_f000) and the
// size as 8 KiB. The region wraps past 2^64 and lies in no RAM bank.
//  - MEM-BOUNDS trace: it wraps, ends above 2^40 and is outside every bank.
// Nothing else is at [0, 0x1000), so the wrapped-around part overlaps
// nothing; everything else is the clean system of qemu-v2-virtio-split.mk.
//
// expect: failed MEM-BOUNDS trace

include "platforms/qemu-virt-gicv2.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

loader { gic_init }

kernel k0 {
    profile mk
    cores a0
    ram at 0x4000_0000 size 256M
    devices uart, virtio0, virtio1
}

kernel k1 {
    profile mk
    cores a1
    ram at 0x5000_0000 size 256M
    devices virtio16, virtio17
}

shared ring01 at 0x7000_0000 size 1M { k0 rw, k1 rw }
shared trace at 0xffff_ffff_ffff_f000 size 0x2000 { k0 rw, k1 r }

channel kick01 {
    from k0 to k1
    sgi 6
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
