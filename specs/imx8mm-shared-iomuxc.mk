// Mistake: both kernels list the pin controller iomuxc because both of their
// drivers need to set pin muxing. Either root task can then rewrite the
// other's pads.
//  - DEV-EXCL iomuxc: the device has two owners.
//  - MEM-EXPOSE k0, k1: each kernel maps iomuxc, a device that another
//    kernel (also) owns.
// iomuxc has no interrupt, so no SPI is doubly owned.
//
// expect: failed DEV-EXCL iomuxc
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
    ram at 0x4000_0000 size 1G
    devices uart2, usdhc2, iomuxc
}

kernel k1 {
    profile mk
    cores a1
    ram at 0x8000_0000 size 512M
    devices enet, iomuxc
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
