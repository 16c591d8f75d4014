/*
 * Written by `pcheck build` from system-v2.mk (sha256 30d55ce850d166bc4cff0dcf577d80aaf8d4af79b14d4833705e699acd06844c).
 * Do not edit: change the spec and build again.
 */
#pragma once

#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define PCHECK_UNUSED __attribute__((unused))
#else
#define PCHECK_UNUSED
#endif

struct pcheck_region { uint64_t base; uint64_t size; };

struct pcheck_kernel {
    const char *name;
    uint64_t image_base;
    const struct pcheck_region *ram; unsigned ram_count;
    const struct pcheck_region *reserved; unsigned reserved_count;
    const uint64_t *mpidr; unsigned core_count;
};

#define PCHECK_GIC_VERSION 2
#define PCHECK_GIC_DISTRIBUTOR 0x8000000ULL
#define PCHECK_GIC_INIT_BY_LOADER 1
#define PCHECK_KERNEL_COUNT 2

static const struct pcheck_region pcheck_k0_ram[] PCHECK_UNUSED = { {0x40200000ULL, 0x10000000ULL} };
static const struct pcheck_region pcheck_k0_reserved[] PCHECK_UNUSED = { {0xa000000ULL, 0x1000ULL}, {0xc002000ULL, 0x1000ULL}, {0x40000000ULL, 0x200000ULL}, {0x60000000ULL, 0x10000000ULL}, {0x100000000ULL, 0x40000000ULL} };
static const uint64_t pcheck_k0_mpidr[] PCHECK_UNUSED = { 0x0ULL };
static const struct pcheck_region pcheck_k1_ram[] PCHECK_UNUSED = { {0x60000000ULL, 0x10000000ULL}, {0x100000000ULL, 0x40000000ULL} };
static const struct pcheck_region pcheck_k1_reserved[] PCHECK_UNUSED = { {0x9000000ULL, 0x1000ULL}, {0x9002000ULL, 0x1000ULL}, {0x40000000ULL, 0x200000ULL}, {0x40200000ULL, 0x10000000ULL} };
static const uint64_t pcheck_k1_mpidr[] PCHECK_UNUSED = { 0x1ULL };

static const struct pcheck_kernel pcheck_kernels[PCHECK_KERNEL_COUNT] PCHECK_UNUSED = {
    { "k0", 0x40200000ULL, pcheck_k0_ram, 1, pcheck_k0_reserved, 5, pcheck_k0_mpidr, 1 },
    { "k1", 0x60000000ULL, pcheck_k1_ram, 2, pcheck_k1_reserved, 4, pcheck_k1_mpidr, 1 },
};

static const unsigned pcheck_boot_order[PCHECK_KERNEL_COUNT] PCHECK_UNUSED = { 0, 1 };
