"""MEM-EXPOSE: no kernel reaches another kernel's RAM or devices, or a shared region it is not on
(checker/obligations/mem_expose.py, routes in checker/reach.py; model: model/monitors/mem_expose.py, memory-expose)."""

from __future__ import annotations

import pytest
from attrs import evolve

from checker.obligations import mem_expose
from checker.obligations.mem_expose import EXPOSE_TERMS, reachable_forbidden
from checker.result import FAILED, PROVED
from tests.obligations.support import check, corpus_verdicts, failing, load, replays_from_file, violation

ID = "MEM-EXPOSE"
TOP = 1 << 40  # imx8mm: paddr_bits 40

# i.MX 8M Mini: dram [0x4000_0000, 0xC000_0000); usb1 and usbmisc1 share the page 0x32e4_0000.
IMX = """
include "platforms/imx8mm.mk"
profile mk extends sel4-mk {{ dist_init first boot_mask own irq_route yes device_untypeds declared }}
kernel k0 {{ profile {p0} cores a0 {k0} }}
kernel k1 {{ profile mk cores a1 {k1} }}
{more}
"""


def imx(p0="mk", k0="ram at 0x4000_0000 size 256M devices uart2", k1="ram at 0x5000_0000 size 256M devices gpt1", more=""):
    return IMX.format(p0=p0, k0=k0, k1=k1, more=more)


def assert_confirmed(spec, r):
    """The model's kernel reaches the counterexample's address by its own routes, and the memory map
    says it is not the kernel's; the same from the counterexample file."""
    cex = r.counterexample
    assert r.expect == {"kind": "memory-expose", "kernel": cex["kernel"], "address": cex["address"]}
    assert r.scenario == ({"op": "access", "kernel": cex["kernel"], "address": cex["address"], "write": False},)
    hit = violation(spec, r)
    assert hit is not None
    assert hit.details["kernel"] == cex["kernel"] and hit.details["address"] == cex["address"]
    assert cex["region"] in hit.details["reason"]
    assert replays_from_file(spec, r)


# ---------------------------------------------------------------- passing


def test_kernels_that_meet_no_forbidden_region_are_proved_by_reach_intervals():
    """k0's RAM ends where k1's starts, and both are listed on q (k1 read-only)."""
    results = check(imx(more="shared q at 0x6000_0000 size 64K { k0 rw, k1 r }"), ID)
    assert [(r.subject, r.status) for r in results] == [("k0", PROVED), ("k1", PROVED)]
    assert all((r.method, r.lemma) == ("facts", "reach intervals") for r in results)
    assert results[0].message == "k0 reaches only its own memory"


# ---------------------------------------------------------------- failing

CASES = [
    # id, spec, failing kernels, the witness of the first: address, region, owner (in words), route, route range, also
    ("device-untypeds-reach-ram", dict(p0="sel4"), {"k0"},
     (0x5000_0000, "k1.ram", "RAM of k1", "device untyped", [0x5000_0000, TOP], ["gpt1"])),
    ("devices-of-two-kernels-in-one-page", dict(k0="ram at 0x4000_0000 size 256M devices usb1",
                                                k1="ram at 0x5000_0000 size 256M devices usbmisc1"), {"k0", "k1"},
     (0x32E4_0200, "usbmisc1", "device of k1", "device page of usb1", [0x32E4_0000, 0x32E4_1000], [])),
    # k1 has no RAM, so what k0's device untypeds reach first is the shared region.
    ("device-untypeds-reach-unlisted-shared", dict(p0="sel4", k1="", more="shared q at 0x6000_0000 size 64K { k1 rw }"), {"k0"},
     (0x6000_0000, "q", "a shared region it is not listed on", "device untyped", [0x5000_0000, TOP], [])),
    ("ram-untyped-reaches-ram", dict(k1="ram at 0x4800_0000 size 16M"), {"k0", "k1"},
     (0x4800_0000, "k1.ram", "RAM of k1", "RAM untyped k0.ram", [0x4000_0000, 0x5000_0000], [])),
    ("shared-mapping-reaches-ram", dict(k1="ram at 0x5000_0000 size 256M", more="shared q at 0x5fff_0000 size 64K { k0 rw }"),
     {"k0", "k1"}, (0x5FFF_0000, "k1.ram", "RAM of k1", "shared mapping q", [0x5FFF_0000, 0x6000_0000], [])),
]


@pytest.mark.parametrize("kwargs, kernels, witness", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_route_to_forbidden_memory_fails_and_the_model_agrees(kwargs, kernels, witness):
    spec = load(imx(**kwargs))
    results = check(spec, ID)
    assert failing(results) == kernels
    r = next(r for r in results if r.status == FAILED and r.subject == "k0")
    address, region, owner, route, extent, also = witness
    assert r.counterexample == {"kernel": "k0", "address": address, "region": region, "owner": owner,
                                "route": route, "route_range": extent, "also": also}
    assert f"k0 can reach address {address:#_x}" in r.message
    assert f"through its {route}" in r.message and f"({owner})" in r.message
    assert (r.method, r.lemma) == ("evaluated", "reach intervals")
    for failed in (r for r in results if r.status == FAILED):
        assert_confirmed(spec, failed)


def test_the_witness_is_the_first_forbidden_region_in_message_order():
    """Stock k0 reaches k1's device gpt1 (0x302d_0000) below k1's RAM (0x5000_0000); the witness is
    k1's RAM, named first (a kernel's RAM, then its devices), and gpt1 is in `also`."""
    r = next(r for r in check(imx(p0="sel4"), ID) if r.status == FAILED)
    assert r.counterexample["region"] == "k1.ram" and r.counterexample["also"] == ["gpt1"]
    assert "it also reaches gpt1" in r.message


# ---------------------------------------------------------------- the catalogue claims


def test_the_catalogue_claim_every_kernel_is_an_instance():
    """Instances: "every kernel", one with nothing to reach included."""
    results = check(imx(more="kernel k2 { profile mk cores a2 }"), ID)
    assert [r.subject for r in results] == ["k0", "k1", "k2"]


@pytest.mark.parametrize("profile, fails", [("sel4", True), ("mk", False)])
def test_the_catalogue_claim_device_untypeds_per_profile(profile, fails):
    """"its device untypeds (per profile)": the same system fails with `device_untypeds all` and
    is proved with `declared`."""
    assert failing(check(imx(p0=profile), ID)) == ({"k0"} if fails else set())
    assert "device untypeds (per profile)" in mem_expose.ENTRY.proves


def test_the_catalogue_claim_unowned_devices_are_no_one_s():
    """"another kernel's RAM, a device another kernel owns": a lone stock kernel reaches every
    unowned device through its device untypeds, and that exposes nothing."""
    results = check('include "platforms/imx8mm.mk"\nkernel k0 { cores a0 ram at 0x4000_0000 size 256M }', ID)
    assert [(r.subject, r.status) for r in results] == [("k0", PROVED)]


ODROID = """
include "platforms/odroidc4.mk"
profile mk extends sel4-mk {{ dist_init first boot_mask own irq_route yes device_untypeds declared }}
kernel k0 {{ profile mk cores c0 ram at 0x1000_0000 size 256M devices {d0} }}
kernel k1 {{ profile mk cores c1 ram at 0x2000_0000 size 256M devices {d1} }}
"""


def test_the_catalogue_claim_device_mappings_cover_whole_pages():
    """"device mappings, all of which cover whole pages": uart_ao (0xff80_3000) and uart_ao_b
    (0xff80_4000) are in different 4 KiB pages, but in one 64 KiB page."""
    spec = load(ODROID.format(d0="uart_ao", d1="uart_ao_b"))
    assert failing(check(spec, ID)) == set()
    coarse = evolve(spec, platform=evolve(spec.platform, page=0x10000))
    results = check(coarse, ID)
    assert failing(results) == {"k0", "k1"}
    r = next(r for r in results if r.subject == "k0")
    assert r.counterexample["route_range"] == [0xFF80_0000, 0xFF81_0000]
    assert r.counterexample["address"] == 0xFF80_4000 and r.counterexample["region"] == "uart_ao_b"
    assert_confirmed(coarse, r)


# ---------------------------------------------------------------- the lemma: reach intervals


@pytest.mark.parametrize("d0, d1, fails", [
    ("uart_ao", "uart_ao_b", False),  # pages [0xff80_3000, +4K) and [0xff80_4000, +4K) touch
    ("rtc", "cec_ao", True),  # both in the page 0xff80_0000
])
def test_a_forbidden_region_only_touching_the_reach_is_left_out(d0, d1, fails):
    """A region that meets none of a kernel's reach intervals is left out: with none left the kernel
    is proved by facts; a region inside the kernel's device page is kept and its lowest reached address, checked on the encoding, is the counterexample."""
    spec = load(ODROID.format(d0=d0, d1=d1))
    results = check(spec, ID)
    r = results[0]
    if fails:
        assert (r.status, r.method) == (FAILED, "evaluated")
        assert r.counterexample["address"] == 0xFF80_0100 and r.counterexample["region"] == "cec_ao"
        assert_confirmed(spec, r)
    else:
        assert (r.status, r.method, r.lemma) == (PROVED, "facts", "reach intervals")


def test_forbidden_regions_beyond_the_ones_one_query_names_are_still_listed():
    """One query names the first EXPOSE_TERMS (16) reachable forbidden regions; a stock kernel that
    reaches k1's RAM and 20 of its devices still lists all 20 others in `also`, the last four beyond
    the query's terms included."""
    devices = ["sdma1", "gpio1", "wdog1", "gpt1", "iomuxc", "ocotp", "ecspi1", "uart1", "uart3", "uart2",
               "i2c1", "i2c2", "i2c3", "uart4", "mu", "usdhc1", "usdhc2", "usdhc3", "enet", "usb1"]
    spec = load(imx(p0="sel4", k0="ram at 0x4000_0000 size 256M", k1="ram at 0x5000_0000 size 256M devices " + ", ".join(devices)))
    reachable = reachable_forbidden(spec)[0]
    assert len(reachable) == 21 > EXPOSE_TERMS
    results = check(spec, ID)
    r = results[0]
    assert r.subject == "k0" and r.status == FAILED
    assert r.counterexample["region"] == "k1.ram"
    assert r.counterexample["also"] == devices
    assert "and 12 more" in r.message  # the message names 8 of the 20
    assert_confirmed(spec, r)


def test_the_corpus_has_failing_and_passing_specs():
    fails, proves = corpus_verdicts(ID)
    assert fails and proves
