"""The library API: load a spec, check it, read results as plain data.

    >>> import checker
    >>> loaded = checker.load("specs/imx8mm-clean.mk")
    >>> report = checker.check(loaded.spec)
    >>> [r.id for r in report.results if r.status == "failed"]

Every function here returns data; nothing prints, nothing exits.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping, Sequence

from attrs import evolve

from checker.data import frozen
from checker.diagnostics import Diagnostic, error
from checker.errors import InternalError
from checker.span import Span
from checker.options import Options
from checker.result import Report
from checker.spec import Spec

# Reading specs loads lark, proving loads z3: both are imported by the
# functions that need them, so `import checker` costs neither.


@frozen
class Loaded:
    """A spec read from text: the Spec (None when it has errors), diagnostics, source texts."""

    spec: Spec | None
    diagnostics: tuple[Diagnostic, ...]
    sources: dict[str, str]
    path: str

    @property
    def ok(self) -> bool:
        return self.spec is not None


def _finish(sources) -> Loaded:
    from checker.resolve import resolve

    diagnostics = list(sources.diagnostics)
    spec = None
    has_syntax_errors = any(d.is_error for d in diagnostics)
    # Resolving a file whose items were skipped after syntax errors would report
    # every reference to them as undefined: noise that hides the real error.
    if sources.files and not has_syntax_errors:
        spec, found = resolve(list(sources.files), sources.root)
        diagnostics += found
    if spec is not None:
        spec = evolve(spec, sources=dict(sources.texts))
    return Loaded(spec, tuple(diagnostics), dict(sources.texts), sources.root)


def load(path: str) -> Loaded:
    """Read, parse and resolve the spec at `path` and the files it includes."""
    from checker import sources as reading

    return _finish(reading.load_path(path))


def load_text(text: str, path: str = "<text>", base_dir: str | None = None) -> Loaded:
    """Parse and resolve spec text; includes are read relative to `base_dir` (default: `path`'s dir)."""
    from checker import sources as reading

    return _finish(reading.load_text(text, path, base_dir))


def check(spec: Spec, options: Options | None = None) -> Report:
    """Prove every obligation (or those in `options.only`) on a resolved Spec."""
    from checker.prove import apply_waivers, run_obligations

    options = options or Options()
    start = time.perf_counter()
    results = run_obligations(spec, options)  # failures replayed on the model there, family by family
    results, stale = apply_waivers(spec, results)
    return Report(spec.path, tuple(results), tuple(stale), time.perf_counter() - start, spec.sources)


STDIN = "<stdin>"  # how a spec read from standard input (`pcheck -`) is named in results


def load_and_check(path: str, options: Options | None = None, text: str | bytes | None = None) -> tuple[Loaded, Report]:
    """Load and check a spec file (or `text`, named `path`, its includes read relative to the
    working directory; bytes are decoded as a file's are), keeping both; a spec with errors gives
    a Report with diagnostics only."""
    from checker import sources as reading

    start = time.perf_counter()
    if text is None:
        loaded = load(path)
    elif isinstance(text, bytes):
        loaded = _finish(reading.load_bytes(text, path, base_dir=os.getcwd()))
    else:
        loaded = load_text(text, path, base_dir=os.getcwd())
    if loaded.spec is None:
        return loaded, Report(path, (), loaded.diagnostics, time.perf_counter() - start, loaded.sources)
    report = check(loaded.spec, options)
    return loaded, evolve(report, diagnostics=loaded.diagnostics + report.diagnostics, seconds=time.perf_counter() - start)


def import_dts(paths: Sequence[str], name: str, lines: int, max_irq: int, paddr_bits: int = 40) -> str:
    """The platform .mk that `pcheck import dts` writes for a device tree (base, then overlays).

    Raises checker.DtsError (code, message, span) for a tree it cannot read."""
    from checker import dts

    return dts.to_mk(dts.read_dts(paths), name, lines, max_irq, paddr_bits)


def import_sdf(sdf_path: str, platform_path: str | None = None, dts: Sequence[str] = (), lines: int | None = None,
               max_irq: int | None = None, out_dir: str | None = None, ram: Mapping[str, Sequence[tuple[int, int]]] | None = None,
               kernel_image: int | None = None) -> str:
    """The system spec `pcheck import sdf` writes for a Microkit SDF on a platform: a platform
    .mk (`platform_path`) or a device tree (`dts`, base then overlays, with `lines` and `max_irq`).
    Paths in the spec are written relative to `out_dir` (default: the working directory).

    Raises checker.SdfError (its `diagnostics`, located in the SDF) for an SDF it cannot import,
    checker.DtsError for a tree it cannot read, ValueError for a platform with errors."""
    from checker import sdf, sources as reading
    from checker.diagnostics import render

    out_dir = os.path.abspath(out_dir or os.getcwd())
    if platform_path is not None:
        rel = os.path.relpath(os.path.abspath(platform_path), out_dir)
        platform_text = f'include "{rel}"'
    else:
        rels = ", ".join(f'"{os.path.relpath(os.path.abspath(p), out_dir)}"' for p in dts)
        name = re.sub(r"[^A-Za-z0-9_-]", "_", os.path.basename(dts[0]).rsplit(".", 1)[0]) or "board"
        if not re.match(r"[A-Za-z_]", name):
            name = "_" + name
        platform_text = f"platform {name} from dts {rels} {{ lines {lines} max_irq {max_irq} }}"
    board = _finish(reading.load_text(platform_text, os.path.join(out_dir, "<platform>"), out_dir))
    if board.spec is None:
        raise ValueError("the platform has errors:\n" + "\n".join(render(d, board.sources) for d in board.diagnostics if d.is_error))
    extra = [k.name for k in board.spec.kernels] + [x.name for x in board.spec.shared + board.spec.channels + board.spec.pds]
    if extra:
        raise ValueError(f"{platform_path} is a system spec, not a platform (it defines {', '.join(extra[:4])}"
                         f"{' ...' if len(extra) > 4 else ''}); give the file that holds only its `platform`")
    platform = board.spec.platform
    data = reading.read_regular(sdf_path, sdf.MAX_SDF_BYTES)
    if len(data) > sdf.MAX_SDF_BYTES:
        raise sdf.SdfError([error("E005", f"the SDF is larger than {sdf.MAX_SDF_BYTES >> 20} MiB", Span.point(sdf_path, 1, 1))], sdf_path, "")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as bad:
        line = data[: bad.start].count(b"\n") + 1
        raise sdf.SdfError([error("E501", "the SDF is not valid UTF-8", Span.point(sdf_path, line, 1))], sdf_path, "") from None
    system = sdf.read_system(text, sdf_path, len(platform.cpus))
    split = None
    if ram is not None:
        names = [f"k{i}" for i in range(len(platform.cpus))]
        missing = [n for n in names if n not in ram]
        if missing:
            raise ValueError(f"--ram gives no RAM for {', '.join(missing)}; give every kernel's or none")
        split = [list(ram[n]) for n in names]
    spec_text = sdf.to_mk(system, platform, platform_text, os.path.relpath(os.path.abspath(sdf_path), out_dir), text, split,
                          kernel_image or sdf.KERNEL_IMAGE)
    made = _finish(reading.load_text(spec_text, os.path.join(out_dir, "<imported>"), out_dir))
    if made.spec is None:
        raise InternalError("the imported spec does not resolve:\n" + "\n".join(render(d, made.sources) for d in made.diagnostics if d.is_error))
    return spec_text


def check_path(path: str, options: Options | None = None) -> Report:
    """Load and check a spec file; a spec with errors gives a Report with diagnostics only."""
    return load_and_check(path, options)[1]


def machine(spec: Spec):
    """A reference-model Machine of the spec (model.Machine), ready to run scenario steps.

        m = checker.machine(spec)
        run = m.run(model.scenario_from_json([{"op": "boot", "kernel": "k0"}]))
        print(model.format_trace(run))
    """
    import model

    from checker.replay import machine_config

    return model.Machine(machine_config(spec))
