"""The multikernel loader's boot table: `boot.json` and `boot_table.h`.

What the au-ts multikernel loader (au-ts/microkit branch `capdl_multikernel`) hands each
kernel in its boot-info page: the kernel's image base (its first RAM slice rounded up to
2 MiB), its RAM regions, its reserved regions (which get no untypeds at all) and the MPIDRs
of its cores; and, for the system, who initialises the GIC, its version and distributor
base, and the boot order when the spec pins one.

A kernel's reserved regions are every region of the spec that is not its to reach: other
kernels' RAM slices, the pages of other kernels' devices, shared regions it is not listed
on, and the platform's holes. They are what keeps MEM-EXPOSE true under `device_untypeds
declared`: `reserved_regions` is computed from the same facts MEM-EXPOSE forbids
(tests/test_build.py recomputes MEM-EXPOSE from the emitted table).
"""

from __future__ import annotations

import json

from checker.build import ALIGN_2M, Stamp, align_up
from checker.regions import page_span
from checker.sel4 import resets_distributor
from checker.spec import Kernel, Spec

__all__ = ["reserved_regions", "table", "to_json", "to_header"]


def reserved_regions(spec: Spec, kernel: Kernel) -> list[tuple[int, int, str]]:
    """(base, size, what) of every region `kernel` must get no untyped for, sorted by base."""
    out = []
    for other in spec.kernels:
        if other.name == kernel.name:
            continue
        out += [(r.base, r.size, f"RAM {r.name} of {other.name}") for r in other.ram]
        for d in other.devices:
            if d not in kernel.devices:
                start, end = page_span(d.region, spec.platform.page)
                out.append((start, end - start, f"device {d.name} of {other.name}"))
    out += [(s.region.base, s.region.size, f"shared region {s.name}") for s in spec.shared if s.mode_of(kernel.name) is None]
    out += [(h.base, h.size, f"hole {h.name}") for h in spec.platform.reserved]
    return sorted(set(out))


def gic_initialiser(spec: Spec) -> list[str]:
    if spec.loader_gic_init:
        return ["loader"]
    return [k.name for k in spec.kernels if resets_distributor(spec, k)]


def table(spec: Spec) -> dict:
    gic = spec.platform.gic
    kernels = []
    for k in spec.kernels:
        first = k.ram[0].base if k.ram else None
        kernels.append({
            "name": k.name,
            "image_base": align_up(first, ALIGN_2M) if first is not None else None,
            "ram": [[r.base, r.size] for r in k.ram],
            "reserved": [[b, s, what] for b, s, what in reserved_regions(spec, k)],
            "cores": [{"cpu": c.name, "mpidr": c.mpidr} for c in k.cores],
            "profile": k.profile.name,
        })
    return {
        "gic": {"version": gic.version, "distributor": gic.distributor.base, "initialised_by": gic_initialiser(spec),
                "triggers_by_loader": spec.loader_triggers, "group1_by_loader": spec.loader_group1},
        "boot_order": [k.name for k in spec.boot_order] if spec.boot_order is not None else None,
        "kernels": kernels,
    }


def to_json(spec: Spec, stamp: Stamp) -> str:
    doc = {"format": "pcheck-boot-table", "version": 1, "generated_by": " ".join(stamp.lines()), "spec": stamp.spec,
           "sha256": stamp.sha256, "proved": stamp.proved, **table(spec)}
    return json.dumps(doc, indent=2) + "\n"


def to_header(spec: Spec, stamp: Stamp) -> str:
    from checker.build.header import c_name, comment

    t = table(spec)
    out = [comment(stamp.lines()), "#pragma once", "", "#include <stdint.h>", "",
           "#if defined(__GNUC__) || defined(__clang__)", "#define PCHECK_UNUSED __attribute__((unused))", "#else",
           "#define PCHECK_UNUSED", "#endif", "",
           "struct pcheck_region { uint64_t base; uint64_t size; };", "",
           "struct pcheck_kernel {", "    const char *name;", "    uint64_t image_base;",
           "    const struct pcheck_region *ram; unsigned ram_count;",
           "    const struct pcheck_region *reserved; unsigned reserved_count;",
           "    const uint64_t *mpidr; unsigned core_count;", "};", "",
           f"#define PCHECK_GIC_VERSION {t['gic']['version']}",
           f"#define PCHECK_GIC_DISTRIBUTOR 0x{t['gic']['distributor']:x}ULL",
           f"#define PCHECK_GIC_INIT_BY_LOADER {1 if t['gic']['initialised_by'] == ['loader'] else 0}",
           f"#define PCHECK_KERNEL_COUNT {len(t['kernels'])}", ""]
    for k in t["kernels"]:
        n = c_name(k["name"])
        regions = lambda items: ", ".join(f"{{0x{b:x}ULL, 0x{s:x}ULL}}" for b, s, *_ in items) or "{0, 0}"  # noqa: E731
        out.append(f"static const struct pcheck_region pcheck_{n}_ram[] PCHECK_UNUSED = {{ {regions(k['ram'])} }};")
        out.append(f"static const struct pcheck_region pcheck_{n}_reserved[] PCHECK_UNUSED = {{ {regions(k['reserved'])} }};")
        mpidrs = ", ".join(f"0x{c['mpidr']:x}ULL" for c in k["cores"]) or "0"
        out.append(f"static const uint64_t pcheck_{n}_mpidr[] PCHECK_UNUSED = {{ {mpidrs} }};")
    out += ["", "static const struct pcheck_kernel pcheck_kernels[PCHECK_KERNEL_COUNT] PCHECK_UNUSED = {"]
    for k in t["kernels"]:
        n = c_name(k["name"])
        out.append(f'    {{ "{k["name"]}", 0x{(k["image_base"] or 0):x}ULL, pcheck_{n}_ram, {len(k["ram"])}, '
                   f'pcheck_{n}_reserved, {len(k["reserved"])}, pcheck_{n}_mpidr, {len(k["cores"])} }},')
    if spec.boot_order is not None:
        out += ["};", "", f"static const unsigned pcheck_boot_order[PCHECK_KERNEL_COUNT] PCHECK_UNUSED = {{ "
                + ", ".join(str([k.name for k in spec.kernels].index(b.name)) for b in spec.boot_order) + " };"]
    else:
        out.append("};")
    return "\n".join(out) + "\n"
