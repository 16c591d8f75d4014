// Clean two-kernel system on QEMU virt (GICv2): multikernel-patched seL4
// with device untypeds restricted to declared devices, the distributor
// initialised by the loader, and the virtio transports split by page
// (transports 0..7 share page 0x0a00_0000, 16..23 page 0x0a00_2000).
// Trigger words: k0 uses words 2 (SPI 1) and 3 (SPIs 16, 17), k1 word 4
// (SPIs 32, 33). Channels use the default target (the CPU-interface number).
//
// expect: proved

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

channel kick01 {
    from k0 to k1
    sgi 6
}

channel kick10 {
    from k1 to k0
    sgi 6
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
