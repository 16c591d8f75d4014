// Clean two-kernel system on the Raspberry Pi 4 (8 GB): k0 gets the low
// 948 MiB bank (minus the armstub page and the first 2 MiB), the console,
// GPIO and the SD card; k1 gets 2 GiB of the middle bank and all 4 GiB above
// 4 GiB, GENET Ethernet, USB and the system timer. Several RAM slices per
// kernel are fine as long as each lies in one bank.
// Trigger words: k0 uses 9 (gpio, uart0, emmc2); k1 uses 6 (usb, systimer)
// and 11 (genet).
//
// expect: proved

include "platforms/rpi4.mk"

profile mk extends sel4-mk {
    device_untypeds declared
}

loader { gic_init }

kernel k0 {
    profile mk
    cores c0
    ram at 0x0020_0000 size 0x3b20_0000       // [2 MiB, 0x3B40_0000): rest of lowmem
    devices uart0, gpio, emmc2
}

kernel k1 {
    profile mk
    cores c1
    ram at 0x4000_0000 size 2G                // k1.ram[0]
    ram at 0x1_0000_0000 size 4G              // k1.ram[1]: highmem
    devices genet, usb, systimer
}

shared ring at 0xc000_0000 size 4M { k0 rw, k1 rw }

channel kick_k1 {
    from k0 to k1
    sgi 3
}

channel kick_k0 {
    from k1 to k0
    sgi 3
}

// sel4-mk: node 0 masks every SPI at boot, so it must boot first (the fork staggers
// boots by node id, au-ts/seL4 aa595aee; pinned here).
boot order k0, k1
