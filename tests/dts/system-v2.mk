// Two kernels on the GICv2 fixture board, read from its device tree; proves (tests/test_build.py
// builds it: its golden files are under tests/golden/build/system-v2/).
platform board from dts "board-v2.dts" {
    lines 96
    max_irq 95
}

profile mk extends sel4-mk { device_untypeds declared  trigger_config loader }

kernel k0 {
    profile mk
    cores cpu0
    ram at 0x4020_0000 size 256M
    devices serial, timer
}

kernel k1 {
    profile mk
    cores cpu1
    ram at 0x6000_0000 size 256M
    ram at 0x1_0000_0000 size 1G
    devices rtc, spi
}

shared ring at 0x7000_0000 size 64K { k0 rw, k1 r }

channel kick {
    from k0 to k1
    sgi 5
    mailbox ring tag 1
}

loader { gic_init triggers }
boot order k0, k1
