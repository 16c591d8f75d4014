// Mistake: the sender passes the receiving core's full MPIDR affinity, 0x200
// for c2, as it would on a GICv3 (see rock3b-two-kernels.mk). On this
// GIC-400 the target of seL4_IRQControl_IssueSGISignal is the CPU-interface
// number, at most 7; 0x200 is not one, the invocation fails with
// seL4_InvalidArgument, and no GICD_SGIR write is made.
//  - IPI-TARGET kick: the SGI reaches no core (c2 is CPU interface 2).
// The reply uses the default target (CPU interface 0), which is right.
// Trigger words: k0 uses 14 (uart_ao), k1 uses 2 (eth).
//
// expect: failed IPI-TARGET kick

include "platforms/odroidc4.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

loader { gic_init }

kernel k0 {
    profile mk
    cores c0
    ram at 0x1000_0000 size 256M
    devices uart_ao
}

kernel k1 {
    profile mk
    cores c2
    ram at 0x2000_0000 size 1G
    devices eth
}

channel kick {
    from k0 to k1
    sgi 7
    target 0x200      // MPIDR of c2; GICv2 wants gic_cpu 2
}

channel reply {
    from k1 to k0
    sgi 7
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
