// A platform written by hand without seL4's maxIRQ: pcheck can check SPIs
// only against the GIC's lines, and says so.
platform board {
    cpu c0 mpidr 0x0
    memory dram at 0x4000_0000 size 1G
    gic v3 {
        distributor at 0x0800_0000 size 64K
        redistributors at 0x080a_0000 stride 128K
        lines 288
    }
}
kernel k0 { cores c0 ram at 0x4000_0000 size 16M }
// expect: warning W002 3:10
