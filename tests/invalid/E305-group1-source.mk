// `group1` names who puts interrupts into Group 1 (firmware, sel4 or none), not a yes/no.
platform board { max_irq 255
    cpu c0 mpidr 0x0
    memory dram at 0x4000_0000 size 1G
    gic v3 {
        distributor at 0x0800_0000 size 64K
        redistributors at 0x080a_0000 stride 128K
        lines 288
        group1 yes
    }
}

profile mk extends sel4-mk { group1 always }

kernel k0 {
    profile mk
    cores c0
    ram at 0x4000_0000 size 256M
}

loader { group1 gic_init group0 }

// expect: error E305 9:16
// expect: error E305 13:37
// expect: error E305 21:26
