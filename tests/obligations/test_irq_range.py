"""IRQ-RANGE: every SPI the spec names exists on this GIC and seL4 accepts it: below `lines`, at most INTID 1019, at most `max_irq`
(checker/obligations/irq_range.py; model: model/monitors/irq_range.py, spi-range)."""

from __future__ import annotations

import pytest

from checker.obligations import irq_range
from checker.result import FAILED, PROVED
from tests.obligations.support import check, corpus_verdicts, failing, load, replays_from_file, violation

ID = "IRQ-RANGE"

# A device with an SPI and a PPI, a device with a PPI only, a kernel `irq` line, a channel's SGI.
BOARD = """
platform board {{
    {max_irq}
    cpu c0 mpidr 0x0
    cpu c1 mpidr 0x1
    memory dram at 0x4000_0000 size 1G
    gic v3 {{
        distributor at 0x0800_0000 size 64K
        redistributors at 0x080a_0000 stride 128K
        lines {lines}
    }}
    device uart at 0x0900_0000 size 4K irq spi {dev} level, ppi 7 level
    device tmr at 0x0901_0000 size 4K irq ppi 3 level
    device spare at 0x0902_0000 size 4K irq spi {spare} level
}}
kernel k0 {{ cores c0 ram at 0x4000_0000 size 16M devices uart irq spi {own} edge }}
kernel k1 {{ cores c1 ram at 0x5000_0000 size 16M devices tmr }}
channel ping {{ from k0 to k1 sgi 5 }}
"""


def text(lines=128, dev=20, spare=21, own=10, max_irq=None):
    return BOARD.format(lines=lines, dev=dev, spare=spare, own=own, max_irq="" if max_irq is None else f"max_irq {max_irq}")


def test_spis_below_lines_are_proved_by_concrete_arithmetic():
    """The last INTID of a 128-line GIC (SPI 95) exists."""
    results = check(text(dev=95), ID)
    assert [(r.subject, r.status) for r in results] == [("spi 10", PROVED), ("spi 21", PROVED), ("spi 95", PROVED)]
    assert all((r.method, r.lemma) == ("facts", "concrete arithmetic") for r in results)
    assert results[2].message == "SPI 95 (INTID 127) exists on this GIC"


@pytest.mark.parametrize("kwargs, spi, lines, words", [
    (dict(dev=96), 96, 128, ["the GIC implements INTIDs 0..127 (lines 128)"]),  # a device's SPI, INTID = lines
    (dict(own=200), 200, 128, ["(lines 128)"]),  # a kernel's own `irq` line
    (dict(spare=100), 100, 128, ["(lines 128)"]),  # a device no kernel owns
    (dict(lines=1024, own=988), 988, 1024, ["INTIDs above 1019"]),  # INTID 1020, below lines
    (dict(lines=1024, dev=991), 991, 1024, ["INTIDs above 1019"]),  # INTID 1023, the last below lines
], ids=["device-spi-at-lines", "irq-line-past-lines", "unowned-device", "intid-1020", "intid-1023"])
def test_an_spi_that_does_not_exist_fails_and_the_model_agrees(kwargs, spi, lines, words):
    spec = load(text(**kwargs))
    results = check(spec, ID)
    assert failing(results) == {f"spi {spi}"}
    r = next(r for r in results if r.status == FAILED)
    intid = spi + 32
    assert r.counterexample == {"intid": intid, "spi": spi, "lines": lines}
    assert f"SPI {spi} (INTID {intid})" in r.message and "does not exist" in r.message
    for word in words:
        assert word in r.message
    assert (r.method, r.lemma) == ("facts", "concrete arithmetic")
    assert r.expect == {"kind": "spi-range", "intid": intid}
    hit = violation(spec, r)
    assert hit is not None and (hit.details["intid"], hit.details["lines"]) == (intid, lines)
    assert replays_from_file(spec, r)


@pytest.mark.parametrize("own, fails", [(68, False), (69, True)])
def test_an_spi_above_the_platform_s_max_irq_fails_and_the_model_agrees(own, fails):
    """"at most seL4's maxIRQ for the platform (`max_irq`)": with max_irq 100 on a 128-line GIC,
    SPI 68 (INTID 100) is accepted and SPI 69 (INTID 101) is refused, though the GIC has it."""
    spec = load(text(own=own, max_irq=100))
    results = check(spec, ID)
    assert failing(results) == ({f"spi {own}"} if fails else set())
    assert "at most seL4's maxIRQ for the platform" in irq_range.ENTRY.proves
    if not fails:
        return
    r = next(r for r in results if r.status == FAILED)
    assert r.counterexample == {"intid": 101, "spi": 69, "lines": 128, "max_irq": 100}
    assert "SPI 69 (INTID 101)" in r.message and "maxIRQ 100" in r.message
    assert (r.method, r.lemma) == ("facts", "concrete arithmetic")
    assert r.expect == {"kind": "spi-range", "intid": 101}
    hit = violation(spec, r)
    assert hit is not None and (hit.details["intid"], hit.details["max_irq"]) == (101, 100)
    assert replays_from_file(spec, r)


# ---------------------------------------------------------------- the catalogue claims


def test_the_catalogue_claim_spis_only():
    """"Every SPI the spec names (on a device or a kernel's `irq` line) ... Channel SGIs are checked by
    IPI-RANGE": the PPIs of uart and tmr and the channel's SGI 5 are no instances; the SPIs of a device
    no kernel owns (spare) are."""
    spec = load(text())
    assert [r.subject for r in check(spec, ID)] == ["spi 10", "spi 20", "spi 21"]
    assert {i.intid for d in spec.platform.devices for i in d.irqs if not i.is_spi} == {16 + 7, 16 + 3}
    assert "Channel SGIs are checked by IPI-RANGE" in irq_range.ENTRY.proves


def test_an_spi_named_twice_is_one_instance():
    """uart's SPI 120 is also k0's own `irq` line: one instance, one failure when it is missing."""
    results = check(text(dev=120, own=120), ID)
    assert [(r.subject, r.status) for r in results] == [("spi 21", PROVED), ("spi 120", FAILED)]


@pytest.mark.parametrize("spi, fails", [(987, False), (988, True)])
def test_the_catalogue_claim_at_most_intid_1019(spi, fails):
    """"at most INTID 1019": on a GIC with 1024 lines SPI 987 (INTID 1019) exists and SPI 988 does not."""
    assert failing(check(text(lines=1024, own=spi), ID)) == ({f"spi {spi}"} if fails else set())
    assert "at most INTID 1019" in irq_range.ENTRY.proves


def test_the_corpus_has_failing_and_passing_specs():
    fails, proves = corpus_verdicts(ID)
    assert fails and proves
