/*
 * Written by `pcheck build` from system-v2.mk (sha256 30d55ce850d166bc4cff0dcf577d80aaf8d4af79b14d4833705e699acd06844c).
 * Do not edit: change the spec and build again.
 * Kernel k0: its channels, shared regions and SPIs.
 */
#pragma once

#define PCHECK_KERNEL_NAME "k0"

/* channel kick: k0 -> k1 */
#define PCHECK_SEND_KICK_SGI 5
#define PCHECK_SEND_KICK_TARGET 0x1  /* the target for seL4_IRQControl_IssueSGISignal */
#define PCHECK_SEND_KICK_MAILBOX 0x70000000ULL  /* shared region ring */
#define PCHECK_SEND_KICK_TAG 1

/* shared region ring (rw) */
#define PCHECK_SHARED_RING_BASE 0x70000000ULL
#define PCHECK_SHARED_RING_SIZE 0x10000ULL
#define PCHECK_SHARED_RING_WRITABLE 1

/* SPIs: INTID, and 1 for edge-triggered, 0 for level (or not given) */
#define PCHECK_SPI_SERIAL_1_INTID 33
#define PCHECK_SPI_SERIAL_1_EDGE 0
#define PCHECK_SPI_TIMER_10_INTID 42
#define PCHECK_SPI_TIMER_10_EDGE 1
#define PCHECK_SPI_TIMER_11_INTID 43
#define PCHECK_SPI_TIMER_11_EDGE 0
