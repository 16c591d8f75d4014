"""CPU-EXCL: every core runs at most one kernel, and every kernel has a
number of cores its build can run on.

Violation kinds (static, step -1):

* ``kernel-cores``: a kernel has no core, several cores without an smp
  build, or more than MAX_SMP_CORES. Details: ``kernel``, ``problem``
  (``none``, ``several`` or ``too-many``).
* ``core-shared``: two different kernels list the same core. Details:
  ``cpu`` (the core), ``kernels`` (the kernels listing it, in
  configuration order).
"""

from __future__ import annotations

from model.config import MachineConfig
from model.monitors._static import _v
from model.trace import Violation

__all__ = ["cores", "MAX_SMP_CORES"]

MAX_SMP_CORES = 8


def cores(config: MachineConfig) -> list[Violation]:
    found = []
    claims: dict[str, list[str]] = {}
    for kernel in config.kernels:
        # A core listed twice by one kernel (`cores c0, c0`: a spec error for pcheck's front end,
        # but a configuration can say it) is one core: one claim, counted once.
        distinct = tuple(dict.fromkeys(kernel.cores))
        for core in distinct:
            claims.setdefault(core, []).append(kernel.name)
        n = len(distinct)
        problem = "none" if n == 0 else "several" if (n > 1 and not kernel.profile.smp) else "too-many" if n > MAX_SMP_CORES else None
        if problem:
            found.append(_v("kernel-cores", f"kernel {kernel.name} has {n} cores", kernel=kernel.name, problem=problem))
    for core, kernels in claims.items():
        if len(kernels) > 1:
            found.append(_v("core-shared", f"core {core} runs {', '.join(kernels)}", cpu=core, kernels=tuple(kernels)))
    return found
