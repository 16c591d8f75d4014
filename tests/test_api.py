"""The `checker` package as a library: every public name, loaded on first use."""

import importlib
import subprocess
import sys

import checker
from tests.corpus import ROOT


def test_every_public_name_resolves_to_its_home_module():
    for name in checker.__all__:
        value = getattr(checker, name)
        home = importlib.import_module(checker._HOME_OF[name])
        assert value is getattr(home, name), name
    assert set(checker.__all__) <= set(dir(checker))


def test_load_stays_the_function_when_every_module_is_imported():
    for module in ("checker.sources", "checker.api", "checker.parse", "checker.resolve", "checker.prove"):
        importlib.import_module(module)
    assert checker.load is checker.api.load
    assert checker.load(f"{ROOT}/specs/imx8mm-two-kernels.mk").ok


def test_unknown_names_are_attribute_errors():
    try:
        checker.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("checker.no_such_name resolved")


def test_importing_the_package_loads_no_solver_or_parser():
    code = "import sys, checker; print('z3' in sys.modules, 'lark' in sys.modules); checker.Spec; print('z3' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False", "False"]
