/*
 * Written by `pcheck build` from system-v3.mk (sha256 e3f16f8602b50218c25a1231f3d9c43a9ce3b15a34bee79bd0c546f7d4b25052).
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

#define PCHECK_GIC_VERSION 3
#define PCHECK_GIC_DISTRIBUTOR 0x38800000ULL
#define PCHECK_GIC_INIT_BY_LOADER 1
#define PCHECK_KERNEL_COUNT 2

static const struct pcheck_region pcheck_big_ram[] PCHECK_UNUSED = { {0x80000000ULL, 0x20000000ULL} };
static const struct pcheck_region pcheck_big_reserved[] PCHECK_UNUSED = { {0x33c00000ULL, 0x1000ULL}, {0xa0000000ULL, 0x10000000ULL} };
static const uint64_t pcheck_big_mpidr[] PCHECK_UNUSED = { 0x0ULL, 0x100ULL };
static const struct pcheck_region pcheck_small_ram[] PCHECK_UNUSED = { {0xa0000000ULL, 0x10000000ULL} };
static const struct pcheck_region pcheck_small_reserved[] PCHECK_UNUSED = { {0x30860000ULL, 0x10000ULL}, {0x30870000ULL, 0x1000ULL}, {0x80000000ULL, 0x20000000ULL} };
static const uint64_t pcheck_small_mpidr[] PCHECK_UNUSED = { 0x200ULL };

static const struct pcheck_kernel pcheck_kernels[PCHECK_KERNEL_COUNT] PCHECK_UNUSED = {
    { "big", 0x80000000ULL, pcheck_big_ram, 1, pcheck_big_reserved, 2, pcheck_big_mpidr, 2 },
    { "small", 0xa0000000ULL, pcheck_small_ram, 1, pcheck_small_reserved, 3, pcheck_small_mpidr, 1 },
};

static const unsigned pcheck_boot_order[PCHECK_KERNEL_COUNT] PCHECK_UNUSED = { 0, 1 };
