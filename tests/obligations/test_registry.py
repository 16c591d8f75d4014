"""The layout a newcomer relies on: for every obligation ID, its encoding, its model monitor and its tests by file name.

MEM-BOUNDS lives in checker/obligations/mem_bounds.py, its model violation in
model/monitors/mem_bounds.py, its tests in tests/obligations/test_mem_bounds.py.
"""

from __future__ import annotations

import importlib
import os

import pytest

from checker.obligations import OBLIGATIONS, REGISTRY
from checker.obligations.base import Obligation
from tests.corpus import ROOT


def module_name(id_: str) -> str:
    return id_.lower().replace("-", "_")


@pytest.mark.parametrize("ob", OBLIGATIONS, ids=lambda ob: ob.id)
def test_each_obligation_is_one_module_named_after_its_id(ob):
    module = importlib.import_module(f"checker.obligations.{module_name(ob.id)}")
    assert module.OBLIGATION is ob
    assert isinstance(ob, Obligation)
    assert module.ENTRY is ob.entry
    assert module.__doc__ and module.__doc__.startswith(f"{ob.id}:"), "the docstring states the property first"


@pytest.mark.parametrize("ob", OBLIGATIONS, ids=lambda ob: ob.id)
def test_each_obligation_has_a_model_monitor_and_tests_by_name(ob):
    name = module_name(ob.id)
    monitor = importlib.import_module(f"model.monitors.{name}")
    assert ob.id in (monitor.__doc__ or ""), f"model/monitors/{name}.py does not say it implements {ob.id}"
    assert os.path.exists(os.path.join(ROOT, "tests", "obligations", f"test_{name}.py"))
    assert f"model/monitors/{name}.py" in importlib.import_module(f"checker.obligations.{name}").__doc__


def test_the_registry_holds_every_obligation_once_in_catalogue_order():
    assert list(REGISTRY) == [ob.id for ob in OBLIGATIONS]
    assert len(set(REGISTRY)) == len(OBLIGATIONS) == 23
    files = {f[:-3] for f in os.listdir(os.path.join(ROOT, "checker", "obligations")) if f.endswith(".py")}
    helpers = {"__init__", "base", "boot_order", "sgi"}
    assert files - helpers == {module_name(ob.id) for ob in OBLIGATIONS}, "every module under checker/obligations is an obligation or a named shared encoding"


def test_the_solver_status_is_handled_in_one_place():
    """Only the framework (and the Answer type) turn sat/unsat/unknown into verdicts."""
    offenders = []
    for f in sorted(os.listdir(os.path.join(ROOT, "checker", "obligations"))):
        if not f.endswith(".py") or f == "base.py":
            continue
        text = open(os.path.join(ROOT, "checker", "obligations", f), encoding="utf-8").read()
        if "Sat.UNKNOWN" in text or "Sat.UNSAT" in text or ".sat is" in text or ".status ==" in text:
            offenders.append(f)
    assert not offenders, f"these modules inspect solver statuses themselves: {offenders}"


def test_no_obligation_module_imports_z3():
    """z3 is confined to checker/encode.py: importing an obligation costs nothing."""
    for f in sorted(os.listdir(os.path.join(ROOT, "checker", "obligations"))):
        if f.endswith(".py"):
            text = open(os.path.join(ROOT, "checker", "obligations", f), encoding="utf-8").read()
            assert "import z3" not in text and "from z3" not in text, f
