"""The text report: one line per failure that CI and editor error matchers can place, grouped
causes with their `pcheck explain` pointers, proved instances summarised (checker/report/text.py)."""

from __future__ import annotations

import re

import checker
from checker.report.text import to_text
from tests.obligations.support import load

# GCC-style `file:line:col: ` first on the line: what GitHub problem matchers, Emacs' compilation
# mode and Vim's errorformat take by default.
MATCHER = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): (?P<rest>.*)$")

STOCK = """
include "platforms/qemu-virt-gicv2.mk"
kernel k0 { cores a0 ram at 0x4000_0000 size 256M devices uart }
kernel k1 { cores a1 ram at 0x6000_0000 size 256M devices virtio0 }
"""


def text(spec, verbose=False):
    report = checker.check(spec, checker.Options())
    return report, to_text([report], verbose=verbose)


def test_every_failure_line_starts_with_its_location():
    report, out = text(load(STOCK))
    failed = [r for r in report.results if r.status == "failed"]
    assert failed
    lines = [l for l in out.splitlines() if " FAILED " in l]
    assert len(lines) == len(failed)
    for line in lines:
        assert MATCHER.match(line), line
    for r in failed:
        assert f"{r.location.file}:{r.location.line}:{r.location.column}: FAILED {r.id} {r.subject}: {r.message}" in lines


def test_an_spi_failure_points_at_its_owner_s_claim_and_its_cause_at_the_kernel_s_line():
    """The location names the subject in the system spec (the `devices` entry of the SPI's device);
    the board's line is related; the kernel whose profile causes it is the cause, at its line."""
    spec = load(STOCK)
    report, out = text(spec)
    route = [r for r in report.results if r.id in ("IRQ-ROUTE", "IRQ-TRIGGER") and r.status == "failed"]
    assert route
    kernel_lines = {k.span for k in spec.kernels}
    for r in route:
        owner = spec.kernel(r.counterexample.get("kernel") or r.counterexample["owners"][0])
        device = next(d for d in owner.devices if any(i.intid == r.counterexample["intid"] for i in d.irqs))
        assert r.location == owner.device_claim(device) and r.location.file == "inline.mk"
        assert STOCK.split("\n")[r.location.line - 1][r.location.column - 1:].startswith(device.name)
        assert r.cause is not None and r.cause.span in kernel_lines
        board = [p.span for p in r.places if p.span and "platforms/" in p.span.file]
        assert board and f"    related: {board[0]}: " in out
        assert f"{r.cause.span}: note: " in out


def test_failures_with_one_cause_are_grouped_under_a_note_with_explain_pointers():
    report, out = text(load(STOCK))
    lines = out.splitlines()
    notes = [n for n, l in enumerate(lines) if ": note: " in l and "failures come from" in l]
    assert notes
    for n in notes:
        m = re.search(r"note: (\d+) failures come from (kernel \w+'s profile '[^']+'); see (.*)$", lines[n])
        assert m, lines[n]
        count, cause = int(m[1]), m[2]
        members = [r for r in report.results if r.status == "failed" and r.cause and r.cause.what == cause]
        assert len(members) == count >= 2
        for r in members:
            assert f"`pcheck explain {r.id}`" in m[3]
        # The group's failures follow the note directly (with their related lines).
        following = [l for l in lines[n + 1:] if not l.startswith("    ")][:count]
        assert all(" FAILED " in l for l in following)
        assert lines[n].split(": note:")[0] == str(members[0].cause.span)


def test_proved_instances_are_summarised_per_obligation_and_listed_with_v():
    spec = load(STOCK)
    report, out = text(spec)
    proved = [r for r in report.results if r.status == "proved"]
    assert not any(l.startswith("PROVED") and l.count(" ") > 3 and "instance" not in l for l in out.splitlines())
    ids = list(dict.fromkeys(r.id for r in proved))
    for id_ in ids:
        n = sum(1 for r in proved if r.id == id_)
        total = sum(1 for r in report.results if r.id == id_)
        line = next(l for l in out.splitlines() if l.startswith(f"PROVED {id_} "))
        assert re.search(rf"\s{n}( of {total})? instances?$", line), line
    _, verbose = text(spec, verbose=True)
    assert sum(1 for l in verbose.splitlines() if l.startswith("PROVED ")) == len(proved)
    assert "[facts: " in verbose or "[solver" in verbose


def test_the_explain_pointer_is_shown_when_something_failed():
    _, out = text(load(STOCK))
    assert "`pcheck explain ID`" in out
    _, clean = text(load(STOCK.replace("kernel k1", "// kernel k1").replace("kernel k0 {", "kernel k0 { profile p").replace(
        'include "platforms/qemu-virt-gicv2.mk"',
        'include "platforms/qemu-virt-gicv2.mk"\nprofile p extends sel4-mk { device_untypeds declared }\nloader { gic_init }')))
    assert "`pcheck explain ID`" not in clean
