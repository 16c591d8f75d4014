// Mistake: the USB controller usb1 goes to the driver kernel k0 and its
// usbmisc1 block (PHY/misc control) to the power-management kernel k1. The
// device tree lists them as separate nodes, but both sit in the one 4 KiB
// page 0x32e4_0000 (usb1 at +0x000, usbmisc1 at +0x200), and a device is
// mapped as the whole pages it touches.
//  - MEM-EXPOSE k0: its mapping of usb1 covers usbmisc1, owned by k1.
//  - MEM-EXPOSE k1: its mapping of usbmisc1 covers usb1, owned by k0.
// Trigger words: k0 uses 3 (uart2) and 4 (usb1), k1 9 (enet); usbmisc1 has
// no interrupt.
//
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
    devices uart2, usb1
}

kernel k1 {
    profile mk
    cores a1
    ram at 0x8000_0000 size 512M
    devices enet, usbmisc1
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
