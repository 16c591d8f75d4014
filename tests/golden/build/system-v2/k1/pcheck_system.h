/*
 * Written by `pcheck build` from system-v2.mk (sha256 30d55ce850d166bc4cff0dcf577d80aaf8d4af79b14d4833705e699acd06844c).
 * Do not edit: change the spec and build again.
 * Kernel k1: its channels, shared regions and SPIs.
 */
#pragma once

#define PCHECK_KERNEL_NAME "k1"

/* channel kick: k0 -> k1 */
#define PCHECK_RECV_KICK_SGI 5
#define PCHECK_RECV_KICK_MAILBOX 0x70000000ULL  /* shared region ring */
#define PCHECK_RECV_KICK_TAG 1

/* shared region ring (r) */
#define PCHECK_SHARED_RING_BASE 0x70000000ULL
#define PCHECK_SHARED_RING_SIZE 0x10000ULL
#define PCHECK_SHARED_RING_WRITABLE 0

/* SPIs: INTID, and 1 for edge-triggered, 0 for level (or not given) */
#define PCHECK_SPI_RTC_40_INTID 72
#define PCHECK_SPI_RTC_40_EDGE 0
#define PCHECK_SPI_SPI_30_INTID 62
#define PCHECK_SPI_SPI_30_EDGE 0
