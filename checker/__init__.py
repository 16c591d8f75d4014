"""pcheck: prove partition correctness of seL4 multikernel systems.

The library API. Load a spec from a file or text, or build a `Spec` from the
classes in `checker.spec`; check it; read the `Report`'s results and
counterexamples as plain data.

    import checker
    loaded = checker.load("system.mk")          # Loaded(spec, diagnostics, sources)
    if loaded.ok:
        report = checker.check(loaded.spec)     # Report(results, diagnostics, ...)
        for r in report.results:
            print(r.id, r.subject, r.status, r.method, r.counterexample)

`import checker` loads neither z3 nor lark: reading a spec loads lark, and
checking one loads z3, when it first happens.
"""

import sys as _sys

from checker.api import Loaded, check, check_path, import_dts, import_sdf, load, load_and_check, load_text, machine
from checker.catalogue import CATALOGUE, OBLIGATION_IDS
from checker.diagnostics import Diagnostic, render
from checker.dts import DtsError
from checker.options import Options
from checker.sdf import SdfError
from checker.result import Method, Place, Report, Result, Status
from checker.span import Span
from checker.spec import (
    BUILTIN_PROFILES, SEL4, SEL4_MK, SEL4_SMP, Access, Call, Channel, Cpu, Device, Gic, Irq, Kernel, Notification, Pd,
    PdMap, Platform, Profile, Queue, Region, Route, Shared, Spec, Waiver, default_target,
)

# The public names are the ones imported above (submodules are not part of the API).
__all__ = sorted(name for name, value in globals().items() if not name.startswith("_") and not isinstance(value, type(_sys)))
