"""The obligation catalogue: stable IDs, what each proves, and how to fix a failure.

This module is plain data so the resolver (to check `allow` IDs) and the CLI
(`pcheck list`, `pcheck explain`) can use it without loading the solver.
"""

from __future__ import annotations

from checker.data import frozen


@frozen
class Entry:
    id: str
    title: str
    proves: str
    counterexample: str
    fixes: tuple[str, ...]


CATALOGUE: tuple[Entry, ...] = (
    Entry(
        "MEM-BOUNDS",
        "regions lie where they may",
        "Every kernel RAM slice and shared region lies inside one memory bank and outside every "
        "reserved hole; every device and GIC frame lies outside RAM; every region is non-empty, does "
        "not wrap past 2^64 and ends at or below 2^paddr_bits.",
        "an address and the region that breaks the rule",
        (
            "Move or shrink the region so it sits inside one `memory` bank (RAM slices and shared regions).",
            "Keep RAM slices off `reserved` holes: firmware (secure monitor, rpmsg) lives there.",
            "Check the size: `size 0xffff_ffff_ffff_f000` at a high base wraps past 2^64.",
            "Raise `paddr_bits` only if the SoC really decodes that many address bits.",
        ),
    ),
    Entry(
        "MEM-ALIGN",
        "RAM and shared regions are page aligned",
        "Every kernel RAM slice and shared region has a base and size that are multiples of the page "
        "granule (devices may be smaller than a page; they are mapped as the pages they touch).",
        "the region and its misalignment",
        ("Round the base down and the size up to the platform's `page` (default 4K).",),
    ),
    Entry(
        "MEM-DISJOINT",
        "regions do not overlap",
        "Kernel RAM slices are pairwise disjoint and disjoint from shared regions; shared regions are "
        "pairwise disjoint; devices and GIC frames are pairwise disjoint.",
        "an address in two regions",
        (
            "Recompute the slices after resizing one: the next slice starts at base + size.",
            "Memory two kernels share belongs in a `shared` region, not in both kernels' `ram`.",
        ),
    ),
    Entry(
        "MEM-EXPOSE",
        "no kernel reaches memory that is not its own",
        "No kernel can reach another kernel's RAM, a device another kernel owns, or a shared region "
        "it is not listed on, through its RAM untypeds, its device untypeds (per profile) or its "
        "device mappings, all of which cover whole pages.",
        "an address, the kernel that reaches it, and the route",
        (
            "Upstream seL4 hands out device untypeds for every non-RAM address (`device_untypeds all`), "
            "other kernels' RAM included: use a profile with `device_untypeds declared`, e.g. "
            "`profile mk extends sel4-mk { device_untypeds declared }`.",
            "Two devices of different kernels in one page expose each other: give both to one kernel.",
            "If the root task is audited never to touch that memory, record it with "
            '`allow MEM-EXPOSE for KERNEL "why"`.',
        ),
    ),
    Entry(
        "CPU-EXCL",
        "each cpu has one kernel, each kernel its cpus",
        "Every cpu belongs to at most one kernel; every kernel has a cpu; a non-smp kernel has exactly "
        "one; an smp kernel at most 8.",
        "the cpu or kernel",
        (
            "Give each kernel its own `cores`.",
            "A kernel with several cores needs an smp profile (`profile sel4-smp`).",
        ),
    ),
    Entry(
        "CPU-IDENT",
        "cores can be told apart by the GIC",
        "MPIDR values are distinct; GICv2: every cpu has a distinct `gic_cpu` in 0..7; GICv3: every "
        "cpu's redistributor frame lies inside the 1 MiB window seL4's gicr_init searches (8 frames of "
        "128K).",
        "the colliding cpus",
        (
            "Take MPIDRs from the device tree's cpu `reg` (A55/DynamIQ: 0x000, 0x100, 0x200, ...).",
            "GICv2 CPU-interface numbers are 0..7 and distinct per core.",
        ),
    ),
    Entry(
        "DEV-EXCL",
        "each device has one owner",
        "Every device belongs to at most one kernel.",
        "the device and its two owners",
        ("Remove the device from all but one kernel's `devices`; share data through a `shared` region.",),
    ),
    Entry(
        "IRQ-EXCL",
        "each SPI has one owner",
        "Every SPI belongs to at most one kernel (a device's SPIs belong to the device's owner).",
        "the SPI and its two owners",
        ("Drop the duplicate `irq spi N` or the device that brings the same SPI.",),
    ),
    Entry(
        "IRQ-RANGE",
        "interrupt numbers exist",
        "Every SPI is below the GIC's `lines` and at most INTID 1019; every SGI is in 0..15.",
        "the SPI",
        (
            "Device-tree SPI numbers are INTID - 32: `spi 27` is INTID 59.",
            "Check `lines` against GICD_TYPER.ITLinesNumber: lines = 32 x (ITLinesNumber + 1).",
        ),
    ),
    Entry(
        "IRQ-ROUTE",
        "every owned SPI ends up at its owner",
        "For every boot order considered, once all kernels have booted and acquired their interrupts, "
        "every owned SPI is enabled and routed only to a core of its owner (GICv2 ITARGETSR byte, GICv3 "
        "IROUTER with IRM=0).",
        "the boot order and the SPI's final routing",
        (
            "Upstream seL4 routes every SPI to the booting core and masks all of them: use a "
            "multikernel profile (`sel4-mk`: dist_init first, boot_mask own, irq_route yes).",
            "A kernel that cannot route (`irq_route no`) keeps SPIs only if the distributor reset "
            "routed them to it: fix the boot order with `boot order` or initialise once in the loader.",
        ),
    ),
    Entry(
        "IRQ-TRIGGER",
        "trigger configuration cannot be lost",
        "No two kernels configure trigger modes at run time on SPIs that share one GICD_ICFGR word (16 "
        "INTIDs per word), which would lose an update.",
        "the interleaving of reads and writes that loses it",
        (
            "Move one SPI to another ICFGR word (INTIDs 16k .. 16k+15 share word k).",
            "Configure triggers once in the loader (`trigger_config loader`).",
        ),
    ),
    Entry(
        "GIC-INIT",
        "the distributor is initialised once",
        "The distributor is initialised exactly once, before any kernel takes interrupts, and no kernel "
        "makes distributor-wide writes after another kernel is live.",
        "the boot order and the first clobbering write",
        (
            "Let one party initialise the distributor: `loader { gic_init }` with `dist_init never` "
            "kernels, or `dist_init first` (sel4-mk) kernels.",
            "Upstream `sel4` (dist_init always) resets the whole distributor at every boot.",
        ),
    ),
    Entry(
        "IPI-RANGE",
        "channel SGIs are usable",
        "Every channel's SGI is in 0..15 and not reserved by the receiving kernel (smp: 0 and 1).",
        "the channel",
        ("Pick an SGI from 2..15 for an smp receiver, 0..15 otherwise.",),
    ),
    Entry(
        "IPI-CAP",
        "both ends can use SGIs",
        "The sending kernel's profile can send SGIs and the receiving kernel's can bind them.",
        "the channel and the missing capability",
        ("seL4_IRQControl_IssueSGISignal exists only in non-SMP builds (`sgi_signal yes`).",),
    ),
    Entry(
        "IPI-TARGET",
        "SGIs reach exactly their receiver",
        "The target the sender encodes is delivered to exactly the receiving core, and that core exists.",
        "the GICD_SGIR / ICC_SGI1R_EL1 value written and the cores it reaches",
        (
            "GICv2: the target is the CPU-interface number (`gic_cpu`), not the MPIDR.",
            "GICv3: the target is the affinity Aff3.Aff2.Aff1.Aff0; on Cortex-A55 core n is 0x{n}00.",
            "Omit `target` to let pcheck use the right value (`checker.default_target`).",
        ),
    ),
    Entry(
        "IPI-UNIQUE",
        "receivers can tell channels apart",
        "No two channels arrive as the same (receiving core, SGI) unless both go through the same "
        "mailbox with distinct tags.",
        "the two sends and the one delivery",
        ("Give each channel its own SGI, or put them behind one `mailbox` with distinct tags.",),
    ),
    Entry(
        "IPI-MAILBOX",
        "mailboxes are private to their channels",
        "A channel's mailbox is a shared region its sender can write and its receiver can read, and no "
        "kernel outside the channels that use it can access it.",
        "the kernel and the access",
        ("List the sender `rw` and the receiver `r` or `rw`, and no other kernel, on the mailbox region.",),
    ),
)

BY_ID = {entry.id: entry for entry in CATALOGUE}
OBLIGATION_IDS = tuple(BY_ID)
