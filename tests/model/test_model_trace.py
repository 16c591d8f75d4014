"""Trace text: deterministic, register names not offsets, violations marked.

Golden files live in tests/model/golden/; they change only with pytest's
`--update-goldens` switch (tests/golden.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden import assert_golden
from tests.model.machines import MK_FIRST, machine_config
from model import (SEL4, Access, AcquireIrq, BindChannel, Boot, Channel, ConfigureTrigger,
                   Deliver, Machine, RaiseSpi, SendChannel, TriggerRead, TriggerWrite, format_trace)

GOLDEN = Path(__file__).parent / "golden"
CHANNELS = (Channel("a", "k0", "k1", "c1", 5, 0x1), Channel("b", "k1", "k0", "c0", 6, 0x0))


def check_golden(name: str, text: str) -> None:
    assert_golden(name, text, str(GOLDEN))


def stock_v2_run():
    machine = Machine(machine_config(2, SEL4, lines=96, channels=CHANNELS))
    return machine.run((Boot("k0"), AcquireIrq("k0", 33), Boot("k1"), BindChannel("a"),
                        SendChannel("a"), RaiseSpi(33), Deliver(), Access("k1", 0x4000_0000)))


def mk_v3_run():
    machine = Machine(machine_config(3, MK_FIRST, lines=96, a55=True, loader=True, channels=CHANNELS))
    return machine.run((Boot("k0"), Boot("k1"), TriggerRead("k0", 40), TriggerRead("k1", 41),
                        TriggerWrite("k0", 40), TriggerWrite("k1", 41), ConfigureTrigger("k1", 34),
                        AcquireIrq("k1", 34), BindChannel("b"), SendChannel("b"), RaiseSpi(34),
                        Deliver()))


def test_stock_v2_golden() -> None:
    check_golden("stock_v2.txt", format_trace(stock_v2_run()))


def test_mk_v3_golden_without_registers() -> None:
    check_golden("mk_v3_compact.txt", format_trace(mk_v3_run(), registers=False))


def test_format_is_deterministic() -> None:
    assert format_trace(stock_v2_run()) == format_trace(stock_v2_run())


def test_violating_step_is_marked_once() -> None:
    text = format_trace(stock_v2_run())
    marked = [line for line in text.splitlines() if line.startswith(">>")]
    assert marked == [">> [2] boot kernel=k1"]
    assert "!! dist-clobber: k1 wrote GICD_CTLR := 0x0 while k0 is live" in text


@pytest.mark.parametrize("line", [
    "       k1@c1 W32 GICD_ICENABLER[1] := 0xffffffff  [0x00000002 -> 0x00000000]",
    "       k1@c1 W32 GICD_ITARGETSR[8] := 0x02020202  [0x01010101 -> 0x02020202]",
    "       k0@c0 W32 GICD_SGIR := 0x00020005",
    "       INTID 5 (source cpu 0) taken on c1 by k1 -> notification a",
])
def test_register_lines_use_names_and_hex(line: str) -> None:
    assert line in format_trace(stock_v2_run()).splitlines()
