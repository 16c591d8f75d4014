"""Diagnostics: what is wrong with a spec, as data, and how to draw it.

Every problem in the input is a `Diagnostic` with a stable code, a message in
the user's terms and a span. Stages collect them and carry on where they can,
so one run reports as many problems as it can find. Only `render` produces
text, for the CLI and the text report.
"""

from __future__ import annotations

import functools
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
    "E307": "repeated field or list item",
    "E308": "cyclic profile",
    "E309": "value out of range",
    "E310": "invalid route",
    "E311": "invalid boot order",
    "E312": "invalid channel",
    "E313": "boot depends on the boot order",
    "E314": "the loader sets no triggers",
    "E315": "invalid protection domain",
    "E316": "invalid queue",
    "E317": "invalid call",
    # device trees (`platform ... from dts`, `pcheck import dts`)
    "E401": "device tree syntax error",
    "E402": "device tree lacks a platform part",
    "E403": "malformed device-tree cells",
    "E404": "dangling phandle",
    "E405": "interrupt parent pcheck cannot follow",
    # Microkit System Description Files (`pcheck import sdf`)
    "E501": "SDF is not well-formed XML",
    "E502": "unknown SDF element or attribute",
    "E503": "missing SDF attribute",
    "E504": "invalid SDF value",
    "E505": "undefined name in the SDF",
    "E506": "duplicate in the SDF",
    "E507": "memory region neither RAM nor a device",
    # warnings
    "W001": "waiver matches no failure",
    "W002": "seL4's maxIRQ of the platform is not given",
    "W003": "an SPI number that is a device's INTID",
    "W004": "a shared region nobody can write",
    "W005": "a shared region only one kernel is listed on",
    "W006": "a kernel without RAM",
}

# Code -> what it means and what to do, for `pcheck explain CODE`. The message of each diagnostic
# says the specifics; this says the rule.
EXPLANATIONS: Mapping[str, str] = {
    "E001": "A spec or an included file cannot be read (missing, a directory, or no permission).",
    "E002": "A spec file must be UTF-8 text; re-save it as UTF-8.",
    "E003": "The file holds nothing but comments and blanks: give it a platform and kernels.",
    "E004": "An `include` names a file that does not exist; include paths are relative to the including file.",
    "E005": "The spec has more kernels, cpus, regions or channels than pcheck is built and measured for.",
    "E101": "A character the language does not use; the caret shows it.",
    "E102": "A string (`\"...\"`) runs to the end of its line without a closing quote.",
    "E103": "A `/* ... */` comment is not closed.",
    "E104": "The tokens do not form a statement the grammar knows; the message lists what would fit there.",
    "E105": "The file ends inside a block: a `}` is missing.",
    "E106": "A number is malformed (digits of another base, a misplaced `_`, an unknown size suffix).",
    "E107": "A number does not fit in 64 bits.",
    "E201": "A name (cpu, device, kernel, region, profile, channel) is used but never defined; "
            "the message suggests the closest defined name.",
    "E202": "Two things of one kind have the same name; names must be unique.",
    "E203": "A name is defined, but as something else than what this place expects (a device where a cpu belongs).",
    "E204": "An `allow` names an obligation ID pcheck does not have; `pcheck list` shows them (case does not matter).",
    "E301": "A system spec needs exactly one `platform`, usually included from a board file.",
    "E302": "A second `platform` block: a system runs on one board.",
    "E303": "A GIC field of the other version (`cpu_interface` is GICv2's, `redistributors` GICv3's).",
    "E304": "A required field is missing (a cpu's mpidr, a region's size, the GIC's distributor ...).",
    "E305": "A value the field does not take; the message lists the ones it does.",
    "E306": "A profile sets a flag pcheck does not know; the README's profile table lists them.",
    "E307": "A field is given twice in one block, or a list (`cores`, `devices`, `irq`, a shared region's kernels) names one thing twice.",
    "E308": "Profiles extend each other in a cycle.",
    "E309": "A number outside the range the field allows (an SGI above 15, an INTID above 1019 ...).",
    "E310": "A `route` names an SPI the kernel does not own or a cpu it does not run on.",
    "E311": "A `boot order` must list every kernel exactly once.",
    "E312": "A channel's ends, SGI, target or mailbox do not fit together (the message says which).",
    "E313": "A `dist_init check` kernel (the multikernel fork) halts unless the distributor is enabled when "
            "it boots, and whether it is depends on an unpinned boot order: add `loader { gic_init }` or "
            "pin a `boot order`.",
    "E314": "A kernel's profile says `trigger_config loader`, but the `loader` block has no `triggers` "
            "step, so nobody would set its SPIs' triggers: add `triggers` to the loader block, or use "
            "`trigger_config runtime` or `none`.",
    "E315": "A `pd` maps a shared region its kernel is not listed on, or with more rights than its kernel has "
            "there, or gives a priority outside Microkit's 0 to 254.",
    "E316": "A `queue`'s producer and consumer must be PDs, its ring and index shared regions, its doorbell a "
            "channel from the producer to the consumer; `slots` is a power of two that fits the ring "
            "(16-byte header, slots of at least 8 bytes).",
    "E317": "A `call` joins two PDs; its proxies are two more PDs and its buffer a shared region.",
    "E401": "A device tree pcheck cannot parse (the DTS syntax dtc takes; overlays are appended to the base, as seL4's build does).",
    "E402": "The device tree has no /cpus, no memory node, or no GIC pcheck knows (arm,gic-400 and its kin, arm,gic-v3).",
    "E403": "A property's cells do not fit #address-cells, #size-cells or #interrupt-cells (`reg`, `ranges`, `interrupts`).",
    "E404": "A phandle (`interrupt-parent`, `interrupts-extended`, `interrupt-map`) that no node has.",
    "E405": "A node's interrupts lead to no interrupt controller: no `interrupt-parent`, a parent that is not a controller, or a loop.",
    "E501": "The SDF is not well-formed XML (or declares entities, which pcheck does not expand).",
    "E502": "An element or attribute the Microkit SDF does not have (tool/microkit/src/sdf.rs); the message suggests the closest.",
    "E503": "An SDF element lacks an attribute Microkit requires (a region's size, a map's mr and vaddr, an end's pd and id ...).",
    "E504": "An SDF value Microkit refuses: a malformed number, a cpu beyond the platform's, a priority above 254, "
            "write-only perms, an irq below 32 (SGIs and PPIs are not a PD's), a trigger or boolean it does not know.",
    "E505": "A map names no memory region, or a channel end no protection domain.",
    "E506": "Two protection domains or memory regions have one name, or a PD uses one channel id twice.",
    "E507": "A memory region's phys_addr is neither in the platform's RAM nor inside a device's registers: "
            "add the device to the platform, or fix the address.",
    "W001": "An `allow` matches no failure: the problem it waived is gone, or its subject is misspelt. "
            "Remove it or fix the name.",
    "W002": "The platform gives no `max_irq`, seL4's maxIRQ for its port; IRQ-RANGE then checks only the "
            "GIC's `lines`. Add `max_irq` from seL4's platform configuration.",
    "W003": "A kernel's `irq spi N` names an INTID no device uses, while N itself is a device's INTID: "
            "device trees give SPI numbers (INTID - 32), and INTIDs written in their place still prove. "
            "Write the SPI number, or list the device.",
    "W004": "Every kernel listed on a shared region maps it read-only (`r`): no kernel can put anything "
            "there. Give the writer `rw`.",
    "W005": "Only one kernel is listed on a shared region: what it writes there nobody else reads. List "
            "the reader, or make the region that kernel's RAM.",
    "W006": "A kernel has no RAM slice. Give it `ram at BASE size SIZE`.",
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


EXCERPT_WIDTH = 160  # characters of a long source line shown around the caret


@functools.lru_cache(maxsize=8)
def _lines(text: str) -> tuple[str, ...]:
    # Spans count lines by "\n" only (as the lexer does); str.splitlines would
    # also split at form feeds, vertical tabs and Unicode separators.
    return tuple(line.removesuffix("\r") for line in text.split("\n"))


def _source_excerpt(span: Span, sources: Mapping[str, str]) -> list[str]:
    text = sources.get(span.file)
    if text is None:
        return []
    lines = _lines(text)
    if not 1 <= span.line <= len(lines):
        return []
    line = lines[span.line - 1].expandtabs(1)
    gutter = f"{span.line:>5} | "
    width = span.end_column - span.column if span.end_line == span.line else 1
    width = max(1, min(width, len(line) - span.column + 1))
    start = span.column - 1
    if len(line) > EXCERPT_WIDTH:
        # A very long line (a generated list) is shown as a window around
        # the caret, so that a thousand diagnostics on it stay readable and
        # the output grows with their number, not with the line's length.
        first = max(0, min(start - EXCERPT_WIDTH // 3, len(line) - EXCERPT_WIDTH))
        shown = line[first : first + EXCERPT_WIDTH]
        head = "..." if first > 0 else ""
        tail = "..." if first + EXCERPT_WIDTH < len(line) else ""
        width = max(1, min(width, EXCERPT_WIDTH - (start - first)))
        line, start = head + shown + tail, start - first + len(head)
    caret = " " * (len(gutter) - 2) + "| " + " " * start + "^" * width
    return [gutter + line, caret]


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
