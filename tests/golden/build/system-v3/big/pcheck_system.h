/*
 * Written by `pcheck build` from system-v3.mk (sha256 e3f16f8602b50218c25a1231f3d9c43a9ce3b15a34bee79bd0c546f7d4b25052).
 * Do not edit: change the spec and build again.
 * Kernel big: its channels, shared regions and SPIs.
 */
#pragma once

#define PCHECK_KERNEL_NAME "big"

/* channel done: small -> big */
#define PCHECK_RECV_DONE_SGI 9

/* shared region queue (rw) */
#define PCHECK_SHARED_QUEUE_BASE 0xb0000000ULL
#define PCHECK_SHARED_QUEUE_SIZE 0x200000ULL
#define PCHECK_SHARED_QUEUE_WRITABLE 1

/* SPIs: INTID, and 1 for edge-triggered, 0 for level (or not given) */
#define PCHECK_SPI_UART_26_INTID 58
#define PCHECK_SPI_UART_26_EDGE 0
#define PCHECK_SPI_BUTTON_27_INTID 59
#define PCHECK_SPI_BUTTON_27_EDGE 1
