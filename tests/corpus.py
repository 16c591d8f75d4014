"""Reading the `// expect:` lines that specs carry (see specs/README.md)."""

from __future__ import annotations

import glob
import os
import re

from attrs import frozen

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPECS = os.path.join(ROOT, "specs")
_EXPECT = re.compile(r"^\s*//\s*expect:\s*(\S+)\s*(.*?)\s*$", re.M)


@frozen
class Expectation:
    verdict: str  # proved | failed | waived | error
    id: str = ""
    subject: str = ""


def expectations(path: str) -> list[Expectation]:
    out = []
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    for verdict, rest in _EXPECT.findall(text):
        if verdict == "proved":
            out.append(Expectation("proved"))
        else:
            id_, _, subject = rest.partition(" ")
            out.append(Expectation(verdict, id_, subject.strip()))
    return out


def system_specs() -> list[str]:
    """Every spec under specs/ that states an expected verdict."""
    return sorted(p for p in glob.glob(os.path.join(SPECS, "**", "*.mk"), recursive=True) if expectations(p))
