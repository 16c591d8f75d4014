// One smp kernel and one single-core kernel on the GICv3 fixture board, read from its device tree,
// with the DynamIQ cores' packed `reg` corrected; proves (golden files: tests/golden/build/system-v3/).
platform board from dts "board-v3.dts" {
    lines 160
    max_irq 159
    cpu cpu0 mpidr 0x000
    cpu cpu1 mpidr 0x100
    cpu cpu2 mpidr 0x200
}

profile mk extends sel4-mk { device_untypeds declared  trigger_config loader }
profile mk-smp extends mk { smp yes  sgi_signal no }

kernel big {
    profile mk-smp
    cores cpu0, cpu1
    ram at 0x8000_0000 size 512M
    devices uart, button
}

kernel small {
    profile mk
    cores cpu2
    ram at 0xa000_0000 size 256M
    devices nic
}

shared queue at 0xb000_0000 size 2M { big rw, small rw }

channel done {
    from small to big
    sgi 9
}

loader { gic_init triggers group1 }
boot order big, small
