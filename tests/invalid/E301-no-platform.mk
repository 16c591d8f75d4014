// No platform and no include of one.

kernel k0 {
    ram at 0x4000_0000 size 256M
}

// expect: error E301 1:1
