// The board's uart_a has SPI 26 (INTID 58), and the kernel wrote its INTID
// as the SPI number: `spi 58` is INTID 90, which no device uses. It proves,
// and the UART's interrupt never arrives.
// expect: warning W003 13:9
include "../../specs/platforms/odroidc4.mk"
profile mk extends sel4-mk { device_untypeds declared }
loader { gic_init }

kernel k0 {
    profile mk
    cores c0
    ram at 0x0100_0000 size 256M
    irq spi 58 level
}
