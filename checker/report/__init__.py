"""Reports: text, JSON, SARIF 2.1.0 and JUnit XML, each a function Report(s) -> str."""

from checker.report.json import to_json
from checker.report.junit import to_junit
from checker.report.sarif import to_sarif
from checker.report.text import to_text

FORMATS = {"text": to_text, "json": to_json, "sarif": to_sarif, "junit": to_junit}

__all__ = ["FORMATS", "to_json", "to_junit", "to_sarif", "to_text"]
