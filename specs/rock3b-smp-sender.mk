// Mistake: the SMP network kernel k1 (c1, c2) is given a status channel back
// to the console kernel k0. SMP seL4 has no seL4_IRQControl_IssueSGISignal
// (`sgi_signal no`), so k1 can receive k0's kicks but cannot send.
//  - IPI-CAP status: the sender k1 cannot send SGIs.
// The kick channel the other way is fine: target 0x200 is c2 (Aff1 = 2),
// SGI 6 is not reserved by an SMP receiver, and the two channels arrive on
// different cores.
// Trigger words: k0 uses 9 (uart2), k1 uses 3 (gmac0).
//
// k1 is an smp seL4 on c1, c2 (MPIDR 0x100, 0x200): ipi_send_target's loop resets
// sgi1r[Aff1] after filling it for c1 and asserts for c2 (Aff1 2 >= 2 cores): its own IPIs are lost.
// expect: failed IPI-CAP status
// expect: failed IPI-SMP k1

include "platforms/rock3b.mk"

// The multikernel loader initialises the distributor once (sel4-mk: dist_init check).
loader { gic_init }

profile mk extends sel4-mk {
    device_untypeds declared
}

// No released kernel is an SMP multikernel build: this user-defined profile stands for one
// (the fork's dist_init check and SetIrqTargetCore routing are non-SMP only).
profile mk-smp extends sel4-smp {
    dist_init check
    boot_mask own
    device_untypeds declared
}

kernel k0 {
    profile mk
    cores c0
    ram at 0x0020_0000 size 0x1fe0_0000
    devices uart2
}

kernel k1 {
    profile mk-smp
    cores c1, c2
    ram at 0x4000_0000 size 1G
    devices gmac0
}

channel kick {
    from k0 to k1 on c2
    sgi 6
    target 0x200
}

channel status {
    from k1 to k0
    sgi 6
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
