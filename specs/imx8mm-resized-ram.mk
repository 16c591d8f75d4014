// Mistake: k0's RAM slice was grown from 1 GiB to 1.25 GiB without moving
// k1, so the top 256 MiB of k0's slice, [0x8000_0000, 0x9000_0000), is also
// the bottom of k1's.
//  - MEM-DISJOINT k0.ram,k1.ram: the slices overlap.
//  - MEM-EXPOSE k0, k1: each kernel's RAM untypeds cover the other kernel's
//    RAM in the overlap.
//
// expect: failed MEM-DISJOINT k0.ram,k1.ram
// expect: failed MEM-EXPOSE k0
// expect: failed MEM-EXPOSE k1

include "platforms/imx8mm.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

loader { gic_init }

kernel k0 {
    profile mk
    cores a0
    ram at 0x4000_0000 size 1280M              // was 1G; now ends at 0x9000_0000
    devices uart2, usdhc2, wdog1
}

kernel k1 {
    profile mk
    cores a1
    ram at 0x8000_0000 size 512M
    devices enet, gpt1, i2c2
}

shared netq at 0xa000_0000 size 2M { k0 rw, k1 rw }

channel tx_kick {
    from k0 to k1
    sgi 9
    mailbox netq tag 1
}

channel rx_kick {
    from k1 to k0
    sgi 9
    mailbox netq tag 2
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
