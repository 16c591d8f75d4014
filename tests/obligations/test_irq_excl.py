"""IRQ-EXCL: no SPI is owned by two kernels, a device's SPIs being its owner's
(checker/obligations/irq_excl.py; model: model/monitors/irq_excl.py, spi-shared)."""

from __future__ import annotations

import pytest

from checker.obligations import irq_excl
from checker.result import FAILED, PROVED
from tests.obligations.support import check, corpus_verdicts, failing, load, replays_from_file, violation

ID = "IRQ-EXCL"

# QEMU virt GICv3: uart is SPI 1, rtc SPI 2, gpio SPI 7, virtio0..3 SPIs 16..19, virtio16/17 SPIs 32/33.
QEMU = """
include "platforms/qemu-virt-gicv3.mk"
kernel k0 {{ cores a0 ram at 0x4000_0000 size 16M devices {d0} {i0} }}
kernel k1 {{ cores a1 ram at 0x5000_0000 size 16M devices {d1} {i1} }}
"""


def qemu(d0="uart", d1="rtc", i0="irq spi 40 edge", i1=""):
    return QEMU.format(d0=d0, d1=d1, i0=i0, i1=i1)


# Two devices that raise one SPI (as on the Raspberry Pi 4, where several controllers share SPI 121).
TWIN = """
platform board {
    cpu c0 mpidr 0x0
    cpu c1 mpidr 0x1
    memory dram at 0x4000_0000 size 1G
    gic v3 {
        distributor at 0x0800_0000 size 64K
        redistributors at 0x080a_0000 stride 128K
        lines 128
    }
    device uart0 at 0x0900_0000 size 4K irq spi 5 level
    device uart1 at 0x0901_0000 size 4K irq spi 5 level
}
kernel k0 { cores c0 ram at 0x4000_0000 size 16M devices uart0 }
kernel k1 { cores c1 ram at 0x5000_0000 size 16M devices uart1 }
"""


def test_spis_with_one_owner_are_proved_by_owner_count():
    results = check(qemu(), ID)
    assert [(r.subject, r.status) for r in results] == [("spi 1", PROVED), ("spi 2", PROVED), ("spi 40", PROVED)]
    assert all((r.method, r.lemma) == ("facts", "owner count") for r in results)
    assert results[0].message == "SPI 1 (INTID 33) has one owner"


@pytest.mark.parametrize("text, subject, intid", [
    (qemu(i1="irq spi 40 level"), "spi 40", 72),  # two `irq` lines
    (qemu(i1="irq spi 1 level"), "spi 1", 33),  # k0's device uart and k1's `irq` line
    (qemu(d1="rtc, uart"), "spi 1", 33),  # a device both kernels list
    (TWIN, "spi 5", 37),  # two devices with one SPI
], ids=["irq-lines", "device-and-irq-line", "shared-device", "two-devices"])
def test_an_spi_two_kernels_own_fails_and_the_model_agrees(text, subject, intid):
    spec = load(text)
    results = check(spec, ID)
    assert failing(results) == {subject}
    r = next(r for r in results if r.status == FAILED)
    assert r.counterexample == {"intid": intid, "spi": intid - 32, "kernels": ["k0", "k1"]}
    assert f"SPI {intid - 32} (INTID {intid}) is owned by kernel k0" in r.message and "and by kernel k1" in r.message
    assert (r.method, r.lemma) == ("facts", "owner count")
    assert r.expect == {"kind": "spi-shared", "intid": intid}
    hit = violation(spec, r)
    assert hit is not None and hit.details["intid"] == intid and list(hit.details["kernels"]) == ["k0", "k1"]
    assert replays_from_file(spec, r)


def test_the_failure_points_at_the_second_claim():
    """The location is the second owner's claim: k1's `irq spi 1` entry; k0's claim is the `uart` of its
    `devices` line in the system spec, not the board's device line."""
    text = qemu(i1="irq spi 1 level")
    spec = load(text)
    r = next(r for r in check(spec, ID) if r.status == FAILED)
    assert [p.what for p in r.places] == ["k0 claims it", "k1 claims it"]
    first = r.places[0].span
    assert first.file == "inline.mk" and text.split("\n")[first.line - 1][first.column - 1:].startswith("uart")
    assert r.location == r.places[1].span and r.location.file.endswith("inline.mk")
    assert text.split("\n")[r.location.line - 1][r.location.column - 1:].startswith("spi 1 level")


# ---------------------------------------------------------------- the catalogue claims


def test_the_catalogue_claim_a_device_s_spis_belong_to_its_owner():
    """"(a device's SPIs belong to the device's owner)": SPI 1 is k0's through uart, so a second claim
    on it by k1 fails, while the same `irq spi 1` with uart unowned is proved."""
    assert failing(check(qemu(i1="irq spi 1 level"), ID)) == {"spi 1"}
    assert failing(check(qemu(d0="rtc", d1="gpio", i1="irq spi 1 level"), ID)) == set()
    assert "a device's SPIs belong to the device's owner" in irq_excl.ENTRY.proves


def test_the_catalogue_claim_instances_are_owned_spis_only():
    """Instances: "every SPI the spec names that some kernel owns": unowned devices' SPIs (gpio, virtio)
    and PPIs two kernels both list are no instances."""
    results = check(qemu(i0="irq spi 40 edge, ppi 5 level", i1="irq ppi 5 level"), ID)
    assert [r.subject for r in results] == ["spi 1", "spi 2", "spi 40"]


# ---------------------------------------------------------------- the lemma: owner count


def test_one_kernel_claiming_an_spi_twice_owns_it_once():
    """Owner count: k0 owns SPI 1 through uart and again by an `irq` line, and SPI 40 twice: one owner
    each (the front end refuses `spi 40` twice in one list with E307; a Spec built in Python can hold it)."""
    from attrs import evolve

    spec = load(qemu(i0="irq spi 1 level, spi 40 edge"))
    k0 = spec.kernels[0]
    spec = evolve(spec, kernels=(evolve(k0, irqs=k0.irqs + k0.irqs[-1:]),) + tuple(spec.kernels[1:]))
    results = check(spec, ID)
    assert failing(results) == set()
    assert [r.subject for r in results] == ["spi 1", "spi 2", "spi 40"]


def test_the_corpus_has_failing_and_passing_specs():
    fails, proves = corpus_verdicts(ID)
    assert fails and proves
