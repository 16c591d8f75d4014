"""The `checker` package as a library: its public names, and what importing it costs."""

import importlib
import subprocess
import sys

import checker
from tests.corpus import ROOT


def test_the_public_names_are_the_documented_api():
    assert {"load", "load_text", "check", "check_path", "load_and_check", "machine", "Options", "Report", "Result",
            "Status", "Method", "Spec", "Kernel", "Platform", "default_target"} <= set(checker.__all__)
    for name in checker.__all__:
        value = getattr(checker, name)
        assert not isinstance(value, type(importlib)), f"{name} is a module, not an API name"
        home = importlib.import_module(value.__module__) if hasattr(value, "__module__") and callable(value) else None
        if home is not None:
            assert getattr(home, name, value) is value, name


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


def test_the_catalogue_loads_no_solver_or_parser():
    """`pcheck list` and `pcheck explain` read the catalogue, which lives in the obligation modules."""
    code = "import sys, checker.catalogue, checker.obligations; print('z3' in sys.modules, 'lark' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_loading_a_spec_loads_the_parser_and_checking_loads_the_solver():
    code = (
        "import sys, checker; l = checker.load('specs/imx8mm-two-kernels.mk'); print('lark' in sys.modules, 'z3' in sys.modules);"
        " checker.check(l.spec, checker.Options(only=('MEM-ALIGN',))); print('z3' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "False", "True"]
