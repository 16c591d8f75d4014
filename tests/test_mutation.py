"""Mutation testing of the corpus (tests/mutation.py): every mutant of a clean spec must be killed.

The default run takes a deterministic sample (`mutation.PER_OPERATOR`
mutants per operator, round-robin over the clean specs in an order seeded by
the operator's name) and takes about 50 s on 2 busy cores; PCHECK_SLOW=1
runs every target of every spec (~2000 mutants, ~6 min).
The per-operator table is printed at the end of the session (and with -s).
"""

from __future__ import annotations

import os
import time

import pytest

import checker
from checker.catalogue import OBLIGATION_IDS
from tests import mutation

SLOW = os.environ.get("PCHECK_SLOW") == "1"

# Operators whose mutants survive because of bugs in pcheck (each an xfail, so
# a fix shows up). Fixed so far: the replay could not build a model machine for
# a kernel without `cores` or a GICv2 `gic_cpu` beyond 7, so the failures
# became internal errors.
KNOWN_CHECKER_BUGS: dict[str, str] = {}


def _marks(name: str):
    if name in KNOWN_CHECKER_BUGS:
        return [pytest.mark.xfail(strict=True, reason="pcheck bug: " + KNOWN_CHECKER_BUGS[name])]
    return []


@pytest.fixture(scope="module")
def verdicts(request):
    mutants = mutation.plan(mutation.clean_specs(), mutation.OPERATORS.values(), None if SLOW else mutation.PER_OPERATOR)
    start = time.perf_counter()
    found = mutation.run(mutants, jobs=min(os.cpu_count() or 1, 4))
    seconds = time.perf_counter() - start
    rows = mutation.summarise(found)
    text = mutation.table(rows) + f"\n{len(found)} mutants in {seconds:.1f}s ({'all targets' if SLOW else 'sample'})"
    # A plugin registered now prints the table in pytest's terminal summary, outside output capture.
    if not request.config.pluginmanager.has_plugin("mutation-table"):
        request.config.pluginmanager.register(_TablePrinter(text), "mutation-table")
    print("\n" + text)
    return found


class _TablePrinter:
    def __init__(self, text: str) -> None:
        self.text = text

    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.write_sep("-", "mutation testing (tests/mutation.py)")
        terminalreporter.write_line(self.text)


def test_mutation_specs_are_clean():
    """The extra specs under tests/mutation_specs are clean systems, as the operators assume."""
    for path in mutation.clean_specs():
        if path.startswith(mutation.MUTATION_SPECS):
            report = checker.check(mutation.load_spec(path))
            assert report.status == "proved", [(r.id, r.subject, r.message) for r in report.results if r.status != "proved"]


@pytest.mark.parametrize("name", [pytest.param(n, marks=_marks(n)) for n in mutation.OPERATORS])
def test_operator_kills_every_mutant(name, verdicts):
    mine = [v for v in verdicts if v.mutant.operator == name]
    assert mine, f"operator {name} applies to no clean spec"
    survivors = [v for v in mine if not v.killed]
    assert not survivors, f"{len(survivors)} of {len(mine)} mutants survive:\n" + "\n".join(map(str, survivors[:10]))


def test_every_obligation_is_targeted(verdicts):
    """Each obligation is aimed at by an operator that has mutants and kills them all (bugs aside)."""
    working: dict[str, list[str]] = {}
    for op in mutation.OPERATORS.values():
        mine = [v for v in verdicts if v.mutant.operator == op.name]
        if mine and all(v.killed for v in mine) and op.name not in KNOWN_CHECKER_BUGS:
            working.setdefault(op.aims, []).append(op.name)
    missing = [i for i in OBLIGATION_IDS if i not in working]
    assert not missing, f"no working operator aims at {missing}"
    assert {op.aims for op in mutation.OPERATORS.values()} == set(OBLIGATION_IDS)


@pytest.mark.parametrize("name", ["imx8mm-smp-control.mk", "odroidc4-two-kernels.mk", "qemu-v3-mailbox-bystander.mk"])
def test_mutations_change_the_spec_and_keep_references_consistent(name):
    path = next(p for p in mutation.clean_specs() if os.path.basename(p) == name)
    spec = mutation.load_spec(path)
    for op in mutation.OPERATORS.values():
        for m in op.mutants(spec):
            assert m.spec != spec, f"{m.label} changed nothing"
            kernels = {k.name: k for k in m.spec.kernels}
            for c in m.spec.channels:
                assert c.sender is kernels[c.sender.name] and c.receiver is kernels[c.receiver.name], m.label
            for s in m.spec.shared:
                assert all(a.kernel is kernels[a.kernel.name] for a in s.access), m.label
            cpus = {c.name: c for c in m.spec.platform.cpus}
            for k in m.spec.kernels:
                assert all(c is cpus[c.name] for c in k.cores), m.label


def test_operator_is_a_function_spec_to_spec_or_none():
    loader_never = mutation.load_spec(os.path.join(mutation.ROOT, "specs", "imx8mm-loader-never.mk"))
    two = mutation.load_spec(os.path.join(mutation.ROOT, "specs", "imx8mm-two-kernels.mk"))
    drop = mutation.OPERATORS["drop-loader-gic-init"]
    assert drop(two) is None  # its kernels are dist_init first: not applicable
    mutated = drop(loader_never)
    assert mutated is not None and not mutated.loader_gic_init
    assert mutation.OPERATORS["sgi-reserved-by-smp"](two) is None  # no smp receiver


def test_evaluate_rejects_a_stray_failure():
    """A mutant that also fails an obligation outside its allowed set is not killed."""
    spec = mutation.load_spec(os.path.join(mutation.ROOT, "specs", "imx8mm-two-kernels.mk"))
    op = mutation.OPERATORS["device-to-second-kernel"]
    m = next(m for m in op.mutants(spec) if "IRQ-EXCL" in m.allowed)
    assert mutation.evaluate(m).killed
    strict = mutation.Mutant(m.operator, m.aims, m.source, m.index, m.target, m.spec, m.subjects, frozenset())
    verdict = mutation.evaluate(strict)
    assert not verdict.killed and "outside the allowed set" in verdict.why


def test_known_checker_bug_kernel_without_cores():
    """Regression: a kernel without `cores` gave ERROR (exit 4), not FAILED CPU-EXCL.

        platform p {
            cpu c0 mpidr 0x0 gic_cpu 0
            memory dram at 0x4000_0000 size 1G
            gic v2 { distributor at 0x0800_0000 size 64K  cpu_interface at 0x0801_0000 size 64K  lines 64 }
        }
        kernel k0 { cores c0 ram at 0x4000_0000 size 256M }
        kernel k1 { ram at 0x5000_0000 size 256M }
    """
    _check_reproducer(test_known_checker_bug_kernel_without_cores.__doc__, "CPU-EXCL", "k1")


def test_known_checker_bug_gic_cpu_out_of_range():
    """Regression: `gic_cpu 8` gave ERROR (exit 4), not FAILED CPU-IDENT.

        platform p {
            cpu c0 mpidr 0x0 gic_cpu 0
            cpu c1 mpidr 0x1 gic_cpu 8
            memory dram at 0x4000_0000 size 1G
            gic v2 { distributor at 0x0800_0000 size 64K  cpu_interface at 0x0801_0000 size 64K  lines 64 }
        }
        kernel k0 { cores c0 ram at 0x4000_0000 size 256M }
    """
    _check_reproducer(test_known_checker_bug_gic_cpu_out_of_range.__doc__, "CPU-IDENT", "c1")


def _check_reproducer(doc: str, id_: str, subject: str) -> None:
    text = "\n".join(line[8:] for line in doc.splitlines()[2:])
    loaded = checker.load_text(text, "reproducer.mk")
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    report = checker.check(loaded.spec)
    result = next(r for r in report.results if r.id == id_ and r.subject == subject)
    assert result.status == "failed", result.message
    assert not report.has_internal_error, [r.message for r in report.results if r.status == "internal-error"]
