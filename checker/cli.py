"""`pcheck`: argv -> library calls -> output and exit status. The only module that prints.

Exit status: 0 every obligation proved or waived; 1 some obligation failed;
2 a spec has errors (or the command line is wrong); 3 the solver answered
unknown or timed out; 4 internal error (a pcheck bug, e.g. the encoding and
the model disagree).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import math
import os
import re
import signal
import sys
import threading
import time
import traceback
from collections.abc import Sequence
from typing import TextIO

from attrs import evolve

from checker.catalogue import BY_ID, CATALOGUE, OBLIGATION_IDS
from checker.diagnostics import CODES, EXPLANATIONS, did_you_mean
from checker.errors import CounterexampleError, UsageError
from checker.report import FORMATS, formatter

EXIT_OK, EXIT_FAILED, EXIT_ERROR, EXIT_UNKNOWN, EXIT_INTERNAL = 0, 1, 2, 3, 4
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), as shells report it
SUBCOMMANDS = ("explain", "list", "replay")


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so main() owns every exit status."""

    def error(self, message: str):  # type: ignore[override]
        raise UsageError(message)


def _check_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="pcheck", description="Prove partition correctness of seL4 multikernel specs.")
    p.add_argument("specs", nargs="+", metavar="SPEC", help=".mk spec files to check (`-`: standard input)")
    p.add_argument("--format", choices=FORMATS, default="text")
    p.add_argument("-o", "--output", metavar="FILE", help="write the report here instead of standard output")
    p.add_argument("--sarif-root", metavar="DIR", help="SARIF file URIs relative to this directory (default: the working directory)")
    p.add_argument("--only", metavar="ID[,ID]", help="check only these obligations")
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="per solver query (default 30)")
    p.add_argument("--cex-dir", metavar="DIR", help="write each counterexample as a replayable JSON file")
    p.add_argument("--dump-smt", metavar="DIR", help="write every solver query as SMT-LIB 2, one .smt2 file each")
    p.add_argument("--cross-check", action="store_true", help="re-solve every query with cvc5 (pip install 'pcheck[cvc5]')")
    p.add_argument("--rlimit", type=int, metavar="N", help="z3 resource limit per query (reproducible, unlike --timeout)")
    p.add_argument("-j", "--jobs", type=int, metavar="N", help="prove independent obligation families in N processes (default: one per core; small specs use one)")
    p.add_argument("--no-replay", action="store_true", help="do not confirm counterexamples on the model (debugging)")
    p.add_argument("-v", "--verbose", action="store_true", help="list every spec location of a counterexample")
    return p


def _only(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    ids = tuple(part.strip().upper() for part in text.split(",") if part.strip())  # IDs are case-insensitive
    for id_ in ids:
        if id_ not in BY_ID:
            raise UsageError(f"--only: '{id_}' is not an obligation{did_you_mean(id_, OBLIGATION_IDS)}")
    return ids


def _exit_status(reports) -> int:
    statuses = [r.status for r in reports]
    if any(r.has_internal_error for r in reports):
        return EXIT_INTERNAL
    if "error" in statuses:
        return EXIT_ERROR
    if "failed" in statuses:
        return EXIT_FAILED
    if "unknown" in statuses:
        return EXIT_UNKNOWN
    return EXIT_OK


# C0 and C1 control characters but newline and tab: a spec's strings (a waiver reason, a file name)
# must not move the cursor or recolour a terminal, and XML 1.0 cannot hold most of them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Every control character but newline and tab as a visible `\\xNN` escape."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class _Printable:
    """A text stream that shows control characters as escapes (everything pcheck prints goes
    through one); `raw` is the stream itself, for the progress line's own carriage returns."""

    def __init__(self, stream: TextIO) -> None:
        self.raw = stream

    def write(self, text: str) -> int:
        return self.raw.write(printable(text))

    def __getattr__(self, name: str):
        return getattr(self.raw, name)


def _write(text: str, path: str | None, stdout: TextIO) -> None:
    if path is None:
        stdout.write(text)
        return
    with open(path, "w", encoding="utf-8") as out:
        out.write(printable(text))


def run_check(argv: Sequence[str], stdout: TextIO, stderr: TextIO, stdin: TextIO | None = None) -> int:
    from checker.api import load_and_check
    from checker.options import Options

    args = _check_parser().parse_args(list(argv))
    stdin = stdin or sys.stdin
    if not math.isfinite(args.timeout) or args.timeout <= 0:
        raise UsageError("--timeout must be a positive, finite number of seconds")
    if args.output is not None and any(s != "-" and os.path.exists(s) and os.path.exists(args.output)
                                       and os.path.samefile(s, args.output) for s in args.specs):
        raise UsageError(f"-o {args.output} is a spec being checked; write the report elsewhere")
    if args.rlimit is not None and args.rlimit <= 0:
        raise UsageError("--rlimit must be a positive number")
    if args.jobs is not None and args.jobs <= 0:
        raise UsageError("-j must be a positive number of processes")
    if args.cross_check:
        from checker.crosscheck import available

        if not available():
            raise UsageError("--cross-check needs the optional cvc5 solver: pip install 'pcheck[cvc5]'")
    options = Options(
        only=_only(args.only),
        timeout=args.timeout,
        dump_smt=args.dump_smt,
        replay=not args.no_replay,
        cross_check=args.cross_check,
        rlimit=args.rlimit,
        jobs=args.jobs,
    )
    from checker.api import STDIN

    if args.specs.count("-") > 1:
        raise UsageError("standard input (`-`) can be given once")
    checked = []
    for spec in args.specs:
        progress = _Progress(spec, stderr) if args.format == "text" and args.output is None and stderr.isatty() else None
        if spec == "-":
            checked.append(load_and_check(STDIN, evolve(options, progress=progress), text=_read_stdin(stdin)))
        else:
            checked.append(load_and_check(spec, evolve(options, progress=progress)))
        if progress is not None:
            progress.clear()
    reports = [report for _, report in checked]
    if args.sarif_root is not None and not os.path.isdir(args.sarif_root):
        raise UsageError(f"--sarif-root: '{args.sarif_root}' is not a directory")
    if args.format == "text":
        text = formatter("text")(reports, verbose=args.verbose)
    elif args.format == "sarif":
        text = formatter("sarif")(reports, root=args.sarif_root)
    else:
        text = formatter(args.format)(reports)
    _write(text, args.output, stdout)
    if args.cex_dir:
        from checker.counterexample import write_all

        specs = {report.spec: loaded.spec for loaded, report in checked if loaded.spec is not None}
        for path in write_all(reports, args.cex_dir, specs):
            stderr.write(f"wrote {path}\n")
    return _exit_status(reports)


class _Progress:
    """A progress line on a terminal, shown only once a spec has taken more than a second."""

    DELAY = 1.0

    def __init__(self, spec: str, stream: TextIO) -> None:
        self.spec, self.stream = printable(spec), getattr(stream, "raw", stream)
        self.start = time.monotonic()
        self.shown = False

    def __call__(self, what: str) -> None:
        if time.monotonic() - self.start < self.DELAY:
            return
        line = f"pcheck: {self.spec}: {what} ({time.monotonic() - self.start:.0f}s)"
        self.stream.write("\r" + line[:100].ljust(100))
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * 100 + "\r")
            self.stream.flush()


def run_list(argv: Sequence[str], stdout: TextIO) -> int:
    """`pcheck list [--format text|json]`: the obligations."""
    parser = _Parser(prog="pcheck list", description="List the obligations pcheck proves.")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(list(argv))
    if args.format == "json":
        import json

        entries = [{"id": e.id, "title": e.title, "family": e.family, "proves": e.proves,
                    "counterexample": e.counterexample, "fixes": list(e.fixes)} for e in CATALOGUE]
        stdout.write(json.dumps(entries, indent=2) + "\n")
        return EXIT_OK
    width = max(len(e.id) for e in CATALOGUE)
    for entry in CATALOGUE:
        stdout.write(f"{entry.id:<{width}}  {entry.title}\n")
    return EXIT_OK


def run_explain(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """`pcheck explain ID|CODE`: an obligation, or a diagnostic code (E###, W###)."""
    if len(argv) != 1:
        raise UsageError("usage: pcheck explain OBLIGATION-ID | DIAGNOSTIC-CODE")
    key = argv[0].upper()
    if key in CODES:
        kind = "warning" if key.startswith("W") else "error"
        stdout.write(f"{key} ({kind}): {CODES[key]}\n\n{EXPLANATIONS[key]}\n")
        return EXIT_OK
    entry = BY_ID.get(key)
    if entry is None:
        known = (*OBLIGATION_IDS, *CODES)
        raise UsageError(f"'{argv[0]}' is neither an obligation nor a diagnostic code{did_you_mean(key, known)}; "
                         "`pcheck list` shows the obligations")
    stdout.write(f"{entry.id}: {entry.title}\n\n{entry.proves}\n\nA failure shows: {entry.counterexample}.\n\nHow to fix a failure:\n")
    for fix in entry.fixes:
        stdout.write(f"  - {fix}\n")
    return EXIT_OK


def run_import(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """`pcheck import dts BOARD.dts [OVERLAY.dts ...] --lines N --max-irq N [-o FILE]`: a platform
    .mk from the board's device tree (checker/dts.py), to review and edit; exit 2 on a bad tree.
    `pcheck import sdf SYSTEM.system --platform BOARD.mk | --dts BOARD.dts ... [-o FILE]`: a system
    spec from a Microkit multikernel SDF (checker/sdf.py); exit 2 on a bad SDF, every error shown."""
    if argv and argv[0] == "sdf":
        return _import_sdf(argv[1:], stdout, stderr)
    parser = _Parser(prog="pcheck import", description="Write a platform .mk from a board's device tree, "
                     "or a system spec from a Microkit SDF (`pcheck import sdf --help`).")
    parser.add_argument("kind", choices=("dts", "sdf"), help="what to import from: dts (a device tree, .dts or .dtb), or sdf")
    parser.add_argument("files", nargs="+", metavar="FILE", help="the base device tree, then its overlays in build order")
    parser.add_argument("--lines", type=_int, help="INTIDs the GIC implements: 32 x (GICD_TYPER.ITLinesNumber + 1)")
    parser.add_argument("--max-irq", type=_int, help="seL4's maxIRQ for the platform (MAX_IRQ in src/plat/<platform>/config.cmake)")
    parser.add_argument("--name", help="the platform's name (default: the base file's name)")
    parser.add_argument("--paddr-bits", type=_int, default=40, help="physical address bits (default 40)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the .mk here instead of standard output")
    args = parser.parse_args(list(argv))
    missing = [flag for flag, value in (("--lines", args.lines), ("--max-irq", args.max_irq)) if value is None]
    if missing:
        raise UsageError(f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} needed: a device tree does not say "
                         "how many lines the GIC implements or what seL4's maxIRQ is")
    from checker import dts

    try:
        board = dts.read_dts(args.files)
    except dts.DtsError as exc:
        stderr.write(_dts_error(exc, args.files) + "\n")
        return EXIT_ERROR
    name = args.name or re.sub(r"[^A-Za-z0-9_-]", "_", os.path.basename(args.files[0]).rsplit(".", 1)[0])
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", name):
        raise UsageError(f"'{name}' is not a name the language takes; give one with --name")
    text = dts.to_mk(board, name, args.lines, args.max_irq, args.paddr_bits)
    if args.output is None:
        stdout.write(text)
    else:
        if any(os.path.exists(args.output) and os.path.samefile(args.output, f) for f in args.files):
            raise UsageError(f"-o {args.output} is one of the device trees being read")
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    for note in board.notes:
        stderr.write((f"{note.span}: " if note.span else "") + f"note: {note.message}\n")
    return EXIT_OK


def _import_sdf(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    parser = _Parser(prog="pcheck import sdf", description="Write a system spec from a Microkit multikernel SDF, "
                     "as the au-ts multikernel Microkit builds it (README, \"Importing a Microkit system\").")
    parser.add_argument("system", metavar="SYSTEM.system", help="the System Description File")
    board = parser.add_mutually_exclusive_group(required=True)
    board.add_argument("--platform", metavar="BOARD.mk", help="the board as a platform .mk")
    board.add_argument("--dts", nargs="+", metavar="FILE", help="the board's device tree, then its overlays (needs --lines, --max-irq)")
    parser.add_argument("--lines", type=_int, help="with --dts: INTIDs the GIC implements")
    parser.add_argument("--max-irq", type=_int, help="with --dts: seL4's maxIRQ for the platform")
    parser.add_argument("--ram", action="append", default=[], metavar="KERNEL=BASE:SIZE",
                        help="a kernel's RAM instead of the au-ts split (repeat; every kernel k0, k1 ... or none)")
    parser.add_argument("--kernel-image", type=_int, metavar="SIZE",
                        help="bytes the split gives each kernel's image (default 0x200000)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the spec here instead of standard output")
    args = parser.parse_args(list(argv))
    if args.dts and (args.lines is None or args.max_irq is None):
        raise UsageError("--dts needs --lines and --max-irq: a device tree does not say how many lines the GIC "
                         "implements or what seL4's maxIRQ is")
    ram: dict[str, list[tuple[int, int]]] | None = None
    for item in args.ram:
        m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_-]*)=([^:]+):(.+)", item)
        base, size = (_size(m.group(2)), _size(m.group(3))) if m else (None, None)
        if not m or base is None or size is None:
            raise UsageError(f"--ram {item}: write KERNEL=BASE:SIZE, e.g. k0=0x4000_0000:256M")
        ram = ram or {}
        ram.setdefault(m.group(1), []).append((base, base + size))
    from checker import api, sdf
    from checker.diagnostics import render
    from checker.dts import DtsError

    out_dir = os.path.dirname(os.path.abspath(args.output)) if args.output else os.getcwd()
    try:
        text = api.import_sdf(args.system, args.platform, args.dts or (), args.lines, args.max_irq, out_dir, ram,
                              args.kernel_image)
    except sdf.SdfError as exc:
        for d in exc.diagnostics:
            stderr.write(render(d, exc.sources) + "\n")
        stderr.write(f"pcheck import sdf: {len(exc.diagnostics)} error{'s' if len(exc.diagnostics) != 1 else ''} in {args.system}\n")
        return EXIT_ERROR
    except DtsError as exc:
        stderr.write(_dts_error(exc, args.dts) + "\n")
        return EXIT_ERROR
    except OSError as exc:
        raise UsageError(f"cannot read {exc.filename or args.system}: {exc.strerror or exc}") from None
    except ValueError as exc:
        stderr.write(f"pcheck import sdf: error: {exc}\n")
        return EXIT_ERROR
    if args.output is None:
        stdout.write(text)
    else:
        _write_file(args.output, text)
    for line in text.splitlines():
        if line.startswith("// Note: "):
            stderr.write(f"pcheck import sdf: note: {line[len('// Note: '):]}\n")
    return EXIT_OK


def run_build(command: str, argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """`pcheck build SPEC.mk -o OUT/ [--force] [--dts BASE.dts ...]`: the artefacts of a proved spec
    (checker/build/); `pcheck map SPEC.mk -o FILE.svg`: only its memory map. Exit 0 written, 1 not
    proved (nothing written without --force), 2 spec errors, 3 unknown."""
    parser = _Parser(prog=f"pcheck {command}", description="Write what a proved spec describes." if command == "build"
                     else "Draw a spec's memory map as SVG.")
    parser.add_argument("spec", metavar="SPEC.mk")
    parser.add_argument("-o", "--output", required=True, metavar="OUT/" if command == "build" else "FILE.svg")
    if command == "build":
        parser.add_argument("--force", action="store_true", help="write even if the spec does not prove (every file says so)")
        parser.add_argument("--dts", nargs="+", metavar="FILE", default=(),
                            help="the base device tree and its overlays, for the per-kernel overlays of a hand-written platform")
    args = parser.parse_args(list(argv))
    from checker import build as building
    from checker.api import load_and_check
    from checker.diagnostics import render
    from checker.options import Options

    loaded, report = load_and_check(args.spec, Options())
    for d in loaded.diagnostics:
        stderr.write(render(d, loaded.sources) + "\n")
    if loaded.spec is None:
        stderr.write(f"pcheck {command}: error: {args.spec} has errors\n")
        return EXIT_ERROR
    blocking = building.not_proved(report)
    if command == "map":
        from checker.build import memory_map

        _write_file(args.output, memory_map.svg(loaded.spec, report, building.stamp_of(loaded.spec, report)))
        return EXIT_OK
    if blocking and not args.force:
        for r in blocking[:10]:
            stderr.write(f"{r.location or args.spec}: {r.status} {r.id} {r.subject}: {r.message}\n")
        stderr.write(f"pcheck build: {len(blocking)} results are not proved; nothing was written (--force writes anyway, "
                     "marked NOT PROVED)\n")
        return EXIT_UNKNOWN if all(r.status == "unknown" for r in blocking) else EXIT_FAILED
    from checker.dts import DtsError

    try:
        built = building.build(loaded.spec, report, args.dts)
    except DtsError as exc:
        stderr.write(_dts_error(exc, args.dts or loaded.spec.platform.dts) + "\n")
        return EXIT_ERROR
    for relative, text in built.files.items():
        _write_file(os.path.join(args.output, relative), text)
    for note in built.notes:
        stderr.write(f"pcheck build: note: {note}\n")
    stdout.write(f"pcheck build: {len(built.files)} files in {args.output}\n")
    return EXIT_OK


def _dts_error(exc, paths: Sequence[str]) -> str:
    """A device tree pcheck cannot read, rendered like any diagnostic, with its source line."""
    from checker.diagnostics import error, render
    from checker.dts import excerpt_texts

    return render(error(exc.code, exc.message, exc.span), excerpt_texts(paths, exc.span))


def _write_file(path: str, text: str) -> None:
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def _size(text: str) -> int | None:
    """A number as the language writes one (0x4000_0000, 256M), or None."""
    from checker.parse import parse_number

    value = parse_number(text.strip())
    return value if isinstance(value, int) else None


def _int(text: str) -> int:
    try:
        return int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None


def run_replay(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """`pcheck replay CEX.json [--spec FIXED.mk] [--format text|json] [-v]`.

    On the stored machine: 1 reproduced, 4 not (an internal error), 2 bad file. On a fixed spec's
    machine: 1 still reproduced, 0 gone, 2 bad file, spec errors, or a scenario the fixed spec has
    no kernel, channel or core for (then nothing can be said about it: check the spec instead)."""
    from checker import counterexample as cex  # loads the reference model: only `pcheck replay` needs it here

    parser = _Parser(prog="pcheck replay", description="Replay a counterexample on the reference model.")
    parser.add_argument("file", metavar="CEX.json")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--registers", action="store_true", help="show every register access, boot-time initialisation included")
    shown.add_argument("--no-registers", action="store_true", help="leave register accesses out of the trace")
    parser.add_argument("--spec", metavar="FIXED.mk", help="run the scenario on this spec's machine: exit 0 if the violation is gone")
    parser.add_argument("-v", "--verbose", action="store_true", help="show every monitor's violations, not only the replayed one")
    args = parser.parse_args(list(argv))
    config = None
    if args.spec is not None:
        from checker.api import load
        from checker.diagnostics import render
        from checker.replay import machine_config

        loaded = load(args.spec)
        for d in loaded.diagnostics:
            stderr.write(render(d, loaded.sources) + "\n")
        if loaded.spec is None:
            stderr.write(f"pcheck replay: error: {args.spec} has errors; fix them to replay on it\n")
            return EXIT_ERROR
        config = machine_config(loaded.spec)
    try:
        doc = cex.read(args.file)
        outcome, hit = cex.replay_document(doc, config)
    except cex.ScenarioMismatch as exc:
        where = f"{args.spec}'s machine" if args.spec else "its machine"
        extra = "; the fix renamed or removed what it runs on, so check the spec with pcheck instead" if args.spec else ""
        stderr.write(f"pcheck replay: error: the scenario cannot run on {where}: {exc}{extra}\n")
        return EXIT_ERROR
    except CounterexampleError as exc:
        stderr.write(f"pcheck replay: error: {exc}\n")
        return EXIT_ERROR
    if args.format == "json":
        stdout.write(cex.render_json(doc, outcome, hit, every=args.verbose, on=args.spec))
    else:
        registers = True if args.registers else False if args.no_registers else "brief"
        stdout.write(cex.render_text(doc, outcome, hit, registers=registers, every=args.verbose, on=args.spec))
    if hit is not None:
        return EXIT_FAILED
    return EXIT_OK if args.spec is not None else EXIT_INTERNAL


def dispatch(argv: Sequence[str], stdout: TextIO, stderr: TextIO, stdin: TextIO | None = None) -> int:
    if argv and argv[0] == "list":
        return run_list(argv[1:], stdout)
    if argv and argv[0] == "explain":
        return run_explain(argv[1:], stdout, stderr)
    if argv and argv[0] == "replay":
        return run_replay(argv[1:], stdout, stderr)
    if argv and argv[0] == "import":
        return run_import(argv[1:], stdout, stderr)
    if argv and argv[0] in ("build", "map"):
        return run_build(argv[0], argv[1:], stdout, stderr)
    return run_check(argv, stdout, stderr, stdin)


def version() -> str:
    """The installed distribution's version (sel4-pcheck), or the source tree's."""
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return SOURCE_VERSION


DISTRIBUTION = "sel4-pcheck"  # the PyPI name; `pcheck` there is an unrelated project
SOURCE_VERSION = "0.1.0"  # pyproject.toml's, for a source tree run without installing


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None,
         stdin: TextIO | None = None) -> int:
    """Entry point of `pcheck` and `python -m checker`; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    # A stream closed before pcheck started (`2>&-`) is None in Python: write nowhere instead.
    stdout = _Printable(stdout or sys.stdout or open(os.devnull, "w"))
    stderr = _Printable(stderr or sys.stderr or open(os.devnull, "w"))
    if not argv or argv[0] in ("-h", "--help"):
        stdout.write(_check_parser().format_help())
        stdout.write("\nalso: pcheck list [--format json] | pcheck explain ID|CODE | "
                     "pcheck replay CEX.json [--spec FIXED.mk] | pcheck import dts BOARD.dts [OVERLAY.dts ...] "
                     "--lines N --max-irq N [-o FILE] | pcheck build SPEC.mk -o OUT/ [--force] [--dts FILE ...] | "
                     "pcheck map SPEC.mk -o FILE.svg | pcheck --version\n")
        return EXIT_OK if argv else EXIT_ERROR
    if argv[0] in ("--version", "-V"):
        stdout.write(f"pcheck {version()}\n")
        return EXIT_OK
    with _signals_as_exceptions():
        return _run(argv, stdout, stderr, stdin)


def _run(argv: list[str], stdout, stderr, stdin) -> int:
    try:
        status = dispatch(argv, stdout, stderr, stdin)
        stdout.flush()  # here, not at exit: a reader that went away must change the status
        return status
    except Terminated as exc:
        # SIGTERM or SIGHUP: `-j` workers were ended on the way out (checker/workers.py).
        _say(stderr, f"pcheck: {signal.Signals(exc.signum).name.lower().removeprefix('sig')}: stopped\n")
        return 128 + exc.signum
    except BrokenPipeError:
        # The reader went away (`pcheck spec | head`): nothing more can be shown, and the verdict
        # was not seen whole, so it is not a pass.
        _quiet(stdout)
        return EXIT_ERROR
    except KeyboardInterrupt:
        _say(stderr, "pcheck: interrupted\n")
        return EXIT_INTERRUPTED
    except UsageError as exc:
        stderr.write(f"pcheck: error: {exc}\n")
        return EXIT_ERROR
    except OSError as exc:
        stderr.write(f"pcheck: error: {exc.strerror or exc}: {exc.filename or ''}\n")
        return EXIT_ERROR
    except Exception:  # a bug in pcheck: say so plainly, keep the details for the report
        stderr.write("pcheck: internal error (this is a bug in pcheck, please report it):\n")
        stderr.write(traceback.format_exc(limit=-3))
        return EXIT_INTERNAL


def _read_stdin(stdin) -> bytes:
    """A spec from standard input, as bytes (decoded like a file's: E002 for bad UTF-8), read up
    to one byte past the size limit (E005), so `pcheck - < /dev/zero` ends."""
    from checker.sources import MAX_FILE_BYTES

    if stdin is None or getattr(stdin, "closed", False):
        raise UsageError("standard input is closed, so `-` has no spec to read")
    buffer = getattr(stdin, "buffer", None)
    if buffer is not None:
        return buffer.read(MAX_FILE_BYTES + 1)
    return stdin.read(MAX_FILE_BYTES + 1).encode("utf-8", errors="surrogateescape")


class Terminated(BaseException):
    """SIGTERM or SIGHUP while pcheck runs: raised where the program is, so that `finally` blocks
    and the worker clean-up run (a BaseException, like KeyboardInterrupt: nothing catches it by accident)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def _signals_as_exceptions():
    """SIGTERM and SIGHUP raise Terminated for as long as `main` runs (main thread only), then the
    previous handlers are back (a test that calls `main` keeps its own)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminated(signum, frame):
        raise Terminated(signum)

    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            previous[number] = signal.signal(number, terminated)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _quiet(stream) -> None:
    """Send the rest of a broken stream's output (the interpreter's flush at exit) nowhere."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _say(stream, text: str) -> None:
    try:
        stream.write(text)
    except (OSError, ValueError):
        pass


def run() -> int:
    """The `pcheck` program (`python -m checker`): `main()` on sys.argv, in a process that exits next.

    Three things only a whole process can decide (library callers keep
    their allocator and collector as they are):

    * glibc is told to keep freed z3 contexts for reuse (`_keep_freed_memory`).
    * Importing the checking stack (z3, lark, pcheck's own classes) makes
      about 100,000 objects that live until exit. With the collector on, it
      walks them some sixty times during the imports and again in every
      full collection later, finding nothing: 20M instructions, about 2% of
      a run on the i.MX8MM example. So they are imported with the collector
      off and then frozen out of its reach; it runs as usual on everything
      the check itself makes.
    * The interpreter's shutdown collections would walk every object the
      check made; nothing left needs finalising (every file is closed), so
      those are frozen too before returning.
    """
    _keep_freed_memory()
    if sys.argv[1:2] not in (["list"], ["explain"], ["-h"], ["--help"], ["--version"], ["-V"], []):
        _import_checking_stack()
    status = main()
    gc.freeze()
    return status


def _import_checking_stack() -> None:
    was_collecting = gc.isenabled()
    gc.disable()
    try:
        import checker.encode  # noqa: F401  (z3; main() imports it when it needs it)
        import checker.sources  # noqa: F401  (lark)
    finally:
        gc.freeze()
        if was_collecting:
            gc.enable()


def _keep_freed_memory() -> None:
    """Have glibc keep big freed blocks for reuse instead of unmapping them.

    Each obligation family gets its own z3 context, which allocates about
    16 MB. glibc serves blocks that large with mmap and unmaps them on free,
    so without this every context after the first faults all of its memory
    in again: 8,500 of the 21,000 page faults of a run on the i.MX8MM
    example, and about 12 ms per context. A fixed threshold of 64 MiB keeps
    those blocks in the heap, where the next context finds them. Only
    allocation placement changes, and only in the `pcheck` process; library
    callers keep their allocator as it is. Other C libraries are left alone.
    """
    try:
        if not (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc"):
            return
        import ctypes  # z3 loads it anyway

        ctypes.CDLL(None).mallopt(_M_MMAP_THRESHOLD, 64 << 20)
    except (ValueError, OSError, AttributeError):  # no confstr name, no libc handle, no mallopt
        return


_M_MMAP_THRESHOLD = -3  # glibc's <malloc.h>
