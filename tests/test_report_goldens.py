"""The JSON report of every spec in specs/ (and tests/mutation_specs/), result by result, as recorded.

Each golden file holds one line per result (id, subject, status, method,
lemma, message, location, counterexample, related places, waiver), so a
change to any verdict, message, witness or decision method shows up as a
one-line diff. Timings are left out. Update only with `--update-goldens`.
"""

from __future__ import annotations

import glob
import json
import os

import pytest

import checker
from checker.report.json import report_data
from tests.corpus import ROOT
from tests.golden import GOLDEN, assert_golden

SPECS = sorted(glob.glob(os.path.join("specs", "*.mk"), root_dir=ROOT) + glob.glob(os.path.join("tests", "mutation_specs", "*.mk"), root_dir=ROOT))


def lines(path: str) -> str:
    cwd = os.getcwd()
    os.chdir(ROOT)  # spec paths in the report are as typed: relative to the repository
    try:
        data = report_data(checker.check_path(path))
    finally:
        os.chdir(cwd)
    out = [json.dumps({"spec": data["spec"], "status": data["status"], "diagnostics": data["diagnostics"]}, sort_keys=True)]
    for r in data["results"]:
        r = dict(r)
        r.pop("seconds")
        out.append(json.dumps(r, sort_keys=True))
    return "\n".join(out) + "\n"


def test_every_spec_has_a_golden_report():
    assert len(SPECS) >= 50


@pytest.mark.parametrize("path", SPECS, ids=os.path.basename)
def test_report_is_unchanged(path):
    assert_golden(os.path.basename(path)[:-3] + ".jsonl", lines(path), os.path.join(GOLDEN, "reports"))
