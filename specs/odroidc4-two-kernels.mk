// Clean two-kernel system on the ODROID-C4 (Cortex-A55 + GIC-400): k0 on
// core 0 with the AO console and an I2C bus, k1 on core 2 with Ethernet,
// eMMC and the USB glue. The multikernel loader initialises
// the distributor (`loader { gic_init }`) and node 0 (k0, on c0) boots first.
// On this GICv2 the SGI target is the CPU-interface number, not the MPIDR:
// core c2 (MPIDR 0x200) is target 2. kick_k1 spells it out, kick_k0 uses the
// default (gic_cpu 0). RAM slices and the shared ring avoid the secure
// monitor hole [0x0500_0000, 0x0530_0000).
// Trigger words: k0 uses 4 (i2c3) and 14 (uart_ao); k1 uses 2 (eth),
// 3 (usb_glue) and 13 (sd_emmc_c).
//
// expect: proved

include "platforms/odroidc4.mk"

// The multikernel loader initialises the distributor once (sel4-mk: dist_init check).
loader { gic_init }

profile mk extends sel4-mk {
    device_untypeds declared
}

kernel k0 {
    profile mk
    cores c0
    ram at 0x1000_0000 size 256M
    devices uart_ao, i2c3
}

kernel k1 {
    profile mk
    cores c2
    ram at 0x2000_0000 size 1G
    devices eth, sd_emmc_c, usb_glue
}

shared ring at 0x0800_0000 size 1M { k0 rw, k1 rw }

channel kick_k1 {
    from k0 to k1
    sgi 7
    target 2
}

channel kick_k0 {
    from k1 to k0
    sgi 7
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
