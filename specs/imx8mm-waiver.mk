// Accepted risk, recorded with a waiver: the network kernel k1 runs the
// plain `sel4-mk` build, whose root task still receives device untypeds for
// every address that is not its RAM (`device_untypeds all`), including k0's
// RAM and devices. The project has audited k1's root task never to retype
// device untypeds it was not configured for, and waives the finding.
// Without the `allow` line this spec fails MEM-EXPOSE for k1.
// k0 runs the hardened profile; there is no loader support, both kernels
// use `dist_init first`.
//
// expect: waived MEM-EXPOSE k1

include "platforms/imx8mm.mk"

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
