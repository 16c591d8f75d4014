"""The command line: exit statuses, formats, -o, --only, explain, list."""

import io
import json
import os
import subprocess
import sys
from xml.etree import ElementTree as ET

import pytest

from checker.catalogue import OBLIGATION_IDS
from checker.cli import main
from tests.corpus import ROOT
from tests.golden import assert_golden

CLEAN = "specs/imx8mm-two-kernels.mk"
FAILING = "specs/imx8mm-resized-ram.mk"


def run(*argv, stdin: str = ""):
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        status = main(list(argv), out, err, io.StringIO(stdin))
    finally:
        os.chdir(cwd)
    return status, out.getvalue(), err.getvalue()


def test_clean_spec_exits_0():
    status, out, _ = run(CLEAN)
    assert status == 0
    assert "PROVED" in out and "FAILED" not in out.replace("0 failed", "")


def test_failing_spec_exits_1_with_located_counterexample():
    status, out, _ = run(FAILING)
    assert status == 1
    line = next(l for l in out.splitlines() if " FAILED MEM-DISJOINT " in l)
    assert line.startswith("specs/imx8mm-resized-ram.mk:") and " FAILED MEM-DISJOINT k0.ram,k1.ram: " in line
    assert "address 0x" in out


def test_spec_error_exits_2(tmp_path):
    bad = tmp_path / "bad.mk"
    bad.write_text("kernel k0 { cores a0 }\n")
    status, out, _ = run(str(bad))
    assert status == 2
    assert "error[E301]" in out


def test_several_specs_worst_status_wins():
    status, out, _ = run(CLEAN, FAILING)
    assert status == 1
    assert out.count(": PROVED:") == 1 and out.count(": FAILED:") == 1


def test_only_restricts_obligations():
    status, out, _ = run(FAILING, "--only", "MEM-ALIGN,CPU-EXCL")
    assert status == 0
    ids = {line.split()[1] for line in out.splitlines() if line.startswith(("PROVED", "FAILED"))}
    assert ids == {"MEM-ALIGN", "CPU-EXCL"}


def test_only_rejects_unknown_id_with_suggestion():
    status, _, err = run(CLEAN, "--only", "MEM-DISJIONT")
    assert status == 2
    assert "did you mean 'MEM-DISJOINT'" in err


def test_json_to_file(tmp_path):
    target = tmp_path / "out.json"
    status, out, _ = run(FAILING, "--format", "json", "-o", str(target))
    assert status == 1 and out == ""
    doc = json.loads(target.read_text())
    assert doc["version"] == 1 and doc["status"] == "failed"
    failed = [r for r in doc["results"] if r["status"] == "failed"]
    disjoint = next(r for r in failed if r["id"] == "MEM-DISJOINT")
    assert disjoint["subject"] == "k0.ram,k1.ram"
    assert disjoint["location"]["file"].endswith("imx8mm-resized-ram.mk")
    assert isinstance(disjoint["counterexample"]["address"], int)
    assert doc["summary"]["failed"] == len(failed)


def test_sarif_has_rules_and_regions():
    status, out, _ = run(FAILING, "--format", "sarif")
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    run0 = log["runs"][0]
    rule_ids = {r["id"] for r in run0["tool"]["driver"]["rules"]}
    assert set(OBLIGATION_IDS) <= rule_ids
    result = next(r for r in run0["results"] if r["ruleId"] == "MEM-DISJOINT")
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] >= 1 and region["startColumn"] >= 1


def test_junit_one_testcase_per_instance():
    status, out, _ = run(FAILING, "--format", "junit")
    root = ET.fromstring(out)
    cases = root.findall(".//testcase")
    failures = root.findall(".//testcase/failure")
    assert len(failures) == int(root.find("testsuite").get("failures")) > 0
    assert len(cases) == int(root.find("testsuite").get("tests"))


def test_explain_and_list():
    status, out, _ = run("list")
    assert status == 0 and all(i in out for i in OBLIGATION_IDS)
    status, out, _ = run("explain", "mem-expose")
    assert status == 0 and "device_untypeds declared" in out
    status, _, err = run("explain", "NOPE")
    assert status == 2 and "neither an obligation nor a diagnostic code" in err


def test_explain_knows_every_diagnostic_code_in_any_case():
    from checker.diagnostics import CODES, EXPLANATIONS

    for code, title in CODES.items():
        status, out, _ = run("explain", code.lower())
        assert status == 0 and out.startswith(f"{code} (") and title in out and EXPLANATIONS[code] in out
    status, _, err = run("explain", "E2O1")
    assert status == 2 and "did you mean 'E201'" in err


def test_version():
    from checker.cli import version

    status, out, _ = run("--version")
    assert status == 0 and out == f"pcheck {version()}\n" and version()[0].isdigit()


def test_obligation_ids_are_case_insensitive_in_only_and_in_waivers():
    status, out, _ = run("--only", "irq-trigger,Mem-Disjoint", FAILING)
    assert status == 1 and "MEM-DISJOINT" in out and "MEM-BOUNDS" not in out
    spec = open(os.path.join(ROOT, FAILING), encoding="utf-8").read().replace(
        'include "platforms/', f'include "{os.path.join(ROOT, "specs", "platforms")}/')
    status, out, _ = run("-", stdin=spec + '\nallow mem-disjoint for k0.ram "audited"\nallow mem-expose for k0 "x"\nallow mem-expose for k1 "x"\n')
    assert status == 0 and "WAIVED MEM-DISJOINT" in out


def test_list_format_json():
    from checker.catalogue import CATALOGUE

    status, out, _ = run("list", "--format", "json")
    entries = json.loads(out)
    assert status == 0 and [e["id"] for e in entries] == list(OBLIGATION_IDS)
    assert entries[0] == {"id": CATALOGUE[0].id, "title": CATALOGUE[0].title, "family": CATALOGUE[0].family,
                          "proves": CATALOGUE[0].proves, "counterexample": CATALOGUE[0].counterexample,
                          "fixes": list(CATALOGUE[0].fixes)}
    status, _, err = run("list", "--format", "yaml")
    assert status == 2 and "invalid choice" in err


def test_dash_reads_the_spec_from_standard_input():
    spec = 'include "specs/platforms/imx8mm.mk"\nkernel k0 { cores a0 ram at 0x4000_0000 size 256M }\n'
    status, out, _ = run("-", stdin=spec)  # includes relative to the working directory
    assert status == 0 and out.rstrip().splitlines()[-1].startswith("<stdin>: PROVED:")
    status, out, _ = run("-", stdin="kernel k0 { cores }\n")
    assert status == 2 and "<stdin>:1:19: error[E104]" in out and "    1 | kernel k0 { cores }" in out
    status, _, err = run("-", "-", stdin="")
    assert status == 2 and "once" in err


def test_usage_error_exits_2():
    status, _, err = run("--format", "yaml", CLEAN)
    assert status == 2 and "invalid choice" in err


def test_missing_file_exits_2():
    status, out, _ = run("no/such/file.mk")
    assert status == 2 and "E001" in out


@pytest.mark.parametrize("fmt,ext", [("text", "txt"), ("json", "json"), ("sarif", "sarif"), ("junit", "xml")])
def test_report_golden(fmt, ext):
    _, out, _ = run(FAILING, "--format", fmt)
    if fmt == "sarif":  # the base URI is the checkout's absolute path
        from pathlib import Path

        out = out.replace(Path(ROOT).as_uri() + "/", "file:///CHECKOUT/")
    assert_golden(f"imx8mm-resized-ram.{ext}", out)


def test_python_dash_m_entry_point():
    proc = subprocess.run([sys.executable, "-m", "checker", "list"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0 and "MEM-BOUNDS" in proc.stdout
    checked = subprocess.run([sys.executable, "-m", "checker", CLEAN], cwd=ROOT, capture_output=True, text=True)
    assert checked.returncode == 0 and "PROVED: " in checked.stdout and " 0 failed" in checked.stdout
    failed = subprocess.run([sys.executable, "-m", "checker", FAILING], cwd=ROOT, capture_output=True, text=True)
    assert failed.returncode == 1 and "FAILED" in failed.stdout


def test_progress_line_only_on_a_terminal_after_a_second(monkeypatch):
    import checker.cli as cli

    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(cli._Progress, "DELAY", 0.0)
    out, err = io.StringIO(), Tty()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        status = main([CLEAN], out, err)
        assert "\rpcheck: specs/imx8mm-two-kernels.mk: MEM-BOUNDS" in err.getvalue()
        assert "\r" not in out.getvalue()
        # Never in machine-readable output, never when stderr is not a terminal.
        out2, err2 = io.StringIO(), Tty()
        main([CLEAN, "--format", "json"], out2, err2)
        assert err2.getvalue() == ""
    finally:
        os.chdir(cwd)
    assert status == 0


def test_jobs_gives_the_same_results(monkeypatch):
    import checker.prove as check

    monkeypatch.setattr(check, "PARALLEL_FROM", 0)  # force workers even for a small spec
    _, one, _ = run(FAILING, "--format", "json", "-j", "1")
    _, two, _ = run(FAILING, "--format", "json", "-j", "2")
    strip = lambda text: [(r["id"], r["subject"], r["status"], r["message"]) for r in json.loads(text)["results"]]  # noqa: E731
    assert strip(one) == strip(two)
