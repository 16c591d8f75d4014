"""Strings from a spec never reach a terminal or an XML report as control characters (issue 15, item 2)."""

from __future__ import annotations

import io
import os
from xml.etree import ElementTree as ET

import pytest

from checker.cli import main, printable
from tests.corpus import ROOT

pytestmark = pytest.mark.hostile("terminal injection")

PLATFORMS = os.path.join(ROOT, "specs", "platforms")
# A failing spec whose waiver reason tries to rewrite its own line into PROVED: backspaces, an
# erase-line and a colour escape, written into the file as the raw characters.
WAIVED = f"""include "{PLATFORMS}/qemu-virt-gicv2.mk"
kernel k0 {{ cores a0 ram at 0x4000_0000 size 256M }}
kernel k1 {{ cores a1 ram at 0x6000_0000 size 256M }}
allow MEM-EXPOSE for k0 "x\b\b\x1b[2K\x1b[32mPROVED  MEM-EXPOSE   k0\x1b[0m"
"""


def run(*argv, stdin=""):
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out, err, io.StringIO(stdin))
    return status, out.getvalue(), err.getvalue()


def _raw_controls(text: str) -> set[str]:
    return {c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f}


def test_printable_escapes_every_control_character_but_newline_and_tab():
    assert printable("a\x1b[31mb\rc\td\ne\x00\x85") == "a\\x1b[31mb\\x0dc\td\ne\\x00\\x85"


def test_a_waiver_reason_cannot_rewrite_its_line(tmp_path):
    spec = tmp_path / "w.mk"
    spec.write_text(WAIVED, encoding="utf-8")
    status, out, _ = run(str(spec))
    assert status == 1  # k1's exposure still fails
    assert not _raw_controls(out)
    line = next(l for l in out.splitlines() if "WAIVED MEM-EXPOSE k0" in l)
    assert line.startswith(f"{spec}:")
    assert "waived: x\\x08\\x08\\x1b[2K\\x1b[32mPROVED" in out


def test_an_include_path_with_an_escape_is_shown_escaped():
    status, out, _ = run("-", stdin='include "\x1b[2Jgone.mk"\n')
    assert status == 2 and "E004" in out and not _raw_controls(out) and "\\x1b[2J" in out


def test_junit_with_control_characters_is_well_formed(tmp_path):
    spec = tmp_path / "w.mk"
    spec.write_text(WAIVED, encoding="utf-8")
    _, out, _ = run(str(spec), "--format", "junit")
    root = ET.fromstring(out)  # raises on characters XML 1.0 cannot hold
    assert root.find(".//testcase/skipped") is not None
    report = tmp_path / "r.xml"
    run(str(spec), "--format", "junit", "-o", str(report))
    ET.parse(report)


# Each control sequence an attacker would reach for, in each place a spec string is shown.
CONTROLS = {
    "escape": "\x1b[2K", "carriage-return": "\r", "backspace": "\b", "delete": "\x7f", "c1-csi": "\x9b2K",
    "bell": "\x07", "vertical-tab": "\x0b", "form-feed": "\x0c", "osc-title": "\x1b]0;pwned\x07",
}


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit"])
@pytest.mark.parametrize("control", sorted(CONTROLS))
def test_a_control_character_in_a_waiver_reason_never_reaches_the_output_raw(tmp_path, control, fmt):
    spec = tmp_path / "w.mk"
    spec.write_text(WAIVED.replace("x\b\b\x1b[2K\x1b[32mPROVED  MEM-EXPOSE   k0\x1b[0m", f"a{CONTROLS[control]}b"),
                    encoding="utf-8")
    status, out, err = run(str(spec), "--format", fmt)
    # A lone CR ends a line wherever it is (as LF and CRLF do), so it leaves the string unterminated.
    assert status == (2 if control == "carriage-return" else 1), err
    assert not _raw_controls(out + err), (control, fmt)
    if fmt == "junit":
        ET.fromstring(out)


@pytest.mark.parametrize("control", sorted(CONTROLS))
def test_a_control_character_in_an_include_path_is_shown_escaped(control):
    status, out, err = run("-", stdin=f'include "{CONTROLS[control]}gone.mk"\n')
    code = "E102" if control == "carriage-return" else "E004"  # a lone CR ends the line, and the string
    assert status == 2 and code in out and not _raw_controls(out + err), control
