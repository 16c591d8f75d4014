/*
 * Written by `pcheck build` from system-v3.mk (sha256 e3f16f8602b50218c25a1231f3d9c43a9ce3b15a34bee79bd0c546f7d4b25052).
 * Do not edit: change the spec and build again.
 * Kernel small: its channels, shared regions and SPIs.
 */
#pragma once

#define PCHECK_KERNEL_NAME "small"

/* channel done: small -> big */
#define PCHECK_SEND_DONE_SGI 9
#define PCHECK_SEND_DONE_TARGET 0x0  /* the target for seL4_IRQControl_IssueSGISignal */

/* shared region queue (rw) */
#define PCHECK_SHARED_QUEUE_BASE 0xb0000000ULL
#define PCHECK_SHARED_QUEUE_SIZE 0x200000ULL
#define PCHECK_SHARED_QUEUE_WRITABLE 1

/* SPIs: INTID, and 1 for edge-triggered, 0 for level (or not given) */
#define PCHECK_SPI_NIC_124_INTID 156
#define PCHECK_SPI_NIC_124_EDGE 0
