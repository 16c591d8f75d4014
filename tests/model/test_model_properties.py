"""Property tests: encodings and routing agree with the facts for all inputs."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.model.machines import MK_FIRST, GICC2, GICD2, GICD3, GICR3, machine_config
from model import (Boot, ConfigureTrigger, Core, ErrorEvent, Gic, GicV2, GicV3, Machine,
                   Mmio, SgiPended, sgi1r_fields, sgi1r_from_target)
from model.gicv2 import sgir_targets

sgis = st.integers(0, 15)


@given(sgis, st.integers(0, 0xFF_FFFF))
def test_sgi1r_fields_follow_the_target(sgi: int, target: int) -> None:
    fields = sgi1r_fields(sgi1r_from_target(sgi, target))
    assert fields["intid"] == sgi
    assert fields["targetlist"] == 1 << (target & 0xF)
    assert fields["rs"] == target >> 4 & 0xF
    assert fields["aff1"] == target >> 8 & 0xFF
    assert fields["aff2"] == target >> 16 & 0xFF
    assert fields["aff3"] == 0 and fields["irm"] == 0


@given(st.lists(st.integers(0, 0xFF_FFFF), min_size=1, max_size=4, unique=True), st.data())
@settings(max_examples=50)
def test_sel4_target_equal_to_an_mpidr_reaches_exactly_that_core(mpidrs: list[int], data) -> None:
    cores = tuple(Core(f"c{i}", m) for i, m in enumerate(mpidrs))
    gic = GicV3(Gic(3, GICD3, None, GICR3, lines=64), cores)
    index = data.draw(st.integers(0, len(cores) - 1))
    gic.sysreg_write("c0", "ICC_SGI1R_EL1", sgi1r_from_target(3, mpidrs[index]))
    assert [e.core for e in gic.drain() if isinstance(e, SgiPended)] == [f"c{index}"]


@given(st.integers(0, 3), st.integers(0, 0xFF), st.integers(0, 3), sgis)
def test_sgir_list_filter_reaches_listed_implemented_interfaces(mode: int, targets: int, source: int,
                                                                sgi: int) -> None:
    implemented = frozenset({0, 1, 2, 3})
    reached = sgir_targets(mode << 24 | targets << 16 | sgi, source, implemented)
    expected = {
        0: {cpu for cpu in implemented if targets >> cpu & 1},
        1: implemented - {source},
        2: {source},
        3: set(),
    }[mode]
    assert reached == expected


@given(st.lists(st.sampled_from([("k0", 40), ("k1", 41), ("k0", 33), ("k1", 34)]), max_size=6))
@settings(max_examples=30, deadline=None)
def test_atomic_trigger_configuration_never_loses_an_update(steps) -> None:
    machine = Machine(machine_config(2, MK_FIRST, lines=96))
    run = machine.run((Boot("k0"), Boot("k1")) + tuple(ConfigureTrigger(k, i) for k, i in steps))
    assert run.violations == ()


@given(st.integers(0, 0xFFF), st.sampled_from([1, 2, 4, 8]))
@settings(max_examples=60, deadline=None)
def test_every_gicv2_offset_either_decodes_or_raises_a_recorded_error(offset: int, width: int) -> None:
    machine = Machine(machine_config(2, MK_FIRST, lines=96))
    machine.step(Mmio("c0", GICD2.base + offset, width))
    events = [e for e in machine.trace if e.step == 0]
    assert len(events) == 1
    if isinstance(events[0], ErrorEvent):
        assert any(word in events[0].message for word in ("unmapped", "illegal", "misaligned", "write-only"))
    else:
        assert events[0].register.startswith("GICD_")


def test_gicv2_cpu_interface_frame_size_decides_dir() -> None:
    gic = GicV2(Gic(2, GICD2, GICC2, None, lines=64), (Core("c0", 0, 0),))
    gic.write("c0", GICC2.base + 0x1000, 4, 0)
    assert gic.drain()[0].register == "GICC_DIR"
