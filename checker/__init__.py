"""pcheck: prove partition correctness of seL4 multikernel systems.

The library API. Load a spec from a file or text, or build a `Spec` from the
classes in `checker.spec`; check it; read the `Report`'s results and
counterexamples as plain data.

    import checker
    loaded = checker.load("system.mk")          # Loaded(spec, diagnostics, sources)
    if loaded.ok:
        report = checker.check(loaded.spec)     # Report(results, diagnostics, ...)
        for r in report.results:
            print(r.id, r.subject, r.status, r.counterexample)

The names below are imported on first use, so `import checker` itself costs
nothing: z3 and lark load when a spec is first loaded or checked, and the
`pcheck` command decides when that happens (see `checker.cli.run`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Where each public name lives.
_HOMES = {
    "checker.api": ("Loaded", "check", "check_path", "load", "load_and_check", "load_text", "machine"),
    "checker.catalogue": ("CATALOGUE", "OBLIGATION_IDS"),
    "checker.prove": ("Options",),
    "checker.diagnostics": ("Diagnostic", "render"),
    "checker.result": ("Place", "Report", "Result"),
    "checker.span": ("Span",),
    "checker.spec": (
        "BUILTIN_PROFILES", "SEL4", "SEL4_MK", "SEL4_SMP", "Access", "Channel", "Cpu", "Device", "Gic", "Irq",
        "Kernel", "Platform", "Profile", "Region", "Route", "Shared", "Spec", "Waiver", "default_target",
    ),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = sorted(_HOME_OF)


def __getattr__(name: str) -> Any:
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'checker' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups find it without coming here
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOME_OF))


if TYPE_CHECKING:  # what editors and type checkers should see
    from checker.api import Loaded, check, check_path, load, load_and_check, load_text, machine
    from checker.catalogue import CATALOGUE, OBLIGATION_IDS
    from checker.diagnostics import Diagnostic, render
    from checker.prove import Options
    from checker.result import Place, Report, Result
    from checker.span import Span
    from checker.spec import (
        BUILTIN_PROFILES, SEL4, SEL4_MK, SEL4_SMP, Access, Channel, Cpu, Device, Gic, Irq,
        Kernel, Platform, Profile, Region, Route, Shared, Spec, Waiver, default_target,
    )
