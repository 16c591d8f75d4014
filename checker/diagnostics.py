"""Diagnostics: what is wrong with a spec, as data, and how to draw it.

Every problem in the input is a `Diagnostic` with a stable code, a message in
the user's terms and a span. Stages collect them and carry on where they can,
so one run reports as many problems as it can find. Only `render` produces
text, for the CLI and the text report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from checker.data import frozen
from checker.span import Span

ERROR = "error"
WARNING = "warning"

# Code -> one-line title. The tests hold one invalid spec per code.
CODES: Mapping[str, str] = {
    # files
    "E001": "cannot read file",
    "E002": "file is not valid UTF-8",
    "E003": "spec is empty",
    "E004": "included file not found",
    "E005": "spec too large",
    # lexical and syntax
    "E101": "unexpected character",
    "E102": "unterminated string",
    "E103": "unterminated block comment",
    "E104": "syntax error",
    "E105": "unexpected end of file",
    "E106": "malformed number",
    "E107": "number does not fit in 64 bits",
    # names
    "E201": "undefined name",
    "E202": "duplicate name",
    "E203": "wrong kind of name",
    "E204": "unknown obligation",
    # structure and values
    "E301": "no platform",
    "E302": "second platform",
    "E303": "field of the other GIC version",
    "E304": "missing field",
    "E305": "invalid value",
    "E306": "unknown setting",
    "E307": "repeated field",
    "E308": "cyclic profile",
    "E309": "value out of range",
    "E310": "invalid route",
    "E311": "invalid boot order",
    "E312": "invalid channel",
    "E313": "boot depends on the boot order",
    "E314": "the loader sets no triggers",
    # warnings
    "W001": "waiver matches no failure",
    "W002": "seL4's maxIRQ of the platform is not given",
}


@frozen
class Note:
    """A secondary place that explains the diagnostic (e.g. the first definition)."""

    message: str
    span: Span | None


@frozen
class Diagnostic:
    severity: str
    code: str
    message: str
    span: Span | None
    notes: tuple[Note, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def _known(code: str) -> None:
    if code not in CODES:
        from checker.errors import InternalError

        raise InternalError(f"diagnostic code {code} is not in the table of codes")


def error(code: str, message: str, span: Span | None, *notes: Note) -> Diagnostic:
    """An error diagnostic; `code` must be one of `CODES`."""
    _known(code)
    return Diagnostic(ERROR, code, message, span, tuple(notes))


def warning(code: str, message: str, span: Span | None, *notes: Note) -> Diagnostic:
    _known(code)
    return Diagnostic(WARNING, code, message, span, tuple(notes))


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """` (did you mean 'x'?)` for the closest candidate, or an empty string."""
    import difflib  # only a misspelt name needs it: 3 ms of every run's start-up otherwise

    close = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _source_excerpt(span: Span, sources: Mapping[str, str]) -> list[str]:
    text = sources.get(span.file)
    if text is None:
        return []
    # Spans count lines by "\n" only (as the lexer does); str.splitlines would
    # also split at form feeds, vertical tabs and Unicode separators.
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if not 1 <= span.line <= len(lines):
        return []
    line = lines[span.line - 1]
    gutter = f"{span.line:>5} | "
    width = span.end_column - span.column if span.end_line == span.line else 1
    width = max(1, min(width, len(line) - span.column + 1))
    caret = " " * (len(gutter) - 2) + "| " + " " * (span.column - 1) + "^" * width
    return [gutter + line.expandtabs(1), caret]


def render(diag: Diagnostic, sources: Mapping[str, str]) -> str:
    """`file:line:col: error[E201]: message`, the source line and a caret, then notes."""
    where = f"{diag.span}: " if diag.span else ""
    out = [f"{where}{diag.severity}[{diag.code}]: {diag.message}"]
    if diag.span:
        out += _source_excerpt(diag.span, sources)
    for note in diag.notes:
        at = f"{note.span}: " if note.span else ""
        out.append(f"  note: {at}{note.message}")
        if note.span:
            out += ["  " + line for line in _source_excerpt(note.span, sources)]
    return "\n".join(out)
