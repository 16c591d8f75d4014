// Mistake: the network kernel k1 and the USB kernel k2 both signal
// completions to the control kernel k0 on c0 with SGI 5, without a mailbox.
// GICv2 does keep SGI pending state per source CPU and reports the source
// in GICC_IAR[12:10], but seL4 masks the IAR to 10 bits, so k0 gets one
// notification for SGI 5 and cannot tell who sent it.
//  - IPI-UNIQUE done1,done2: both arrive as (c0, SGI 5).
// rpi4-sgi-mailbox.mk is the fix.
// Trigger words: k0 uses 9 (uart0, emmc2), k1 11 (genet), k2 6 (usb).
//
// expect: failed IPI-UNIQUE done1,done2

include "platforms/rpi4.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

loader { gic_init }

kernel k0 {
    profile mk
    cores c0
    ram at 0x0020_0000 size 0x3b20_0000       // [2 MiB, 0x3B40_0000): rest of lowmem
    devices uart0, emmc2
}

kernel k1 {
    profile mk
    cores c1
    ram at 0x4000_0000 size 1G
    devices genet
}

kernel k2 {
    profile mk
    cores c2
    ram at 0x8000_0000 size 1G
    devices usb
}

channel done1 {
    from k1 to k0
    sgi 5
}

channel done2 {
    from k2 to k0
    sgi 5
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1, k2
