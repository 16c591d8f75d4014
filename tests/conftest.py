import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite the golden files under tests/ with the current output")


def pytest_configure(config):
    from tests import golden

    golden.UPDATE = config.getoption("--update-goldens")


# ---------------------------------------------------------------- hostile-input tally
#
# Tests marked `@pytest.mark.hostile("category")` are the hostile-input suite
# (tests/test_hostile.py, test_parser_cache.py, test_terminal_injection.py,
# the SARIF URI tests). A run that includes any prints how many of each
# category were tried, passed and skipped:
#
#     python -m pytest -m hostile

import pytest  # noqa: E402

_HOSTILE: dict[str, dict[str, int]] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    marker = item.get_closest_marker("hostile")
    if marker is None:
        return
    if report.when == "call" or (report.when == "setup" and not report.passed):
        tally = _HOSTILE.setdefault(marker.args[0], {"tried": 0, "passed": 0, "skipped": 0})
        tally["tried"] += 1
        tally["passed"] += report.passed
        tally["skipped"] += report.skipped


def pytest_terminal_summary(terminalreporter):
    if not _HOSTILE:
        return
    terminalreporter.section("hostile inputs per category")
    width = max(len(c) for c in _HOSTILE)
    for category in sorted(_HOSTILE):
        t = _HOSTILE[category]
        skipped = f", {t['skipped']} skipped" if t["skipped"] else ""
        terminalreporter.write_line(f"{category:<{width}}  {t['passed']:>4} of {t['tried']:>4} passed{skipped}")
    tried = sum(t["tried"] for t in _HOSTILE.values())
    passed = sum(t["passed"] for t in _HOSTILE.values())
    terminalreporter.write_line(f"{'all':<{width}}  {passed:>4} of {tried:>4} passed")
