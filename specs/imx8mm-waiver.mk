// Accepted risk, recorded with a waiver: the network kernel k1 runs the
// plain `sel4-mk` build, whose root task still receives device untypeds for
// every address that is not its RAM (`device_untypeds all`), including k0's
// RAM and devices. The project has audited k1's root task never to retype
// device untypeds it was not configured for, and waives the finding.
// Without the `allow` line this spec fails MEM-EXPOSE for k1.
// k0 runs the hardened profile; the multikernel loader initialises the
// distributor and node 0 (k0) boots first.
//
// expect: waived MEM-EXPOSE k1

include "platforms/imx8mm.mk"

// The multikernel loader initialises the distributor once (sel4-mk: dist_init check).
loader { gic_init }

profile mk extends sel4-mk {
    device_untypeds declared
}

kernel k0 {
    profile mk
    cores a0
    ram at 0x4000_0000 size 1G
    devices uart2, usdhc2
}

kernel k1 {
    profile sel4-mk
    cores a1
    ram at 0x8000_0000 size 512M
    devices enet, gpt1
}

shared netq at 0xa000_0000 size 2M { k0 rw, k1 rw }

channel rx_kick {
    from k1 to k0
    sgi 2
    mailbox netq tag 0
}

allow MEM-EXPOSE for k1 "root task audited: it retypes device untypeds only over enet and gpt1"

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
