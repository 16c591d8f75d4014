"""Reports: text, JSON, SARIF 2.1.0 and JUnit XML, each a function Report(s) -> str.

Each format lives in its own module, `checker.report.<name>`, with the function
`to_<name>`. `formatter` imports only the one chosen (start-up time: JUnit
alone loads xml.etree).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

FORMATS = ("text", "json", "sarif", "junit")


def formatter(name: str) -> Callable[..., str]:
    """The report function of a format in FORMATS, e.g. `checker.report.json.to_json` for "json"."""
    if name not in FORMATS:
        raise ValueError(f"unknown report format {name!r}; one of {', '.join(FORMATS)}")
    return getattr(importlib.import_module(f"checker.report.{name}"), f"to_{name}")


__all__ = ["FORMATS", "formatter"]
