"""Obligation -> [examples compared, examples where the model failed it], filled by the differential tests."""

from checker.catalogue import OBLIGATION_IDS

COUNTS: dict[str, list[int]] = {ob: [0, 0] for ob in OBLIGATION_IDS}
