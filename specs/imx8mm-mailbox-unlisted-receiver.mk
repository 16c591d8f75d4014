// Mistake: k0 sends on channel tx through the mailbox txq, but the shared
// region lists only k0; the receiver k1 was forgotten and cannot read the
// message it is kicked for.
//  - IPI-MAILBOX tx: the receiver k1 cannot read txq.
// Trigger words: k0 uses 3 (uart2), k1 uses 5 (gpt1).
//
// expect: failed IPI-MAILBOX tx

include "platforms/imx8mm.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

loader { gic_init }

kernel k0 {
    profile mk
    cores a0
    ram at 0x4000_0000 size 1G
    devices uart2
}

kernel k1 {
    profile mk
    cores a1
    ram at 0x8000_0000 size 512M
    devices gpt1
}

shared txq at 0xa000_0000 size 64K { k0 rw }

channel tx {
    from k0 to k1
    sgi 6
    mailbox txq tag 1
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
