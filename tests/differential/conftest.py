"""Print how many examples compared each obligation, at the end of the session."""

from __future__ import annotations


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    from tests.differential.counts import COUNTS

    if not any(n for n, _ in COUNTS.values()):
        return
    terminalreporter.write_sep("-", "differential: examples compared per obligation (of which the model failed)")
    for ob, (n, failed) in COUNTS.items():
        terminalreporter.write_line(f"{ob:12} {n:6} ({failed} failing)")
