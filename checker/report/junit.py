"""JUnit XML: a testsuite per spec, a testcase per obligation instance."""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree import ElementTree as ET

from checker.result import FAILED, INTERNAL_ERROR, UNKNOWN, WAIVED, Report


def _suite(report: Report) -> ET.Element:
    counts = report.counts()
    errors = [d for d in report.diagnostics if d.is_error]
    suite = ET.Element(
        "testsuite",
        name=report.spec,
        tests=str(len(report.results) + len(errors)),
        failures=str(counts[FAILED]),
        errors=str(counts[UNKNOWN] + counts[INTERNAL_ERROR] + len(errors)),
        skipped=str(counts[WAIVED]),
        time=f"{report.seconds:.3f}",
    )
    for r in report.results:
        case = ET.SubElement(suite, "testcase", classname=r.id, name=f"{r.id} {r.subject}", time=f"{r.seconds:.6f}")
        if r.method is not None:
            properties = ET.SubElement(case, "properties")
            ET.SubElement(properties, "property", name="method", value=str(r.method))
            if r.lemma:
                ET.SubElement(properties, "property", name="lemma", value=r.lemma)
        where = f"{r.location}: " if r.location else ""
        if r.status == FAILED:
            ET.SubElement(case, "failure", message=r.message, type=r.id).text = where + r.message
        elif r.status in (UNKNOWN, INTERNAL_ERROR):
            ET.SubElement(case, "error", message=r.message, type=r.status).text = where + r.message
        elif r.status == WAIVED:
            ET.SubElement(case, "skipped", message=f"waived: {r.waiver}")
    for d in errors:
        case = ET.SubElement(suite, "testcase", classname="spec", name=f"{d.code} {d.span}")
        ET.SubElement(case, "error", message=d.message, type=d.code).text = f"{d.span}: {d.message}"
    return suite


def to_junit(reports: Sequence[Report]) -> str:
    root = ET.Element("testsuites", name="pcheck")
    for report in reports:
        root.append(_suite(report))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
