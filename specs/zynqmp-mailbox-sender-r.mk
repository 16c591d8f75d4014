// Mistake: the command queue cmdq was declared from the receiver's point of
// view, "k1 writes completions, k0 reads them", but the channel that uses it
// runs the other way: k0 posts commands into cmdq and kicks k1. The sender
// k0 is listed `r` only and cannot write the message it signals.
//  - IPI-MAILBOX cmd: the sender cannot write its mailbox.
// Trigger words: k0 uses 3 (uart0), k1 uses 5 (gem3).
//
// expect: failed IPI-MAILBOX cmd

include "platforms/zynqmp.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

loader { gic_init }

kernel k0 {
    profile mk
    cores c0
    ram at 0x1000_0000 size 256M
    devices uart0
}

kernel k1 {
    profile mk
    cores c1
    ram at 0x8_0000_0000 size 1G
    devices gem3
}

shared cmdq at 0x7000_0000 size 64K { k0 r, k1 rw }

channel cmd {
    from k0 to k1
    sgi 5
    mailbox cmdq tag 1
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
