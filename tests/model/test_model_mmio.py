"""Register-map decoding: names, indices, byte offsets and refused accesses."""

from __future__ import annotations

import pytest

from model import MmioError
from model.gicv2 import DIST_MAP as V2_DIST
from model.gicv3 import DIST_MAP as V3_DIST
from model.gicv3 import REDIST_MAP


def test_decode_names_index_and_byte() -> None:
    decoded = V2_DIST.decode(0x821, 1)
    assert (decoded.label, decoded.index, decoded.byte) == ("GICD_ITARGETSR[8]", 8, 1)
    assert V2_DIST.decode(0x000, 4).label == "GICD_CTLR"


def test_irouter_is_indexed_by_intid() -> None:
    decoded = V3_DIST.decode(0x6000 + 8 * 40, 8)
    assert decoded.label == "GICD_IROUTER[40]"
    upper = V3_DIST.decode(0x6000 + 8 * 40 + 4, 4)
    assert (upper.index, upper.byte) == (40, 4)


@pytest.mark.parametrize("offset,width,reason", [
    (0xC00, 1, "illegal 8-bit access to GICD_ICFGR"),
    (0x100, 2, "illegal 16-bit access to GICD_ISENABLER"),
    (0x102, 1, "illegal 8-bit access"),
    (0x00C, 4, "unmapped offset 0xc"),
    (0x6104, 8, "misaligned access to GICD_IROUTER"),
    (0x6004, 8, "unmapped offset 0x6004"),
])
def test_refused_accesses(offset: int, width: int, reason: str) -> None:
    mapped = V3_DIST if offset >= 0x6000 else V2_DIST
    with pytest.raises(MmioError, match=reason):
        mapped.decode(offset, width)


def test_redistributor_frame_has_no_vlpi_part() -> None:
    with pytest.raises(MmioError, match="unmapped"):
        REDIST_MAP.decode(0x20008, 8)
    assert REDIST_MAP.decode(0x10100, 4).label == "GICR_ISENABLER0"
