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
"""

from checker.api import Loaded, check, check_path, load, load_and_check, load_text, machine
from checker.catalogue import CATALOGUE, OBLIGATION_IDS
from checker.prove import Options
from checker.diagnostics import Diagnostic, render
from checker.result import Place, Report, Result
from checker.span import Span
from checker.spec import (
    BUILTIN_PROFILES,
    SEL4,
    SEL4_MK,
    SEL4_SMP,
    Access,
    Channel,
    Cpu,
    Device,
    Gic,
    Irq,
    Kernel,
    Platform,
    Profile,
    Region,
    Route,
    Shared,
    Spec,
    Waiver,
    default_target,
)

__all__ = [
    "BUILTIN_PROFILES", "CATALOGUE", "OBLIGATION_IDS", "SEL4", "SEL4_MK", "SEL4_SMP",
    "Access", "Channel", "Cpu", "Device", "Diagnostic", "Gic", "Irq", "Kernel", "Loaded",
    "Options", "Place", "Platform", "Profile", "Region", "Report", "Result", "Route",
    "Shared", "Span", "Spec", "Waiver",
    "check", "check_path", "default_target", "load", "load_and_check", "load_text", "machine", "render",
]
